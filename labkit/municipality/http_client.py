"""``HttpCounter``: the municipal counter API (:mod:`labkit.municipality.api`) over the
``/api/counter/...`` endpoints of ``labkit jlis serve``. It shares the connection, the JSON
codec and the error mapping of :class:`~labkit.jlis.http_client.HttpJlis`, so it returns the
same types and raises the same errors as the in-process
:class:`~labkit.municipality.service.CounterService`. Requests are checked here as they are
built (the same dataclasses), so a malformed one fails before it is sent, exactly as it does
in process."""

from __future__ import annotations

from typing import Any, TypeVar

from ..jlis._codec import decode, encode
from ..jlis.http_client import HttpJlis
from .api import (
    AttributeChange,
    CardFoundRequest,
    CardRequest,
    CounterReceipt,
    PinReset,
    ResidentQuery,
    ResidentRef,
    ResidentRequest,
)
from .registry import Resident

__all__ = ["COUNTER_PREFIX", "HttpCounter"]

COUNTER_PREFIX = "/api/counter"
T = TypeVar("T")


class HttpCounter:
    """A :class:`~labkit.municipality.api.CounterApi` over HTTP; ``jlis`` is an
    :class:`HttpJlis` (its connection is shared) or the server's URL."""

    def __init__(self, jlis: HttpJlis | str) -> None:
        self._owned = not isinstance(jlis, HttpJlis)
        self.jlis = HttpJlis(jlis) if isinstance(jlis, str) else jlis

    def close(self) -> None:
        if self._owned:
            self.jlis.close()

    def __enter__(self) -> HttpCounter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _post(self, path: str, body: Any, answer: type[T]) -> T:
        return decode(answer, self.jlis.call_json("POST", f"{COUNTER_PREFIX}/{path}", encode(body)))

    def register_resident(self, request: ResidentRequest) -> Resident:
        return self._post("residents", request, Resident)

    def find_resident(self, query: ResidentQuery) -> Resident:
        return self._post("residents/find", query, Resident)

    def issue_card(self, request: CardRequest) -> CounterReceipt:
        return self._post("cards", request, CounterReceipt)

    def report_card_loss(self, my_number: str) -> CounterReceipt:
        return self._post("card-loss", ResidentRef(my_number), CounterReceipt)

    def phone_found(self, my_number: str) -> CounterReceipt:
        return self._post("phone-found", ResidentRef(my_number), CounterReceipt)

    def card_found(self, request: CardFoundRequest) -> CounterReceipt:
        return self._post("card-found", request, CounterReceipt)

    def change_attributes(self, request: AttributeChange) -> CounterReceipt:
        return self._post("attributes", request, CounterReceipt)

    def reset_pin(self, request: PinReset) -> CounterReceipt:
        return self._post("pin-reset", request, CounterReceipt)
