"""The in-process J-LIS: :class:`JlisService` implements :class:`~labkit.office.contract.JlisApi`
(what phones and relying services call). It *has* the counter operations municipalities and
the hotline use (:attr:`JlisService.counter`, a :class:`~labkit.jlis.counter.CounterOps` on the
same state); a phone handed the service cannot reach them through the contract.

Rules it enforces (lecture chapter 2):

* 2-3 prerequisites and card checks (:mod:`labkit.jlis.verify`); one person, one device
  (FAQ Q3): a second phone is refused with ``one_device`` unless the application is a
  device change; a phone that already holds live certificates is refused with
  ``already_registered``. A newer application cancels an unregistered older one.
* 2-3/Q2 push timing; registration only once the push is due (``before_push``).
* 2-5 device change: the old phone's live certificates are revoked at once (reason
  **superseded**) and it gets a deletion order, delivered if it polls within 48 hours
  (inclusive); later the order lapses and the revoked certificates stay in its SE.
  A device-change application with no old phone is treated as a new one.
* 2-7 stop using: both phone certificates revoked (cessationOfOperation); the phone erases
  its SE data. A held (suspended) phone certificate may still be used for this request —
  revocation only takes power away. Expired or revoked ones are refused.
* 2-6 card found (in the app): see :meth:`JlisService.lift_suspension_by_card`.
* Device endpoints (poll, registration, status) and the device proof (lab assumption): an
  application binds the phone's SE device key (:mod:`labkit.jlis.devices`).
"""

from __future__ import annotations

from datetime import UTC, datetime

from ..clock import jst_hm
from ..i18n import Text
from ..office.contract import (
    ApplicationKind,
    ApplicationReceipt,
    ApplicationRequest,
    ApplicationState,
    DeviceProof,
    DeviceState,
    DeviceStatus,
    LossItem,
    LossReceipt,
    LossReport,
    Notification,
    NotificationKind,
    RegistrationPackage,
    RevocationReceipt,
    RevocationRequest,
    UsageEvent,
    UsageKind,
    UsageRecord,
)
from ..office.refusals import MalformedRequestError, Refusal, refuse
from ..pki import CaKind, CertificateStatus, CertState, Jpki, Reason
from ..pki.store import CertRecord
from ._core import JlisCore
from .counter import CounterOps
from .db import ApplicationRow, DeviceRow, JlisDb
from .devices import DeviceOps
from .prerequisites import DEFAULT_DEVICE_POLICY, DevicePolicy
from .rules import DEFAULT_PUSH_POLICY, DELETION_WINDOW, PushPolicy
from .verify import check_keys, check_serial, verify_card_request, verify_signature

__all__ = ["JlisService"]

_MAX_SERVICE = 64


