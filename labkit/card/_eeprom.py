"""The chip's non-volatile memory: change notification and JSON-safe encodings.

Applets keep their EEPROM contents as attributes and call :meth:`Persistent._changed` after
every write, so that a card bound to a state file saves it at once (a real retry counter
survives pulling the card out of the reader)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from typing import Any

from ..errors import InputError, LabkitError
from ..i18n import Text


class CardStateError(InputError):
    """A saved card state is unreadable or inconsistent; nothing was loaded."""


class Persistent:
    """Mixin: ``on_change`` is called after every EEPROM write."""

    on_change: Callable[[], None] | None = None

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()


def corrupted(what: Text, exc: Exception) -> CardStateError:
    """A CardStateError saying which part of the state is broken and why."""
    detail = exc.text if isinstance(exc, LabkitError) else Text(str(exc), str(exc))
    return CardStateError(Text(f"{what.ja}の状態が壊れています: {detail.ja}",
                               f"corrupted {what.en} state: {detail.en}"))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(value: object, what: str) -> bytes:
    if not isinstance(value, str):
        raise CardStateError(Text(f"{what} が文字列ではない", f"{what} is not a string"))
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise CardStateError(Text(f"{what} の base64 が壊れている",
                                  f"{what} is not valid base64")) from None


def field_of(data: Mapping[str, Any], key: str, kind: type | tuple[type, ...], what: str) -> Any:
    """``data[key]`` if present and of ``kind``, else a bilingual CardStateError."""
    if not isinstance(data, Mapping) or key not in data:
        raise CardStateError(Text(f"{what} に {key!r} がない", f"{what} has no {key!r}"))
    value = data[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise CardStateError(Text(f"{what}.{key} の型が不正", f"{what}.{key} has the wrong type"))
    return value
