"""Persistence for the lab J-LIS: CAs, issued certificates and their revocation state.

Two implementations share one interface and one test-suite: :class:`MemoryStore` (tests,
notebooks) and :class:`~labkit.pki.sqlite_store.SqliteStore` (the J-LIS server).

Atomicity is built into the interface: :meth:`Store.issue` allocates a serial, calls the
caller's ``build(serial)`` (which signs the certificate) and records the result in **one**
transaction. If ``build`` raises or the process dies, neither the serial nor the certificate
exists afterwards, so there is never a "serial handed out but nothing recorded" state. The
CA's own private keys (roots and OCSP responders) are kept in the store too: it plays the
CA's HSM. End-entity keys are never stored; they live in the card or the SE.
"""

from __future__ import annotations

import secrets
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import NamedTuple

from cryptography import x509

from ..errors import StoreError
from ..i18n import Text
from .constants import CaKind, Reason

#: RFC 5280 §4.1.2.2: positive, at most 20 octets.
MAX_SERIAL = (1 << 159) - 1


def random_serial() -> int:
    """127 random bits with the top bit set: 16 octets, positive, unguessable."""
    return secrets.randbits(127) | (1 << 126)


def normalise_time(when: datetime) -> datetime:
    """Stores keep whole seconds in UTC, as certificates do."""
    if when.tzinfo is None:
        raise ValueError("aware datetimes only")
    return when.astimezone(UTC).replace(microsecond=0)


@dataclass(frozen=True, slots=True)
class Revocation:
    """A CRL entry's data; ``reason`` CERTIFICATE_HOLD means 一時保留."""

    reason: Reason
    revoked_at: datetime
    invalidity_date: datetime | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "reason", Reason(self.reason))
        object.__setattr__(self, "revoked_at", normalise_time(self.revoked_at))
        if self.invalidity_date is not None:
            object.__setattr__(self, "invalidity_date", normalise_time(self.invalidity_date))

    @property
    def hold(self) -> bool:
        return self.reason is Reason.CERTIFICATE_HOLD


class RevokedEntry(NamedTuple):
    """What a CRL needs of one revoked certificate: no DER and times as UTC epoch seconds,
    because a full CRL reads 10^6 of them at once."""

    serial: int
    reason: int
    revoked_at: int
    invalidity_date: int | None
    not_after: int


@dataclass(frozen=True, slots=True)
class CertRecord:
    """One issued certificate as the store knows it."""

    serial: int
    ca: CaKind
    profile: str
    holder_id: str | None
    not_before: datetime
    not_after: datetime
    der: bytes
    revocation: Revocation | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.serial, int) or not 0 < self.serial <= MAX_SERIAL:
            raise ValueError("serial numbers are positive and at most 20 octets")
        object.__setattr__(self, "ca", CaKind(self.ca))
        object.__setattr__(self, "not_before", normalise_time(self.not_before))
        object.__setattr__(self, "not_after", normalise_time(self.not_after))

    @property
    def certificate(self) -> x509.Certificate:
        return x509.load_der_x509_certificate(self.der)


@dataclass(frozen=True, slots=True)
class NewCertificate:
    """What ``build(serial)`` returns: the record, plus a private key when the lab holds it."""

    record: CertRecord
    private_key_pem: bytes | None = None


@dataclass(frozen=True, slots=True)
class CaRecord:
    """A CA: its root, key, and CRL bookkeeping.

    ``revision`` increases with every revocation change under this CA; the cached CRL is
    current while ``crl_revision == revision``. ``crl_number`` is the last number issued.
    """

    kind: CaKind
    root: CertRecord
    key_pem: bytes
    crl_number: int = 0
    revision: int = 0
    crl_der: bytes | None = None
    crl_revision: int = -1


def already_changed(serial: int) -> StoreError:
    return StoreError(Text("証明書の状態が同時に変更されました。やり直してください",
                           "the certificate's status changed concurrently; retry"), serial=serial)