class JlisService:
    """J-LIS over a :class:`~labkit.pki.Jpki` and a :class:`~labkit.jlis.db.JlisDb`
    (``JlisService(jpki)`` keeps its records in memory)."""

    def __init__(self, jpki: Jpki, db: JlisDb | None = None, *, push_policy: PushPolicy = DEFAULT_PUSH_POLICY,
                 device_policy: DevicePolicy = DEFAULT_DEVICE_POLICY) -> None:
        self.core = JlisCore(jpki, db, push_policy=push_policy, device_policy=device_policy)
        #: The privileged operations on the same state (for the municipality and the hotline).
        self.counter = CounterOps(self.core)
        #: The device endpoints and the device proof (:mod:`labkit.jlis.devices`).
        self.devices = DeviceOps(self.core)
        self.jpki, self.db = self.core.jpki, self.core.db

    def now(self) -> datetime:
        return self.core.now()

    def tick(self) -> None:
        self.core.tick()

    # -- 2-3 / 2-5 applications -------------------------------------------------------------
    def submit_application(self, request: ApplicationRequest) -> ApplicationReceipt:
        if request.kind is ApplicationKind.CARD_FOUND:
            raise refuse(Refusal.MALFORMED, Text("カード発見の手続きは lift_suspension_by_card です",
                                                 "a card-found request goes to lift_suspension_by_card"))
        with self.core.ticked():
            now = self.now()
            card = verify_card_request(self.jpki, request, now, self.core.device_policy)
            check_keys(request, required=True)
            holder_id = card.holder_id
            active = self.core.active_device(holder_id)
            this = self.db.device(request.device_id)
            if this is not None and this.holder_id not in (None, holder_id) \
                    and self.core.active_device(this.holder_id or "") == this.device_id:
                raise refuse(Refusal.ALREADY_REGISTERED)  # someone else's phone
            old_device = None
            if request.kind is ApplicationKind.REISSUE:
                if active is None:
                    raise refuse(Refusal.NOT_REGISTERED, Text("新規に申請してください", "apply as a new application"))
                if active != request.device_id:
                    raise refuse(Refusal.ONE_DEVICE)
                for link in self.db.links(device_id=active):
                    if link.kind in request.certificates and self.core.live(link.serial):
                        raise refuse(Refusal.STILL_ACTIVE, self.jpki.status(link.serial).text,
                                     kind=link.kind.value)
            elif active == request.device_id:
                raise refuse(Refusal.ALREADY_REGISTERED)
            elif active is not None:
                if request.kind is not ApplicationKind.DEVICE_CHANGE:
                    raise refuse(Refusal.ONE_DEVICE)
                old_device = active
            self.devices.check_binding(request, holder_id)
            self._spend(request.nonce, now)
            app = ApplicationRow(self.core.new_id("app"), request.device_id, holder_id, request.se_id,
                                 request.kind.value, request.certificates, dict(request.public_keys),
                                 card.record.serial, ApplicationState.PENDING.value, now, self._push_time(now),
                                 old_device_id=old_device)
            with self.db.tx():
                self.devices.bind(request, holder_id)
                self._cancel_unregistered(holder_id)
                self.db.add_application(app)
                if this is None or this.state != DeviceState.ACTIVE.value:
                    self.db.put_device(DeviceRow(request.device_id, holder_id, request.se_id,
                                                 DeviceState.PENDING.value), now)
                if old_device is not None:
                    self._order_deletion(old_device, holder_id, now)
                self.core.usage(UsageKind.APPLICATION, _APPLIED[request.kind], holder_id=holder_id,
                           device_id=request.device_id)
            revoked = self._settle_retired(old_device, Text("機種変更により失効 (superseded)",
                                                            "revoked by the device change (superseded)"))
            return self._receipt(app, revoked)

    def _push_time(self, now: datetime) -> datetime:
        return self.core.push_policy.push_time(now).astimezone(UTC)

    def _spend(self, nonce: bytes, now: datetime) -> None:
        if not self.db.spend_nonce(nonce, now):
            raise refuse(Refusal.REPLAYED)

    def _cancel_unregistered(self, holder_id: str) -> None:
        for state in (ApplicationState.PENDING, ApplicationState.READY):
            for old in self.db.applications(state=state.value, holder_id=holder_id):
                if self.db.set_application_state(old.application_id, ApplicationState.CANCELLED.value,
                                                 expected=state.value):
                    for link in self.db.links(application_id=old.application_id):
                        self.core.revoke_quietly(link.serial, Reason.SUPERSEDED)

    def _order_deletion(self, device_id: str, holder_id: str, now: datetime) -> None:
        serials = tuple(link.serial for link in self.db.links(device_id=device_id) if self.core.live(link.serial))
        old = self.db.device(device_id)
        self.db.put_device(DeviceRow(device_id, holder_id, old.se_id if old else None, DeviceState.RETIRED.value,
                                     Reason.SUPERSEDED), now)
        self.db.notify(device_id, NotificationKind.DELETE_CERTIFICATES.value, now,
                       Text("機種変更によりこのスマホの電子証明書は失効しました。スマホから削除します",
                            "after a device change the certificates on this phone are revoked; deleting them"),
                       serials=serials, expires_at=now + DELETION_WINDOW)
        self.core.usage(UsageKind.DELETION_ORDER, Text("機種変更: 旧スマホの電子証明書を失効し、削除を指示",
                                                  "device change: old phone's certificates revoked, deletion ordered"),
                   holder_id=holder_id, device_id=device_id)

    def _settle_retired(self, device_id: str | None, why: Text) -> tuple[int, ...]:
        """Revoke what a retired phone still holds (see :meth:`reconcile`), and say which."""
        if device_id is None:
            return ()
        before = {link.serial for link in self.db.links(device_id=device_id) if self.core.live(link.serial)}
        self.core.reconcile()
        for serial in sorted(before):
            self.core.usage(UsageKind.REVOCATION, why, holder_id=self.jpki.record(serial).holder_id,
                       serial=serial, device_id=device_id)
        return tuple(sorted(before))

    def _receipt(self, app: ApplicationRow, revoked: tuple[int, ...]) -> ApplicationReceipt:
        push = app.push_at
        return ApplicationReceipt(app.application_id, app.device_id, ApplicationKind(app.kind), app.certificates,
                                  ApplicationState(app.state), app.applied_at, push, revoked, app.old_device_id,
                                  Text(f"申請を受け付けました。プッシュ通知は {jst_hm(push)} ごろに届く見込みです"
                                       " (ラボの規則での目安)",
                                       f"Application accepted. The push notification is expected around {jst_hm(push)} "
                                       "(estimate by the lab's rule)"))

    # -- 2-6 card found, in the app ----------------------------------------------------------
    def lift_suspension_by_card(self, request: ApplicationRequest) -> ApplicationReceipt:
        """The phone user-auth certificate resumes; the held phone signing certificate is
        revoked (superseded) and a new one, for ``public_keys["sign"]``, is applied for under
        the push rule (register again). The card itself must be good: a lost-and-found card
        first goes to the municipal counter, which restores the card's certificates."""
        if request.kind is not ApplicationKind.CARD_FOUND:
            raise refuse(Refusal.MALFORMED, Text("種類は card_found です", "kind must be card_found"))
        with self.core.ticked():
            now = self.now()
            card = verify_card_request(self.jpki, request, now, self.core.device_policy)
            check_keys(request, required=False)
            if self.core.active_device(card.holder_id) != request.device_id:
                raise refuse(Refusal.NOT_REGISTERED)
            links = self.db.links(device_id=request.device_id)
            held = [lk for lk in links if self.jpki.status(lk.serial).state is CertState.HELD]
            if not held:
                raise refuse(Refusal.NOTHING_TO_LIFT)
            if any(lk.kind is CaKind.SIGN for lk in held) and CaKind.SIGN not in request.certificates:
                raise refuse(Refusal.MALFORMED, Text("署名用電子証明書を再発行するための新しい鍵が必要です",
                                                     "a new signing key is needed to re-issue the signing certificate"))
            self.devices.check_binding(request, card.holder_id)
            self._spend(request.nonce, now)
            app = ApplicationRow(self.core.new_id("app"), request.device_id, card.holder_id, request.se_id,
                                 ApplicationKind.CARD_FOUND.value, request.certificates, dict(request.public_keys),
                                 card.record.serial, ApplicationState.PENDING.value, now, self._push_time(now))
            with self.db.tx():
                self.devices.bind(request, card.holder_id)
                self._cancel_unregistered(card.holder_id)
                if request.certificates:
                    self.db.add_application(app)
            revoked = []
            for link in held:
                if link.kind is CaKind.AUTH:
                    self.jpki.release_hold(link.serial)
                    self.core.usage(UsageKind.RESUMPTION, Text("一時利用停止を解除 (カードで本人確認)",
                                                          "suspension lifted (identity proven with the card)"),
                               holder_id=card.holder_id, serial=link.serial, device_id=request.device_id)
                elif self.core.revoke_quietly(link.serial, Reason.SUPERSEDED):
                    revoked.append(link.serial)
                    self.core.usage(UsageKind.REVOCATION, Text("再発行のため失効", "revoked for re-issue"),
                               holder_id=card.holder_id, serial=link.serial, device_id=request.device_id)
            self.db.notify(request.device_id, NotificationKind.RESUMED.value, now,
                           Text("スマホ用電子証明書の一時利用停止を解除しました", "the suspension was lifted"),
                           serials=tuple(lk.serial for lk in held if lk.kind is CaKind.AUTH))
            if not request.certificates:
                app = ApplicationRow(app.application_id, app.device_id, app.holder_id, app.se_id, app.kind, (), {},
                                     app.card_serial, ApplicationState.REGISTERED.value, now, now)
            return self._receipt(app, tuple(revoked))

    # -- push notifications, registration and status (2-4): :mod:`labkit.jlis.devices` --------
    def poll(self, device_id: str, proof: DeviceProof | None = None) -> list[Notification]:
        return self.devices.poll(device_id, proof)

    def fetch_registration(self, application_id: str, device_id: str,
                           proof: DeviceProof | None = None) -> RegistrationPackage:
        return self.devices.fetch_registration(application_id, device_id, proof)

    def confirm_registration(self, application_id: str, device_id: str,
                             proof: DeviceProof | None = None) -> DeviceStatus:
        return self.devices.confirm_registration(application_id, device_id, proof)

    def device_status(self, device_id: str, proof: DeviceProof | None = None) -> DeviceStatus:
        return self.devices.device_status(device_id, proof)

    # -- 2-7 stop using ----------------------------------------------------------------------
    def revoke_by_user(self, request: RevocationRequest) -> RevocationReceipt:
        with self.core.ticked():
            now = self.now()
            link = self.db.link_of(request.serial)
            if link is None or link.device_id != request.device_id:
                raise refuse(Refusal.NOT_REGISTERED)
            rec = self.jpki.record(request.serial)
            if not verify_signature(rec.certificate, request.to_be_signed(), request.signature):
                raise refuse(Refusal.BAD_SIGNATURE)
            state = self.jpki.status(request.serial).state
            if state is CertState.REVOKED:
                raise refuse(Refusal.CERT_REVOKED)
            if state is CertState.EXPIRED:
                raise refuse(Refusal.CERT_EXPIRED)
            self._spend(request.nonce, now)
            dev = self.db.device(request.device_id)
            with self.db.tx():
                self.db.put_device(DeviceRow(request.device_id, link.holder_id, dev.se_id if dev else None,
                                             DeviceState.RETIRED.value, Reason.CESSATION_OF_OPERATION), now)
                for app in self.db.applications(state=ApplicationState.PENDING.value, device_id=request.device_id):
                    self.db.set_application_state(app.application_id, ApplicationState.CANCELLED.value,
                                                  expected=ApplicationState.PENDING.value)
            revoked = self._settle_retired(request.device_id, Text("利用をやめる手続きにより失効",
                                                                   "revoked: the holder stopped using it"))
            return RevocationReceipt(request.device_id, revoked, now,
                                     Text("スマホ用電子証明書を失効しました。スマホ内のデータを削除してください",
                                          "the smartphone certificates are revoked; erase them from the phone"))

    # -- 2-6 hotline (24時間365日) -------------------------------------------------------------
    def report_loss(self, report: LossReport) -> LossReceipt:
        with self.core.ticked():
            holder = self.counter.identify(report)
            held = self.counter.suspend(holder.holder_id, report.item)
            now = self.now()
            ref = f"H{now:%Y%m%d%H%M%S}-{holder.holder_id[-4:]}"
            msg = _LOSS_RECEIPT[LossItem(report.item)] if held else Text("既に一時利用停止中です", "already suspended")
            return LossReceipt(ref, held, now, msg)

    # -- usage history (利用履歴) and publication --------------------------------------------
    def record_usage(self, record: UsageRecord) -> UsageEvent:
        if not isinstance(record.service, str) or not 0 < len(record.service) <= _MAX_SERVICE:
            raise MalformedRequestError(Text("サービス名は1〜64文字です", "service is 1-64 characters"),
                                        field="service")
        if record.outcome != "ok" and record.outcome not in {r.value for r in Refusal}:
            raise MalformedRequestError(Text("outcome は ok か理由コードです", "outcome is ok or a reason code"),
                                        field="outcome")
        rec = self._issued(record.serial)
        text = record.detail or record.kind.text
        return self.db.add_usage(self.now(), record.kind.value, text, holder_id=rec.holder_id, serial=record.serial,
                                 device_id=record.device_id, service=record.service, outcome=record.outcome)

    def usage_history(self, *, serial: int | None = None, holder_id: str | None = None,
                      limit: int = 100) -> list[UsageEvent]:
        if (serial is None) == (holder_id is None) or not isinstance(limit, int) or not 0 < limit <= 1000:
            raise MalformedRequestError(Text("serial か holder_id のどちらか一方と、1〜1000 の limit を指定します",
                                             "give exactly one of serial or holder_id, and a limit of 1-1000"))
        if serial is not None:
            holder_id = self._issued(serial).holder_id
        return self.db.usage(holder_id or "", limit)

    def status(self, serial: int) -> CertificateStatus:
        check_serial(serial)
        with self.core.ticked():
            return self.jpki.status(serial)

    def certificate(self, serial: int) -> bytes:
        return self._issued(serial).der

    def _issued(self, serial: int) -> CertRecord:
        """The record of a certificate J-LIS issued (else refused with ``unknown_certificate``)."""
        check_serial(serial)
        rec = self.jpki.store.get(serial)
        if rec is None:
            raise refuse(Refusal.CERT_UNKNOWN)
        return rec

    def ca_certificates(self) -> dict[CaKind, bytes]:
        return {kind: self.jpki.ca(kind).der for kind in CaKind}

    def crl(self, kind: CaKind) -> bytes:
        with self.core.ticked():
            return self.jpki.crl(CaKind(kind))

    def ocsp(self, request_der: bytes) -> bytes:
        self.tick()
        return self.jpki.ocsp_respond(request_der)

    def ocsp_cached(self, request_der: bytes) -> bytes | None:
        """The pre-produced answer when no J-LIS work is due, else None (then :meth:`ocsp`):
        no lock, no signing, fit for the server's event loop."""
        return None if self.core.tick_due() else self.jpki.ocsp_responses.cached(request_der)


