"""The one exception tree. Every error carries a bilingual message saying what is wrong
and what is allowed; adapters translate foreign errors (pyscard, sqlite3) into it."""

from __future__ import annotations

from .i18n import DEFAULT_LANG, Text


class LabkitError(Exception):
    """Root of every labkit error."""

    def __init__(self, text: Text | str, en: str | None = None, /, **details: object) -> None:
        if isinstance(text, str):
            text = Text(text, en if en is not None else text)
        self.text = text
        self.details = details
        super().__init__(str(text))

    def message(self, lang: str = DEFAULT_LANG) -> str:
        return self.text.get(lang)


class InputError(LabkitError, ValueError):
    """Bad input from a learner, a client or a file: nothing was changed."""


class TransportError(LabkitError):
    """The link to a card or SE failed (no reader, no card, card removed, emulator gone)."""


class CardError(LabkitError):
    """A card or SE answered with an error status word."""

    def __init__(self, text: Text | str, en: str | None = None, /, *, sw: int | None = None,
                 **details: object) -> None:
        super().__init__(text, en, sw=sw, **details)
        self.sw = sw


class SecureChannelError(LabkitError):
    """GlobalPlatform secure channel failure (cryptogram, MAC, security level)."""


class AccessDeniedError(LabkitError):
    """An app was refused by the SE's access rules (Android's SecurityException)."""


class PkiError(LabkitError):
    """Certificate, CRL, OCSP or CMS problem."""


class StoreError(LabkitError):
    """The persistent store could not complete an operation; nothing was half-written."""


class ServiceError(LabkitError):
    """A J-LIS, portal or relying-service refusal; ``reason`` is a stable code."""

    def __init__(self, text: Text | str, en: str | None = None, /, *, reason: str = "refused",
                 **details: object) -> None:
        super().__init__(text, en, reason=reason, **details)
        self.reason = reason
