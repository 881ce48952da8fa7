"""The network as the lab phones see it: J-LIS (its API, in process or over HTTP) and the
lab web sites by host name, reached with a real TLS handshake on loopback.

A phone may be offline (then J-LIS cannot be reached and no push arrives), and a phone may
sit on a rogue Wi-Fi whose DNS sends a host name to another server (:meth:`Phone.spoof`):
that is how the lab shows the app refusing a fake Mynaportal.
"""

from __future__ import annotations

from typing import Any

from ..errors import ServiceError
from ..i18n import Text
from ..office.contract import JlisApi
from ..services.tls import TlsResult, WebServers, handshake
from ..services.webpki import BANK_HOST, LOOKALIKE_HOST, PORTAL_HOST, SiteKind

__all__ = ["OFFLINE", "Internet"]

#: The refusal when the phone has no network.
OFFLINE = Text("ネットワークに接続していません (機内モードまたは圏外)",
               "the phone is not connected to a network (airplane mode or no signal)")

_DNS = {PORTAL_HOST: SiteKind.GENUINE, BANK_HOST: SiteKind.BANK, LOOKALIKE_HOST: SiteKind.LOOKALIKE,
        "shop.lab.test": SiteKind.WRONG_NAME}


class Internet:
    """J-LIS plus the lab web; one per world, shared by its phones and services."""

    def __init__(self, jlis: JlisApi, web: WebServers | None = None) -> None:
        self.jlis = jlis
        self._web = web
        #: Relying services by host name (the app finds the portal here).
        self.services: dict[str, Any] = {}

    @property
    def web(self) -> WebServers:
        """The lab TLS servers (started on first use)."""
        if self._web is None:
            self._web = WebServers.shared()
        return self._web

    def resolve(self, host: str, overrides: dict[str, SiteKind] | None = None) -> tuple[str, int]:
        kind = (overrides or {}).get(host) or _DNS.get(host)
        if kind is None:
            raise ServiceError(Text(f"{host} が見つかりません (DNS)", f"{host} not found (DNS)"), reason="not_found")
        return self.web.address(kind)

    def connect(self, host: str, overrides: dict[str, SiteKind] | None = None) -> TlsResult:
        """A real TLS handshake to whatever ``host`` resolves to, trusting the lab web root."""
        return handshake(self.resolve(host, overrides), host, self.web.pki.trust_pem())


def offline_error() -> ServiceError:
    return ServiceError(OFFLINE, reason="offline")