_APPLIED = {
    ApplicationKind.NEW: Text("スマホ用電子証明書を申請", "applied for smartphone certificates"),
    ApplicationKind.DEVICE_CHANGE: Text("機種変更を申請", "applied for a device change"),
    ApplicationKind.REISSUE: Text("再発行を申請", "applied for re-issue"),
}
#: The hotline's receipt, item by item, as the lecture says (2-6): a found phone is taken to the
#: municipal counter; a lost card is also reported at the counter, and once it is found the
#: smartphone certificates are released in the Mynaportal app.
_LOSS_RECEIPT = {
    LossItem.PHONE: Text(
        "一時利用停止しました。スマホが見つかったら、お住まいの市区町村窓口で解除の手続を行ってください "
        "(利用者証明用は一時保留が解除されます。署名用は失効申請の後、必要なら新たに発行申請をします)",
        "Suspended. If you find the phone, go to the counter of the municipality where you live to lift "
        "the suspension (the user-authentication certificate is released; the signing certificate is revoked "
        "and, if you need one, applied for anew)"),
    LossItem.CARD: Text(
        "一時利用停止しました。住民票のある市区町村窓口にも、カードの紛失の届出を行ってください。"
        "カードが見つかったら、スマホ用電子証明書はマイナポータルアプリで一時利用停止の解除の手続を行ってください",
        "Suspended. Also report the lost card at the counter of the municipality where you are registered. "
        "If the card is found, lift the suspension of the smartphone certificates in the Mynaportal app"),
}
