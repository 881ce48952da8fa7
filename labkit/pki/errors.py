"""PKI refusals that callers handle differently from plain bad input."""

from __future__ import annotations

from ..errors import PkiError


class NotEligibleError(PkiError):
    """The holder may not get this certificate (under 15, card expired, ...): nothing issued."""


class RevocationStateError(PkiError):
    """The requested status change is not allowed from the certificate's current state."""


class UnknownCertificateError(PkiError):
    """No certificate with that serial number was issued by this lab."""
