"""The back office's wire format: dataclasses of :mod:`labkit.office.contract` to and from
JSON values, the JSON of refusals (``{"error": {"reason", "ja", "en", "details"}}``) both
ways, and the holder record as J-LIS and the municipal register store it.

Driven by the dataclasses' type hints, so the in-process service and the HTTP client can
never disagree on a field. Encoding rules: ``bytes`` → base64, ``Serial`` → lower-case
hex (serials exceed JSON's safe integers), aware ``datetime`` → ISO 8601, ``date`` →
``YYYY-MM-DD``, enums → their value, :class:`~labkit.i18n.Text` → ``{"ja", "en"}``.
Decoding is strict: unknown or missing fields, wrong types and over-long values raise
:class:`~labkit.office.refusals.MalformedRequestError` naming the offending field.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
import types
import typing
from datetime import date, datetime
from enum import Enum
from functools import cache
from typing import Annotated, Any, TypeVar

from starlette.responses import JSONResponse

from ..errors import LabkitError, ServiceError
from ..i18n import Text
from ..pki import BasicAttributes, CertificateStatus, CertState, Holder, Reason, Sex
from .refusals import MalformedRequestError, Refusal, public_details, refusal_of, refuse

__all__ = ["MAX_BYTES", "MAX_STRING", "Serial", "canonical", "decode", "encode", "error_body", "error_from_json",
           "holder_from_json", "holder_to_json", "json_error", "parse_serial", "status_from_json", "status_to_json"]

#: A certificate serial number: an int that travels as hex text (serials exceed JSON's safe integers).
Serial = Annotated[int, "hex"]

MAX_STRING = 4096
MAX_BYTES = 64 * 1024
MAX_ITEMS = 1000

T = TypeVar("T")


def _bad(path: str, ja: str, en: str) -> MalformedRequestError:
    return MalformedRequestError(Text(f"要求の形式が正しくありません: {path or '本体'} {ja}",
                                      f"malformed request: {path or 'body'} {en}"), field=path)


def parse_serial(text: object, path: str = "serial") -> int:
    """Hex text (optionally ``0x``) → a positive serial."""
    if not isinstance(text, str) or not 0 < len(text) <= 42:
        raise _bad(path, "は16進の文字列です", "must be a hex string")
    try:
        value = int(text.removeprefix("0x"), 16)
    except ValueError:
        raise _bad(path, "は16進の文字列です", "must be a hex string") from None
    if value <= 0:
        raise _bad(path, "は正の数です", "must be positive")
    return value


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, include_extras=True)


def encode(value: Any, hint: Any = None) -> Any:
    """A JSON-ready value (dicts, lists, str, int, bool, None)."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        hint = inner[0] if len(inner) == 1 else None
    if hint == Serial and value is not None:
        return f"{value:x}"
    if value is None or (isinstance(value, bool | int | str) and not isinstance(value, Enum)):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, date):  # a datetime too
        return value.isoformat()
    if isinstance(value, Text):
        return {"ja": value.ja, "en": value.en}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        hints = _hints(type(value))
        return {f.name: encode(getattr(value, f.name), hints[f.name]) for f in dataclasses.fields(value)}
    args = typing.get_args(hint) if hint is not None else ()
    if isinstance(value, list | tuple):
        item = args[0] if args else None
        return [encode(v, item) for v in value]
    if isinstance(value, dict):
        val = args[1] if len(args) == 2 else None
        return {encode(k): encode(v, val) for k, v in value.items()}
    raise TypeError(f"cannot encode {type(value).__name__}")


