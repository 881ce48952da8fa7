"""Ownership in class mode (issue 12): :class:`ClassJlis` and :class:`ClassCounter` wrap the
J-LIS service and the counter with the same contracts, and let a student act only on what it
created. The class guard has already said who is asking (:data:`~labkit.office.classroom.ACTING`).

* A student owns the residents it registered (My Number and holder id), the phones it applied
  with and their applications. Counter operations need the My Number to be its own;
  ``submit_application`` / ``lift_suspension_by_card`` need the card certificate's holder to be
  its own and the phone to be new or its own (the phone and the application then become its);
  usage history, status, polls, registrations and stop-using only on its own; the hotline only
  for its own residents.
* Not yours is always **403** reason ``forbidden``, whether the thing exists or not (a student
  cannot probe for other students' residents); the hotline answers its usual
  ``identity_mismatch`` (also 403) for a resident that is not yours: a student's call is matched
  against its own residents only.
* The lecturer may do everything; work on a student's resource runs on that student's clock.
* The public (no token) gets ``unauthenticated`` (401) here: the guard lets no such request
  through, this is the second line.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, TypeVar

from cryptography import x509

from ..jlis import JlisService
from ..jlis.names import name_key
from ..pki import CaKind, CertificateStatus, CertState, Holder
from .class_clock import ClassClock
from .classroom import ACTING, CLOCK_OF, Actor, ClassStore, Kind, Role, acting
from .contract import (
    ApplicationReceipt,
    ApplicationRequest,
    ApplicationState,
    AttributeChange,
    CardFoundRequest,
    CardRequest,
    CertificateInfo,
    CounterApi,
    CounterReceipt,
    DeviceProof,
    DeviceStatus,
    LossReceipt,
    LossReport,
    Notification,
    PinReset,
    RegistrationPackage,
    Resident,
    ResidentQuery,
    ResidentRequest,
    RevocationReceipt,
    RevocationRequest,
    UsageEvent,
    UsageRecord,
)
from .refusals import Refusal, refuse

__all__ = ["ClassContext", "ClassCounter", "ClassJlis", "Ownership"]

T = TypeVar("T")


class Ownership:
    """Who owns what, checked against the acting student."""

    def __init__(self, store: ClassStore, service: JlisService, clock: ClassClock) -> None:
        self.store = store
        self.service = service
        self.clock = clock

    @staticmethod
    def actor() -> Actor:
        """In process (no guard) the caller is trusted like the lecturer."""
        return ACTING.get() or Actor(Role.LECTURER)

    def student(self) -> str | None:
        """The acting student (None for the lecturer); 401 for the public."""
        actor = self.actor()
        if actor.role is Role.PUBLIC:
            raise refuse(Refusal.UNAUTHENTICATED)
        return actor.student_id if actor.role is Role.STUDENT else None

    def require(self, kind: Kind, key: str | None) -> str | None:
        """The owner of ``key``; a student must be it (else 403, existing or not)."""
        sid = self.student()
        owner = self.store.owner(kind, key)
        if sid is not None and owner != sid:
            raise refuse(Refusal.FORBIDDEN)
        return owner

    def require_device(self, device_id: str) -> str | None:
        """Like :meth:`require` for a phone, but a phone J-LIS has never seen is anyone's to
        use (a student's new phone asks for its status before it applies)."""
        sid = self.student()
        owner = self.store.owner(Kind.DEVICE, device_id)
        if sid is not None and owner != sid and not (owner is None and self.service.db.device(device_id) is None):
            raise refuse(Refusal.FORBIDDEN)
        return owner

    def holder_of_serial(self, serial: int) -> str | None:
        rec = self.service.jpki.store.get(serial) if isinstance(serial, int) else None
        return rec.holder_id if rec is not None else None

    def on_clock_of(self, owner: str | None) -> AbstractContextManager[None]:
        """The lecturer working on a student's resource: that student's time (no owner: the time
        the request already runs on)."""
        return acting(ACTING.get(), owner or CLOCK_OF.get())

    def run(self, owner: str | None, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        with self.on_clock_of(owner):
            return fn(*args, **kwargs)

    # -- counts for the lecturer console -------------------------------------------------------
    def counts(self, sid: str) -> dict[str, int]:
        """What J-LIS holds for the student's residents and phones, on the student's time."""
        db, jpki = self.service.db, self.service.jpki
        holders = self.store.owned(sid, Kind.HOLDER)
        devices = self.store.owned(sid, Kind.DEVICE)
        now = self.clock.now_of(sid)
        apps = {s: sum(len(db.applications(state=s.value, holder_id=h)) for h in holders) for s in ApplicationState}
        with self.on_clock_of(sid):
            states = [jpki.status(rec.serial).state for h in holders for rec in jpki.certificates_of(h)]
        return {"applications": sum(apps.values()),
                "pushes_due": sum(len(db.due(d, now)) for d in devices)  # not yet delivered
                + sum(1 for h in holders for a in db.applications(state=ApplicationState.PENDING.value, holder_id=h,
                                                                  due_by=now)),  # due, J-LIS not yet asked
                "registrations": apps[ApplicationState.REGISTERED],
                "suspensions": sum(1 for s in states if s is CertState.HELD),
                "revocations": sum(1 for s in states if s is CertState.REVOKED)}

    def next_push(self, sid: str) -> datetime | None:
        """The earliest push still ahead of the student's time (for the ``push_now`` event)."""
        now = self.clock.now_of(sid)
        times = [a.push_at for h in self.store.owned(sid, Kind.HOLDER)
                 for a in self.service.db.applications(state=ApplicationState.PENDING.value, holder_id=h)
                 if a.push_at > now]
        return min(times, default=None)


@dataclass(frozen=True, slots=True)
class ClassContext:
    """Everything the class guard and the class router share."""

    code: str
    lecturer_token: str
    store: ClassStore
    clock: ClassClock
    access: Ownership
    jlis: ClassJlis
    counter: ClassCounter


class ClassJlis:
    """The :class:`~labkit.office.contract.JlisApi` of class mode (see the module docstring)."""

    def __init__(self, inner: JlisService, access: Ownership) -> None:
        self.inner = inner
        self.access = access

    def now(self) -> datetime:
        return self.inner.now()

    def _card_holder(self, request: ApplicationRequest) -> str | None:
        try:
            serial = x509.load_der_x509_certificate(request.card_certificate or b"").serial_number
        except ValueError:
            return None
        return self.access.holder_of_serial(serial)

    def _apply(self, fn: Callable[[ApplicationRequest], ApplicationReceipt],
               request: ApplicationRequest) -> ApplicationReceipt:
        owner = self.access.require(Kind.HOLDER, self._card_holder(request))
        self.access.require_device(request.device_id)
        receipt = self.access.run(owner, fn, request)
        if owner is not None:
            self.access.store.own(owner, (Kind.DEVICE, receipt.device_id), (Kind.APPLICATION, receipt.application_id))
        return receipt

    def submit_application(self, request: ApplicationRequest) -> ApplicationReceipt:
        return self._apply(self.inner.submit_application, request)

    def lift_suspension_by_card(self, request: ApplicationRequest) -> ApplicationReceipt:
        return self._apply(self.inner.lift_suspension_by_card, request)

    # The four device calls pass the device proof through unchanged (the J-LIS service checks it).
    def poll(self, device_id: str, proof: DeviceProof | None = None) -> list[Notification]:
        return self.access.run(self.access.require_device(device_id), self.inner.poll, device_id, proof)

    def _registration(self, application_id: str, device_id: str) -> str | None:
        owner = self.access.require(Kind.APPLICATION, application_id)
        self.access.require(Kind.DEVICE, device_id)
        return owner

    def fetch_registration(self, application_id: str, device_id: str,
                           proof: DeviceProof | None = None) -> RegistrationPackage:
        owner = self._registration(application_id, device_id)
        return self.access.run(owner, self.inner.fetch_registration, application_id, device_id, proof)

    def confirm_registration(self, application_id: str, device_id: str,
                             proof: DeviceProof | None = None) -> DeviceStatus:
        owner = self._registration(application_id, device_id)
        return self.access.run(owner, self.inner.confirm_registration, application_id, device_id, proof)

    def device_status(self, device_id: str, proof: DeviceProof | None = None) -> DeviceStatus:
        owner = self.access.require_device(device_id)
        return self.access.run(owner, self.inner.device_status, device_id, proof)

    def revoke_by_user(self, request: RevocationRequest) -> RevocationReceipt:
        owner = self.access.require(Kind.DEVICE, request.device_id)
        return self.access.run(owner, self.inner.revoke_by_user, request)

    def report_loss(self, report: LossReport) -> LossReceipt:
        """A student's call is matched against its own residents only (so another student's
        namesake neither answers nor makes the call ambiguous); the address of the one match
        then goes with the report so J-LIS finds the same person."""
        sid = self.access.student()
        if sid is None:
            holder = self.inner.counter.identify(report)
            return self.access.run(self.access.store.owner(Kind.HOLDER, holder.holder_id), self.inner.report_loss,
                                   report)
        mine = self._own_match(sid, report)
        if mine is None:
            raise refuse(Refusal.IDENTITY_MISMATCH)  # not yours: as if there were no such resident
        return self.inner.report_loss(replace(report, address=mine.attributes.address))

    def _own_match(self, sid: str, report: LossReport) -> Holder | None:
        if not isinstance(report.name, str) or not report.name.strip():
            return None
        key = name_key(report.name)
        holders = [h for h in (self.inner.db.holder(hid) for hid in self.access.store.owned(sid, Kind.HOLDER))
                   if h is not None and h.attributes.birth_date == report.birth_date
                   and name_key(h.attributes.name) == key]
        if len(holders) > 1 and report.address:
            holders = [h for h in holders if name_key(h.attributes.address) == name_key(report.address)]
        return holders[0] if len(holders) == 1 else None

    def record_usage(self, record: UsageRecord) -> UsageEvent:
        owner = self.access.require(Kind.HOLDER, self.access.holder_of_serial(record.serial))
        return self.access.run(owner, self.inner.record_usage, record)

    def usage_history(self, *, serial: int | None = None, holder_id: str | None = None,
                      limit: int = 100) -> list[UsageEvent]:
        if self.access.student() is not None:
            self.access.require(Kind.HOLDER, holder_id if serial is None else self.access.holder_of_serial(serial))
        return self.inner.usage_history(serial=serial, holder_id=holder_id, limit=limit)

    def status(self, serial: int) -> CertificateStatus:
        owner = self.access.require(Kind.HOLDER, self.access.holder_of_serial(serial))
        return self.access.run(owner, self.inner.status, serial)

    def certificate(self, serial: int) -> bytes:
        return self.inner.certificate(serial)

    def ca_certificates(self) -> dict[CaKind, bytes]:
        return self.inner.ca_certificates()

    def crl(self, kind: CaKind) -> bytes:
        return self.inner.crl(kind)

    def ocsp(self, request_der: bytes) -> bytes:
        return self.inner.ocsp(request_der)


class ClassCounter:
    """The :class:`~labkit.office.contract.CounterApi` of class mode: on your own residents only."""

    def __init__(self, inner: CounterApi, access: Ownership) -> None:
        self.inner = inner
        self.access = access

    def _by_number(self, my_number: str, fn: Callable[..., T], *args: Any) -> T:
        owner = self.access.require(Kind.MY_NUMBER, my_number if isinstance(my_number, str) else None)
        return self.access.run(owner, fn, *args)

    def register_resident(self, request: ResidentRequest) -> Resident:
        sid = self.access.student()
        resident = self.inner.register_resident(request)
        if sid is not None:
            self.access.store.own(sid, (Kind.MY_NUMBER, resident.my_number), (Kind.HOLDER, resident.holder.holder_id))
        return resident

    def find_resident(self, query: ResidentQuery) -> Resident:
        if query.my_number is not None:
            owner = self.access.require(Kind.MY_NUMBER, query.my_number)
        else:
            owner = self.access.require(Kind.HOLDER, query.holder_id)
        return self.access.run(owner, self.inner.find_resident, query)

    def issue_card(self, request: CardRequest) -> CounterReceipt:
        return self._by_number(request.my_number, self.inner.issue_card, request)

    def report_card_loss(self, my_number: str) -> CounterReceipt:
        return self._by_number(my_number, self.inner.report_card_loss, my_number)

    def phone_found(self, my_number: str) -> CounterReceipt:
        return self._by_number(my_number, self.inner.phone_found, my_number)

    def card_found(self, request: CardFoundRequest) -> CounterReceipt:
        return self._by_number(request.my_number, self.inner.card_found, request)

    def change_attributes(self, request: AttributeChange) -> CounterReceipt:
        return self._by_number(request.my_number, self.inner.change_attributes, request)

    def reset_pin(self, request: PinReset) -> CounterReceipt:
        return self._by_number(request.my_number, self.inner.reset_pin, request)

    def card_certificates(self, my_number: str) -> tuple[CertificateInfo, ...]:
        return self._by_number(my_number, self.inner.card_certificates, my_number)
