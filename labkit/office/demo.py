"""A sample world for ``labkit jlis serve --demo``: fictitious residents of Kiyose-shi with
cards and phones in every interesting state, made through the real flows.

* 見本 花子 — changed phones: the old phone's certificates revoked (superseded), the new good.
* 見本 太郎 — lost his phone and called the hotline: phone certificates on hold.
* 番号 次郎 — stopped using the service: phone certificates revoked (cessationOfOperation).
* 番号 美咲 — moved house: card and phone signing certificates revoked (affiliationChanged),
  user-auth certificates still good.
* 見本 さくら — 10 years old: a card with a user-auth certificate only.

Cards are emulated and sign the applications with real APDUs. The phones are stand-ins: the
SE's key pairs, the device key among them, are software keys made here (the GP-SE lives in
:mod:`labkit.se`; the demo does not need a whole phone). The device key signs the device proofs
J-LIS wants on poll and registration (lab assumption, :mod:`labkit.jlis.devices`).
Applications are processed at once (a push policy without delay), so the demo is ready
whatever the hour. :mod:`labkit.office.compose` builds the two
(J-LIS on that policy, the municipality) and calls :func:`build_demo`; ``GET /demo`` lists the
result (:func:`demo_listing`).
"""

from __future__ import annotations

import json
import os
from datetime import date, time, timedelta
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils

from ..card import KeyRole, MyNumberCard
from ..jlis.rules import PushPolicy
from ..pki import CaKind, Sex
from ..pki.signer import parse_digest_info
from ..reader import InProcessTransport, JpkiClient
from ..se.device_key import DeviceKeySlot
from .contract import (
    ApplicationKind,
    ApplicationRequest,
    DeviceAction,
    DeviceProof,
    JlisApi,
    LossItem,
    LossReport,
    RevocationRequest,
)
from .wire import encode

if TYPE_CHECKING:
    from ..jlis import JlisDb, JlisService
    from ..municipality import Municipality

__all__ = ["DEMO_META", "IMMEDIATE_PUSH", "build_demo", "demo_holders", "demo_listing"]

DEMO_META = "demo_holders"
#: Every application's push is due at once (demo and notebooks that skip the wait).
IMMEDIATE_PUSH = PushPolicy(time(0, 0), time(23, 59, 59, 999999), timedelta(0))
_PASSWORD = "DEMO2024"


def demo_holders(db: JlisDb) -> list[str]:
    raw = db.meta(DEMO_META)
    return list(json.loads(raw)) if raw else []


