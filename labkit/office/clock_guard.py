"""How far the teaching clock may go: never past the lab CA's validity (review F2).

The lab CA's roots live ten years from the day the PKI store was made; at or after their
notAfter J-LIS can sign nothing (no CRL, no OCSP responder, no certificate). So a move of
the simulated clock (``POST /api/clock``, and the class clocks of issue 12) is refused with
``clock_out_of_range`` (409) if it would reach that instant, and a stored clock outside the
validity no longer stops a restart (:func:`labkit.office.compose.lab_clock` warns and starts
from a valid time). Lab assumption: a lecturer who wants to show expiry moves the clock
within the CA's life (the phone certificates end long before it).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from cryptography import x509

from ..clock import jst_hm, parse_time
from ..i18n import Text
from ..pki import CaKind, Store
from .refusals import Refusal, refuse

__all__ = ["SAFE_MARGIN", "ca_validity", "clock_target", "store_validity", "valid_start"]

#: A restart outside the validity starts at least this long before the CA's end.
SAFE_MARGIN = timedelta(days=1)


def ca_validity(ca_ders: Iterable[bytes]) -> tuple[datetime, datetime] | None:
    """(latest notBefore, earliest notAfter) of the lab CA certificates: when all are valid."""
    certs = [x509.load_der_x509_certificate(der) for der in ca_ders]
    if not certs:
        return None
    return max(c.not_valid_before_utc for c in certs), min(c.not_valid_after_utc for c in certs)


def store_validity(store: Store) -> tuple[datetime, datetime] | None:
    """:func:`ca_validity` of the roots a PKI store holds (None before they are made)."""
    records = [store.get_ca(kind) for kind in CaKind]
    return ca_validity(r.root.der for r in records if r is not None) if any(records) else None


def clock_target(now: datetime, body: object, validity: tuple[datetime, datetime] | None) -> datetime:
    """Where ``{"advance_seconds": n}`` or ``{"set": ISO}`` would move the clock from ``now``;
    refused as malformed (400), backwards (400) or past the CA's validity (409)."""
    if not isinstance(body, dict) or set(body) - {"advance_seconds", "set"} or len(body) != 1:
        raise refuse(Refusal.MALFORMED, Text('{"advance_seconds": 秒} か {"set": "ISO日時"} です',
                                             'send {"advance_seconds": n} or {"set": "ISO date-time"}'))
    value = body.get("set", body.get("advance_seconds"))
    if not (isinstance(value, str) and len(value) <= 64 and "set" in body) \
            and not (isinstance(value, int) and not isinstance(value, bool) and "set" not in body):
        raise refuse(Refusal.MALFORMED, Text("秒数は整数、日時は ISO 8601 の文字列です",
                                             "seconds must be an integer, the time an ISO 8601 string"))
    try:
        target = parse_time(value) if isinstance(value, str) else now + timedelta(seconds=value)
    except OverflowError:  # past year 9999 (review F2: 9007199254740991 seconds)
        target = datetime.max.replace(tzinfo=now.tzinfo)
    except ValueError:
        raise refuse(Refusal.MALFORMED, Text("日時は ISO 8601 です", "the time must be ISO 8601")) from None
    if target < now:
        raise refuse(Refusal.MALFORMED, Text("時計は進めることしかできません", "the clock only moves forward"))
    if validity is not None and target >= validity[1]:
        raise refuse(Refusal.CLOCK_OUT_OF_RANGE, Text(f"{jst_hm(validity[1])} より前まで",
                                                      f"it must stay before {jst_hm(validity[1])}"),
                     not_after=validity[1].isoformat())
    return target


def valid_start(wanted: datetime, fallback: datetime, validity: tuple[datetime, datetime] | None
                ) -> tuple[datetime, Text | None]:
    """The time a restarting server starts from: ``wanted`` if the CA is valid then, else
    ``fallback`` if it is, else the nearest valid instant; with a bilingual warning if moved."""
    if validity is None:
        return wanted, None
    begin, end = validity

    def ok(when: datetime) -> bool:
        return begin <= when < end

    if ok(wanted):
        return wanted, None
    start = fallback if ok(fallback) else (begin if fallback < begin else max(begin, end - SAFE_MARGIN))
    return start, Text(
        f"警告: 時計の時刻 {wanted.isoformat()} (保存されていた時刻か --now) はラボ認証局の有効期間 "
        f"({jst_hm(begin)}〜{jst_hm(end)}) の外です。{jst_hm(start)} から始めます",
        f"warning: the clock time {wanted.isoformat()} (stored, or --now) is outside the lab CA's validity "
        f"({jst_hm(begin)} to {jst_hm(end)}); starting from {jst_hm(start)}")
