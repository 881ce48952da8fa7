"""J-LIS's device endpoints — push notifications, registration and a phone's status (2-4) —
and the device proof they want (:class:`~labkit.office.jlis_forms.DeviceProof`).

**Lab assumption (ラボの想定).** The lecture does not describe how J-LIS authenticates the
phone. The lab binds a key generated in the phone's SE (:mod:`labkit.se.device_key`) to the
device id when an application arrives (``ApplicationRequest.device_key``, inside the data the
card signs), and then wants every device call to carry a proof signed by that key:

* ``poll``, ``fetch_registration`` and ``confirm_registration`` without a valid proof are
  refused with ``unauthenticated`` (HTTP 401), so nobody else can take a phone's push
  notifications or mark it registered;
* ``device_status`` without a proof answers only what the CRL and OCSP publish anyway (the
  state and the certificates); holder, SE and pending application need the proof;
* a proof is good once: its counter must be higher than the last one J-LIS accepted from that
  phone (the SE counts up by itself), so a replayed proof is refused;
* a phone with no bound key (records made before the lab bound keys) needs no proof.

The check lives in the service, so in process and over HTTP behave the same. A key bound to
one holder's phone is replaced only by that holder's card-signed application (a phone whose
SE was reset); another person's application for the same device id is refused.
"""

from __future__ import annotations

from datetime import datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from ..clock import jst_hm
from ..i18n import Text
from ..office.contract import (
    ApplicationRequest,
    ApplicationState,
    DeviceAction,
    DeviceProof,
    DeviceState,
    DeviceStatus,
    Notification,
    NotificationKind,
    RegistrationPackage,
    UsageKind,
)
from ..office.refusals import Refusal, refuse
from ._core import JlisCore
from .db import ApplicationRow, DeviceRow, JlisDb
from .rules import old_phone_deletes

__all__ = ["DeviceKeys", "DeviceOps", "load_device_key"]


def load_device_key(der: bytes | None) -> rsa.RSAPublicKey:
    """The phone's device key as an application carries it: RSA 2048–4096 SPKI DER."""
    try:
        key = serialization.load_der_public_key(der) if isinstance(der, bytes) else None
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, rsa.RSAPublicKey) or not 2048 <= key.key_size <= 4096:
        raise refuse(Refusal.MALFORMED, Text("端末鍵 (device_key) は RSA 2048〜4096 ビットの SPKI (DER) です",
                                             "device_key must be an RSA 2048-4096 SPKI (DER)"), field="device_key")
    return key


def _unauthenticated(ja: str, en: str) -> Exception:
    return refuse(Refusal.UNAUTHENTICATED, Text(f"{ja}。端末の証明はラボの想定です",
                                                f"{en}; the device proof is a lab assumption"))


class DeviceKeys:
    """The ``jlis_device_keys`` table of :class:`~labkit.jlis.db.JlisDb`: each phone's bound
    key, the holder whose application bound it, and the last proof counter accepted."""

    def __init__(self, db: JlisDb) -> None:
        self.db = db

    def get(self, device_id: str) -> tuple[bytes, str | None, int] | None:
        """(SPKI DER, holder, last accepted counter)."""
        with self.db.tx() as conn:
            row = conn.execute("SELECT public_key, holder_id, counter FROM jlis_device_keys WHERE device_id = ?",
                               (device_id,)).fetchone()
        return (bytes.fromhex(row[0]), row[1], int(row[2])) if row else None

    def bind(self, device_id: str, spki: bytes, holder_id: str, at: datetime) -> None:
        """Bind (or re-bind) a key; a new key starts its counter again."""
        with self.db.tx() as conn:
            conn.execute("INSERT INTO jlis_device_keys VALUES (?, ?, ?, 0, ?) ON CONFLICT (device_id) DO UPDATE SET "
                         "counter = CASE WHEN public_key = excluded.public_key THEN counter ELSE 0 END, "
                         "public_key = excluded.public_key, holder_id = excluded.holder_id, "
                         "bound_at = excluded.bound_at", (device_id, spki.hex(), holder_id, int(at.timestamp())))

    def advance(self, device_id: str, counter: int) -> bool:
        """Compare-and-set: True if ``counter`` is higher than the last accepted one."""
        with self.db.tx() as conn:
            cur = conn.execute("UPDATE jlis_device_keys SET counter = ? WHERE device_id = ? AND counter < ?",
                               (counter, device_id, counter))
            return cur.rowcount == 1


