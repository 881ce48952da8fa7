"""Reading an HTTP request body defensively (reliability review F9, F10).

* :func:`read_body` gives up on a body that has not fully arrived within
  :data:`BODY_TIMEOUT` seconds (a stalled upload no longer holds a connection forever) and
  turns a client that went away into one debug log line instead of a traceback.
* :func:`parse_json` refuses, as ``malformed`` (400, the JSON error body), what ``json.loads``
  accepts but the rest of the server cannot use: nesting deeper than :data:`MAX_DEPTH` (a
  ``RecursionError`` past about 1,000 levels) and strings holding lone surrogates
  (``"\\ud800"`` is valid JSON but cannot be encoded as UTF-8 for SQLite or a reply).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from typing import Any

from starlette.requests import ClientDisconnect, Request

from ..errors import LabkitError
from ..i18n import Text
from .refusals import Refusal, refuse

__all__ = ["BODY_TIMEOUT", "MAX_DEPTH", "check_headers", "parse_json", "read_body", "too_large"]

#: Seconds a client has to send the whole body once the headers are in.
BODY_TIMEOUT = 10.0
#: Deepest JSON nesting accepted (the API's own documents are at most 4 levels deep).
MAX_DEPTH = 32

log = logging.getLogger("labkit.office.server")


def _malformed(ja: str, en: str) -> LabkitError:
    return refuse(Refusal.MALFORMED, Text(ja, en))


def too_large(limit: int) -> LabkitError:
    return refuse(Refusal.TOO_LARGE, Text(f"上限 {limit} バイト", f"limit {limit} bytes"))


def check_headers(given_type: str | None, length: str | None, content_type: str, limit: int) -> None:
    """Refuse a wrong content type (415) or a declared length over ``limit`` (413)."""
    if (given_type or "").split(";")[0].strip().lower() != content_type:
        raise refuse(Refusal.UNSUPPORTED_MEDIA_TYPE, Text(f"{content_type} で送ってください",
                                                          f"send {content_type}"), expected=content_type)
    if length is not None and (not length.isdigit() or int(length) > limit):
        raise too_large(limit)


async def read_body(request: Request, limit: int, too_large: Callable[[], LabkitError], *,
                    timeout: float = BODY_TIMEOUT) -> bytes:
    """The whole body, at most ``limit`` bytes (else ``too_large()`` is raised)."""
    chunks, size = [], 0

    async def collect() -> None:
        nonlocal size
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise too_large()
            chunks.append(chunk)
    try:
        await asyncio.wait_for(collect(), timeout)
    except TimeoutError:
        raise _malformed(f"本文が {timeout:g} 秒以内に届きませんでした",
                         f"the request body did not arrive within {timeout:g} s") from None
    except ClientDisconnect:
        log.debug("client disconnected during %s %s", request.method, request.url.path)
        raise _malformed("本文の途中で接続が切れました", "the client disconnected during the body") from None
    return b"".join(chunks)


def parse_json(raw: bytes) -> Any:
    """``json.loads`` that only ever raises the ``malformed`` refusal."""
    try:
        value = json.loads(raw)
        usable = not _too_deep_or_unencodable(value)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _malformed("JSON として読めません", "the body is not JSON") from None
    except RecursionError:
        usable = False
    if not usable:
        raise _malformed(f"JSON の入れ子が深すぎる ({MAX_DEPTH} 段まで) か、文字列に孤立サロゲートがあります",
                         f"JSON nested deeper than {MAX_DEPTH} levels, or a string holds a lone surrogate")
    return value


def _too_deep_or_unencodable(value: Any) -> bool:
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, (list, dict)):
            if depth >= MAX_DEPTH:
                return True
            children = [*item, *item.values()] if isinstance(item, dict) else item  # a dict: keys and values
            stack.extend((child, depth + 1) for child in children)
    return False
