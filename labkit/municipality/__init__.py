"""The municipality (市区町村): the resident registry and the counter (窓口) that issues cards,
takes loss reports, lifts suspensions, records changes of address or name and resets PINs.

The counter is also an API (:mod:`labkit.municipality.api`): :class:`CounterService` in
process, :class:`HttpCounter` over ``labkit jlis serve``, and :class:`RemoteMunicipality`
offering :class:`Municipality`'s calls over either."""

from .api import (
    AttributeChange,
    CardFoundRequest,
    CardRequest,
    CounterApi,
    CounterReceipt,
    PinReset,
    ResidentQuery,
    ResidentRef,
    ResidentRequest,
)
from .counter import Municipality
from .http_client import HttpCounter
from .registry import CardState, Resident, ResidentRegistry, new_my_number
from .remote import RemoteMunicipality, RemoteRegistry
from .service import CounterService

__all__ = [
    "AttributeChange",
    "CardFoundRequest",
    "CardRequest",
    "CardState",
    "CounterApi",
    "CounterReceipt",
    "CounterService",
    "HttpCounter",
    "Municipality",
    "PinReset",
    "RemoteMunicipality",
    "RemoteRegistry",
    "Resident",
    "ResidentQuery",
    "ResidentRef",
    "ResidentRegistry",
    "ResidentRequest",
    "new_my_number",
]