def canonical(value: Any) -> bytes:
    """Deterministic JSON bytes of a dataclass: what a card or SE signs."""
    return json.dumps(encode(value), sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def decode(hint: type[T] | Any, data: Any, path: str = "") -> T:
    """Build a ``hint`` value from JSON ``data``; strict (see module docstring)."""
    return typing.cast(T, _decode(hint, data, path))


def _decode(hint: Any, data: Any, path: str) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if data is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        if len(inner) != 1:
            raise TypeError(f"unsupported union {hint}")
        return _decode(inner[0], data, path)
    if hint == Serial:
        return parse_serial(data, path)
    if hint is Any:
        return data
    if hint is bool:
        if not isinstance(data, bool):
            raise _bad(path, "は true/false です", "must be true or false")
        return data
    if hint is int:
        if not isinstance(data, int) or isinstance(data, bool) or abs(data) > 2**53:
            raise _bad(path, "は整数です", "must be an integer")
        return data
    if hint is str:
        if not isinstance(data, str):
            raise _bad(path, "は文字列です", "must be a string")
        if len(data) > MAX_STRING:
            raise _bad(path, "が長すぎます", "is too long")
        return data
    if hint is bytes:
        if not isinstance(data, str) or len(data) > MAX_BYTES * 4 // 3 + 4:
            raise _bad(path, "は base64 の文字列です", "must be a base64 string")
        try:
            return base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            raise _bad(path, "は base64 の文字列です", "must be a base64 string") from None
    if hint is datetime:
        try:
            value = datetime.fromisoformat(data) if isinstance(data, str) and len(data) < 64 else None
        except ValueError:
            value = None
        if value is None or value.tzinfo is None:
            raise _bad(path, "はタイムゾーン付きの ISO 8601 日時です", "must be an ISO 8601 date-time with offset")
        return value
    if hint is date:
        try:
            if not (isinstance(data, str) and len(data) == 10):
                raise ValueError
            return date.fromisoformat(data)
        except ValueError:
            raise _bad(path, "は YYYY-MM-DD の日付です", "must be a YYYY-MM-DD date") from None
    if hint is Text:
        fields = _object(data, path, {"ja", "en"})
        return Text(_decode(str, fields["ja"], f"{path}.ja"), _decode(str, fields["en"], f"{path}.en"))
    if isinstance(hint, type) and issubclass(hint, Enum):
        try:
            return hint(data)
        except (ValueError, TypeError):
            allowed = ", ".join(str(m.value) for m in hint)
            raise _bad(path, f"は次のいずれかです: {allowed}", f"must be one of: {allowed}") from None
    if origin in (list, tuple):
        if not isinstance(data, list) or len(data) > MAX_ITEMS:
            raise _bad(path, "は配列です", "must be an array")
        items = [_decode(args[0], v, f"{path}[{i}]") for i, v in enumerate(data)]
        return items if origin is list else tuple(items)
    if origin is dict:
        if not isinstance(data, dict) or len(data) > MAX_ITEMS:
            raise _bad(path, "はオブジェクトです", "must be an object")
        return {_decode(args[0], k, f"{path}.{k}"): _decode(args[1], v, f"{path}.{k}") for k, v in data.items()}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        fields = {f.name: f for f in dataclasses.fields(hint)}
        required = {n for n, f in fields.items()
                    if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING}
        given = _object(data, path, set(fields), required)
        hints = _hints(hint)
        kwargs = {n: _decode(hints[n], v, f"{path}.{n}" if path else n) for n, v in given.items()}
        try:
            return hint(**kwargs)
        except (ValueError, TypeError) as exc:
            if isinstance(exc, MalformedRequestError):
                raise
            if isinstance(exc, LabkitError):
                raise MalformedRequestError(exc.text, field=path) from None
            raise _bad(path, f"の値が正しくありません ({exc})", f"has an invalid value ({exc})") from None
    raise TypeError(f"unsupported type {hint!r}")


def _object(data: Any, path: str, allowed: set[str], required: set[str] | None = None) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise _bad(path, "は JSON オブジェクトです", "must be a JSON object")
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise _bad(path, f"に不明な項目があります: {', '.join(unknown)}", f"has unknown fields: {', '.join(unknown)}")
    missing = sorted((allowed if required is None else required) - set(data))
    if missing:
        names = ", ".join(missing)
        raise _bad(path, f"に必須項目がありません: {names}", f"lacks required fields: {names}")
    return data


def holder_to_json(holder: Holder) -> str:
    """The holder record as J-LIS and the municipal register keep it."""
    a = holder.attributes
    return json.dumps({"holder_id": holder.holder_id, "name": a.name, "sex": int(a.sex),
                       "birth_date": a.birth_date.isoformat(), "address": a.address,
                       "name_substitute": a.name_substitute, "address_substitute": a.address_substitute,
                       "prefecture": holder.prefecture, "municipality": holder.municipality,
                       "card_expiry": holder.card_expiry.isoformat()}, ensure_ascii=False)


def holder_from_json(text: str) -> Holder:
    d = json.loads(text)
    attrs = BasicAttributes(d["name"], Sex(d["sex"]), date.fromisoformat(d["birth_date"]), d["address"],
                            d["name_substitute"], d["address_substitute"])
    return Holder(d["holder_id"], attrs, d["prefecture"], d["municipality"], date.fromisoformat(d["card_expiry"]))


def status_to_json(status: CertificateStatus) -> dict[str, Any]:
    return {"serial": f"{status.serial:x}", "state": status.state.value, "profile": status.profile,
            "holder_id": status.holder_id, "not_after": encode(status.not_after),
            "reason": None if status.reason is None else int(status.reason),
            "revoked_at": encode(status.revoked_at), "text": encode(status.text)}


def status_from_json(data: Any) -> CertificateStatus:
    if not isinstance(data, dict):
        raise MalformedRequestError(field="status")
    return CertificateStatus(decode(Serial, data.get("serial"), "serial"),
                             decode(CertState, data.get("state"), "state"),
                             decode(str | None, data.get("profile"), "profile"),
                             decode(str | None, data.get("holder_id"), "holder_id"),
                             decode(datetime | None, data.get("not_after"), "not_after"),
                             decode(Reason | None, data.get("reason"), "reason"),
                             decode(datetime | None, data.get("revoked_at"), "revoked_at"))


def error_body(exc: LabkitError) -> tuple[int, dict[str, Any]]:
    """The JSON error for ``exc`` and its HTTP status."""
    reason = refusal_of(exc)
    return reason.http_status, {"error": {"reason": reason.value, "ja": exc.text.ja, "en": exc.text.en,
                                          "details": public_details(exc)}}


def json_error(exc: LabkitError) -> JSONResponse:
    """The server's answer for ``exc``: its JSON error with its HTTP status."""
    status, body = error_body(exc)
    return JSONResponse(body, status_code=status)


def error_from_json(status: int, body: Any) -> ServiceError:
    """Rebuild the server's refusal as the exception the in-process service would raise."""
    err = body.get("error") if isinstance(body, dict) else None
    if not isinstance(err, dict) or not isinstance(err.get("ja"), str) or not isinstance(err.get("en"), str):
        return refuse(Refusal.INTERNAL if status >= 500 else Refusal.MALFORMED,
                      Text(f"HTTP {status}", f"HTTP {status}"))
    text = Text(err["ja"], err["en"])
    given = err.get("details")
    details = {k: v for k, v in given.items() if k != "reason"} if isinstance(given, dict) else {}
    reason = str(err.get("reason", Refusal.INTERNAL.value))
    if reason == Refusal.MALFORMED.value:
        return MalformedRequestError(text, **details)
    return ServiceError(text, reason=reason, **details)
