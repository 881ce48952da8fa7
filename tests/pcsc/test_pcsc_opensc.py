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
