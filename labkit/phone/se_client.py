"""How an app reaches the JPKI AP in the phone's SE: an OMAPI logical channel wrapped as a
:class:`~labkit.reader.Transport`, so the same :class:`~labkit.reader.JpkiClient` that reads a
My Number Card over NFC also drives the SE (VERIFY, READ BINARY, ``80 2A`` signing).

OMAPI forbids apps to send SELECT by DF name: the service selects the applet when it opens
the channel. So "selecting the AP again" (which is how JPKI clients log out) means closing
the channel and opening a new one, which the SE sees as a fresh selection.
"""

from __future__ import annotations

from ..card import Aid
from ..errors import TransportError
from ..i18n import Text
from ..reader import JpkiClient, Transport
from ..rules import PHONE_LOCK_ADVICE
from ..se import Channel, JpkiProvisioningClient, SEService

__all__ = ["OmapiTransport", "SeJpkiClient"]


class OmapiTransport(Transport):
    """One logical channel to ``aid`` on the phone's first SE, opened for the calling app.
    Opening raises :class:`~labkit.errors.AccessDeniedError` if the SE's rules refuse the app."""

    def __init__(self, omapi: SEService, aid: bytes = bytes(Aid.JPKI), name: str = "eSE1 (OMAPI)") -> None:
        super().__init__(name)
        self.omapi = omapi
        self.aid = bytes(aid)
        self.channel: Channel | None = None

    @property
    def atr(self) -> bytes:
        if self.channel is None:
            raise TransportError(Text("SE のチャネルが開いていません", "no SE channel is open"))
        return self.channel.get_session().get_atr()

    @property
    def connected(self) -> bool:
        return self.channel is not None and self.channel.is_open()

    def _open(self) -> bytes:
        session = self.omapi.get_readers()[0].open_session()
        channel = session.open_logical_channel(self.aid)
        if channel is None:
            session.close()
            raise TransportError(Text("SE の論理チャネルが空いていません", "no free logical channel on the SE"))
        self.channel = channel
        return session.get_atr()

    def _close(self) -> None:
        channel, self.channel = self.channel, None
        if channel is not None:
            session = channel.get_session()
            channel.close()
            session.close()

    def _transmit_raw(self, command: bytes) -> bytes:
        assert self.channel is not None
        return self.channel.transmit(command)


class SeJpkiClient(JpkiClient):
    """:class:`JpkiClient` over OMAPI, plus the provisioning commands of the SE's JPKI AP."""

    transport: OmapiTransport
    #: The lecture does not say how a locked smartphone PIN is unlocked; it sends every
    #: question about the smartphone certificates to the toll-free line (1-6), never the counter.
    lock_advice = PHONE_LOCK_ADVICE

    def select_ap(self) -> None:
        """A fresh channel = a fresh selection (clears verified PINs)."""
        self.transport.reconnect()
        self._selected_in = self.transport.sessions

    logout = select_ap

    @property
    def provisioning(self) -> JpkiProvisioningClient:
        """Key generation, initial PINs, certificate writing and erasure (Mynaportal only)."""
        self._ensure_ap()

        def transmit(command: bytes) -> bytes:
            response = self.transport.transmit(command)
            return response.to_bytes()
        return JpkiProvisioningClient(transmit)

    def close(self) -> None:
        self.transport.disconnect()
