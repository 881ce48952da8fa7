"""labkit: the machinery behind the スマホ用電子証明書 course.

Each subpackage is one actor of the lecture; dependencies point one way:
widgets → phone/services → jlis/pki → card/se → apdu.
"""

__version__ = "0.1.0"
