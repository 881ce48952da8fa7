"""The hand-encoded CRL list (labkit.pki.crl_der) against cryptography's builder: the same
bytes for the same input (PKCS#1 v1.5 signatures are deterministic), every reason, an
invalidity date, times on both sides of 2050 and serials needing a sign byte."""

from __future__ import annotations

from datetime import UTC, datetime

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from labkit.pki import CaKind, Jpki, Reason
from labkit.pki._ca import build_crl
from labkit.pki.crl_der import build_crl_der


def test_same_bytes_as_cryptography(jpki: Jpki) -> None:
    ca = jpki.ca(CaKind.SIGN)
    at = datetime(2026, 4, 1, 1, 2, 3, tzinfo=UTC)
    entries = [(0x7F + i, reason, at, None) for i, reason in enumerate(Reason)]
    late = datetime(2026, 3, 31, 23, 59, 58, tzinfo=UTC)
    entries += [(0x80, Reason.KEY_COMPROMISE, datetime(2051, 1, 1, tzinfo=UTC), late),
                (0x8000, Reason.SUPERSEDED, datetime(1999, 12, 31, 23, 59, 59, tzinfo=UTC), None),
                ((1 << 158) + 5, Reason.UNSPECIFIED, at, at), (1, Reason.SUPERSEDED, at, None)]
    def epoch(when: datetime | None) -> int | None:
        return None if when is None else int(when.timestamp())

    for listed in (entries, []):
        ours = build_crl_der(issuer=ca.certificate, issuer_key=ca.key, number=7, this_update=at,
                             entries=[(s, int(r), epoch(a), epoch(i)) for s, r, a, i in listed])
        theirs = build_crl(issuer=ca.certificate, issuer_key=ca.key, number=7, this_update=at, entries=listed)
        assert ours == theirs.public_bytes(serialization.Encoding.DER)
    crl = x509.load_der_x509_crl(ours)
    assert crl.is_signature_valid(ca.certificate.public_key())  # type: ignore[arg-type]


def test_jpki_serves_the_crl_from_memory_until_the_revision_changes(jpki: Jpki, holder: object, ee_key: object) -> None:
    from labkit.pki import CARD_SIGN

    first = jpki.crl(CaKind.SIGN)
    reads = []
    original = jpki.store.get_ca
    jpki.store.get_ca = lambda kind: (reads.append(kind), original(kind))[1]  # type: ignore[method-assign]
    assert jpki.crl(CaKind.SIGN) is first and reads == []  # not re-read, not rebuilt
    cert = jpki.issue(CARD_SIGN, ee_key.public_key(), holder)  # type: ignore[attr-defined]
    jpki.revoke(cert.serial_number, Reason.KEY_COMPROMISE)
    second = x509.load_der_x509_crl(jpki.crl(CaKind.SIGN))
    assert second.get_revoked_certificate_by_serial_number(cert.serial_number) is not None
