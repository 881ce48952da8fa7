"""``openssl ocsp`` against the J-LIS server over HTTP (RFC 6960): what a relying party
outside Python sees. The server runs on the system clock (openssl checks the responder
certificate against the wall clock)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from jlis_server import ServerProcess

pytestmark = [pytest.mark.openssl, pytest.mark.slow]


@pytest.fixture(scope="module")
def openssl() -> str:
    path = shutil.which("openssl")
    if path is None:
        pytest.skip("the openssl command line is not installed (apt-get install openssl)")
    return path


def pem(der: bytes, path: Path) -> Path:
    path.write_bytes(x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM))
    return path


def test_openssl_ocsp_over_http(jlis_server: Callable[..., ServerProcess], openssl: str, tmp_path: Path) -> None:
    server = jlis_server("--demo")
    listing = httpx.get(server.url + "/demo", timeout=10).json()["certificates"]
    wanted = {("phone-auth", "good"): "good", ("phone-auth", "held"): "revoked",
              ("phone-sign", "revoked"): "revoked", ("card-sign", "revoked"): "revoked"}
    checked = 0
    for (profile, state), word in wanted.items():
        entry = next(c for c in listing if c["profile"] == profile and c["status"] == state)
        kind = "sign" if profile.endswith("sign") else "auth"
        ca = pem(httpx.get(f"{server.url}/ca/{kind}.der").content, tmp_path / f"{kind}-ca.pem")
        cert = pem(httpx.get(f"{server.url}/certs/{entry['serial']}.der").content, tmp_path / f"{entry['serial']}.pem")
        out = subprocess.run([openssl, "ocsp", "-issuer", str(ca), "-cert", str(cert), "-CAfile", str(ca),
                              "-url", f"{server.url}/ocsp", "-resp_text"],
                             capture_output=True, text=True, timeout=60)
        text = out.stdout + out.stderr
        assert out.returncode == 0, text
        assert "Response verify OK" in text, text
        assert f"{cert}: {word}" in text, text
        if state == "held":
            assert "Reason: certificateHold" in text
        checked += 1
    assert checked == 4
