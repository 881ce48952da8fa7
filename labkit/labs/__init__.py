"""Lab helpers: what one notebook lab shows, composed from the World facade and the course
widgets. One module per chapter (:mod:`labkit.labs.ch1`, :mod:`labkit.labs.ch2`), one function
per lab. The notebooks call these and display what they return; the logic is unit-tested in
``tests/labs``."""
