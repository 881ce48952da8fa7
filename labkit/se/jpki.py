"""The JPKI AP inside the phone's secure element: the card engineer's
:class:`~labkit.card.JpkiApplet` with :attr:`~labkit.card.JpkiProfile.SMARTPHONE` (same AID,
EFs, VERIFY / sign and status words; token ``JPKIAPGPSETOKEN``; auth certificate behind its
PIN), plus what only the SE does:

- **provisioning APDUs** for the Mynaportal app, which reaches the applet through OMAPI
  (the ARA-M lets no other app in). CLA ``80``:

  ===========================  =================================================================
  ``80 46 00 97|9A 00``        GENERATE KEY PAIR (ISO 7816-8 style) for the auth (``97``) or
                               signing (``9A``) key EF; answers ``7F49 {81 n, 82 e}``: only the
                               public key. Refused (6985) while that role has a certificate.
  ``80 2C 02 98|9B Lc PIN``    set the initial PIN / password (RESET RETRY COUNTER style), only
                               between key generation and certificate registration. 6A80 if the
                               value breaks the smartphone rule (4 digits / 6–16 A–Z 0–9).
  ``80 E2 P1 P2 Lc data``      write a certificate in blocks: P1 b8 = last block, P1 b1–b3 =
                               1 auth, 2 auth CA, 3 sign, 4 sign CA; P2 = block number from 00.
                               The end-entity certificate must certify the SE's key (6A80).
  ``80 E4 00 00|01|02``        erase (revocation / device change): both roles, auth, or sign.
  ``80 CA 00 00``              LIST CONTENTS (ラボの想定 / lab assumption): what the AP holds, for
                               「スマホ電子証明書の確認」 (:func:`~labkit.se.inventory.encode_items`).
  ``80 46 00 9D``, ``80 2A 00 9D``  the device key and DEVICE SIGN (ラボの想定 / lab assumption):
                               :mod:`labkit.se.device_key`.
  ===========================  =================================================================

- **zeroisation**: private keys live in :class:`SealedKeys`, PKCS#8 DER in ``bytearray``s that
  :meth:`SeJpkiApplet.erase` overwrites with zeros before dropping them; certificates likewise.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa

from ..apdu import SW, CommandAPDU, StatusWordError, tlv
from ..card import Aid, CardQuirks, Ins, JpkiApplet, JpkiFile, JpkiProfile, KeyRole, _rsa
from ..card._eeprom import CardStateError, b64, unb64
from ..card._fileapp import FileSession
from ..cardos import PROPRIETARY, handles
from ..errors import InputError
from ..i18n import Text
from .device_key import DEVICE_KEY_P2, DeviceKeySlot
from .inventory import DataCategory, InventoryItem, certificate_detail, encode_items

__all__ = [
    "JPKI_KEY_EFS",
    "CertSlot",
    "JpkiProvisioningIns",
    "SeJpkiApplet",
    "SeJpkiSession",
    "SealedKeys",
    "ZeroisableBytes",
]

#: EFs whose contents must never leave the SE (keys and PIN reference data).
JPKI_KEY_EFS = frozenset({JpkiFile.AUTH_KEY, JpkiFile.SIGN_KEY, JpkiFile.AUTH_PIN, JpkiFile.SIGN_PIN})


class JpkiProvisioningIns:
    """The proprietary provisioning instructions of the SE's JPKI AP (CLA 80)."""

    GENERATE_KEY_PAIR = 0x46
    SET_PIN = 0x2C
    WRITE_CERTIFICATE = 0xE2
    ERASE = 0xE4
    LIST_CONTENTS = 0xCA


class CertSlot:
    """P1 b1–b3 of WRITE CERTIFICATE."""

    AUTH = 1
    AUTH_CA = 2
    SIGN = 3
    SIGN_CA = 4


