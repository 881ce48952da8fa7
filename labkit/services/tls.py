"""Real TLS over loopback: a small server thread per lab site and the client check the
Mynaportal app makes before it sends anything (lecture 1-4 「通信の暗号化」).

The handshake is Python's :mod:`ssl` (OpenSSL) against a socket on 127.0.0.1: the chain
check, the host-name check and the key exchange are OpenSSL's, not canned answers. A
refusal says why, in Japanese and English, from OpenSSL's verification result.
"""

from __future__ import annotations

import os
import socket
import ssl
import tempfile
import threading
from dataclasses import dataclass
from enum import StrEnum

from cryptography import x509

from ..i18n import Text
from .webpki import WebPki, WebSite

__all__ = ["TlsFailure", "TlsResult", "TlsServer", "WebServers", "handshake"]


class TlsFailure(StrEnum):
    UNTRUSTED = "untrusted"        # the chain does not lead to a trusted root
    WRONG_NAME = "wrong_name"      # the certificate is for another host
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    NO_CONNECTION = "no_connection"
    PROTOCOL = "protocol"          # anything else in the handshake

    @property
    def text(self) -> Text:
        return _TEXTS[self]


_TEXTS = {
    TlsFailure.UNTRUSTED: Text("サーバ証明書が信頼できる認証局につながりません (偽サイトの可能性)",
                               "the server certificate does not chain to a trusted CA (possibly a fake site)"),
    TlsFailure.WRONG_NAME: Text("サーバ証明書の名前が接続先と一致しません (偽サイトの可能性)",
                                "the server certificate is for another name (possibly a fake site)"),
    TlsFailure.EXPIRED: Text("サーバ証明書の有効期限が切れています", "the server certificate has expired"),
    TlsFailure.NOT_YET_VALID: Text("サーバ証明書の有効期間がまだ始まっていません",
                                   "the server certificate is not valid yet"),
    TlsFailure.NO_CONNECTION: Text("サーバに接続できません", "cannot connect to the server"),
    TlsFailure.PROTOCOL: Text("暗号化通信を確立できません", "the encrypted connection could not be set up"),
}
# OpenSSL X509_V_ERR_* codes → what they mean for the user.
_VERIFY_CODES = {2: TlsFailure.UNTRUSTED, 18: TlsFailure.UNTRUSTED, 19: TlsFailure.UNTRUSTED,
                 20: TlsFailure.UNTRUSTED, 21: TlsFailure.UNTRUSTED, 7: TlsFailure.UNTRUSTED,
                 62: TlsFailure.WRONG_NAME, 10: TlsFailure.EXPIRED, 9: TlsFailure.NOT_YET_VALID}


@dataclass(frozen=True, slots=True)
class TlsResult:
    """What one handshake showed. ``presented`` is the server's certificate even when it was
    refused (fetched again without verification, to let the learner inspect the fake)."""

    host: str
    ok: bool
    failure: TlsFailure | None
    detail: str
    version: str | None
    cipher: str | None
    presented: x509.Certificate | None
    response: bytes = b""

    @property
    def reason(self) -> Text | None:
        if self.failure is None:
            return None
        return Text(f"{self.failure.text.ja} ({self.detail})", f"{self.failure.text.en} ({self.detail})")


class TlsServer:
    """One site on 127.0.0.1:<ephemeral port>, served by a daemon thread. Each connection gets
    a handshake, one request line read, and a one-line answer naming the site."""

    def __init__(self, site: WebSite) -> None:
        self.site = site
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        fd, path = tempfile.mkstemp(suffix=".pem")
        try:  # ssl only loads key material from files: write, load, remove at once
            with os.fdopen(fd, "wb") as f:
                f.write(site.key_pem() + site.chain_pem())
            ctx.load_cert_chain(path)
        finally:
            os.unlink(path)
        self._ctx = ctx
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.5)
        self.address: tuple[str, int] = self._sock.getsockname()[:2]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name=f"tls-{site.kind}", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                try:
                    with self._ctx.wrap_socket(conn, server_side=True) as tls:
                        tls.recv(1024)
                        tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n"
                                    + self.site.title.ja.encode("utf-8"))
                except (ssl.SSLError, OSError):
                    continue  # the client refused us: that is the point of the fake sites

    def close(self) -> None:
        self._stop.set()
        self._sock.close()
        self._thread.join(timeout=2)


class WebServers:
    """Every lab site, started on first use and shared by the process."""

    _instance: WebServers | None = None
    _lock = threading.Lock()

    def __init__(self, pki: WebPki) -> None:
        self.pki = pki
        self.servers = {kind: TlsServer(site) for kind, site in pki.sites.items()}

    @classmethod
    def shared(cls) -> WebServers:
        with cls._lock:
            if cls._instance is None:
                cls._instance = cls(WebPki.shared())
            return cls._instance

    def address(self, kind: str) -> tuple[str, int]:
        return self.servers[kind].address  # type: ignore[index]


def handshake(address: tuple[str, int], host: str, trust_pem: str, *, timeout: float = 5.0) -> TlsResult:
    """Connect to ``address`` believing it is ``host``; verify the chain against
    ``trust_pem`` and the name against ``host``; send one request."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_verify_locations(cadata=trust_pem)
    try:
        with socket.create_connection(address, timeout=timeout) as raw, \
                ctx.wrap_socket(raw, server_hostname=host) as tls:
            tls.sendall(f"GET / HTTP/1.1\r\nHost: {host}\r\n\r\n".encode("ascii"))
            body = tls.recv(4096)
            der = tls.getpeercert(binary_form=True)
            cert = x509.load_der_x509_certificate(der) if der else None
            return TlsResult(host, True, None, "", tls.version(), (tls.cipher() or ("",))[0], cert, body)
    except ssl.SSLCertVerificationError as exc:
        failure = _VERIFY_CODES.get(exc.verify_code, TlsFailure.UNTRUSTED)
        detail = f"OpenSSL {exc.verify_code}: {exc.verify_message}"
        return TlsResult(host, False, failure, detail, None, None, _presented(address, timeout))
    except ssl.SSLError as exc:
        return TlsResult(host, False, TlsFailure.PROTOCOL, str(exc.reason or exc), None, None, None)
    except OSError as exc:
        return TlsResult(host, False, TlsFailure.NO_CONNECTION, str(exc), None, None, None)


def _presented(address: tuple[str, int], timeout: float) -> x509.Certificate | None:
    """The certificate the server shows, fetched without any check (for inspection only)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    try:
        with socket.create_connection(address, timeout=timeout) as raw, ctx.wrap_socket(raw) as tls:
            der = tls.getpeercert(binary_form=True)
            tls.sendall(b"\r\n")
    except (ssl.SSLError, OSError):
        return None
    return x509.load_der_x509_certificate(der) if der else None
