"""The lab J-LIS in one object: both CAs, their OCSP responders, issuance and revocation.

Card personalisation, the smartphone application flow and the J-LIS HTTP server all go
through :class:`Jpki`; it owns the rules (validity, eligibility, hold semantics) while
:mod:`~labkit.pki.store` owns atomicity.

Revocation rules (lecture 2-6/2-7, J-LIS CPS):

* ``revoke`` takes any JPKI reason except certificateHold; revoking a revoked certificate is
  an error; a held certificate may be revoked permanently (its hold time becomes the
  invalidity date unless one is given).
* ``hold`` (一時保留) puts a good certificate on certificateHold.
* ``release_hold`` is allowed for user-auth profiles only; a held signing certificate must be
  revoked and issued anew. A lifted hold simply disappears from the next full CRL (no delta
  CRLs, so no removeFromCRL entries) and OCSP answers ``good`` again at once.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from ..clock import Clock
from ..errors import InputError, StoreError
from ..i18n import Text
from . import _ca, _ocsp
from .constants import CaKind, CertState, Reason
from .crl_der import build_crl_der
from .errors import NotEligibleError, RevocationStateError, UnknownCertificateError
from .ocsp_cache import PreProducedOcsp
from .profiles import OCSP_PROFILE, PROFILES, ROOT_PROFILE, Profile, build_end_entity, check_public_key
from .revocation import StoreChecker
from .store import CertRecord, NewCertificate, Revocation, RevokedEntry, Store
from .subject import Holder
from .urls import DEFAULT_BASE_URL, LabUrls
from .validity import certificate_not_after

#: Makes one RSA-2048 private key (tests inject a pool of pre-generated keys).
KeyFactory = Callable[[], rsa.RSAPrivateKey]


@dataclass(frozen=True, slots=True)
class CertificateStatus:
    """What J-LIS answers about one serial number."""

    serial: int
    state: CertState
    profile: str | None = None
    holder_id: str | None = None
    not_after: datetime | None = None
    reason: Reason | None = None
    revoked_at: datetime | None = None

    @property
    def text(self) -> Text:
        label = self.state.label
        if self.reason is None:
            return label
        return Text(f"{label.ja} ({self.reason.label.ja})", f"{label.en} ({self.reason.label.en})")


@dataclass(frozen=True, slots=True)
class CertificateAuthority:
    """One lab CA: its kind, root certificate and (HSM stand-in) key."""

    kind: CaKind
    certificate: x509.Certificate
    key: rsa.RSAPrivateKey

    @property
    def der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)


class Jpki:
    """Facade over a :class:`Store` and a :class:`Clock`; create it with :meth:`create`."""

    def __init__(self, store: Store, clock: Clock, urls: LabUrls, cas: dict[CaKind, CertificateAuthority],
                 key_factory: KeyFactory = _ca.new_key) -> None:
        self.store = store
        self.clock = clock
        self.urls = urls
        self._cas = cas
        self._key_factory = key_factory
        self._lock = threading.Lock()
        self._responders: dict[CaKind, tuple[x509.Certificate, rsa.RSAPrivateKey]] = {}
        #: kind -> (revision, thisUpdate, nextUpdate, DER) of the CRL last served.
        self._crl_cache: dict[CaKind, tuple[int, datetime, datetime, bytes]] = {}
        self.ocsp_responses = PreProducedOcsp(
            [_ocsp.OcspAuthority(kind, ca.certificate, functools.partial(self._responder, kind), self.store.get)
             for kind, ca in cas.items()], self.store.revision, lambda: _now(self.clock))

    @classmethod
    def create(cls, store: Store, clock: Clock, *, base_url: str = DEFAULT_BASE_URL,
               key_factory: KeyFactory = _ca.new_key) -> Jpki:
        """Load both CAs from ``store``, creating roots and OCSP responders where missing.
        Root keys are kept in the store (it is the lab CA's HSM stand-in)."""
        urls = LabUrls(base_url)
        cas = {}
        for kind in CaKind:
            record = store.get_ca(kind)
            made: rsa.RSAPrivateKey | None = None
            if record is None:
                now = _now(clock)
                key = key_factory()

                def build(serial: int, kind: CaKind = kind, key: rsa.RSAPrivateKey = key,
                          now: datetime = now) -> NewCertificate:
                    cert = _ca.build_root(kind, key, serial=serial, not_before=now)
                    return NewCertificate(_record(cert, kind, ROOT_PROFILE, None), _ca.key_to_pem(key))
                try:
                    record = store.create_ca(kind, build)
                    made = key
                except StoreError:
                    record = store.get_ca(kind)  # another process created it first
                    if record is None:
                        raise
            # the key just made is the one stored: no need to parse (and check, ~0.2 s) its PEM
            key = made if made is not None else _ca.key_from_pem(record.key_pem)
            cas[kind] = CertificateAuthority(kind, record.root.certificate, key)
        jpki = cls(store, clock, urls, cas, key_factory)
        for kind in CaKind:
            jpki.responder(kind)
        return jpki

    # --- CAs ---------------------------------------------------------------------------

    def ca(self, kind: CaKind) -> CertificateAuthority:
        return self._cas[CaKind(kind)]

    @property
    def anchors(self) -> tuple[x509.Certificate, ...]:
        """The lab roots: the only trust anchors relying parties in the lab should use."""
        return tuple(ca.certificate for ca in self._cas.values())

    def _issuing_ca(self, kind: CaKind, now: datetime) -> CertificateAuthority:
        ca = self.ca(kind)
        if not ca.certificate.not_valid_before_utc <= now < ca.certificate.not_valid_after_utc:
            raise NotEligibleError(Text("認証局の証明書が有効期間外です", "the CA certificate is outside its validity"),
                                   ca=kind.value)
        return ca

    def responder(self, kind: CaKind) -> x509.Certificate:
        return self._responder(CaKind(kind))[0]

    def _responder(self, kind: CaKind) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
        """The current delegated OCSP responder; a new one is issued when none is valid now."""
        now = _now(self.clock)
        with self._lock:
            cached = self._responders.get(kind)
            if cached and cached[0].not_valid_before_utc <= now < cached[0].not_valid_after_utc:
                return cached
            for rec in reversed(self.store.find(ca=kind, profile=OCSP_PROFILE)):
                if rec.revocation is None and rec.not_before <= now < rec.not_after:
                    pem = self.store.private_key(rec.serial)
                    if pem is not None:
                        self._responders[kind] = (rec.certificate, _ca.key_from_pem(pem))
                        return self._responders[kind]
            ca = self._issuing_ca(kind, now)
            key = self._key_factory()

            def build(serial: int) -> NewCertificate:
                cert = _ca.build_responder(kind, key.public_key(), serial=serial, not_before=now,
                                           issuer=ca.certificate, issuer_key=ca.key, urls=self.urls)
                return NewCertificate(_record(cert, kind, OCSP_PROFILE, None), _ca.key_to_pem(key))
            rec = self.store.issue(kind, build)
            self._responders[kind] = (rec.certificate, key)
            return self._responders[kind]

    # --- issuance ----------------------------------------------------------------------

    def issue(self, profile: Profile | str, public_key: rsa.RSAPublicKey, holder: Holder, *,
              not_after_cap: datetime | None = None) -> x509.Certificate:
        """Issue one end-entity certificate to ``holder`` for ``public_key`` (from the card/SE).

        Raises InputError (bad profile/key/holder) or NotEligibleError (under 15 for signing,
        card expired, ...); on any error nothing is recorded and no serial is consumed.
        """
        if isinstance(profile, str):
            profile = Profile.by_id(profile)
        key = check_public_key(public_key)
        if not isinstance(holder, Holder):
            raise InputError(Text("発行対象 (Holder) が必要です", "a Holder is required"))
        now = _now(self.clock)
        ca = self._issuing_ca(profile.ca, now)
        self._refuse_compromised(key)
        caps = [c for c in (not_after_cap, ca.certificate.not_valid_after_utc, self._auth_cap(profile, holder, now))
                if c is not None]
        not_after = certificate_not_after(holder.attributes.birth_date, now, holder.card_expiry,
                                          cap=min(caps), min_age=profile.min_age)

        def build(serial: int) -> NewCertificate:
            cert = build_end_entity(profile, holder, key, serial=serial, not_before=now, not_after=not_after,
                                    issuer=ca.certificate, issuer_key=ca.key, urls=self.urls)
            return NewCertificate(_record(cert, profile.ca, profile.id, holder.holder_id))
        return self.store.issue(profile.ca, build).certificate

    def _refuse_compromised(self, key: rsa.RSAPublicKey) -> None:
        """A key whose certificate was revoked for keyCompromise is never certified again
        (reliability review F7): the phone must make a new key pair in its SE."""
        spki = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        for kind in CaKind:
            for rec in self.store.revoked(kind):
                if rec.revocation is not None and rec.revocation.reason is Reason.KEY_COMPROMISE and \
                        rec.certificate.public_key().public_bytes(
                            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo) == spki:
                    raise NotEligibleError(Text("この鍵は危殆化 (keyCompromise) で失効した証明書の鍵です。"
                                                "新しい鍵ペアを作ってください",
                                                "this key's certificate was revoked for keyCompromise; "
                                                "make a new key pair"), serial=rec.serial)

    def _auth_cap(self, profile: Profile, holder: Holder, now: datetime) -> datetime | None:
        """A signing certificate never outlives the holder's current user-auth one (same form)."""
        if not profile.signing:
            return None
        pair = next(p for p in PROFILES.values() if p.form is profile.form and not p.signing)
        live = [r.not_after for r in self.store.find(holder_id=holder.holder_id, profile=pair.id)
                if r.revocation is None and r.not_before <= now < r.not_after]
        return max(live, default=None)

    # --- look-up -----------------------------------------------------------------------

    def record(self, serial: int) -> CertRecord:
        rec = self.store.get(serial) if isinstance(serial, int) and serial > 0 else None
        if rec is None:
            raise UnknownCertificateError(Text("そのシリアル番号の証明書は発行されていません",
                                               "no certificate with that serial number was issued"),
                                          serial=serial)
        return rec

    def certificate(self, serial: int) -> x509.Certificate:
        return self.record(serial).certificate

    def certificates_of(self, holder_id: str) -> list[CertRecord]:
        return self.store.find(holder_id=holder_id)

    def status(self, serial: int) -> CertificateStatus:
        rec = self.store.get(serial) if isinstance(serial, int) and serial > 0 else None
        if rec is None:
            return CertificateStatus(serial, CertState.UNKNOWN)
        if rec.revocation is not None:
            state = CertState.HELD if rec.revocation.hold else CertState.REVOKED
            return CertificateStatus(serial, state, rec.profile, rec.holder_id, rec.not_after,
                                     rec.revocation.reason, rec.revocation.revoked_at)
        state = CertState.EXPIRED if _now(self.clock) > rec.not_after else CertState.GOOD
        return CertificateStatus(serial, state, rec.profile, rec.holder_id, rec.not_after)

    # --- revocation --------------------------------------------------------------------

    def _end_entity(self, serial: int) -> tuple[CertRecord, Profile]:
        rec = self.record(serial)
        if rec.profile not in PROFILES:
            raise RevocationStateError(Text("認証局・OCSP の証明書はここでは失効できません",
                                            "CA and OCSP responder certificates cannot be revoked here"),
                                       serial=serial)
        return rec, PROFILES[rec.profile]

    def revoke(self, serial: int, reason: Reason = Reason.UNSPECIFIED, *,
               invalidity_date: datetime | None = None) -> CertificateStatus:
        """失効: permanent. For 一時保留 use :meth:`hold`."""
        reason = Reason(reason)
        if reason is Reason.CERTIFICATE_HOLD:
            raise InputError(Text("一時保留には hold() を使います", "use hold() for certificateHold"))
        rec, _ = self._end_entity(serial)
        if rec.revocation is not None and not rec.revocation.hold:
            raise RevocationStateError(Text("この証明書は既に失効しています", "this certificate is already revoked"),
                                       serial=serial, reason=rec.revocation.reason.name)
        if invalidity_date is None and rec.revocation is not None:
            invalidity_date = rec.revocation.revoked_at
        new = Revocation(reason, _now(self.clock), invalidity_date)
        self.store.set_revocation(serial, expected=rec.revocation, new=new)
        return self.status(serial)

    def hold(self, serial: int) -> CertificateStatus:
        """一時保留 (lost card/phone reported to the hotline)."""
        rec, _ = self._end_entity(serial)
        if rec.revocation is not None:
            held = rec.revocation.hold
            raise RevocationStateError(Text(f"この証明書は既に{'一時保留中' if held else '失効'}です",
                                            f"this certificate is already {'on hold' if held else 'revoked'}"),
                                       serial=serial)
        self.store.set_revocation(serial, expected=None, new=Revocation(Reason.CERTIFICATE_HOLD, _now(self.clock)))
        return self.status(serial)

    def release_hold(self, serial: int) -> CertificateStatus:
        """一時保留の解除: user-auth certificates only (lecture 2-6)."""
        rec, profile = self._end_entity(serial)
        if rec.revocation is None or not rec.revocation.hold:
            raise RevocationStateError(Text("一時保留中の証明書ではありません", "this certificate is not on hold"),
                                       serial=serial)
        if not profile.hold_releasable:
            raise RevocationStateError(
                Text("署名用電子証明書の一時保留は解除できません。失効させて新しく発行してください",
                     "a held signing certificate cannot be released; revoke it and issue a new one"),
                serial=serial, profile=profile.id)
        self.store.set_revocation(serial, expected=rec.revocation, new=None)
        return self.status(serial)

    # --- publication -------------------------------------------------------------------

    def crl(self, kind: CaKind) -> bytes:
        """The current full CRL (DER): reissued when the revocation set changed or it is due,
        otherwise served from memory (a 10^6-entry CRL is never rebuilt or re-read per request)."""
        kind = CaKind(kind)
        now = _now(self.clock)
        revision = self.store.revision(kind)
        held = self._crl_cache.get(kind)
        if held is not None and held[0] == revision and held[1] <= now < held[2]:
            return held[3]
        record = self.store.get_ca(kind)
        assert record is not None
        published = record.crl_der if record.crl_der is not None and record.crl_revision == record.revision else None
        if published is not None:
            cached = x509.load_der_x509_crl(published)
            if not cached.last_update_utc <= now < (cached.next_update_utc or now):
                published = None
        if published is None:
            ca = self.ca(kind)

            def build(number: int, revoked: list[RevokedEntry]) -> bytes:
                limit = int(now.timestamp())
                entries = [(r.serial, r.reason, r.revoked_at, r.invalidity_date)
                           for r in revoked if r.not_after >= limit]
                return build_crl_der(issuer=ca.certificate, issuer_key=ca.key, number=number, this_update=now,
                                     entries=entries)
            record = self.store.publish_crl(kind, build)
            published = record.crl_der
            assert published is not None
            cached = x509.load_der_x509_crl(published)
        self._crl_cache[kind] = (record.crl_revision, cached.last_update_utc,
                                 cached.next_update_utc or cached.last_update_utc, published)
        return published

    def ocsp_respond(self, request_der: bytes) -> bytes:
        """DER OCSPRequest in, DER OCSPResponse out (for ``POST /ocsp``); never raises on bad input.
        Requests without a nonce get pre-produced responses (:mod:`labkit.pki.ocsp_cache`)."""
        return self.ocsp_responses.respond(request_der)

    def checker(self) -> StoreChecker:
        """A revocation checker that asks this J-LIS's store directly."""
        return StoreChecker(self.store)


def _now(clock: Clock) -> datetime:
    return clock.now().astimezone(UTC).replace(microsecond=0)


def _record(cert: x509.Certificate, kind: CaKind, profile: str, holder_id: str | None) -> CertRecord:
    return CertRecord(cert.serial_number, kind, profile, holder_id, cert.not_valid_before_utc,
                      cert.not_valid_after_utc, cert.public_bytes(serialization.Encoding.DER))
