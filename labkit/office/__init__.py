"""The back office — J-LIS and the municipal counter — as the phones, the services, the world
and the labs see it: contracts (``contract``, ``jlis_forms``, ``counter_forms``), the wire
format (``wire``, ``refusals``), the HTTP client and server (``http``, ``server``), the
counter for notebooks (``desk``) and the one composition root (``compose.Office``), the only
place that builds the concrete classes. ``labkit.jlis`` and ``labkit.municipality`` implement
the contracts and never import each other. This ``__init__`` imports the contracts only, so
J-LIS can import them without importing itself back (README "Back office")."""

from .contract import CounterApi, JlisApi, JlisCounterOps

__all__ = ["CounterApi", "JlisApi", "JlisCounterOps"]
