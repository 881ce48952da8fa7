"""``CounterService``: the municipal counter API (:class:`~labkit.office.contract.CounterApi`)
in process, over one :class:`~labkit.municipality.Municipality`. The office's server answers
``/api/counter/...`` with it, so :class:`~labkit.office.http.HttpCounter` sees exactly what a
caller in process sees.

Like the server, it takes the card over the counter as its state and hands it back as its
state (see :mod:`labkit.office.counter_forms`); every error leaves as the :class:`~labkit.errors.ServiceError`
the HTTP client would raise (:func:`~labkit.office.refusals.as_refusal`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from cryptography import x509

from ..card import KeyRole, MyNumberCard
from ..errors import InputError, LabkitError
from ..i18n import Text
from ..office.contract import (
    AttributeChange,
    CardFoundRequest,
    CardRequest,
    CertificateInfo,
    CounterReceipt,
    PinReset,
    Resident,
    ResidentQuery,
    ResidentRef,
    ResidentRequest,
)
from ..office.refusals import Refusal, as_refusal, refuse
from ..pki import CertState
from .counter import Municipality

__all__ = ["CounterService"]


@contextmanager
def _as_refusals() -> Iterator[None]:
    try:
        yield
    except LabkitError as exc:
        raised = as_refusal(exc)
        if raised is exc:
            raise
        raise raised from exc


def _signing_serial(card: MyNumberCard) -> int | None:
    der = card.jpki.certificate(KeyRole.SIGN)
    return None if der is None else x509.load_der_x509_certificate(der).serial_number


class CounterService:
    """A :class:`~labkit.office.contract.CounterApi` in process."""

    def __init__(self, municipality: Municipality) -> None:
        self.municipality = municipality

    def _resident(self, my_number: str) -> Resident:
        ResidentRef(my_number)
        try:
            return self.municipality.registry.get(my_number)
        except InputError:
            raise refuse(Refusal.RESIDENT_UNKNOWN) from None

    def _receipt(self, my_number: str, message: Text, **fields: Any) -> CounterReceipt:
        return CounterReceipt(self.municipality.registry.get(my_number), message, **fields)

    # -- the register -------------------------------------------------------------------------
    def register_resident(self, request: ResidentRequest) -> Resident:
        with _as_refusals():
            if request.my_number is not None:
                with suppress(InputError):  # InputError: no such resident yet
                    self.municipality.registry.get(request.my_number)
                    raise refuse(Refusal.RESIDENT_EXISTS)
            return self.municipality.register(request.name, request.sex, request.birth_date, request.address,
                                              my_number=request.my_number)

    def find_resident(self, query: ResidentQuery) -> Resident:
        with _as_refusals():
            if query.my_number is not None:
                return self._resident(query.my_number)
            try:
                return self.municipality.registry.by_holder(query.holder_id or "")
            except InputError:
                raise refuse(Refusal.RESIDENT_UNKNOWN) from None

    # -- cards --------------------------------------------------------------------------------
    def issue_card(self, request: CardRequest) -> CounterReceipt:
        """Personalised here (keys on the card, certificates from J-LIS); the card leaves as
        its state."""
        with _as_refusals():
            resident = self._resident(request.my_number)
            if request.sign_password is not None:
                self.municipality.check_signing_age(resident)
            card = self.municipality.issue_card(resident, auth_pin=request.auth_pin,
                                                sign_password=request.sign_password)
            issued = tuple(x509.load_der_x509_certificate(der).serial_number
                           for der in (card.jpki.certificate(role) for role in KeyRole) if der is not None)
            return self._receipt(request.my_number,
                                 Text("マイナンバーカードを交付しました", "the My Number Card is issued"),
                                 issued=issued, card=card.to_state())

    def report_card_loss(self, my_number: str) -> CounterReceipt:
        with _as_refusals():
            held = self.municipality.report_card_loss(self._resident(my_number))
            message = (Text("紛失届を受け付け、電子証明書を一時保留にしました",
                            "loss report received; the certificates are on hold") if held else
                       Text("紛失届を受け付けました (既に一時保留中です)",
                            "loss report received (already on hold)"))
            return self._receipt(my_number, message, held=held)

    def phone_found(self, my_number: str) -> CounterReceipt:
        with _as_refusals():
            released, revoked = self.municipality.phone_found(self._resident(my_number))
            return self._receipt(my_number, Text("利用者証明用の一時保留を解除し、署名用を失効しました",
                                                 "user authentication released; signing certificate revoked"),
                                 released=released, revoked=revoked)

    def card_found(self, request: CardFoundRequest) -> CounterReceipt:
        with _as_refusals():
            resident = self._resident(request.my_number)
            card = MyNumberCard.from_state(request.card) if request.card is not None else None
            before = _signing_serial(card) if card is not None else None
            released, revoked = self.municipality.card_found(resident, card,
                                                             new_sign_password=request.new_sign_password)
            after = _signing_serial(card) if card is not None else None
            return self._receipt(request.my_number, Text("カードの一時保留を解除しました", "the card's hold is lifted"),
                                 released=released, revoked=revoked,
                                 issued=(after,) if after is not None and after != before else (),
                                 card=card.to_state() if card is not None else None)

    def change_attributes(self, request: AttributeChange) -> CounterReceipt:
        with _as_refusals():
            resident = self._resident(request.my_number)
            card = MyNumberCard.from_state(request.card) if request.card is not None else None
            before = _signing_serial(card) if card is not None else None
            signing_before = self.municipality.ops.live_signing(resident.holder_id)
            self.municipality.change_attributes(resident, address=request.address, name=request.name, card=card,
                                                new_sign_password=request.new_sign_password)
            after = _signing_serial(card) if card is not None else None
            ops = self.municipality.ops
            revoked = tuple(s for s in sorted(signing_before) if ops.cert_status(s).state is CertState.REVOKED)
            return self._receipt(request.my_number, Text("住所・氏名の変更を受け付けました",
                                                         "the change of address or name is recorded"),
                                 revoked=revoked, issued=(after,) if after is not None and after != before else (),
                                 card=card.to_state() if card is not None else None)

    def reset_pin(self, request: PinReset) -> CounterReceipt:
        with _as_refusals():
            card = MyNumberCard.from_state(request.card)
            self.municipality.reset_pin(self._resident(request.my_number), card, request.role, request.new_pin)
            return self._receipt(request.my_number, Text("暗証番号を初期化しました", "the PIN is reset"),
                                 card=card.to_state())

    def card_certificates(self, my_number: str) -> tuple[CertificateInfo, ...]:
        """The resident's card certificates (every one issued, oldest first; same instant: by serial)
        as they stand now."""
        with _as_refusals():
            ops = self.municipality.ops
            holder_id = self._resident(my_number).holder_id
            return tuple(ops.certificate_info(s) for s in ops.card_certificates(holder_id, live_only=False))
