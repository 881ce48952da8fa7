"""OpenSC's own tools against the emulated card through pcscd: the jpki driver detects it,
PKCS#15 shows four certificates and two PINs, the certificates equal the ones labkit.pki
issued, and a PKCS#11 signature verifies against the certificate."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.serialization import Encoding
from pcscd import IssuedCard, VirtualSlot

from labkit.card import KeyRole, MyNumberCard
from labkit.pki import CaKind
from labkit.reader import JpkiClient, PcscTransport

pytestmark = [pytest.mark.pcsc, pytest.mark.opensc, pytest.mark.timeout(120)]

TOOLS = ("opensc-tool", "pkcs15-tool", "pkcs11-tool")
PKCS11_CANDIDATES = ("/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so", "/usr/lib/*/opensc-pkcs11.so",
                     "/usr/lib/opensc-pkcs11.so", "/usr/lib64/opensc-pkcs11.so",
                     "/usr/lib*/pkcs11/opensc-pkcs11.so")
JPKI_ONLY = "app default {\n    card_drivers = jpki;\n}\n"


def _pkcs11_module() -> str | None:
    for pattern in PKCS11_CANDIDATES:
        found = sorted(glob.glob(pattern))
        if found:
            return found[0]
    return None


@pytest.fixture(scope="module")
def opensc() -> None:
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if _pkcs11_module() is None:
        missing.append("opensc-pkcs11.so")
    if missing:
        reason = f"OpenSC not installed: missing {', '.join(missing)}"
        if os.environ.get("CI", "").lower() == "true" and os.geteuid() == 0:
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture
def card_in_reader(opensc: None, vpcd_slot0: VirtualSlot, jpki_card: MyNumberCard) -> VirtualSlot:
    vpcd_slot0.attach(jpki_card)
    return vpcd_slot0


@pytest.fixture
def env(tmp_path: Path) -> dict[str, dict[str, str]]:
    """Environments for the tools: OpenSC's default configuration, and a private
    configuration that tries only the jpki driver. HOME is private so no cache is shared."""
    conf = tmp_path / "opensc-jpki.conf"
    conf.write_text(JPKI_ONLY)
    base = {k: v for k, v in os.environ.items() if k != "OPENSC_CONF"} | {"HOME": str(tmp_path)}
    return {"default": base, "jpki-only": base | {"OPENSC_CONF": str(conf)}}


def _run(env: dict[str, str], *argv: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(list(argv), env=env, capture_output=True, text=True, timeout=60)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(argv)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result


@pytest.mark.parametrize("config", ["default", "jpki-only"])
def test_opensc_names_the_card_jpki(card_in_reader: VirtualSlot, env: dict, config: str) -> None:
    out = _run(env[config], "opensc-tool", "-r", str(card_in_reader.index), "-n").stdout
    assert out.strip().splitlines()[-1] == "jpki"


@pytest.mark.parametrize("config", ["default", "jpki-only"])
def test_pkcs15_lists_four_certificates_and_two_pins(card_in_reader: VirtualSlot, env: dict,
                                                     config: str) -> None:
    reader = str(card_in_reader.index)
    certs = _run(env[config], "pkcs15-tool", "-r", reader, "--list-certificates").stdout
    for label in ("User Authentication Certificate", "Digital Signature Certificate",
                  "User Authentication Certificate CA", "Digital Signature Certificate CA"):
        assert f"X.509 Certificate [{label}]" in certs
    assert certs.count("X.509 Certificate [") == 4
    pins = _run(env[config], "pkcs15-tool", "-r", reader, "--list-pins").stdout
    auth, sign = pins.split("PIN [Digital Signature PIN]")
    assert "PIN [User Authentication PIN]" in auth and "Tries left     : 3" in auth
    assert "Tries left     : 5" in sign


def _read_cert(env: dict[str, str], reader: str, cert_id: str, *extra: str) -> bytes:
    pem = _run(env, "pkcs15-tool", "-r", reader, "--read-certificate", cert_id, *extra).stdout
    return x509.load_pem_x509_certificate(pem.encode()).public_bytes(Encoding.DER)


def test_certificates_through_opensc_equal_the_issued_ones(card_in_reader: VirtualSlot, env: dict,
                                                           issued_card: IssuedCard) -> None:
    tool_env, reader = env["jpki-only"], str(card_in_reader.index)
    issued = issued_card.issued_der()
    assert _read_cert(tool_env, reader, "1") == issued["card-auth"]
    assert _read_cert(tool_env, reader, "3") == issued_card.jpki.ca(CaKind.AUTH).der
    assert _read_cert(tool_env, reader, "4") == issued_card.jpki.ca(CaKind.SIGN).der
    assert _read_cert(tool_env, reader, "2", "--verify-pin", "--auth-id", "02",
                      "--pin", issued_card.sign_password) == issued["card-sign"]


@pytest.mark.parametrize(("token", "key_id", "profile", "pin"), [
    ("JPKI (User Authentication PIN)", "01", "card-auth", "1234"),
    ("JPKI (Digital Signature PIN)", "02", "card-sign", "ABC123"),
])
def test_pkcs11_signature_verifies(card_in_reader: VirtualSlot, env: dict, issued_card: IssuedCard,
                                   tmp_path: Path, token: str, key_id: str, profile: str, pin: str) -> None:
    data, signature = tmp_path / "data.txt", tmp_path / "data.sig"
    data.write_bytes("マイナポータルへのログイン".encode())
    module = _pkcs11_module()
    assert module is not None
    _run(env["default"], "pkcs11-tool", "--module", module, "--token-label", token, "--login", "--pin", pin,
         "--sign", "-m", "SHA256-RSA-PKCS", "--id", key_id, "-i", str(data), "-o", str(signature))
    cert = x509.load_der_x509_certificate(issued_card.issued_der()[profile])
    cert.public_key().verify(signature.read_bytes(), data.read_bytes(),  # type: ignore[union-attr]
                             padding.PKCS1v15(), hashes.SHA256())


def test_pkcs11_wrong_pin_costs_one_try(card_in_reader: VirtualSlot, env: dict, tmp_path: Path) -> None:
    data = tmp_path / "data.txt"
    data.write_bytes(b"x")
    module = _pkcs11_module()
    assert module is not None
    result = _run(env["default"], "pkcs11-tool", "--module", module, "--token-label",
                  "JPKI (User Authentication PIN)", "--login", "--pin", "9999", "--sign", "-m",
                  "SHA256-RSA-PKCS", "--id", "01", "-i", str(data), check=False)
    assert result.returncode != 0 and "CKR_PIN_INCORRECT" in result.stdout + result.stderr
    with PcscTransport(card_in_reader.reader) as transport:
        assert JpkiClient(transport).pin_tries(KeyRole.AUTH).remaining == 2


def test_pkcs11_generate_random_and_self_test(card_in_reader: VirtualSlot, env: dict) -> None:
    """Interop review §2: GET CHALLENGE answered 6D00, so C_GenerateRandom failed."""
    module = _pkcs11_module()
    assert module is not None
    generated = subprocess.run(["pkcs11-tool", "--module", module, "--token-label", "JPKI (User Authentication PIN)",
                                "--generate-random", "16"], env=env["default"], capture_output=True, timeout=60)
    assert generated.returncode == 0 and len(generated.stdout) == 16, generated.stderr
    test = _run(env["default"], "pkcs11-tool", "--module", module, "--token-label",
                "JPKI (User Authentication PIN)", "--login", "--pin", "1234", "--test", check=False)
    out = test.stdout + test.stderr
    assert "C_GenerateRandom failed" not in out and "ERR:" not in out, out
    assert test.returncode == 0, out


def _pem(path: Path, der: bytes) -> str:
    path.write_bytes(x509.load_der_x509_certificate(der).public_bytes(Encoding.PEM))
    return str(path)


def test_one_lab_pki_jlis_serve_answers_for_card_emulate(opensc: None, vpcd_slot0: VirtualSlot, env: dict,
                                                         tmp_path: Path) -> None:
    """`jlis serve` and `card emulate` with their defaults share the lab PKI: the card's
    certificate read with OpenSC is `good` for `openssl ocsp` at the URL written in it, and
    `labkit card sign` makes CMS signatures `openssl cms -verify` accepts (interop review §3.3, §4)."""
    import sys

    import httpx
    from jlis_server import REPO, free_port

    if shutil.which("openssl") is None:
        pytest.skip("openssl not installed")
    lab = {**env["default"], "LABKIT_PKI_DB": str(tmp_path / "lab-pki.db"), "PYTHONPATH": str(REPO)}
    port = free_port()
    labkit = [sys.executable, "-m", "labkit"]
    server = subprocess.Popen([*labkit, "jlis", "serve", "--port", str(port)], env=lab, cwd=REPO,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    card = subprocess.Popen([*labkit, "card", "emulate", "--port", str(vpcd_slot0.port)], env=lab, cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        vpcd_slot0.wait_present(60)
        reader = str(vpcd_slot0.index)
        auth_der = _read_cert(env["jpki-only"], reader, "1")
        auth = x509.load_der_x509_certificate(auth_der)
        aia = auth.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
        url = next(d.access_location.value for d in aia if d.access_method == x509.AuthorityInformationAccessOID.OCSP)
        assert url == "http://127.0.0.1:8470/ocsp"  # the default port of `labkit jlis serve`
        url = url.replace(":8470", f":{port}")  # this test's server runs on a free port instead
        for _ in range(300):
            try:
                ca_der = httpx.get(url.replace("/ocsp", "/ca/auth.der"), timeout=2).content
                break
            except httpx.HTTPError:
                import time
                time.sleep(0.2)
        assert _read_cert(env["jpki-only"], reader, "3") == ca_der  # the server signs with the card's CA
        cert_pem, ca_pem = _pem(tmp_path / "auth.pem", auth_der), _pem(tmp_path / "auth-ca.pem", ca_der)
        result = _run(env["default"], "openssl", "ocsp", "-issuer", ca_pem, "-cert", cert_pem, "-CAfile", ca_pem,
                      "-url", url)
        assert f"{cert_pem}: good" in result.stdout and "Response verify OK" in result.stderr

        data = tmp_path / "申請書.txt"
        data.write_bytes("電子申請の本文".encode())
        sign_ca = _pem(tmp_path / "sign-ca.pem", httpx.get(url.replace("/ocsp", "/ca/sign.der"), timeout=10).content)
        for role, pin, ca in (("auth", "1234", ca_pem), ("sign", "ABC123", sign_ca)):
            (tmp_path / f"{role}.pin").write_text(pin + "\n")
            out = tmp_path / f"{role}.p7s"
            _run(lab, *labkit, "--lang", "en", "card", "sign", "--role", role, "--pin-file",
                 str(tmp_path / f"{role}.pin"), "--reader", vpcd_slot0.reader, str(data), str(out))
            verified = _run(env["default"], "openssl", "cms", "-verify", "-inform", "DER", "-in", str(out),
                            "-content", str(data), "-binary", "-CAfile", ca, "-purpose", "any", "-out", os.devnull)
            assert "Verification successful" in verified.stderr
    finally:
        for process in (card, server):
            if process.poll() is None:
                process.terminate()
            process.wait(20)
