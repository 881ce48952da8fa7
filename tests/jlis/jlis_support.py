"""Helpers for the J-LIS tests: a lab (clock, PKI, service) with residents whose cards are
made once per session, software stand-ins for the phones' SE keys, and request builders.

RSA keys are the slow part, so they come from session pools: CA keys cycle through four,
card keys are made by :func:`labkit.card.personalise` once per session per resident and
copied, phone keys are drawn from a pool."""

from __future__ import annotations

import copy
import itertools
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils

from labkit.card import KeyRole, MyNumberCard
from labkit.clock import SimulatedClock
from labkit.errors import LabkitError
from labkit.jlis import (
    ApplicationKind,
    ApplicationReceipt,
    ApplicationRequest,
    DeviceAction,
    DeviceProof,
    DeviceStatus,
    JlisApi,
    Notification,
    RevocationReceipt,
    RevocationRequest,
)
from labkit.jlis.service import JlisService
from labkit.pki import BasicAttributes, CaKind, Holder, Jpki, Sex
from labkit.pki.signer import parse_digest_info
from labkit.reader import InProcessTransport, JpkiClient
from labkit.se.device_key import DeviceKeySlot

SIGN_PASSWORD = "ABC123"
AUTH_PIN = "1234"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def spki(key: rsa.RSAPrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def resident(holder_id: str = "resident-1", name: str = "番号\u3000花子", birth: date = date(1990, 7, 15),
             address: str = "東京都清瀬市見本町１丁目２番３号", card_expiry: date = date(2035, 7, 15)) -> Holder:
    return Holder(holder_id, BasicAttributes(name, Sex.FEMALE, birth, address), "Tokyo", "Kiyose-shi", card_expiry)


def card_signer(card: MyNumberCard, password: str = SIGN_PASSWORD) -> Callable[[bytes], bytes]:
    """What the app does with the card: VERIFY the signing password, then ``80 2A``."""
    client = JpkiClient(InProcessTransport(card))
    return lambda digest_info: client.sign_digest_info(KeyRole.SIGN, digest_info, pin=password)


def key_signer(key: rsa.RSAPrivateKey) -> Callable[[bytes], bytes]:
    """The SE's key (software stand-in): signs a DigestInfo as the JPKI AP does."""
    def sign(digest_info: bytes) -> bytes:
        alg, digest = parse_digest_info(digest_info)
        return key.sign(digest, padding.PKCS1v15(), utils.Prehashed(alg.new()))
    return sign


@dataclass
class Phone:
    """A phone as J-LIS sees it: an id, an SE id and the SE's keys (software here)."""

    device_id: str
    keys: Iterator[rsa.RSAPrivateKey]
    se_id: str = ""
    model: str = "Pixel 8"
    app_version: str = "54.1"
    current: dict[CaKind, rsa.RSAPrivateKey] = field(default_factory=dict)
    device: DeviceKeySlot | None = None

    def __post_init__(self) -> None:
        self.se_id = self.se_id or f"se-{self.device_id}"
        self.device = self.device or DeviceKeySlot(next(self.keys))

    def proof(self, action: DeviceAction, application_id: str | None = None) -> DeviceProof:
        """What the SE's DEVICE SIGN gives the app (software stand-in, same format)."""
        assert self.device is not None
        return DeviceProof.make(action, self.device_id, application_id, self.device.sign)

    def poll(self, jlis: JlisApi) -> list[Notification]:
        return jlis.poll(self.device_id, self.proof(DeviceAction.POLL))

    def status(self, jlis: JlisApi) -> DeviceStatus:
        return jlis.device_status(self.device_id, self.proof(DeviceAction.STATUS))

    def fetch(self, jlis: JlisApi, application_id: str):  # type: ignore[no-untyped-def]
        return jlis.fetch_registration(application_id, self.device_id,
                                       self.proof(DeviceAction.FETCH_REGISTRATION, application_id))

    def confirm(self, jlis: JlisApi, application_id: str) -> DeviceStatus:
        return jlis.confirm_registration(application_id, self.device_id,
                                         self.proof(DeviceAction.CONFIRM_REGISTRATION, application_id))

    def fresh_keys(self, kinds: tuple[CaKind, ...]) -> dict[CaKind, bytes]:
        for kind in kinds:
            self.current[kind] = next(self.keys)
        return {kind: spki(self.current[kind]) for kind in kinds}

    def request(self, card: MyNumberCard | None, *, kind: ApplicationKind = ApplicationKind.NEW,
                certificates: tuple[CaKind, ...] = (CaKind.SIGN, CaKind.AUTH), password: str = SIGN_PASSWORD,
                card_der: bytes | None = None, sign: bool = True) -> ApplicationRequest:
        cert = card_der if card_der is not None else (card.jpki.certificate(KeyRole.SIGN) if card else None)
        assert self.device is not None
        req = ApplicationRequest(self.device_id, self.se_id, kind, certificates, self.fresh_keys(certificates),
                                 cert, self.model, self.app_version, os.urandom(16),
                                 device_key=self.device.public_spki())
        return req.sign_with(card_signer(card, password)) if sign and card is not None else req

    def apply(self, jlis: JlisApi, card: MyNumberCard, **kwargs: object) -> ApplicationReceipt:
        req = self.request(card, **kwargs)  # type: ignore[arg-type]
        if req.kind is ApplicationKind.CARD_FOUND:
            return jlis.lift_suspension_by_card(req)
        return jlis.submit_application(req)

    def register(self, jlis: JlisApi, receipt: ApplicationReceipt) -> dict[CaKind, int]:
        from cryptography import x509
        package = self.fetch(jlis, receipt.application_id)
        self.confirm(jlis, receipt.application_id)
        return {k: x509.load_der_x509_certificate(v).serial_number for k, v in package.certificates.items()}

    def revoke(self, jlis: JlisApi, serial: int, kind: CaKind = CaKind.AUTH) -> RevocationReceipt:
        req = RevocationRequest(self.device_id, serial, os.urandom(16)).sign_with(key_signer(self.current[kind]))
        return jlis.revoke_by_user(req)


@dataclass
class Lab:
    clock: SimulatedClock
    jpki: Jpki
    jlis: JlisService
    phone_keys: list[rsa.RSAPrivateKey]
    #: Each device id's SE device key (shared by every Phone object made for that id, as one SE).
    device_keys: dict[str, DeviceKeySlot] = field(default_factory=dict)

    def card(self, holder: Holder | None = None, *, sign_password: str | None = SIGN_PASSWORD) -> MyNumberCard:
        return self.jlis.counter.issue_card(holder or resident(), my_number="123456789018", auth_pin=AUTH_PIN,
                                    sign_password=sign_password)

    def phone(self, device_id: str, **kwargs: object) -> Phone:
        offset = sum(map(ord, device_id)) % len(self.phone_keys)
        keys = self.phone_keys[offset:] + self.phone_keys[:offset]
        kwargs.setdefault("device", self.device_keys.setdefault(device_id, DeviceKeySlot(keys[-1])))
        return Phone(device_id, itertools.cycle(keys), **kwargs)  # type: ignore[arg-type]

    # -- the device endpoints, called as the phone ``device_id`` (with its device proof) ---------
    def poll(self, device_id: str) -> list[Notification]:
        return self.phone(device_id).poll(self.jlis)

    def status(self, device_id: str) -> DeviceStatus:
        return self.phone(device_id).status(self.jlis)

    def fetch(self, application_id: str, device_id: str):  # type: ignore[no-untyped-def]
        return self.phone(device_id).fetch(self.jlis, application_id)

    def confirm(self, application_id: str, device_id: str) -> DeviceStatus:
        return self.phone(device_id).confirm(self.jlis, application_id)


def key_pool(keys: list[rsa.RSAPrivateKey]) -> Iterator[rsa.RSAPrivateKey]:
    return itertools.cycle(keys)


def copy_card(card: MyNumberCard) -> MyNumberCard:
    return MyNumberCard.from_state(copy.deepcopy(card.to_state()))


def assert_bilingual(exc: LabkitError) -> None:
    """A learner-facing error: a Japanese text with kana/kanji and a different English one."""
    ja, en = exc.message("ja"), exc.message("en")
    assert ja and en and ja != en
    assert any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in ja), ja
