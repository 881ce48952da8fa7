"""A :class:`labkit.pki.signer.Signer` whose key stays on the card: CMS signatures and login
challenges are signed by ``80 2A 00 80`` through a :class:`JpkiClient`."""

from __future__ import annotations

from cryptography import x509

from ..apdu import SW
from ..card.constants import KeyRole
from ..errors import CardError
from ._jpki import JpkiClient, normalize_pin

__all__ = ["CardSigner"]


class CardSigner:
    """Signs DigestInfos with the ``role`` key of the card behind ``client``.

    The PIN is checked for format at once and verified before every signature (the
    signing key asks for the password each time, as JPKI applications do). The certificate
    is read from the card on first use unless one is given."""

    def __init__(self, client: JpkiClient, role: KeyRole = KeyRole.SIGN, *, pin: str,
                 certificate: x509.Certificate | None = None, allow_last_try: bool = False) -> None:
        self.client = client
        self.role = KeyRole(role)
        self._pin = normalize_pin(self.role, pin)
        self._certificate = certificate
        self.allow_last_try = allow_last_try

    @property
    def certificate(self) -> x509.Certificate:
        if self._certificate is None:
            if self.role is KeyRole.SIGN:
                self._certificate = self.client.read_certificate(
                    self.role, pin=self._pin, allow_last_try=self.allow_last_try)
            else:  # free on a card; behind the auth PIN on the phone's SE
                try:
                    self._certificate = self.client.read_certificate(self.role)
                except CardError as exc:
                    if exc.sw != SW.SECURITY_STATUS_NOT_SATISFIED:
                        raise
                    self._certificate = self.client.read_certificate(
                        self.role, pin=self._pin, allow_last_try=self.allow_last_try)
        return self._certificate

    def sign_digest_info(self, digest_info: bytes) -> bytes:
        return self.client.sign_digest_info(self.role, digest_info, pin=self._pin,
                                            allow_last_try=self.allow_last_try)

    def __repr__(self) -> str:  # never shows the PIN
        return f"<CardSigner {self.role.value} via {self.client.transport.name!r}>"