_KEY_P2 = {0x80 | JpkiFile.AUTH_KEY: KeyRole.AUTH, 0x80 | JpkiFile.SIGN_KEY: KeyRole.SIGN}
_PIN_P2 = {0x80 | JpkiFile.AUTH_PIN: KeyRole.AUTH, 0x80 | JpkiFile.SIGN_PIN: KeyRole.SIGN}
_CERT_P1 = {CertSlot.AUTH: (KeyRole.AUTH, False), CertSlot.AUTH_CA: (KeyRole.AUTH, True),
            CertSlot.SIGN: (KeyRole.SIGN, False), CertSlot.SIGN_CA: (KeyRole.SIGN, True)}
_ERASE_P2 = {0x00: (KeyRole.AUTH, KeyRole.SIGN), 0x01: (KeyRole.AUTH,), 0x02: (KeyRole.SIGN,)}


def _public_template(public: rsa.RSAPublicNumbers) -> bytes:
    n = public.n.to_bytes((public.n.bit_length() + 7) // 8, "big")
    e = public.e.to_bytes((public.e.bit_length() + 7) // 8, "big")
    return tlv.encode(0x7F49, tlv.encode(0x81, n) + tlv.encode(0x82, e))


def _zero(buffer: bytearray) -> None:
    buffer[:] = b"\x00" * len(buffer)


class ZeroisableBytes(MutableMapping[KeyRole, bytes]):
    """A role → bytes map whose values are held in bytearrays and zeroed on removal."""

    def __init__(self) -> None:
        self._data: dict[KeyRole, bytearray] = {}

    def __getitem__(self, role: KeyRole) -> bytes:
        return bytes(self._data[role])

    def __setitem__(self, role: KeyRole, value: bytes) -> None:
        self.pop(role, None)
        self._data[role] = bytearray(value)

    def __delitem__(self, role: KeyRole) -> None:
        _zero(self._data[role])
        del self._data[role]

    def __iter__(self) -> Iterator[KeyRole]:
        return iter(list(self._data))

    def __len__(self) -> int:
        return len(self._data)

    def buffer(self, role: KeyRole) -> bytearray:
        """The live storage (for tests that check zeroisation)."""
        return self._data[role]


class SealedKeys(MutableMapping[KeyRole, rsa.RSAPrivateKey]):
    """Private keys stored as PKCS#8 DER in zeroisable buffers. The ``cryptography`` key
    object is a cache for signing; OpenSSL clears its private numbers when it is freed."""

    def __init__(self) -> None:
        self.material = ZeroisableBytes()
        self._cache: dict[KeyRole, rsa.RSAPrivateKey] = {}

    def __getitem__(self, role: KeyRole) -> rsa.RSAPrivateKey:
        if role not in self._cache:
            self._cache[role] = _rsa.private_from_der(self.material[role])
        return self._cache[role]

    def __setitem__(self, role: KeyRole, key: rsa.RSAPrivateKey) -> None:
        self.material[role] = _rsa.private_to_der(key)
        self._cache[role] = key

    def __delitem__(self, role: KeyRole) -> None:
        self._cache.pop(role, None)
        del self.material[role]

    def __iter__(self) -> Iterator[KeyRole]:
        return iter(self.material)

    def __len__(self) -> int:
        return len(self.material)


@dataclass(slots=True)
class _Upload:
    slot: int
    next_block: int = 0
    data: bytearray = field(default_factory=bytearray)


@dataclass
class SeJpkiSession(FileSession):
    """The card applet's session plus a certificate upload in progress."""

    upload: _Upload | None = None


class SeJpkiApplet(JpkiApplet):
    """The smartphone JPKI AP. Subclasses the card's applet (no second implementation):
    the storage of keys and certificates is swapped for zeroisable containers."""

    multi_selectable = False

    def __init__(self, profile: JpkiProfile = JpkiProfile.SMARTPHONE, *, quirks: CardQuirks | None = None,
                 serial: str | None = None, aid: bytes = bytes(Aid.JPKI)) -> None:
        super().__init__(profile, quirks=quirks, serial=serial)
        self.aid = aid
        self._keys = SealedKeys()  # type: ignore[assignment]
        self._certs = ZeroisableBytes()  # type: ignore[assignment]
        self._ca_certs = ZeroisableBytes()  # type: ignore[assignment]
        #: The phone's device key and its counter (:mod:`labkit.se.device_key`); not a JPKI role.
        self.device_key = DeviceKeySlot()

    # -- what the SE and the inventory read ----------------------------------------------
    @property
    def sealed_keys(self) -> SealedKeys:
        return self._keys  # type: ignore[return-value]

    def has_key(self, role: KeyRole) -> bool:
        return KeyRole(role) in self._keys

    def has_anything(self) -> bool:
        return bool(self._keys or self._certs or self._ca_certs)

    inventory_name = Text("公的個人認証AP", "JPKI AP")

    def inventory_items(self) -> list[InventoryItem]:
        """Per role: the private key (its size only), the certificate, its CA, the PIN state."""
        items = []
        for role in KeyRole:
            label, name = role.label, self.inventory_name
            if self.has_key(role):
                public = self.public_key(role)
                bits = public.key_size if public is not None else 0
                items.append(InventoryItem(
                    DataCategory.PRIVATE_KEY, name, Text(f"{label.ja}秘密鍵", f"{label.en} private key"),
                    Text(f"RSA-{bits} (SE の外には出ない)", f"RSA-{bits} (never leaves the SE)")))
            for category, der, what in (
                    (DataCategory.CERTIFICATE, self.certificate(role),
                     Text(f"スマホ用{label.ja}電子証明書", f"smartphone {label.en} certificate")),
                    (DataCategory.CA_CERTIFICATE, self.ca_certificate(role),
                     Text(f"{label.ja}CA証明書", f"{label.en} CA"))):
                if der is not None:
                    items.append(InventoryItem(category, name, what, certificate_detail(der)))
            status = self.pin_status(role)
            if status.is_set:
                left = f"{status.remaining}/{status.max_tries}"
                items.append(InventoryItem(DataCategory.PIN_STATE, name, self.pins[role].policy.name,
                                           Text("ロック中", "blocked") if status.blocked
                                           else Text(f"残り {left} 回",
                                                     f"{status.remaining}/{status.max_tries} tries left")))
        return items

    # -- erasure ---------------------------------------------------------------------------
    def erase(self, roles: Iterable[KeyRole] = (KeyRole.AUTH, KeyRole.SIGN)) -> None:
        """Zeroise and remove the keys, certificates and PINs of ``roles``."""
        for role in roles:
            role = KeyRole(role)
            for store in (self._keys, self._certs, self._ca_certs):
                if role in store:
                    del store[role]
            self.pins[role].set(None)
        self._changed()

    # -- provisioning APDUs ----------------------------------------------------------------
    @handles(JpkiProvisioningIns.GENERATE_KEY_PAIR, cla=PROPRIETARY)
    def _generate_key_pair(self, command: CommandAPDU, session: object) -> bytes:
        role = _KEY_P2.get(command.p2)
        if command.p1 == 0x00 and command.p2 == DEVICE_KEY_P2 and not command.data:
            fresh = not self.device_key.present
            public = self.device_key.public_key().public_numbers()
            if fresh:
                self._changed()
            return _public_template(public)
        if command.p1 != 0x00 or role is None:
            raise StatusWordError(SW.INCORRECT_P1P2)
        if command.data:
            raise StatusWordError(SW.WRONG_LENGTH)
        if role in self._certs:
            raise StatusWordError(SW.CONDITIONS_NOT_SATISFIED)
        return _public_template(self.generate_key(role).public_numbers())

    @handles(Ins.COMPUTE_SIGNATURE, cla=PROPRIETARY)
    def _compute_signature(self, command: CommandAPDU, session: FileSession) -> bytes:
        """``80 2A 00 9D``: DEVICE SIGN (no PIN, the counter goes up); any other P2 is the
        JPKI signature of the card's applet."""
        if command.p1 != 0x00 or command.p2 != DEVICE_KEY_P2:
            return super()._compute_signature(command, session)
        counter, signature = self.device_key.sign(command.data)
        self._changed()
        return counter.to_bytes(8, "big") + signature

    # -- EEPROM image: the JPKI roles plus the device key ----------------------------------------
    def to_state(self) -> dict[str, Any]:
        state = super().to_state()
        if self.device_key.present:
            dump = self.device_key.dump()
            state["keys"]["device"] = b64(bytes.fromhex(dump["key"]))
        state["device_counter"] = self.device_key.counter
        return state

    @classmethod
    def from_state(cls, state: dict[str, Any], *, quirks: CardQuirks | None = None) -> SeJpkiApplet:
        state = dict(state)
        keys = dict(state.get("keys") or {})
        device = keys.pop("device", None)
        counter = state.pop("device_counter", 0)
        applet = super().from_state({**state, "keys": keys}, quirks=quirks)
        assert isinstance(applet, SeJpkiApplet)
        try:
            der = unb64(device, "jpki.keys.device").hex() if device is not None else None
            applet.device_key = DeviceKeySlot.restore({"key": der, "counter": int(counter)})
        except (ValueError, TypeError) as exc:
            raise CardStateError(Text(f"端末鍵が不正: {exc}", f"corrupt device key: {exc}")) from None
        return applet

    @handles(JpkiProvisioningIns.SET_PIN, cla=PROPRIETARY)
    def _set_initial_pin(self, command: CommandAPDU, session: object) -> bytes:
        role = _PIN_P2.get(command.p2)
        if command.p1 != 0x02 or role is None:
            raise StatusWordError(SW.INCORRECT_P1P2)
        if role not in self._keys or role in self._certs:
            raise StatusWordError(SW.CONDITIONS_NOT_SATISFIED)
        try:
            value = command.data.decode("ascii")
            self.set_pin(role, self.pins[role].policy.check(value))
        except (UnicodeDecodeError, InputError):
            raise StatusWordError(SW.WRONG_DATA) from None
        return b""

    @handles(JpkiProvisioningIns.WRITE_CERTIFICATE, cla=PROPRIETARY)
    def _write_certificate_block(self, command: CommandAPDU, session: SeJpkiSession) -> bytes:
        slot = command.p1 & 0x07
        if slot not in _CERT_P1 or command.p1 & 0x78:
            raise StatusWordError(SW.INCORRECT_P1P2)
        if command.p2 == 0:
            self._drop_upload(session)
            session.upload = _Upload(slot)
        upload = session.upload
        if upload is None or upload.slot != slot or upload.next_block != command.p2 or not command.data:
            self._drop_upload(session)
            raise StatusWordError(SW.CONDITIONS_NOT_SATISFIED)
        upload.data += command.data
        upload.next_block += 1
        if len(upload.data) > 4096:
            self._drop_upload(session)
            raise StatusWordError(SW.NOT_ENOUGH_MEMORY)
        if not command.p1 & 0x80:
            return b""
        der = bytes(upload.data)
        self._drop_upload(session)
        role, is_ca = _CERT_P1[slot]
        if not is_ca and (role not in self._keys or role in self._certs):
            raise StatusWordError(SW.CONDITIONS_NOT_SATISFIED)
        try:
            if is_ca:
                self.write_ca_certificate(role, der)
            else:
                self.write_certificate(role, der)
        except InputError:
            raise StatusWordError(SW.WRONG_DATA) from None
        return b""

    @handles(JpkiProvisioningIns.LIST_CONTENTS, cla=PROPRIETARY)
    def _list_contents(self, command: CommandAPDU, session: object) -> bytes:
        if command.p1 != 0x00 or command.p2 != 0x00:
            raise StatusWordError(SW.INCORRECT_P1P2)
        return encode_items(self.inventory_items())

    @handles(JpkiProvisioningIns.ERASE, cla=PROPRIETARY)
    def _erase(self, command: CommandAPDU, session: object) -> bytes:
        roles = _ERASE_P2.get(command.p2)
        if command.p1 != 0x00 or roles is None:
            raise StatusWordError(SW.INCORRECT_P1P2)
        self.erase(roles)
        return b""

    def new_session(self, channel: int) -> SeJpkiSession:
        return SeJpkiSession()

    def deselect(self, session: SeJpkiSession) -> None:
        self._drop_upload(session)

    @staticmethod
    def _drop_upload(session: SeJpkiSession) -> None:
        if session.upload is not None:
            _zero(session.upload.data)
            session.upload = None
