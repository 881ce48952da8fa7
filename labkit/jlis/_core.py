"""The state J-LIS keeps and the machinery on it, shared by :class:`~labkit.jlis.service.JlisService`
(the phone-facing API) and :class:`~labkit.jlis.counter.CounterOps` (the privileged one): the clock, the lock,
processing of applications when their push is due, and the reconciliation that makes every
change survive a crash.

**When certificates are issued.** J-LIS processes an application when its push
notification is due (:meth:`PushPolicy.push_time`): minutes after an application made
8:00–19:30 JST, else 8:00 the next morning. The phone certificates are issued *at that
instant*: notBefore equals the push time, and the card is checked as it stood then (a hold
reported before the push time refuses the application). Processing is lazy — every call
first processes what is due — and stamped with the push time, so the result is the same
whenever the clock is next read.

**Crash safety.** J-LIS writes its intent first, then acts on the PKI, then records the
result; every step is idempotent and :meth:`JlisCore.tick` finishes whatever a crash
interrupted: certificates on a retired phone are revoked with the phone's recorded reason,
and a certificate issued just before a crash is adopted (matched by holder, profile and
public key) instead of issued twice.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from cryptography.hazmat.primitives import serialization

from ..clock import Clock
from ..errors import LabkitError
from ..i18n import Text
from ..office.contract import (
    ApplicationState,
    CertificateInfo,
    DeviceState,
    NotificationKind,
    UsageKind,
)
from ..office.refusals import Refusal
from ..pki import (
    CARD_AUTH,
    CARD_SIGN,
    PHONE_AUTH,
    PHONE_SIGN,
    CaKind,
    CertState,
    Holder,
    Jpki,
    Reason,
)
from ..pki.errors import NotEligibleError, RevocationStateError
from ..pki.store import CertRecord
from .db import ApplicationRow, JlisDb
from .prerequisites import DEFAULT_DEVICE_POLICY, DevicePolicy
from .rules import DEFAULT_PUSH_POLICY, PushPolicy
from .verify import card_holder, load_public_key

__all__ = ["JlisCore", "PinnableClock"]

PHONE_PROFILES = {CaKind.AUTH: PHONE_AUTH, CaKind.SIGN: PHONE_SIGN}


class PinnableClock:
    """The PKI's clock as J-LIS sees it: normally the lab clock, but pinned to the push time
    while an application is processed so notBefore is the push time."""

    def __init__(self, base: Clock) -> None:
        self.base = base
        self._local = threading.local()

    def now(self) -> datetime:
        pinned = getattr(self._local, "at", None)
        return pinned if pinned is not None else self.base.now()

    def __getattr__(self, name: str) -> object:
        """Everything else (``advance``, ``set`` of a SimulatedClock) is the lab clock's."""
        if name in ("base", "_local"):
            raise AttributeError(name)
        return getattr(self.base, name)

    @contextmanager
    def pinned(self, at: datetime) -> Iterator[None]:
        self._local.at = at
        try:
            yield
        finally:
            self._local.at = None


