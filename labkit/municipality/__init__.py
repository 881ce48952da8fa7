"""The municipality (市区町村): the resident registry and the counter (窓口) that issues cards,
takes loss reports, lifts suspensions, records changes of address or name and resets PINs.

:class:`Municipality` works with J-LIS's privileged counter operations only
(:class:`~labkit.office.contract.JlisCounterOps`); :class:`CounterService` offers it as the
counter API (:class:`~labkit.office.contract.CounterApi`, whose forms are re-exported here).
:mod:`labkit.office` composes it with J-LIS and serves it over HTTP."""

from ..office.contract import (
    AttributeChange,
    CardFoundRequest,
    CardRequest,
    CardState,
    CounterApi,
    CounterReceipt,
    PinReset,
    Resident,
    ResidentQuery,
    ResidentRef,
    ResidentRequest,
)
from .counter import Municipality
from .registry import ResidentRegistry, new_my_number
from .service import CounterService

__all__ = ["AttributeChange", "CardFoundRequest", "CardRequest", "CardState", "CounterApi", "CounterReceipt",
           "CounterService", "Municipality", "PinReset", "Resident", "ResidentQuery", "ResidentRef", "ResidentRegistry",
           "ResidentRequest", "new_my_number"]
