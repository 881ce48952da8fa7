"""Pre-produced OCSP responses (RFC 5019 §2.2 / RFC 6960 §2.4 "pre-produced responses").

Signing is what an OCSP responder spends its time on (two RSA-2048 signatures here, see
:func:`labkit.pki._ocsp._restamp`). A response for one certificate status is therefore signed
once and reused for a validity window (``thisUpdate`` … ``nextUpdate`` = :data:`WINDOW`):

* a request without a nonce (RFC 5019 clients, browsers, ``openssl ocsp -no_nonce``) gets the
  stored response while it has more than :data:`REFRESH` left and the status is unchanged;
* the store's per-CA revision (bumped by every hold, release and revocation, in this process
  or another one on the same SQLite file) triggers a status re-check, and a changed status
  is signed anew at once, so a hold is never answered ``good`` from the cache;
* a request with a nonce is answered live with the nonce echoed (RFC 6960 §4.4.1);
* ``unknown`` is never stored: a certificate issued by another process is found at once.

:meth:`PreProducedOcsp.cached` is the hot path: the request's exact DER (a request without a
nonce is the same bytes every time) leads to the stored response without parsing or any
store query (the revision is re-read only after a commit, ``PRAGMA data_version``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography.x509 import ocsp

from ..errors import LabkitError
from . import _ocsp
from .constants import CaKind

__all__ = ["MAX_ENTRIES", "REFRESH", "WINDOW", "PreProducedOcsp"]

#: nextUpdate − thisUpdate of a pre-produced response.
WINDOW = timedelta(hours=1)
#: Re-sign when less than this is left of the window (clients may cache until nextUpdate).
REFRESH = timedelta(minutes=15)
#: Upper bound on stored responses (about 1.7 KB each with the responder certificate).
MAX_ENTRIES = 250_000


@dataclass(slots=True)
class _Entry:
    response: bytes
    status: _ocsp.CertStatus
    produced: datetime
    revision: int


class PreProducedOcsp:
    """``respond(request_der) -> response_der``, like :func:`labkit.pki._ocsp.respond`."""

    def __init__(self, authorities: Sequence[_ocsp.OcspAuthority], revision: Callable[[CaKind], int],
                 now: Callable[[], datetime], *, max_entries: int = MAX_ENTRIES) -> None:
        self._authorities = tuple(authorities)
        self._revision = revision
        self._now = now
        self._max = max_entries
        self._entries: OrderedDict[tuple[CaKind, str, int], _Entry] = OrderedDict()
        #: request DER (no nonce) -> its entry's key
        self._aliases: OrderedDict[bytes, tuple[CaKind, str, int]] = OrderedDict()
        self._lock = threading.Lock()
        self.signed = 0  # responses signed since start (for benchmarks and tests)

    def cached(self, request_der: bytes) -> bytes | None:
        """The stored response for exactly this request if it is still current, else None
        (then :meth:`respond` decides). Microseconds: no parsing, no signing, no store query
        unless something was committed since."""
        with self._lock:
            key = self._aliases.get(bytes(request_der))
            entry = None if key is None else self._entries.get(key)
        if key is None or entry is None:
            return None
        try:
            current = entry.revision == self._revision(key[0])
        except LabkitError:
            return None  # respond() answers internalError
        now = self._now()
        return entry.response if current and entry.produced <= now < entry.produced + WINDOW - REFRESH else None

    def respond(self, request_der: bytes) -> bytes:
        hit = self.cached(request_der)
        if hit is not None:
            return hit
        parsed = _ocsp.parse(request_der, self._authorities)
        if isinstance(parsed, bytes):
            return parsed
        authority, serial = parsed.authority, parsed.request.serial_number
        try:
            now = self._now()
            if parsed.nonce is not None:
                return self._sign(parsed, _ocsp.cert_status(authority.lookup(serial), authority.kind), now)
            key = (authority.kind, parsed.algorithm.name, serial)
            revision = self._revision(authority.kind)
            with self._lock:
                entry = self._entries.get(key)
            if entry is not None and entry.produced <= now < entry.produced + WINDOW - REFRESH:
                if entry.revision == revision:
                    self._alias(bytes(request_der), key)
                    return entry.response
                status = _ocsp.cert_status(authority.lookup(serial), authority.kind)
                if status == entry.status:
                    entry.revision = revision
                    self._alias(bytes(request_der), key)
                    return entry.response
            else:
                status = _ocsp.cert_status(authority.lookup(serial), authority.kind)
            if status[0] is ocsp.OCSPCertStatus.UNKNOWN:
                return self._sign(parsed, status, now)
            response = self._sign(parsed, status, now, now + WINDOW)
        except LabkitError:
            return _ocsp.unsuccessful(ocsp.OCSPResponseStatus.INTERNAL_ERROR)
        with self._lock:
            self._entries[key] = _Entry(response, status, now, revision)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)
        self._alias(bytes(request_der), key)
        return response

    def _alias(self, request_der: bytes, key: tuple[CaKind, str, int]) -> None:
        with self._lock:
            self._aliases[request_der] = key
            while len(self._aliases) > self._max:
                self._aliases.popitem(last=False)

    def _sign(self, parsed: _ocsp.ParsedRequest, status: _ocsp.CertStatus, now: datetime,
              next_update: datetime | None = None) -> bytes:
        responder, key = parsed.authority.responder()
        self.signed += 1
        return _ocsp.build(parsed, status, responder, key, now, next_update, nonce=next_update is None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._aliases.clear()
