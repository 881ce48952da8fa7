"""Where the lab J-LIS publishes things. Certificates embed these URLs, and the J-LIS HTTP
server serves exactly these paths, so both sides import them from here."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from ..errors import InputError
from ..i18n import Text
from .constants import CaKind

DEFAULT_BASE_URL = "http://127.0.0.1:8470"


def ca_path(kind: CaKind) -> str:
    return f"/ca/{kind.value}.der"      # GET: the root certificate (DER)


def crl_path(kind: CaKind) -> str:
    return f"/crl/{kind.value}.crl"     # GET: the CA's current full CRL (DER)


def cert_path(serial: int) -> str:
    return f"/certs/{serial:x}.der"     # GET: an issued certificate by serial (lower-case hex)


OCSP_PATH = "/ocsp"                     # POST application/ocsp-request


@dataclass(frozen=True, slots=True)
class LabUrls:
    """Absolute URLs on the lab base URL (``http(s)://host[:port][/prefix]``)."""

    base_url: str = DEFAULT_BASE_URL

    def __post_init__(self) -> None:
        base = self.base_url.rstrip("/") if isinstance(self.base_url, str) else ""
        parts = urlsplit(base)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
            raise InputError(Text("ベースURLは http(s)://ホスト[:ポート][/パス] の形です",
                                  "the base URL must look like http(s)://host[:port][/path]"),
                             base_url=self.base_url)
        object.__setattr__(self, "base_url", base)

    def ca(self, kind: CaKind) -> str:
        return self.base_url + ca_path(kind)

    def crl(self, kind: CaKind) -> str:
        return self.base_url + crl_path(kind)

    def cert(self, serial: int) -> str:
        return self.base_url + cert_path(serial)

    @property
    def ocsp(self) -> str:
        return self.base_url + OCSP_PATH
