"""The forms of the municipal counter (市区町村窓口) API: what a notebook hands over the counter
and what it gets back, so that notebooks in other kernels can register residents and get My
Number Cards from a shared ``labkit jlis serve``.

Two implementations of :class:`~labkit.office.contract.CounterApi` behave identically, like
the J-LIS API: :class:`~labkit.municipality.service.CounterService` in process (over a
:class:`~labkit.municipality.Municipality`) and :class:`~labkit.office.http.HttpCounter`
over HTTP. Refusals are the same :class:`~labkit.errors.ServiceError` (stable ``reason``,
Japanese + English text) on both sides: :mod:`labkit.office.wire` carries them.

Operations (:class:`~labkit.office.contract.CounterApi`) and their endpoints under
``/api/counter/`` (all ``POST``, JSON in and out; the My Number travels in the body, never in
a URL that ends up in logs):

================================  =======================  ==========================================
``register_resident(req)``        ``residents``            住民登録: 4 basic attributes (the birthday
                                                           among them) and, if given, a My Number
                                                           with a valid check digit
``find_resident(query)``          ``residents/find``       by ``my_number`` or ``holder_id``
``issue_card(req)``               ``cards``                交付: the card, with the PINs the resident
                                                           chose
``report_card_loss(my_number)``   ``card-loss``            紛失届: card and phone on hold
``phone_found(my_number)``        ``phone-found``          phone user-auth resumes, signing revoked
                                                           (apply again in the app)
``card_found(req)``               ``card-found``           card user-auth resumes, signing revoked,
                                                           re-issued with a password
``change_attributes(req)``        ``attributes``           転居・氏名の変更: signing certificates
                                                           revoked, optionally re-issued
``reset_pin(req)``                ``pin-reset``            暗証番号の初期化 of a locked PIN
``card_certificates(my_number)``  ``card-certificates``    the card's certificates, all, as they
                                                           stand now
================================  =======================  ==========================================

Each answer is a :class:`CounterReceipt` (``register_resident`` and ``find_resident``: the
:class:`Resident`; ``card_certificates``: :class:`~labkit.office.jlis_forms.CertificateInfo`).
Refusal codes: ``malformed`` (400: bad attributes, My Number, PIN format, card state),
``resident_unknown`` (404), ``resident_exists`` (409),
``wrong_card`` (403: the card is someone else's), ``not_eligible`` (422),
``nothing_to_lift`` / ``nothing_to_suspend`` (409).

**The card crosses the counter as its state.** A My Number Card is personalised where the
counter is: the key pairs are generated *on the card* and the server's PKI certifies them.
Over HTTP the finished card comes back as :meth:`MyNumberCard.to_state()
<labkit.card.MyNumberCard.to_state>`, which the client kernel loads into its own emulated
card (:meth:`~labkit.card.MyNumberCard.from_state`): this models the official handing the
physical card over the counter. For a re-issue or a PIN reset the resident hands the card
over (its state goes in the request) and gets it back changed
(:meth:`~labkit.card.MyNumberCard.load_state`). The PINs the resident chooses are sent to
the counter, as at a real counter where the resident types them on the counter's terminal.
The chip image holds private keys: that is a lab shortcut of a physical hand-over, acceptable
on the loopback interface a lab server listens on; a real chip never lets them out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from ..card import JpkiProfile, KeyRole, check_my_number
from ..errors import InputError
from ..i18n import Text
from ..pki import BasicAttributes, Holder, Sex
from .refusals import MalformedRequestError, public_details
from .wire import Serial

__all__ = ["AttributeChange", "CardFoundRequest", "CardRequest", "CardState", "CounterReceipt", "PinReset", "Resident",
           "ResidentQuery", "ResidentRef", "ResidentRequest"]

_HOLDER_ID = re.compile(r"[A-Za-z0-9._\-]{1,64}")
_CARD = JpkiProfile.CARD


class CardState(StrEnum):
    NONE = "none"        # no card issued
    ISSUED = "issued"    # in the resident's hands
    LOST = "lost"        # 紛失届 received


@dataclass(frozen=True, slots=True)
class Resident:
    """One registered resident. ``holder`` carries the four basic attributes, the romaji
    locality and the card's expiry; ``birth_date`` is in it too (the 5th-birthday rule)."""

    my_number: str
    holder: Holder
    card_state: CardState = CardState.NONE
    history: tuple[str, ...] = ()

    @property
    def holder_id(self) -> str:
        return self.holder.holder_id

    @property
    def birth_date(self) -> date:
        return self.holder.attributes.birth_date

    @property
    def name(self) -> str:
        return self.holder.attributes.name


def _valid(check: Callable[[], object], field: str) -> None:
    """Run ``check``; its InputError becomes the malformed-request error naming ``field``."""
    try:
        check()
    except InputError as exc:
        if isinstance(exc, MalformedRequestError):
            raise
        raise MalformedRequestError(exc.text, **{**public_details(exc), "field": field}) from None