class Store(ABC):
    """The storage interface the CA facade uses. All methods are thread-safe."""

    def __init__(self, serials: Callable[[], int] = random_serial) -> None:
        self._serials = serials

    def _allocate(self, taken: Callable[[int], bool]) -> int:
        for _ in range(64):
            serial = self._serials()
            if 0 < serial <= MAX_SERIAL and not taken(serial):
                return serial
        raise StoreError(Text("未使用のシリアル番号を割り当てられません", "could not allocate an unused serial number"))

    @abstractmethod
    def create_ca(self, kind: CaKind, build: Callable[[int], NewCertificate]) -> CaRecord:
        """Record a new root (``build(serial)`` must return it with its key) as CA ``kind``."""

    @abstractmethod
    def get_ca(self, kind: CaKind) -> CaRecord | None: ...

    @abstractmethod
    def issue(self, ca: CaKind, build: Callable[[int], NewCertificate]) -> CertRecord:
        """Allocate an unused serial, build and record the certificate, atomically."""

    @abstractmethod
    def get(self, serial: int) -> CertRecord | None: ...

    @abstractmethod
    def private_key(self, serial: int) -> bytes | None:
        """The PEM key the lab holds for ``serial`` (roots and responders only)."""

    @abstractmethod
    def find(self, *, ca: CaKind | None = None, holder_id: str | None = None,
             profile: str | None = None) -> list[CertRecord]:
        """Matching certificates, oldest first (by notBefore, then serial)."""

    @abstractmethod
    def revoked(self, ca: CaKind) -> list[CertRecord]:
        """Certificates of ``ca`` that are revoked or on hold, by serial."""

    def revoked_entries(self, ca: CaKind) -> list[RevokedEntry]:
        """:meth:`revoked` reduced to what a CRL lists, by serial."""
        def ts(when: datetime | None) -> int | None:
            return None if when is None else int(when.timestamp())
        return [RevokedEntry(r.serial, int(r.revocation.reason), int(r.revocation.revoked_at.timestamp()),
                             ts(r.revocation.invalidity_date), int(r.not_after.timestamp()))
                for r in self.revoked(ca) if r.revocation is not None]

    def revision(self, kind: CaKind) -> int:
        """The CA's revision alone (cheap: asked on every OCSP request); -1 if no such CA."""
        record = self.get_ca(kind)
        return -1 if record is None else record.revision

    @abstractmethod
    def set_revocation(self, serial: int, *, expected: Revocation | None,
                       new: Revocation | None) -> CertRecord:
        """Compare-and-set the revocation state; bumps the CA's revision."""

    @abstractmethod
    def publish_crl(self, kind: CaKind, build: Callable[[int, list[RevokedEntry]], bytes]) -> CaRecord:
        """Call ``build(next_number, revoked_entries)`` and record its DER as the current CRL, atomically."""

    def close(self) -> None:  # noqa: B027 - optional hook, not abstract
        """Release resources; the default has none."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class MemoryStore(Store):
    """Dictionaries under one lock; ``build`` runs before anything is written."""

    def __init__(self, serials: Callable[[], int] = random_serial) -> None:
        super().__init__(serials)
        self._lock = threading.RLock()
        self._certs: dict[int, CertRecord] = {}
        self._keys: dict[int, bytes] = {}
        self._cas: dict[CaKind, CaRecord] = {}

    @contextmanager
    def _locked(self) -> Iterator[None]:
        with self._lock:
            yield

    def _record(self, new: NewCertificate, ca: CaKind) -> CertRecord:
        rec = new.record
        if rec.ca is not ca or rec.serial in self._certs or rec.revocation is not None:
            raise StoreError(Text("発行記録が不正です", "inconsistent issuance record"), serial=rec.serial)
        self._certs[rec.serial] = rec
        if new.private_key_pem is not None:
            self._keys[rec.serial] = new.private_key_pem
        return rec

    def create_ca(self, kind: CaKind, build: Callable[[int], NewCertificate]) -> CaRecord:
        with self._locked():
            if kind in self._cas:
                raise StoreError(Text("この認証局は既にあります", "this CA already exists"), ca=kind.value)
            new = build(self._allocate(self._certs.__contains__))
            if new.private_key_pem is None:
                raise StoreError(Text("認証局の鍵がありません", "a CA needs its private key"), ca=kind.value)
            rec = self._record(new, kind)
            self._cas[kind] = CaRecord(kind, rec, new.private_key_pem)
            return self._cas[kind]

    def get_ca(self, kind: CaKind) -> CaRecord | None:
        with self._locked():
            ca = self._cas.get(kind)
            return None if ca is None else replace(ca, root=self._certs[ca.root.serial])

    def issue(self, ca: CaKind, build: Callable[[int], NewCertificate]) -> CertRecord:
        with self._locked():
            if ca not in self._cas:
                raise StoreError(Text("認証局がありません", "no such CA"), ca=ca.value)
            return self._record(build(self._allocate(self._certs.__contains__)), ca)

    def get(self, serial: int) -> CertRecord | None:
        with self._locked():
            return self._certs.get(serial)

    def private_key(self, serial: int) -> bytes | None:
        with self._locked():
            return self._keys.get(serial)

    def find(self, *, ca: CaKind | None = None, holder_id: str | None = None,
             profile: str | None = None) -> list[CertRecord]:
        with self._locked():
            out = [r for r in self._certs.values()
                   if (ca is None or r.ca is ca) and (holder_id is None or r.holder_id == holder_id)
                   and (profile is None or r.profile == profile)]
        return sorted(out, key=lambda r: (r.not_before, r.serial))

    def revoked(self, ca: CaKind) -> list[CertRecord]:
        with self._locked():
            return sorted((r for r in self._certs.values() if r.ca is ca and r.revocation is not None),
                          key=lambda r: r.serial)

    def revision(self, kind: CaKind) -> int:
        ca = self._cas.get(kind)
        return -1 if ca is None else ca.revision

    def set_revocation(self, serial: int, *, expected: Revocation | None,
                       new: Revocation | None) -> CertRecord:
        with self._locked():
            rec = self._certs.get(serial)
            if rec is None:
                raise StoreError(Text("その証明書はありません", "no such certificate"), serial=serial)
            if rec.revocation != expected:
                raise already_changed(serial)
            rec = self._certs[serial] = replace(rec, revocation=new)
            ca = self._cas[rec.ca]
            self._cas[rec.ca] = replace(ca, revision=ca.revision + 1)
            return rec

    def publish_crl(self, kind: CaKind, build: Callable[[int, list[RevokedEntry]], bytes]) -> CaRecord:
        with self._locked():
            ca = self._cas[kind]
            der = build(ca.crl_number + 1, self.revoked_entries(kind))
            self._cas[kind] = replace(ca, crl_number=ca.crl_number + 1, crl_der=der, crl_revision=ca.revision)
            return self.get_ca(kind)  # type: ignore[return-value]
