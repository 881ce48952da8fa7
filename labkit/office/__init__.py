"""The back office — J-LIS and the municipal counter — as the phones, the services, the world
and the labs see it (ports and adapters, like the lower half's transports):

==================  ===================================================================
``contract``        :class:`JlisApi`, :class:`CounterApi` and :class:`JlisCounterOps`
                    (Protocols); their value objects in ``jlis_forms``, ``counter_forms``
``wire``            the JSON codec, serials, refusals as JSON, holder records
``refusals``        the stable refusal codes with Japanese and English text
``http``            ``HttpJlis`` + ``HttpCounter`` (one connection), ``RemoteClock``
``server``          the Starlette app: publication, J-LIS and counter routers
``desk``            :class:`CounterDesk`, the counter's calls for notebooks
``compose``         :class:`Office` — the one place that builds the concrete classes
==================  ===================================================================

``labkit.jlis`` and ``labkit.municipality`` implement the contracts and never import each
other; ``from labkit.office.compose import Office`` builds them. This package's ``__init__``
imports the contracts only, so J-LIS can import them without importing itself back.
"""

from .contract import CounterApi, JlisApi, JlisCounterOps

__all__ = ["CounterApi", "JlisApi", "JlisCounterOps"]
