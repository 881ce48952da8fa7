"""``labkit se``: the sample certificates of ``emulate --sample-certificates`` and the
``inventory`` command (``emulate`` itself runs against pcscd in test_se_pcsc.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from labkit.card import KeyRole
from labkit.cli import main
from labkit.cli.se import _sample_certificates
from labkit.reader import InProcessTransport, JpkiClient
from labkit.se import FaultKind, SecureElement


def test_sample_certificates_and_inventory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    state = tmp_path / "se.db"
    se = SecureElement(state)
    _sample_certificates(se)
    certs = JpkiClient(InProcessTransport(se)).read_certificates(auth_pin="1234", sign_password="ABC123")
    assert certs.sign is not None
    se.detect_fault(FaultKind.LIGHT, "laser on the chip")
    se.close()
    assert main(["--lang", "en", "se", "inventory", "--state", str(state)]) == 0
    out = capsys.readouterr().out
    assert "SE state: CARD_LOCKED" in out and "not stored: tax information, pension information" in out
    assert "physical_fault" in out and "jpki_erased" in out
    assert "private key" not in out  # erased by the fault response
    assert main(["se", "inventory", "--state", str(tmp_path / "none.db")]) == 2
    reopened = SecureElement(state)
    assert reopened.jpki is not None and not reopened.jpki.has_key(KeyRole.AUTH)


def test_python_api_changes_are_saved(tmp_path: Path) -> None:
    from labkit.se import AccessRule

    se = SecureElement(tmp_path / "se.db")
    assert se.ara is not None
    rule = AccessRule(bytes.fromhex("A0000009990001"), None)
    se.ara.store_rule(rule)  # no APDU involved
    assert rule in SecureElement(tmp_path / "se.db").ara.rules  # type: ignore[union-attr]
