from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from cryptography import x509

from labkit.cli import main
from labkit.clock import JST
from labkit.pki import CARD_AUTH, CARD_SIGN, PHONE_AUTH, PHONE_SIGN, basic_attributes_of, profile_of

EXPECTED = {"sign-ca.pem", "auth-ca.pem", "ocsp-sign.pem", "ocsp-auth.pem", "card-sign.pem", "card-auth.pem",
            "phone-sign.pem", "phone-auth.pem", "held.pem", "revoked.pem", "sign-ca.crl", "auth-ca.crl", "README.txt"}


def load(out: Path, name: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate((out / name).read_bytes())


def test_demo_writes_the_sample_set(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "demo"
    assert main(["pki", "demo", "--out", str(out), "--now", "2026-04-01T10:00:00+09:00",
                 "--base-url", "http://jlis.test:9000", "--db", ":memory:"]) == 0
    assert {p.name for p in out.iterdir()} == EXPECTED
    assert len(capsys.readouterr().out.splitlines()) == len(EXPECTED)

    sign_ca, auth_ca = load(out, "sign-ca.pem"), load(out, "auth-ca.pem")
    for name, profile, ca in (("card-sign.pem", CARD_SIGN, sign_ca), ("card-auth.pem", CARD_AUTH, auth_ca),
                              ("phone-sign.pem", PHONE_SIGN, sign_ca), ("phone-auth.pem", PHONE_AUTH, auth_ca),
                              ("held.pem", CARD_AUTH, auth_ca), ("revoked.pem", CARD_SIGN, sign_ca)):
        cert = load(out, name)
        cert.verify_directly_issued_by(ca)
        assert profile_of(cert) is profile
        assert cert.not_valid_before_utc == datetime(2026, 4, 1, 9, 30, tzinfo=JST)  # issued 30 min before
    assert basic_attributes_of(load(out, "card-sign.pem")).name == "見本\u3000花子"
    dp = load(out, "card-sign.pem").extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    assert dp[0].full_name[0].value == "http://jlis.test:9000/crl/sign.crl"
    for kind in ("sign", "auth"):
        load(out, f"ocsp-{kind}.pem").verify_directly_issued_by(load(out, f"{kind}-ca.pem"))

    sign_crl = x509.load_der_x509_crl((out / "sign-ca.crl").read_bytes())
    auth_crl = x509.load_der_x509_crl((out / "auth-ca.crl").read_bytes())
    revoked = sign_crl.get_revoked_certificate_by_serial_number(load(out, "revoked.pem").serial_number)
    held = auth_crl.get_revoked_certificate_by_serial_number(load(out, "held.pem").serial_number)
    assert revoked.extensions.get_extension_for_class(x509.CRLReason).value.reason is x509.ReasonFlags.key_compromise
    assert held.extensions.get_extension_for_class(x509.CRLReason).value.reason is x509.ReasonFlags.certificate_hold
    assert len(sign_crl) == 1 and len(auth_crl) == 1
    # Interop review §3.2: dated at generation, never after, and after every revocation in it.
    generated = datetime(2026, 4, 1, 10, tzinfo=JST)
    for crl, entry in ((sign_crl, revoked), (auth_crl, held)):
        assert crl.last_update_utc == generated
        assert entry.revocation_date_utc < generated
    assert sign_crl.is_signature_valid(sign_ca.public_key())

    readme = (out / "README.txt").read_text(encoding="utf-8")
    for name in EXPECTED - {"README.txt"}:
        assert f"\n{name}\n" in readme
    assert "一時保留" in readme and "on hold" in readme and "失効" in readme and "revoked" in readme


def test_demo_rejects_a_bad_time(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "en", "pki", "demo", "--out", str(tmp_path), "--now", "yesterday"]) == 2
    assert capsys.readouterr().err.strip() == "labkit: not an ISO 8601 date-time: 'yesterday'"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.openssl
def test_readme_openssl_commands_work_verbatim_right_after_generation(tmp_path: Path) -> None:
    """Every ``openssl`` line of the demo README, run as written in real time (no --now):
    the CRL check and the OCSP query against a ``labkit jlis serve`` on the shared store."""
    import re
    import shlex
    import shutil
    import subprocess

    if shutil.which("openssl") is None:
        pytest.skip("openssl not installed")
    from jlis_server import ServerProcess, free_port

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    db = tmp_path / "lab.db"
    out = tmp_path / "demo"
    assert main(["pki", "demo", "--out", str(out), "--base-url", base, "--db", str(db)]) == 0
    server = ServerProcess(db, [], port=port).start()
    try:
        commands = [line.strip() for line in (out / "README.txt").read_text(encoding="utf-8").splitlines()
                    if line.strip().startswith("openssl ")]
        assert len(commands) == 5
        runs = {command: subprocess.run(shlex.split(command), cwd=out, capture_output=True, text=True, timeout=60)
                for command in commands}
        for command, run in runs.items():
            if "-crl_check" in command:  # revoked.pem: rejected by the CRL, not "CRL is not yet valid"
                assert "certificate revoked" in run.stdout + run.stderr and "not yet valid" not in run.stderr
            else:
                assert run.returncode == 0, (command, run.stderr)
        ocsp = next(run for command, run in runs.items() if command.startswith("openssl ocsp"))
        assert "Response verify OK" in ocsp.stderr
        assert re.search(r"phone-auth\.pem: good", ocsp.stdout), ocsp.stdout
    finally:
        server.stop()
