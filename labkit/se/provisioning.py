"""What the Mynaportal app sends to the SE's JPKI AP during application, registration and
revocation, over an OMAPI channel (or anything with ``transmit(bytes) -> bytes``)::

    channel = session.open_logical_channel(Aid.JPKI)           # ARA-M: Mynaportal only
    jpki = JpkiProvisioningClient(channel.transmit)
    public_key = jpki.generate_key_pair(KeyRole.AUTH)          # the private key stays inside
    jpki.set_pin(KeyRole.AUTH, "1234")
    ...                                                        # J-LIS issues, push arrives
    jpki.write_certificate(KeyRole.AUTH, certificate_der)      # 登録 (registration)
    jpki.erase()                                               # 失効 / 機種変更
    device_key = jpki.device_public_key()                      # bound at application
    counter, signature = jpki.device_sign(challenge)           # a device proof for J-LIS

The APDUs are documented in :mod:`labkit.se.jpki`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from cryptography.hazmat.primitives.asymmetric import rsa

from ..apdu import SW, CommandAPDU, ResponseAPDU, StatusWordError, tlv
from ..card import JpkiFile, KeyRole
from .device_key import CHALLENGE_BYTES, COUNTER_BYTES, DEVICE_KEY_P2
from .inventory import InventoryItem, decode_items
from .jpki import CertSlot, JpkiProvisioningIns, SeJpkiApplet

__all__ = ["JpkiProvisioningClient"]

_BLOCK = 0xF0


class JpkiProvisioningClient:
    def __init__(self, transmit: Callable[[bytes], bytes]) -> None:
        self._transmit = transmit

    def _send(self, command: CommandAPDU) -> bytes:
        response = ResponseAPDU.from_bytes(self._transmit(command.to_bytes()))
        data = response.data
        while response.sw1 == 0x61:
            more = CommandAPDU(0x00, 0xC0, 0x00, 0x00, ne=response.sw2 or 256)
            response = ResponseAPDU.from_bytes(self._transmit(more.to_bytes()))
            data += response.data
        if response.sw != SW.OK:
            raise StatusWordError(response.sw)
        return data

    def generate_key_pair(self, role: KeyRole) -> rsa.RSAPublicKey:
        """Have the SE generate the ``role`` key pair; only the public key comes back."""
        return self._public_key(0x80 | KeyRole(role).key_file)

    def device_public_key(self) -> rsa.RSAPublicKey:
        """The phone's device key (made in the SE the first time; lab assumption, see
        :mod:`labkit.se.device_key`)."""
        return self._public_key(DEVICE_KEY_P2)

    def device_sign(self, challenge: bytes) -> tuple[int, bytes]:
        """DEVICE SIGN: the SE's new counter and its signature over (counter, ``challenge``)."""
        if len(challenge) != CHALLENGE_BYTES:
            raise StatusWordError(SW.WRONG_LENGTH)
        data = self._send(CommandAPDU(0x80, 0x2A, 0x00, DEVICE_KEY_P2, challenge, ne=256))
        if len(data) <= COUNTER_BYTES:
            raise StatusWordError(SW.WRONG_DATA)
        return int.from_bytes(data[:COUNTER_BYTES], "big"), data[COUNTER_BYTES:]

    def _public_key(self, p2: int) -> rsa.RSAPublicKey:
        data = self._send(CommandAPDU(0x80, JpkiProvisioningIns.GENERATE_KEY_PAIR, 0x00, p2, ne=256))
        template = tlv.find(data, 0x7F49)
        if template is None:
            raise StatusWordError(SW.WRONG_DATA)
        n, e = tlv.find(template.value, 0x81), tlv.find(template.value, 0x82)
        if n is None or e is None:
            raise StatusWordError(SW.WRONG_DATA)
        return rsa.RSAPublicNumbers(int.from_bytes(e.value, "big"), int.from_bytes(n.value, "big")).public_key()

    def set_pin(self, role: KeyRole, value: str) -> None:
        """Set the smartphone PIN (auth: 4 digits) or signing password (6–16 A–Z/0–9)."""
        p2 = 0x80 | KeyRole(role).pin_file
        self._send(CommandAPDU(0x80, JpkiProvisioningIns.SET_PIN, 0x02, p2, value.encode("ascii")))

    def write_certificate(self, role: KeyRole, der: bytes, *, ca: bool = False) -> None:
        """Write the end-entity certificate (or, with ``ca``, its CA certificate) in blocks."""
        role = KeyRole(role)
        slot = {(KeyRole.AUTH, False): CertSlot.AUTH, (KeyRole.AUTH, True): CertSlot.AUTH_CA,
                (KeyRole.SIGN, False): CertSlot.SIGN, (KeyRole.SIGN, True): CertSlot.SIGN_CA}[(role, ca)]
        blocks = [der[i:i + _BLOCK] for i in range(0, len(der), _BLOCK)] or [b""]
        for number, block in enumerate(blocks):
            last = 0x80 if number == len(blocks) - 1 else 0x00
            self._send(CommandAPDU(0x80, JpkiProvisioningIns.WRITE_CERTIFICATE, last | slot, number, block))

    def erase(self, roles: Iterable[KeyRole] = (KeyRole.AUTH, KeyRole.SIGN)) -> None:
        wanted = {KeyRole(r) for r in roles}
        p2 = 0x00 if wanted == {KeyRole.AUTH, KeyRole.SIGN} else (0x01 if KeyRole.AUTH in wanted else 0x02)
        if wanted:
            self._send(CommandAPDU(0x80, JpkiProvisioningIns.ERASE, 0x00, p2))

    def certificates_present(self) -> dict[KeyRole, bool]:
        """EF 0008 (``8F`` = present): byte 0 signing, byte 1 user authentication."""
        self._send(CommandAPDU(0x00, 0xA4, 0x02, 0x0C, JpkiFile.CERT_AVAILABILITY.to_bytes(2, "big")))
        flags = self._send(CommandAPDU(0x00, 0xB0, 0x00, 0x00, ne=3))
        return {KeyRole.SIGN: flags[0] == 0x8F, KeyRole.AUTH: flags[1] == 0x8F}

    def list_contents(self) -> tuple[InventoryItem, ...]:
        """What the AP holds (LIST CONTENTS): keys by size, certificates, PIN states."""
        data = self._send(CommandAPDU(0x80, JpkiProvisioningIns.LIST_CONTENTS, 0x00, 0x00, ne=256))
        return decode_items(data, SeJpkiApplet.inventory_name)
