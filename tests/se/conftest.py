"""Secure-element fixtures. RSA-2048 key generation is the slow part, so one SE is fully
provisioned per session (through OMAPI, as the Mynaportal app does it) and each test that
needs it gets a fresh copy of that SE's store file."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from se_support import AUTH_PIN, SIGN_PASSWORD, app_certificate, ca_certificate, issue, omapi_for

from labkit.card import Aid, KeyRole
from labkit.se import (
    AppIdentity,
    GlobalPlatformHost,
    JpkiProvisioningClient,
    SecureElement,
    SecurityLevel,
    StaticKeys,
)

MYNAPORTAL_PACKAGE = "jp.go.digital.mynaportal.lab"


@pytest.fixture(scope="session")
def mynaportal() -> AppIdentity:
    return AppIdentity.from_certificate(MYNAPORTAL_PACKAGE, app_certificate("Mynaportal (lab)"))


@pytest.fixture(scope="session")
def other_app() -> AppIdentity:
    return AppIdentity.from_certificate("com.example.game", app_certificate("Some game"))


@pytest.fixture
def se(mynaportal: AppIdentity) -> SecureElement:
    """A new SE in memory (empty JPKI AP), Mynaportal allowed on the JPKI AP."""
    return SecureElement(mynaportal=mynaportal)


@pytest.fixture
def gp(se: SecureElement) -> GlobalPlatformHost:
    host = GlobalPlatformHost(se.transmit)
    host.select_isd()
    return host


@pytest.fixture
def admin(gp: GlobalPlatformHost) -> GlobalPlatformHost:
    """An authenticated card-management session at level 33 with the default test keys."""
    gp.open_secure_channel(StaticKeys.default_test_keys(), SecurityLevel.FULL)
    return gp


@pytest.fixture(scope="session")
def provisioned_template(tmp_path_factory: pytest.TempPathFactory, mynaportal: AppIdentity) -> Path:
    """Application + registration run once: keys generated in the SE, PINs set, the two
    certificates (and their CA certificates) written, all through OMAPI APDUs."""
    path = tmp_path_factory.mktemp("se-template") / "se.db"
    se = SecureElement(path, mynaportal=mynaportal)
    channel = omapi_for(se, mynaportal).get_readers()[0].open_session().open_logical_channel(bytes(Aid.JPKI))
    assert channel is not None
    client = JpkiProvisioningClient(channel.transmit)
    now = datetime(2026, 4, 1, tzinfo=UTC)
    for role, pin in ((KeyRole.AUTH, AUTH_PIN), (KeyRole.SIGN, SIGN_PASSWORD)):
        public = client.generate_key_pair(role)
        client.set_pin(role, pin)
        client.write_certificate(role, issue(public, f"PHONE-{role.value.upper()}", now, now + timedelta(days=1800)))
        client.write_certificate(role, ca_certificate(), ca=True)
    channel.close()
    se.close()
    return path


@pytest.fixture
def provisioned(tmp_path: Path, provisioned_template: Path) -> Callable[..., SecureElement]:
    """``provisioned(**kwargs)``: a fresh SecureElement opened on a copy of the template."""

    def make(**kwargs: object) -> SecureElement:
        target = tmp_path / f"se-{len(list(tmp_path.glob('se-*.db')))}.db"
        shutil.copyfile(provisioned_template, target)
        return SecureElement(target, **kwargs)  # type: ignore[arg-type]

    return make
