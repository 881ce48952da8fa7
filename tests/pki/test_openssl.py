"""Interop with the OpenSSL command line: what a relying party outside Python would see.

The lab clock starts at the real current time here, because ``openssl ocsp`` checks the
responder certificate against the wall clock and has no ``-attime``."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509 import ocsp
from pki_support import make_holder

from labkit.clock import SimulatedClock, SystemClock
from labkit.pki import CARD_AUTH, CARD_SIGN, PHONE_AUTH, PHONE_SIGN, CaKind, Jpki, Reason, SoftwareSigner, sign_detached

pytestmark = pytest.mark.openssl

PEM = serialization.Encoding.PEM
DER = serialization.Encoding.DER


@dataclass
class World:
    jpki: Jpki
    dir: Path
    openssl: str
    certs: dict[str, x509.Certificate]
    key: rsa.RSAPrivateKey

    def write(self, name: str, data: bytes) -> Path:
        path = self.dir / name
        path.write_bytes(data)
        return path

    def pem(self, name: str, cert: x509.Certificate) -> Path:
        return self.write(name, cert.public_bytes(PEM))

    def run(self, *args: str | Path, ok: bool = True) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run([self.openssl, *map(str, args)], capture_output=True, text=True, timeout=60,
                              cwd=self.dir)
        if ok:
            assert proc.returncode == 0, proc.stdout + proc.stderr
        return proc

    def crl_pem(self, kind: CaKind) -> Path:
        der = self.write(f"{kind.value}.crl", self.jpki.crl(kind))
        self.run("crl", "-inform", "DER", "-in", der, "-out", f"{kind.value}.crl.pem")
        return self.dir / f"{kind.value}.crl.pem"


@pytest.fixture
def world(openssl: str, tmp_path: Path, make_jpki: Callable[..., Jpki], ee_key: rsa.RSAPrivateKey) -> World:
    clock = SimulatedClock(SystemClock().now().replace(microsecond=0))
    jpki = make_jpki(clock=clock)
    holder = make_holder()
    certs = {p.id: jpki.issue(p, ee_key.public_key(), holder) for p in (CARD_SIGN, CARD_AUTH, PHONE_SIGN, PHONE_AUTH)}
    w = World(jpki, tmp_path, openssl, certs, ee_key)
    for kind in CaKind:
        w.pem(f"{kind.value}-ca.pem", jpki.ca(kind).certificate)
        w.pem(f"ocsp-{kind.value}.pem", jpki.responder(kind))
    for name, cert in certs.items():
        w.pem(f"{name}.pem", cert)
    return w


def ca_file(profile: str) -> str:
    return "sign-ca.pem" if profile.endswith("sign") else "auth-ca.pem"


def test_chains_verify(world: World) -> None:
    for name in world.certs:
        out = world.run("verify", "-x509_strict", "-CAfile", ca_file(name), f"{name}.pem").stdout
        assert out.strip() == f"{name}.pem: OK"
    for kind in CaKind:
        world.run("verify", "-CAfile", f"{kind.value}-ca.pem", f"ocsp-{kind.value}.pem")
    wrong = world.run("verify", "-CAfile", "auth-ca.pem", "card-sign.pem", ok=False)
    assert wrong.returncode != 0


def test_crl_check_rejects_revoked_and_held(world: World) -> None:
    jpki = world.jpki
    jpki.revoke(world.certs["card-sign"].serial_number, Reason.KEY_COMPROMISE)
    jpki.hold(world.certs["phone-auth"].serial_number)
    for kind in CaKind:
        world.crl_pem(kind)

    def check(name: str) -> subprocess.CompletedProcess[str]:
        kind = "sign" if name.endswith("sign") else "auth"
        at = str(int(world.jpki.clock.now().timestamp()))  # the lab clock, not the wall clock
        return world.run("verify", "-attime", at, "-crl_check", "-CAfile", f"{kind}-ca.pem", "-CRLfile",
                         f"{kind}.crl.pem", f"{name}.pem", ok=False)
    for name in ("card-sign", "phone-auth"):
        proc = check(name)
        assert proc.returncode != 0 and "certificate revoked" in proc.stdout + proc.stderr
    for name in ("phone-sign", "card-auth"):
        assert check(name).returncode == 0
    text = world.run("crl", "-in", "sign.crl.pem", "-noout", "-text").stdout
    assert "Key Compromise" in text and "X509v3 CRL Number" in text
    assert "Certificate Hold" in world.run("crl", "-in", "auth.crl.pem", "-noout", "-text").stdout
    # the hold is lifted: the next CRL lets the certificate through again
    world.jpki.clock.advance(seconds=1)  # type: ignore[attr-defined]
    jpki.release_hold(world.certs["phone-auth"].serial_number)
    world.crl_pem(CaKind.AUTH)
    assert check("phone-auth").returncode == 0


def test_san_other_names_parse_per_rfc5280(world: World) -> None:
    world.write("card-sign.der", world.certs["card-sign"].public_bytes(DER))
    cert = world.run("asn1parse", "-inform", "DER", "-in", "card-sign.der").stdout.splitlines()
    at = next(i for i, line in enumerate(cert) if "X509v3 Subject Alternative Name" in line)
    offset = cert[at + 1].split(":", 1)[0].strip()  # the extnValue OCTET STRING
    lines = world.run("asn1parse", "-inform", "DER", "-in", "card-sign.der", "-strparse", offset,
                      "-i").stdout.splitlines()
    san_oids = [i for i, line in enumerate(lines) if ":1.2.392.200149.8.5.5." in line]
    assert len(san_oids) == 6
    for i in san_oids:  # OtherName ::= [0] { type-id OID, value [0] EXPLICIT UTF8String }
        assert "cont [ 0 ]" in lines[i - 1] and "cont [ 0 ]" in lines[i + 1] and "UTF8STRING" in lines[i + 2]
    assert [lines[i].rsplit(".", 1)[1] for i in san_oids] == list("143526")
    text = world.run("x509", "-in", "card-sign.pem", "-noout", "-ext", "subjectAltName").stdout
    assert "othername: 1.2.392.200149.8.5.5.1::番号　花子" in text


def ocsp_request(world: World, name: str, nonce: bool = True) -> Path:
    args = ["ocsp", "-issuer", ca_file(name), "-cert", f"{name}.pem", "-reqout", f"{name}.req"]
    world.run(*args, *([] if nonce else ["-no_nonce"]))
    return world.dir / f"{name}.req"


def ocsp_status(world: World, name: str, *trust: str) -> str:
    response = world.jpki.ocsp_respond(ocsp_request(world, name).read_bytes())
    world.write(f"{name}.resp", response)
    proc = world.run("ocsp", "-respin", f"{name}.resp", "-issuer", ca_file(name), "-cert", f"{name}.pem",
                     "-no_nonce", *trust)
    assert "Response verify OK" in proc.stderr
    return proc.stdout


@pytest.mark.parametrize("trust", [("-VAfile", "ocsp-{kind}.pem"), ("-CAfile", "{kind}-ca.pem")])
def test_openssl_accepts_ocsp_responses(world: World, trust: tuple[str, str]) -> None:
    def status(name: str) -> str:
        kind = "sign" if name.endswith("sign") else "auth"
        return ocsp_status(world, name, trust[0], trust[1].format(kind=kind))
    assert "card-sign.pem: good" in status("card-sign")
    world.jpki.revoke(world.certs["card-sign"].serial_number, Reason.AFFILIATION_CHANGED)
    world.jpki.hold(world.certs["card-auth"].serial_number)
    revoked = status("card-sign")
    assert "card-sign.pem: revoked" in revoked and "Reason: affiliationChanged" in revoked
    held = status("card-auth")
    assert "card-auth.pem: revoked" in held and "Reason: certificateHold" in held


def test_openssl_sees_unknown_and_checks_the_nonce(world: World, make_jpki: Callable[..., Jpki]) -> None:
    other = make_jpki(clock=world.jpki.clock)  # same CA keys: an issuer we answer for, a serial we never issued
    world.pem("stranger.pem", other.issue(CARD_SIGN, world.key.public_key(), make_holder("x")))
    request = world.run("ocsp", "-issuer", "sign-ca.pem", "-cert", "stranger.pem", "-reqout", "stranger.req")
    assert request.returncode == 0
    world.write("stranger.resp", world.jpki.ocsp_respond((world.dir / "stranger.req").read_bytes()))
    proc = world.run("ocsp", "-reqin", "stranger.req", "-respin", "stranger.resp", "-VAfile", "ocsp-sign.pem",
                     "-resp_text")
    assert "Response verify OK" in proc.stderr and "Nonce Verify error" not in proc.stderr
    assert "Cert Status: unknown" in proc.stdout and "OCSP Nonce" in proc.stdout
    # a response to another request (other nonce) is caught by openssl
    other_req = ocsp_request(world, "card-sign")
    world.write("other.resp", world.jpki.ocsp_respond(other_req.read_bytes()))
    replay = world.run("ocsp", "-reqin", "stranger.req", "-respin", "other.resp", "-VAfile", "ocsp-sign.pem",
                       ok=False)
    assert "Nonce Verify error" in replay.stdout + replay.stderr


def test_openssl_request_without_nonce(world: World) -> None:
    response = ocsp.load_der_ocsp_response(
        world.jpki.ocsp_respond(ocsp_request(world, "phone-sign", nonce=False).read_bytes()))
    assert response.certificate_status is ocsp.OCSPCertStatus.GOOD
    assert response.hash_algorithm.name == "sha1"  # openssl's default CertID hash


def test_openssl_verifies_cms_signatures(world: World) -> None:
    document = "電子申請書\r\n氏名: 番号　花子\r\n".encode()
    world.write("doc.txt", document)
    for name in ("card-sign", "phone-sign"):
        signer = SoftwareSigner(world.key, world.certs[name])
        world.write(f"{name}.p7s", sign_detached(document, signer, clock=world.jpki.clock))
        proc = world.run("cms", "-verify", "-binary", "-inform", "DER", "-in", f"{name}.p7s", "-content", "doc.txt",
                         "-CAfile", "sign-ca.pem", "-out", "verified.txt")
        assert "Verification successful" in proc.stderr
        assert (world.dir / "verified.txt").read_bytes() == document
    world.write("tampered.txt", document + b"!")
    bad = world.run("cms", "-verify", "-binary", "-inform", "DER", "-in", "card-sign.p7s", "-content", "tampered.txt",
                    "-CAfile", "sign-ca.pem", "-out", "/dev/null", ok=False)
    assert bad.returncode != 0 and "content verify error" in bad.stderr.lower()
    untrusted = world.run("cms", "-verify", "-binary", "-inform", "DER", "-in", "card-sign.p7s", "-content",
                          "doc.txt", "-CAfile", "auth-ca.pem", "-out", "/dev/null", ok=False)
    assert untrusted.returncode != 0
    printed = world.run("cms", "-cmsout", "-print", "-inform", "DER", "-in", "card-sign.p7s").stdout
    assert "signingTime" in printed and "id-smime-aa-signingCertificateV2" in printed
    assert hashes.SHA256.name in printed


def test_multi_certificate_requests_are_refused_as_documented(world: World) -> None:
    """cryptography parses one CertID per request, so two are answered malformedRequest."""
    world.run("ocsp", "-issuer", "sign-ca.pem", "-cert", "card-sign.pem", "-cert", "phone-sign.pem",
              "-reqout", "two.req")
    response = ocsp.load_der_ocsp_response(world.jpki.ocsp_respond((world.dir / "two.req").read_bytes()))
    assert response.response_status is ocsp.OCSPResponseStatus.MALFORMED_REQUEST