class _DemoPhone:
    def __init__(self, jlis: JlisApi, device_id: str) -> None:
        self.jlis, self.device_id = jlis, device_id
        self.keys: dict[CaKind, rsa.RSAPrivateKey] = {}
        self.serials: dict[CaKind, int] = {}
        self.device_key = DeviceKeySlot()

    def proof(self, action: DeviceAction, application_id: str | None = None) -> DeviceProof:
        return DeviceProof.make(action, self.device_id, application_id, self.device_key.sign)

    def apply(self, card: MyNumberCard, kind: ApplicationKind = ApplicationKind.NEW) -> None:
        for k in CaKind:
            self.keys[k] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        spki = {k: v.public_key().public_bytes(serialization.Encoding.DER,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
                for k, v in self.keys.items()}
        client = JpkiClient(InProcessTransport(card))
        request = ApplicationRequest(self.device_id, f"se-{self.device_id}", kind, (CaKind.SIGN, CaKind.AUTH), spki,
                                     card.jpki.certificate(KeyRole.SIGN), "LAB-PHONE", "54.0", os.urandom(16),
                                     device_key=self.device_key.public_spki())
        request = request.sign_with(lambda di: client.sign_digest_info(KeyRole.SIGN, di, pin=_PASSWORD))
        receipt = self.jlis.submit_application(request)
        app_id = receipt.application_id
        self.jlis.poll(self.device_id, self.proof(DeviceAction.POLL))
        package = self.jlis.fetch_registration(app_id, self.device_id,
                                               self.proof(DeviceAction.FETCH_REGISTRATION, app_id))
        status = self.jlis.confirm_registration(app_id, self.device_id,
                                                self.proof(DeviceAction.CONFIRM_REGISTRATION, app_id))
        assert package.certificates
        self.serials = {c.kind: c.serial for c in status.certificates if c.state.value == "good"}

    def stop_using(self) -> None:
        key = self.keys[CaKind.AUTH]

        def sign(di: bytes) -> bytes:
            alg, digest = parse_digest_info(di)
            return key.sign(digest, padding.PKCS1v15(), utils.Prehashed(alg.new()))
        self.jlis.revoke_by_user(RevocationRequest(self.device_id, self.serials[CaKind.AUTH], os.urandom(16))
                                 .sign_with(sign))


def build_demo(fast: JlisApi, city: Municipality, db: JlisDb) -> list[str]:
    """Fill the sample world once through ``fast`` (J-LIS with :data:`IMMEDIATE_PUSH`) and
    ``city``; returns the demo holders' ids (also kept in ``db``)."""
    if demo_holders(db):
        return demo_holders(db)
    people = [
        ("見本\u3000花子", Sex.FEMALE, date(1990, 2, 17), "東京都清瀬市中里５丁目８４２番地"),
        ("見本\u3000太郎", Sex.MALE, date(1985, 11, 3), "東京都清瀬市元町１丁目２番３号"),
        ("番号\u3000次郎", Sex.MALE, date(1978, 6, 30), "東京都清瀬市松山２丁目３番４号"),
        ("番号\u3000美咲", Sex.FEMALE, date(1995, 9, 9), "東京都清瀬市竹丘３丁目４番５号"),
        ("見本\u3000さくら", Sex.FEMALE, date(2016, 4, 10), "東京都清瀬市中里５丁目８４２番地"),
    ]
    residents = [city.register(*p, holder_id=f"demo-{i + 1}") for i, p in enumerate(people)]
    hanako, taro, jiro, misaki, sakura = residents
    cards = {r.holder_id: city.issue_card(r, auth_pin="1234", sign_password=_PASSWORD)
             for r in (hanako, taro, jiro, misaki)}
    city.issue_card(sakura, auth_pin="1234", sign_password=None)

    _DemoPhone(fast, "demo-phone-hanako-old").apply(cards[hanako.holder_id])
    _DemoPhone(fast, "demo-phone-hanako").apply(cards[hanako.holder_id], ApplicationKind.DEVICE_CHANGE)
    _DemoPhone(fast, "demo-phone-taro").apply(cards[taro.holder_id])
    fast.report_loss(LossReport(taro.name, taro.birth_date, LossItem.PHONE))
    jiro_phone = _DemoPhone(fast, "demo-phone-jiro")
    jiro_phone.apply(cards[jiro.holder_id])
    jiro_phone.stop_using()
    _DemoPhone(fast, "demo-phone-misaki").apply(cards[misaki.holder_id])
    city.change_attributes(misaki, address="東京都清瀬市梅園１丁目１番１号")

    ids = [r.holder_id for r in residents]
    db.set_meta(DEMO_META, json.dumps(ids))
    return ids


def demo_listing(service: JlisService) -> list[dict[str, Any]]:
    """Every certificate of the demo holders, with its state and phone (``GET /demo``)."""
    service.tick()
    out = []
    for holder_id in demo_holders(service.db):
        holder = service.db.holder(holder_id)
        for rec in service.jpki.certificates_of(holder_id):
            st = service.jpki.status(rec.serial)
            link = service.db.link_of(rec.serial)
            out.append({"serial": f"{rec.serial:x}", "profile": rec.profile, "holder_id": holder_id,
                        "holder": holder.attributes.name if holder else None, "status": st.state.value,
                        "reason": None if st.reason is None else st.reason.name.lower(),
                        "status_text": encode(st.text), "not_after": encode(rec.not_after),
                        "device_id": link.device_id if link else None})
    return out