def _my_number(value: object) -> None:
    _valid(lambda: check_my_number(value), "my_number")  # type: ignore[arg-type]


def _card_state(value: object, required: bool) -> None:
    if value is None and not required:
        return
    if not isinstance(value, dict):
        raise MalformedRequestError(Text("カード (card) はカードの状態 (JSON オブジェクト) です",
                                         "card must be the card's state (a JSON object)"), field="card")


@dataclass(frozen=True, slots=True)
class ResidentRequest:
    """住民登録. ``my_number`` None: the municipality assigns one."""

    name: str
    sex: Sex
    birth_date: date
    address: str
    my_number: str | None = None

    def __post_init__(self) -> None:
        _valid(lambda: BasicAttributes(self.name, self.sex, self.birth_date, self.address), "attributes")
        object.__setattr__(self, "sex", Sex(self.sex))
        if self.my_number is not None:
            _my_number(self.my_number)


@dataclass(frozen=True, slots=True)
class ResidentQuery:
    """Exactly one of ``my_number`` or ``holder_id``."""

    my_number: str | None = None
    holder_id: str | None = None

    def __post_init__(self) -> None:
        if (self.my_number is None) == (self.holder_id is None):
            raise MalformedRequestError(Text("my_number か holder_id のどちらか一方を指定します",
                                             "give exactly one of my_number or holder_id"))
        if self.my_number is not None:
            _my_number(self.my_number)
        elif not isinstance(self.holder_id, str) or not _HOLDER_ID.fullmatch(self.holder_id):
            raise MalformedRequestError(Text("holder_id は英数字と . _ - の64文字以内です",
                                             "holder_id is 1-64 characters of A-Z a-z 0-9 . _ -"), field="holder_id")


@dataclass(frozen=True, slots=True)
class ResidentRef:
    """The body of the card-loss and phone-found requests."""

    my_number: str

    def __post_init__(self) -> None:
        _my_number(self.my_number)


@dataclass(frozen=True, slots=True)
class CardRequest:
    """交付: the user-auth PIN (also the text AP's PIN) and the signing password (None: no
    signing certificate, as for a resident under 15)."""

    my_number: str
    auth_pin: str
    sign_password: str | None = None

    def __post_init__(self) -> None:
        _my_number(self.my_number)
        _valid(lambda: _CARD.auth_pin.check(self.auth_pin), "auth_pin")
        if self.sign_password is not None:
            _valid(lambda: _CARD.sign_pin.check(self.sign_password), "sign_password")  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class CardFoundRequest:
    """カード発見. With ``new_sign_password`` the card (its state) is handed over too and a new
    signing certificate is written on it."""

    my_number: str
    card: dict[str, Any] | None = None
    new_sign_password: str | None = None

    def __post_init__(self) -> None:
        _my_number(self.my_number)
        _card_state(self.card, self.new_sign_password is not None)
        if self.new_sign_password is not None:
            _valid(lambda: _CARD.sign_pin.check(self.new_sign_password), "new_sign_password")  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class AttributeChange:
    """転居・氏名の変更 (at least one of them); optionally the card and a new signing password."""

    my_number: str
    address: str | None = None
    name: str | None = None
    card: dict[str, Any] | None = None
    new_sign_password: str | None = None

    def __post_init__(self) -> None:
        _my_number(self.my_number)
        if self.address is None and self.name is None:
            raise MalformedRequestError(Text("新しい住所か氏名を指定します", "give a new address or name"))
        _card_state(self.card, self.new_sign_password is not None)
        if self.new_sign_password is not None:
            _valid(lambda: _CARD.sign_pin.check(self.new_sign_password), "new_sign_password")  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class PinReset:
    """暗証番号の初期化: the card is handed over, ``role``'s PIN gets ``new_pin`` and full tries."""

    my_number: str
    card: dict[str, Any]
    role: KeyRole
    new_pin: str

    def __post_init__(self) -> None:
        _my_number(self.my_number)
        _card_state(self.card, True)
        try:
            object.__setattr__(self, "role", KeyRole(self.role))
        except ValueError:
            raise MalformedRequestError(Text("role は auth か sign です", "role is auth or sign"),
                                        field="role") from None
        policy = _CARD.auth_pin if self.role is KeyRole.AUTH else _CARD.sign_pin
        _valid(lambda: policy.check(self.new_pin), "new_pin")


@dataclass(frozen=True, slots=True)
class CounterReceipt:
    """What the counter hands back: the resident's record now, the certificates it put on
    hold, released, revoked or issued, and the card (its state) if one crossed the counter."""

    resident: Resident
    message: Text
    held: tuple[Serial, ...] = ()
    released: tuple[Serial, ...] = ()
    revoked: tuple[Serial, ...] = ()
    issued: tuple[Serial, ...] = ()
    card: dict[str, Any] | None = None