class DeviceOps:
    """The device endpoints of :class:`~labkit.jlis.JlisService` on the shared core."""

    def __init__(self, core: JlisCore) -> None:
        self.core = core
        self.db = core.db
        self.keys = DeviceKeys(core.db)

    # -- binding (at application) -------------------------------------------------------------
    def check_binding(self, request: ApplicationRequest, holder_id: str) -> None:
        """Refuse, before anything is written, an application whose device key cannot be bound."""
        load_device_key(request.device_key)
        bound = self.keys.get(request.device_id)
        if bound is not None and bound[0] != request.device_key and bound[1] not in (None, holder_id):
            raise _unauthenticated("この端末 ID は別の端末鍵に結び付いています",
                                   "this device id is bound to another device key")

    def bind(self, request: ApplicationRequest, holder_id: str) -> None:
        assert request.device_key is not None  # check_binding ran first
        self.keys.bind(request.device_id, request.device_key, holder_id, self.core.now())

    # -- the proof ----------------------------------------------------------------------------
    def authenticate(self, device_id: str, proof: DeviceProof | None, action: DeviceAction,
                     application_id: str | None = None, *, required: bool = True) -> bool:
        """True if ``proof`` is a fresh proof by the phone's bound key for exactly this call
        (its counter is then spent); False if the phone has no bound key, or no proof came and
        ``required`` is False; otherwise refused with ``unauthenticated``."""
        bound = self.keys.get(device_id) if isinstance(device_id, str) else None
        if bound is None:
            return False
        if proof is None:
            if not required:
                return False
            raise _unauthenticated("この操作には端末の証明 (SE の端末鍵による署名) が必要です",
                                   "this call needs a device proof (a signature by the SE's device key)")
        if not isinstance(proof, DeviceProof):
            raise refuse(Refusal.MALFORMED, Text("端末の証明の形式が正しくありません", "malformed device proof"))
        if (proof.device_id, proof.action, proof.application_id) != (device_id, action, application_id):
            raise _unauthenticated("端末の証明が別の要求のためのものです", "the device proof is for another request")
        key = load_device_key(bound[0])
        try:
            key.verify(proof.signature, proof.message(), padding.PKCS1v15(), hashes.SHA256())
        except (InvalidSignature, ValueError):
            raise _unauthenticated("端末の証明の署名を検証できません",
                                   "the device proof's signature does not verify") from None
        if not self.keys.advance(device_id, proof.counter):
            raise _unauthenticated(f"端末の証明は使用済みです (再送: カウンタ {proof.counter} ≤ {bound[2]})",
                                   f"the device proof was used before (replay: counter {proof.counter} <= {bound[2]})")
        return True

    # -- push notifications and registration (2-4) -------------------------------------------
    def poll(self, device_id: str, proof: DeviceProof | None = None) -> list[Notification]:
        """Due notifications, each delivered once. A deletion order more than 48 hours old
        lapses undelivered (2-5)."""
        with self.core.ticked():
            self.authenticate(device_id, proof, DeviceAction.POLL)
            now = self.core.now()
            out, lapsed = [], []
            for note in self.db.due(device_id, now):
                if note.kind is NotificationKind.DELETE_CERTIFICATES and not old_phone_deletes(note.due_at, now):
                    lapsed.append(note.notification_id)
                    continue
                out.append(note)
            with self.db.tx():
                self.db.mark_lapsed(lapsed)
                self.db.mark_delivered([n.notification_id for n in out], now)
            return out

    def _application_for(self, application_id: str, device_id: str) -> ApplicationRow:
        app = self.db.application(application_id) if isinstance(application_id, str) else None
        if app is None:
            raise refuse(Refusal.NOT_FOUND, Text(f"申請 {application_id}", f"application {application_id}"))
        if app.device_id != device_id:
            raise refuse(Refusal.WRONG_DEVICE)
        if app.state == ApplicationState.PENDING.value:
            raise refuse(Refusal.BEFORE_PUSH, Text(f"{jst_hm(app.push_at)} ごろ", f"around {jst_hm(app.push_at)}"),
                         push_at=app.push_at.isoformat())
        if app.state == ApplicationState.REFUSED.value:
            raise refuse(Refusal.APPLICATION_REFUSED, app.refusal[1] if app.refusal else None,
                         cause=app.refusal[0] if app.refusal else None)
        if app.state == ApplicationState.CANCELLED.value:
            raise refuse(Refusal.APPLICATION_CANCELLED)
        return app

    def fetch_registration(self, application_id: str, device_id: str,
                           proof: DeviceProof | None = None) -> RegistrationPackage:
        with self.core.ticked():
            self.authenticate(device_id, proof, DeviceAction.FETCH_REGISTRATION, application_id)
            app = self._application_for(application_id, device_id)
            links = self.db.links(application_id=app.application_id)
            jpki = self.core.jpki
            return RegistrationPackage(app.application_id, device_id,
                                       {lk.kind: jpki.record(lk.serial).der for lk in links},
                                       {lk.kind: jpki.ca(lk.kind).der for lk in links})

    def confirm_registration(self, application_id: str, device_id: str,
                             proof: DeviceProof | None = None) -> DeviceStatus:
        with self.core.ticked():
            self.authenticate(device_id, proof, DeviceAction.CONFIRM_REGISTRATION, application_id)
            app = self._application_for(application_id, device_id)
            now = self.core.now()
            if self.db.set_application_state(app.application_id, ApplicationState.REGISTERED.value,
                                             expected=ApplicationState.READY.value):
                with self.db.tx():
                    self.db.put_device(DeviceRow(device_id, app.holder_id, app.se_id, DeviceState.ACTIVE.value), now)
                    for link in self.db.links(application_id=app.application_id):
                        self.core.usage(UsageKind.REGISTRATION, Text("スマホに登録", "registered on the phone"),
                                        holder_id=app.holder_id, serial=link.serial, device_id=device_id)
            return self._status(device_id, full=True)

    def device_status(self, device_id: str, proof: DeviceProof | None = None) -> DeviceStatus:
        """What J-LIS knows about one phone; without a proof (for a phone with a bound key)
        only its state and certificates, which the CRL and OCSP publish anyway."""
        with self.core.ticked():
            full = self.authenticate(device_id, proof, DeviceAction.STATUS, required=False) \
                or (isinstance(device_id, str) and self.keys.get(device_id) is None)
            return self._status(device_id, full=full)

    def _status(self, device_id: str, *, full: bool) -> DeviceStatus:
        dev = self.db.device(device_id) if isinstance(device_id, str) else None
        if dev is None:
            return DeviceStatus(device_id, DeviceState.UNKNOWN, None, None, (), None)
        pending = self.db.applications(state=ApplicationState.PENDING.value, device_id=device_id) + \
            self.db.applications(state=ApplicationState.READY.value, device_id=device_id)
        certs = tuple(self.core.info(lk.serial, lk.kind) for lk in self.db.links(device_id=device_id)
                      if self.db.application(lk.application_id).state == ApplicationState.REGISTERED.value)  # type: ignore[union-attr]
        if not full:
            return DeviceStatus(device_id, DeviceState(dev.state), None, None, certs, None)
        return DeviceStatus(device_id, DeviceState(dev.state), dev.holder_id, dev.se_id, certs,
                            pending[-1].application_id if pending else None)
