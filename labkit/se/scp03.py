"""SCP03 (GlobalPlatform Amendment D v1.1.1): pure key-derivation functions, session keys,
and one :class:`Scp03Session` whose command/response protection is shared by the card and
the host, so both sides run the very same code.

Host: ``wrap_command`` then ``unwrap_response``. Card: ``unwrap_command`` then
``wrap_response``. Every function takes and returns ``bytes``; hex only appears in tests.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.cmac import CMAC

from ..apdu import CommandAPDU, ResponseAPDU
from ..errors import SecureChannelError
from ..i18n import Text
from .gp_constants import ScpDerivation, SecurityLevel

__all__ = [
    "BLOCK",
    "InitUpdateResponse",
    "Scp03Session",
    "Scp03SessionKeys",
    "StaticKeys",
    "aes_cbc_decrypt",
    "aes_cbc_encrypt",
    "aes_cmac",
    "card_cryptogram",
    "derive_session_keys",
    "host_cryptogram",
    "kcv",
    "kdf_counter_mode",
    "pad80",
    "pseudo_random_challenge",
    "scp03_kdf",
    "unpad80",
]

BLOCK = 16
_AES_KEY_LENGTHS = (16, 24, 32)


# -- primitives -------------------------------------------------------------------------------
def aes_cmac(key: bytes, data: bytes) -> bytes:
    """AES-CMAC (NIST SP 800-38B), full 16-byte output."""
    mac = CMAC(algorithms.AES(key))
    mac.update(data)
    return mac.finalize()


def aes_cbc_encrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
    enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return enc.update(data) + enc.finalize()


def aes_cbc_decrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
    dec = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    return dec.update(data) + dec.finalize()


def _aes_ecb_block(key: bytes, block: bytes) -> bytes:
    enc = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return enc.update(block) + enc.finalize()


def pad80(data: bytes, block: int = BLOCK) -> bytes:
    """ISO/IEC 9797-1 padding method 2: ``80`` then ``00`` to a block multiple (always added)."""
    padded = data + b"\x80"
    return padded + b"\x00" * (-len(padded) % block)


def unpad80(data: bytes) -> bytes:
    """Remove method-2 padding; raise SecureChannelError if it is not there."""
    stripped = data.rstrip(b"\x00")
    if not stripped or stripped[-1] != 0x80 or len(data) - len(stripped) >= BLOCK:
        raise SecureChannelError(Text("復号したデータのパディングが不正", "bad padding after decryption"))
    return stripped[:-1]


def kcv(key: bytes) -> bytes:
    """Key check value of an AES key: the first 3 bytes of AES(key, 16 x ``01``) (Spec 11.8.2.3)."""
    return _aes_ecb_block(key, b"\x01" * BLOCK)[:3]


# -- Amd D §4.1.5: the KDF and what it derives ------------------------------------------------
def kdf_counter_mode(key: bytes, prefix: bytes, suffix: bytes, bits: int) -> bytes:
    """NIST SP 800-108 KDF in counter mode, PRF = AES-CMAC, with a 1-byte counter placed
    between ``prefix`` and ``suffix``: ``CMAC(key, prefix || i || suffix)`` for i = 1, 2, ..."""
    if bits <= 0 or bits % 8:
        raise ValueError("bits must be a positive multiple of 8")
    out = b""
    counter = 1
    while len(out) * 8 < bits:
        out += aes_cmac(key, prefix + bytes((counter,)) + suffix)
        counter += 1
    return out[: bits // 8]


def scp03_kdf(key: bytes, constant: int, context: bytes, bits: int) -> bytes:
    """The SCP03 KDF, Amd D §4.1.5: ``CMAC(key, 00*11 || constant || 00 || L || i || context)``.
    Note that the counter ``i`` comes *after* the length ``L`` (2 bytes, in bits)."""
    label = b"\x00" * 11 + bytes((constant,)) + b"\x00" + bits.to_bytes(2, "big")
    return kdf_counter_mode(key, label, context, bits)


def card_cryptogram(s_mac: bytes, host_challenge: bytes, card_challenge: bytes) -> bytes:
    """Amd D §6.2.2.2: 8 bytes, derivation constant 00, context host || card challenge."""
    return scp03_kdf(s_mac, ScpDerivation.CARD_CRYPTOGRAM, host_challenge + card_challenge, 64)


def host_cryptogram(s_mac: bytes, host_challenge: bytes, card_challenge: bytes) -> bytes:
    """Amd D §6.2.2.3: 8 bytes, derivation constant 01."""
    return scp03_kdf(s_mac, ScpDerivation.HOST_CRYPTOGRAM, host_challenge + card_challenge, 64)


def pseudo_random_challenge(key_enc: bytes, sequence_counter: int, sd_aid: bytes) -> bytes:
    """Amd D §6.2.2.1: card challenge = KDF(static Key-ENC, 02, counter(3) || SD AID), 8 bytes."""
    return scp03_kdf(key_enc, ScpDerivation.CARD_CHALLENGE,
                     sequence_counter.to_bytes(3, "big") + sd_aid, 64)


@dataclass(frozen=True, slots=True, repr=False)
class StaticKeys:
    """One key set of a Security Domain (Key-ENC, Key-MAC, DEK) and its version number."""

    enc: bytes
    mac: bytes
    dek: bytes
    kvn: int = 0x30

    def __post_init__(self) -> None:
        for name in ("enc", "mac", "dek"):
            if len(getattr(self, name)) not in _AES_KEY_LENGTHS:
                raise ValueError(f"{name} must be an AES-128/192/256 key (16, 24 or 32 bytes)")
        if not 0x01 <= self.kvn <= 0x7F:
            raise ValueError("KVN must be 01..7F")

    @classmethod
    def default_test_keys(cls, kvn: int = 0x30) -> StaticKeys:
        """The GlobalPlatform default test keys ``40 41 .. 4F`` for ENC, MAC and DEK."""
        key = bytes(range(0x40, 0x50))
        return cls(key, key, key, kvn)

    @property
    def kcvs(self) -> tuple[bytes, bytes, bytes]:
        return kcv(self.enc), kcv(self.mac), kcv(self.dek)

    def __repr__(self) -> str:  # never print key material by accident
        return f"<StaticKeys KVN={self.kvn:02X} AES-{len(self.enc) * 8} KCV={self.kcvs[0].hex().upper()}>"


@dataclass(frozen=True, slots=True, repr=False)
class Scp03SessionKeys:
    """The three session keys of Amd D §6.2.1; the DEK is static, so it is not here."""

    s_enc: bytes
    s_mac: bytes
    s_rmac: bytes

    def __repr__(self) -> str:
        return f"<Scp03SessionKeys AES-{len(self.s_enc) * 8}>"


def derive_session_keys(keys: StaticKeys, host_challenge: bytes, card_challenge: bytes) -> Scp03SessionKeys:
    """Amd D §6.2.1: S-ENC (04) from Key-ENC, S-MAC (06) and S-RMAC (07) from Key-MAC."""
    context = host_challenge + card_challenge
    bits = len(keys.enc) * 8
    return Scp03SessionKeys(
        s_enc=scp03_kdf(keys.enc, ScpDerivation.S_ENC, context, bits),
        s_mac=scp03_kdf(keys.mac, ScpDerivation.S_MAC, context, len(keys.mac) * 8),
        s_rmac=scp03_kdf(keys.mac, ScpDerivation.S_RMAC, context, len(keys.mac) * 8),
    )


@dataclass(frozen=True, slots=True)
class InitUpdateResponse:
    """INITIALIZE UPDATE response, Amd D §7.1.2 Table 7-2 (29 bytes, 32 with a counter)."""

    kdd: bytes
    kvn: int
    scp_i: int
    card_challenge: bytes
    card_cryptogram: bytes
    sequence_counter: int | None = None

    def to_bytes(self) -> bytes:
        out = self.kdd + bytes((self.kvn, 0x03, self.scp_i)) + self.card_challenge + self.card_cryptogram
        if self.sequence_counter is not None:
            out += self.sequence_counter.to_bytes(3, "big")
        return out

    @classmethod
    def from_bytes(cls, raw: bytes) -> InitUpdateResponse:
        if len(raw) not in (29, 32) or raw[11] != 0x03:
            raise SecureChannelError(Text(
                f"INITIALIZE UPDATE の応答が SCP03 の形式でない ({len(raw)} バイト)",
                f"INITIALIZE UPDATE response is not SCP03 ({len(raw)} bytes)"))
        with_counter = bool(raw[12] & 0x10)
        if with_counter != (len(raw) == 32):
            raise SecureChannelError(Text("応答の長さが i パラメータと合わない",
                                          "response length does not match the i parameter"))
        seq = int.from_bytes(raw[29:32], "big") if with_counter else None
        return cls(raw[:10], raw[10], raw[12], raw[13:21], raw[21:29], seq)


# -- Amd D §6.2.4-6.2.7: command and response protection --------------------------------------
def _sm_class(cla: int) -> int:
    """CLA as MACed: channel bits cleared, secure-messaging indication set (Spec 11.1.4)."""
    return (cla & 0xF0) | 0x20 if cla & 0x40 else (cla & 0xF0) | 0x04


def _channel_bits(cla: int) -> int:
    return cla & 0x0F if cla & 0x40 else cla & 0x03


def _plain_class(cla: int) -> int:
    return cla & ~0x20 & 0xFF if cla & 0x40 else cla & ~0x0C & 0xFF


def _lc_field(n: int) -> bytes:
    return bytes((n,)) if n <= 255 else b"\x00" + n.to_bytes(2, "big")


def _mac_error(what: Text) -> SecureChannelError:
    return SecureChannelError(what)


@dataclass(slots=True, repr=False)
class Scp03Session:
    """The state of one SCP03 secure channel: session keys, security level, the MAC
    chaining value (full 16 bytes) and the encryption counter (Amd D §6.2.6)."""

    keys: Scp03SessionKeys
    level: SecurityLevel = SecurityLevel.AUTHENTICATED
    mcv: bytes = field(default=b"\x00" * BLOCK)
    counter: int = 0

    # -- shared building blocks ------------------------------------------------------------
    def _icv(self, response: bool) -> bytes:
        block = bytearray(self.counter.to_bytes(BLOCK, "big"))
        if response:
            block[0] = 0x80
        return _aes_ecb_block(self.keys.s_enc, bytes(block))

    def _command_mac(self, cla: int, ins: int, p1: int, p2: int, data: bytes) -> bytes:
        header = bytes((_sm_class(cla), ins, p1, p2)) + _lc_field(len(data) + 8)
        return aes_cmac(self.keys.s_mac, self.mcv + header + data)

    def _response_mac(self, data: bytes, sw: int) -> bytes:
        return aes_cmac(self.keys.s_rmac, self.mcv + data + sw.to_bytes(2, "big"))[:8]

    @staticmethod
    def _response_is_protected(sw: int) -> bool:
        """Amd D §6.2.7: only 9000, 62xx and 63xx responses carry R-MAC / R-ENC."""
        return sw == 0x9000 or sw >> 8 in (0x62, 0x63)

    # -- EXTERNAL AUTHENTICATE: C-MAC with the initial chaining value, no counter step ------
    def external_authenticate(self, host_crypto: bytes, level: SecurityLevel, cla: int = 0x80) -> CommandAPDU:
        """Host side: the ``84 82 SL 00 10 <cryptogram> <C-MAC>`` command (Amd D §7.2)."""
        mac = self._command_mac(cla, 0x82, int(level), 0x00, host_crypto)
        self.mcv = mac
        return CommandAPDU(_sm_class(cla) | _channel_bits(cla), 0x82, int(level), 0x00, host_crypto + mac[:8])

    def verify_external_authenticate(self, command: CommandAPDU) -> bytes:
        """Card side: check the C-MAC of EXTERNAL AUTHENTICATE and return the host cryptogram."""
        if len(command.data) != 16:
            raise _mac_error(Text("EXTERNAL AUTHENTICATE のデータ長が不正", "EXTERNAL AUTHENTICATE length"))
        crypto, received = command.data[:8], command.data[8:]
        mac = self._command_mac(command.cla, command.ins, command.p1, command.p2, crypto)
        if not hmac.compare_digest(mac[:8], received):
            raise _mac_error(Text("EXTERNAL AUTHENTICATE の C-MAC が不一致", "EXTERNAL AUTHENTICATE C-MAC mismatch"))
        self.mcv = mac
        return crypto

    # -- host side ---------------------------------------------------------------------------
    def wrap_command(self, command: CommandAPDU) -> CommandAPDU:
        """Protect a plain command (CLA without SM bits) at the current security level."""
        self.counter += 1
        if not self.level & SecurityLevel.C_MAC:
            return command
        data = command.data
        if self.level & SecurityLevel.C_DECRYPTION and data:
            data = aes_cbc_encrypt(self.keys.s_enc, self._icv(response=False), pad80(data))
        mac = self._command_mac(command.cla, command.ins, command.p1, command.p2, data)
        self.mcv = mac
        cla = _sm_class(command.cla) | _channel_bits(command.cla)
        return CommandAPDU(cla, command.ins, command.p1, command.p2, data + mac[:8], command.ne,
                           command.extended)

    def unwrap_response(self, response: ResponseAPDU) -> ResponseAPDU:
        """Check R-MAC and decrypt R-ENC data; raise SecureChannelError on a bad R-MAC."""
        if not self.level & SecurityLevel.R_MAC or not self._response_is_protected(response.sw):
            return response
        if len(response.data) < 8:
            raise _mac_error(Text("応答に R-MAC がない", "response without R-MAC"))
        data, received = response.data[:-8], response.data[-8:]
        if not hmac.compare_digest(self._response_mac(data, response.sw), received):
            raise _mac_error(Text("応答の R-MAC が不一致", "R-MAC mismatch"))
        if self.level & SecurityLevel.R_ENCRYPTION and data:
            if len(data) % BLOCK:
                raise _mac_error(Text("暗号化された応答の長さが不正", "encrypted response length"))
            data = unpad80(aes_cbc_decrypt(self.keys.s_enc, self._icv(response=True), data))
        return ResponseAPDU(data, response.sw)

    # -- card side ---------------------------------------------------------------------------
    def unwrap_command(self, command: CommandAPDU) -> CommandAPDU:
        """Verify the C-MAC (and decrypt C-DEC data) of a received command; the result has
        a plain CLA. Raises SecureChannelError; the caller then aborts the session."""
        self.counter += 1
        if not self.level & SecurityLevel.C_MAC:
            return command
        if len(command.data) < 8:
            raise _mac_error(Text("コマンドに C-MAC がない", "command without C-MAC"))
        if command.cla & ~_channel_bits(command.cla) & 0xFF != _sm_class(command.cla):
            # Only the GP indication (b4 b3 = 01, or b6 = 1 in the further classes) is MACed:
            # 88/8C would otherwise carry the same C-MAC as 84 (reliability review F14).
            raise _mac_error(Text("CLA のセキュアメッセージング表示が GP の形式でない",
                                  "the CLA's secure-messaging bits are not the GP indication"))
        data, received = command.data[:-8], command.data[-8:]
        mac = self._command_mac(command.cla, command.ins, command.p1, command.p2, data)
        if not hmac.compare_digest(mac[:8], received):
            raise _mac_error(Text("C-MAC が不一致", "C-MAC mismatch"))
        self.mcv = mac
        if self.level & SecurityLevel.C_DECRYPTION and data:
            if len(data) % BLOCK:
                raise _mac_error(Text("暗号化されたデータの長さが不正", "encrypted data length"))
            data = unpad80(aes_cbc_decrypt(self.keys.s_enc, self._icv(response=False), data))
        return CommandAPDU(_plain_class(command.cla), command.ins, command.p1, command.p2, data,
                           command.ne, command.extended)

    def wrap_response(self, response: ResponseAPDU) -> ResponseAPDU:
        """Add R-ENC and R-MAC to a response the card is about to send."""
        if not self.level & SecurityLevel.R_MAC or not self._response_is_protected(response.sw):
            return response
        data = response.data
        if self.level & SecurityLevel.R_ENCRYPTION and data:
            data = aes_cbc_encrypt(self.keys.s_enc, self._icv(response=True), pad80(data))
        return ResponseAPDU(data + self._response_mac(data, response.sw), response.sw)

    def __repr__(self) -> str:
        return f"<Scp03Session level={int(self.level):02X} counter={self.counter}>"