class JlisCore:
    """State and bookkeeping shared by the API operations and the counter operations (each
    holds the same core; neither inherits it)."""

    def __init__(self, jpki: Jpki, db: JlisDb | None = None, *, push_policy: PushPolicy = DEFAULT_PUSH_POLICY,
                 device_policy: DevicePolicy = DEFAULT_DEVICE_POLICY) -> None:
        if not isinstance(jpki.clock, PinnableClock):
            jpki.clock = PinnableClock(jpki.clock)
        self._pki_clock: PinnableClock = jpki.clock
        self.clock: Clock = self._pki_clock.base
        self.jpki = jpki
        self.db = db if db is not None else JlisDb()
        self.push_policy = push_policy
        self.device_policy = device_policy
        self.lock = threading.RLock()
        #: (database version when the last tick began, the next push then pending): a tick
        #: with the same database before that push has nothing to do (:meth:`tick_due`).
        self._ticked: tuple[tuple[int, int], datetime | None] | None = None

    def now(self) -> datetime:
        return self.clock.now().astimezone(UTC).replace(microsecond=0)

    # -- status helpers ---------------------------------------------------------------------
    def live(self, serial: int) -> bool:
        """Good or held and not expired: a certificate a phone still 'has'."""
        return self.jpki.status(serial).state in (CertState.GOOD, CertState.HELD)

    def info(self, serial: int, kind: CaKind) -> CertificateInfo:
        rec = self.jpki.record(serial)
        st = self.jpki.status(serial)
        return CertificateInfo(serial, kind, rec.profile, st.state, rec.not_before, rec.not_after,
                               st.reason, st.revoked_at, st.text)

    def active_device(self, holder_id: str) -> str | None:
        """The holder's one phone with live certificates (FAQ Q3), if any."""
        for dev in self.db.devices_of(holder_id, DeviceState.ACTIVE.value):
            if any(self.live(link.serial) for link in self.db.links(device_id=dev.device_id)):
                return dev.device_id
        return None

    def usage(self, kind: UsageKind, text: Text, *, holder_id: str | None, serial: int | None = None,
              device_id: str | None = None, at: datetime | None = None, outcome: str = "ok") -> None:
        self.db.add_usage(at or self.now(), kind.value, text, holder_id=holder_id, serial=serial,
                          device_id=device_id, outcome=outcome)

    @staticmethod
    def new_id(prefix: str) -> str:
        return f"{prefix}-{secrets.token_hex(8)}"

    # -- the heartbeat ----------------------------------------------------------------------
    @contextmanager
    def ticked(self) -> Iterator[None]:
        """Under the lock, once everything due is processed: how every operation begins."""
        with self.lock:
            self.tick()
            yield

    def tick(self) -> None:
        """Finish interrupted work, then process every application whose push is due."""
        with self.lock:
            version = self.db.version()
            if not self._tick_due(version):
                return
            self.reconcile()
            for app in self.db.applications(state=ApplicationState.PENDING.value, due_by=self.now()):
                self._process(app)
            self._ticked = version, self.db.next_push_at(ApplicationState.PENDING.value)

    def tick_due(self) -> bool:
        """Would :meth:`tick` have work? Cheap (one PRAGMA): the OCSP fast path asks per request."""
        return self._tick_due(self.db.version())

    def _tick_due(self, version: tuple[int, int]) -> bool:
        ticked = self._ticked
        if ticked is None or ticked[0] != version:
            return True  # something was committed (here or by another process) since
        return ticked[1] is not None and self.now() >= ticked[1]

    def reconcile(self) -> None:
        """Certificates on a retired phone end revoked with the phone's reason; a card
        issuance a crash interrupted is discarded (:meth:`CounterOps.card_issuance`)."""
        for link, reason in self.db.unsettled_on_retired():
            self.revoke_quietly(link.serial, reason)
            self.db.settle(link.serial)
        for issuance, holder_id, known in self.db.open_issuances():
            self.discard_issuance(issuance, holder_id, known)

    def discard_issuance(self, issuance: str, holder_id: str, known: frozenset[int]) -> None:
        for serial in self.card_certificates(holder_id, live_only=False):
            if serial not in known and self.revoke_quietly(serial, Reason.UNSPECIFIED):
                self.usage(UsageKind.REVOCATION, Text("カードを交付できなかったため廃棄",
                                                      "discarded: the card was never handed over"),
                           holder_id=holder_id, serial=serial)
        self.db.end_issuance(issuance, "discarded")

    def card_certificates(self, holder_id: str, *, live_only: bool = True) -> list[int]:
        out = []
        for profile in (CARD_AUTH, CARD_SIGN):
            # Oldest first, the same in every store (a memory store and SQLite list in their own order).
            records = self.jpki.store.find(holder_id=holder_id, profile=profile.id)
            for rec in sorted(records, key=lambda r: (r.not_before, r.serial)):
                if not live_only or self.live(rec.serial):
                    out.append(rec.serial)
        return out

    def revoke_quietly(self, serial: int, reason: Reason) -> bool:
        """Revoke if still good or held; True if this call revoked it."""
        st = self.jpki.status(serial)
        if st.state not in (CertState.GOOD, CertState.HELD):
            return False
        try:
            self.jpki.revoke(serial, reason)
        except RevocationStateError:
            return False
        return True

    def _card_refusal_at(self, app: ApplicationRow) -> Refusal | None:
        """The card as it stood at the push time."""
        rec = self.jpki.store.get(app.card_serial)
        if rec is None:
            return Refusal.CARD_UNKNOWN
        if rec.revocation is not None and rec.revocation.revoked_at <= app.push_at:
            return Refusal.CARD_HELD if rec.revocation.hold else Refusal.CARD_REVOKED
        if app.push_at > rec.not_after:
            return Refusal.CARD_EXPIRED
        return None

    def _process(self, app: ApplicationRow) -> None:
        refusal = self._card_refusal_at(app)
        holder = self._phone_holder(app)
        issued: list[tuple[CaKind, CertRecord]] = []
        detail: Text | None = None
        if refusal is None:
            try:
                for kind in sorted(app.certificates, key=lambda k: k is CaKind.SIGN):  # auth first (caps sign)
                    issued.append((kind, self._issue(app, kind, holder)))
            except (NotEligibleError, LabkitError) as exc:
                refusal, detail = Refusal.NOT_ELIGIBLE, exc.text
        if refusal is not None:
            for _, rec in issued:
                self.revoke_quietly(rec.serial, Reason.UNSPECIFIED)  # 交付前の廃棄
            text = refusal.text if detail is None else Text(f"{refusal.text.ja} ({detail.ja})",
                                                            f"{refusal.text.en} ({detail.en})")
            if self.db.set_application_state(app.application_id, ApplicationState.REFUSED.value,
                                             expected=ApplicationState.PENDING.value, refusal=(refusal.value, text)):
                self.db.notify(app.device_id, NotificationKind.APPLICATION_REFUSED.value, app.push_at,
                               Text(f"スマホ用電子証明書の申請は受け付けられませんでした: {text.ja}",
                                    f"your smartphone certificate application was refused: {text.en}"),
                               application_id=app.application_id)
                self.usage(UsageKind.APPLICATION, Text(f"申請を処理できませんでした: {text.ja}",
                                                       f"application refused: {text.en}"),
                           holder_id=app.holder_id, device_id=app.device_id, at=app.push_at, outcome=refusal.value)
            return
        for kind, rec in issued:
            self.db.link(rec.serial, app.device_id, app.holder_id, app.application_id, kind)
        if self.db.set_application_state(app.application_id, ApplicationState.READY.value,
                                         expected=ApplicationState.PENDING.value):
            serials = tuple(rec.serial for _, rec in issued)
            self.db.notify(app.device_id, NotificationKind.REGISTRATION_READY.value, app.push_at,
                           Text("スマホ用電子証明書の登録ができます。アプリの「登録する」を押してください",
                                "your smartphone certificates are ready: press \"Register\" in the app"),
                           application_id=app.application_id, serials=serials)
            for kind, rec in issued:
                profile = PHONE_PROFILES[kind]
                self.usage(UsageKind.ISSUANCE, Text(f"{profile.label.ja}を発行", f"issued the {profile.label.en}"),
                           holder_id=app.holder_id, serial=rec.serial, device_id=app.device_id, at=app.push_at)

    def _phone_holder(self, app: ApplicationRow) -> Holder:
        """The holder as the phone certificates show them: attributes from the card's signing
        certificate, the card's expiry from J-LIS's records (else the card certificate's end)."""
        return card_holder(self.jpki.record(app.card_serial), self.db.holder(app.holder_id))

    def _issue(self, app: ApplicationRow, kind: CaKind, holder: Holder) -> CertRecord:
        profile = PHONE_PROFILES[kind]
        spki = app.public_keys[kind]
        for rec in self.jpki.store.find(holder_id=app.holder_id, profile=profile.id):
            if self.db.link_of(rec.serial) is None and _spki(rec) == spki:
                return rec  # issued just before a crash: adopt it
        with self._pki_clock.pinned(app.push_at):
            cert = self.jpki.issue(profile, load_public_key(spki, kind), holder)
        return self.jpki.record(cert.serial_number)


def _spki(rec: CertRecord) -> bytes:
    return rec.certificate.public_key().public_bytes(serialization.Encoding.DER,
                                                     serialization.PublicFormat.SubjectPublicKeyInfo)
