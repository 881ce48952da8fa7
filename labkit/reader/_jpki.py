"""The host side of the JPKI AP (公的個人認証AP): what a PC application or the Mynaportal app
sends to a My Number Card or to the phone's secure element (reference ``jpki-card.md``
§2–§4, §10). It works the same over every :class:`~labkit.reader.Transport`.

Safety rules the client enforces before anything reaches the card:

- PIN formats are checked locally (auth PIN: 4 digits; signing password: 6–16 of A–Z/0–9,
  upper-cased first, as JPKI clients do) — a typo never costs a try;
- the tries left are queried first with an empty VERIFY (``00 20 00 80``, which never
  consumes a try), and a PIN that would use the last try is refused unless the caller
  passes ``allow_last_try=True``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from cryptography import x509

from ..apdu import SW, CommandAPDU, ResponseAPDU, StatusWordError, tries_from_sw
from ..card.constants import Aid, Ins, JpkiFile, KeyRole
from ..errors import CardError, InputError
from ..i18n import Text
from ..rules import CARD_LOCK_ADVICE, check_signing_password, tries_left
from ._errors import LastTryRefusedError, PinBlockedError, WrongCardError, WrongPinError
from ._transport import Transport

__all__ = ["SHA256_DIGEST_INFO_PREFIX", "JpkiCertificates", "JpkiClient", "PinTries",
           "normalize_pin", "pin_name", "sha256_digest_info"]

#: DER of ``DigestInfo`` for SHA-256 up to the hash (RFC 8017 §9.2 note 1).
SHA256_DIGEST_INFO_PREFIX = bytes.fromhex("3031300d060960864801650304020105000420")

MAX_TRIES = {KeyRole.AUTH: 3, KeyRole.SIGN: 5}
_SHORT_LE = 256
_INS_GET_RESPONSE = 0xC0


def pin_name(role: KeyRole) -> Text:
    """利用者証明用暗証番号 / 署名用パスワード, for messages."""
    if KeyRole(role) is KeyRole.AUTH:
        return Text("利用者証明用暗証番号", "user authentication PIN")
    return Text("署名用パスワード", "digital signature password")


def sha256_digest_info(digest: bytes) -> bytes:
    """The 51-byte DER DigestInfo the card pads and signs for ``sha256WithRSAEncryption``."""
    if len(digest) != 32:
        raise InputError(Text(f"SHA-256 のハッシュ値は 32 バイトです ({len(digest)} バイトでした)",
                              f"a SHA-256 digest is 32 bytes, got {len(digest)}"))
    return SHA256_DIGEST_INFO_PREFIX + bytes(digest)


def normalize_pin(role: KeyRole, pin: str) -> str:
    """Check a PIN's format for ``role`` (upper-casing the signing password) without
    talking to the card; raises a bilingual InputError."""
    if not isinstance(pin, str):
        raise InputError(Text(f"暗証番号は文字列で渡してください ({type(pin).__name__})",
                              f"pass the PIN as a string, not {type(pin).__name__}"))
    if KeyRole(role) is KeyRole.AUTH:
        if not re.fullmatch(r"[0-9]{4}", pin):
            raise InputError(Text(
                f"利用者証明用暗証番号は半角数字 4 桁です ({len(pin)} 文字が入力されました)。カードには送っていません",
                f"the user authentication PIN is exactly 4 digits (got {len(pin)} characters); "
                "nothing was sent to the card"))
        return pin
    value = pin.upper()
    if not re.fullmatch(r"[A-Z0-9]{6,16}", value):
        raise InputError(Text(
            f"署名用パスワードは半角英大文字 (A〜Z) と数字の 6〜16 文字です ({len(pin)} 文字が入力されました)。"
            "カードには送っていません",
            f"the digital signature password is 6 to 16 characters of A-Z and 0-9 (got {len(pin)}); "
            "nothing was sent to the card"))
    return value


@dataclass(frozen=True, slots=True)
class PinTries:
    """What the empty VERIFY said about one PIN."""

    role: KeyRole
    remaining: int
    maximum: int
    #: The card answered 9000: this PIN is already verified in this session (a quirk of
    #: some cards; ``remaining`` is then the maximum, as a success resets the counter).
    verified: bool = False

    @property
    def blocked(self) -> bool:
        return self.remaining == 0

    def describe(self) -> Text:
        name = pin_name(self.role)
        if self.blocked:
            return Text(f"{name.ja}: ロック中 (残り 0 回)", f"{name.en}: blocked (0 tries left)")
        return Text(f"{name.ja}: 残り {self.remaining}/{self.maximum} 回",
                    f"{name.en}: {self.remaining} of {self.maximum} {'try' if self.maximum == 1 else 'tries'} left")


@dataclass(frozen=True, slots=True)
class JpkiCertificates:
    """The certificates on a JPKI token. ``sign`` is None when it was not read (it needs
    the signing password) or does not exist (under-15s have no signing certificate)."""

    auth: x509.Certificate
    auth_ca: x509.Certificate
    sign_ca: x509.Certificate
    sign: x509.Certificate | None = None


class JpkiClient:
    """JPKI AP commands over a transport (connected on first use if needed)."""

    #: Said when a PIN locks (the card's counter by default; the phone's client overrides it).
    lock_advice: Text = CARD_LOCK_ADVICE

    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        self._selected_in: int | None = None  # transport session in which the AP is selected

    # -- plumbing ---------------------------------------------------------------------------
    def send(self, command: CommandAPDU) -> ResponseAPDU:
        """One command, following 6Cxx (resend with the right Le) and 61xx (GET RESPONSE)."""
        response = self.transport.transmit(command)
        if response.sw1 == 0x6C:
            command = CommandAPDU(command.cla, command.ins, command.p1, command.p2, command.data,
                                  ne=response.sw2 or 256)
            response = self.transport.transmit(command)
        if response.sw1 != 0x61:
            return response
        data = bytearray(response.data)
        while response.sw1 == 0x61:
            response = self.transport.transmit(
                CommandAPDU(command.cla & 0x03, _INS_GET_RESPONSE, 0, 0, ne=response.sw2 or 256))
            data += response.data
        return ResponseAPDU(bytes(data), response.sw)

    def _ensure_ap(self) -> None:
        if not self.transport.connected:
            self.transport.connect()
        if self._selected_in != self.transport.sessions:
            self.select_ap()

    def select_ap(self) -> None:
        """SELECT the JPKI AP (``00 A4 04 0C 0A D392F000260100000001``). Selecting again
        clears the card's security status — this is how clients log out."""
        if not self.transport.connected:
            self.transport.connect()
        response = self.send(CommandAPDU(0x00, Ins.SELECT, 0x04, 0x0C, bytes(Aid.JPKI)))
        if response.sw != SW.OK:
            self._selected_in = None
            raise WrongCardError(Text(
                f"このカードには公的個人認証AP がありません。マイナンバーカード (またはスマホ用電子証明書) "
                f"ではないようです (SELECT の応答 {response.sw:04X})",
                f"this card has no JPKI AP; it does not look like a My Number Card or a smartphone "
                f"JPKI token (SELECT answered {response.sw:04X})"), sw=response.sw)
        self._selected_in = self.transport.sessions

    logout = select_ap

    def _select_ef(self, fid: int) -> None:
        response = self.send(CommandAPDU(0x00, Ins.SELECT, 0x02, 0x0C, fid.to_bytes(2, "big")))
        if response.sw != SW.OK:
            raise StatusWordError(response.sw, Text(f"EF {fid:04X} を選択できません",
                                                     f"cannot select EF {fid:04X}"))

    # -- files ------------------------------------------------------------------------------
    def read_file(self, fid: int, size: int | None = None) -> bytes:
        """SELECT EF ``fid`` and READ BINARY it in short (≤ 256-byte) chunks. Without
        ``size`` a DER object's length comes from its header; other EFs are read to the end."""
        self._ensure_ap()
        self._select_ef(fid)
        if size is None:
            head = self._read_binary(fid, 0, 4)
            size = _der_size(head)
            if size is None:
                return head + self._read_to_end(fid, len(head))
        out = bytearray()
        while len(out) < size:
            chunk = self._read_binary(fid, len(out), min(_SHORT_LE, size - len(out)))
            if not chunk:
                break
            out += chunk
        return bytes(out[:size])

    def _read_to_end(self, fid: int, offset: int) -> bytes:
        out = bytearray()
        while True:
            try:
                chunk = self._read_binary(fid, offset + len(out), _SHORT_LE)
            except StatusWordError as exc:
                if exc.sw == SW.WRONG_P1P2:  # offset at or past the end
                    return bytes(out)
                raise
            out += chunk
            if len(chunk) < _SHORT_LE:
                return bytes(out)

    def _read_binary(self, fid: int, offset: int, length: int) -> bytes:
        if offset > 0x7FFF:
            raise CardError(Text("EF が大きすぎます (オフセットは 15 ビットまで)",
                                 "EF too large (READ BINARY offsets are 15 bits)"))
        response = self.send(CommandAPDU(0x00, Ins.READ_BINARY, offset >> 8, offset & 0xFF, ne=length))
        if response.sw in (SW.OK, SW.END_OF_FILE):
            return response.data
        if response.sw == SW.SECURITY_STATUS_NOT_SATISFIED:
            raise StatusWordError(response.sw, Text(
                f"EF {fid:04X} を読むには暗証番号の照合が必要です",
                f"EF {fid:04X} can only be read after PIN verification"))
        raise StatusWordError(response.sw)

    def read_certificate_der(self, role: KeyRole, *, pin: str | None = None,
                             allow_last_try: bool = False) -> bytes:
        """The DER of the ``role`` end-entity certificate. The signing certificate needs the
        signing password (``pin``); on the phone's SE the auth certificate needs the auth PIN."""
        role = KeyRole(role)
        if pin is not None:
            self.verify(role, pin, allow_last_try=allow_last_try)
        else:
            self._ensure_ap()
        try:
            return self.read_file(role.cert_file)
        except StatusWordError as exc:
            if exc.sw == SW.SECURITY_STATUS_NOT_SATISFIED:
                name = pin_name(role)
                raise CardError(Text(f"{role.label.ja}電子証明書を読むには{name.ja}が必要です",
                                     f"reading the {role.label.en} certificate needs the {name.en}"),
                                sw=exc.sw) from None
            if exc.sw == SW.FILE_NOT_FOUND:
                raise CardError(Text(f"このカードには{role.label.ja}電子証明書がありません",
                                     f"this card holds no {role.label.en} certificate"), sw=exc.sw) from None
            raise

    def read_certificate(self, role: KeyRole, *, pin: str | None = None,
                         allow_last_try: bool = False) -> x509.Certificate:
        return _load(self.read_certificate_der(role, pin=pin, allow_last_try=allow_last_try))

    def read_ca_certificate(self, role: KeyRole) -> x509.Certificate:
        """The CA certificate the card carries for ``role`` (informational: trust the
        published J-LIS roots, never a certificate read from the card)."""
        return _load(self.read_file(KeyRole(role).ca_cert_file))

    def read_certificates(self, *, sign_password: str | None = None,
                          auth_pin: str | None = None) -> JpkiCertificates:
        """All certificates; the signing certificate only when ``sign_password`` is given."""
        auth = self.read_certificate(KeyRole.AUTH, pin=auth_pin)
        sign = (self.read_certificate(KeyRole.SIGN, pin=sign_password)
                if sign_password is not None else None)
        return JpkiCertificates(auth=auth, auth_ca=self.read_ca_certificate(KeyRole.AUTH),
                                sign_ca=self.read_ca_certificate(KeyRole.SIGN), sign=sign)

    def token_label(self) -> str:
        """The label in EF 0006 (``JPKIAPICCTOKEN2`` on a card, ``JPKIAPGPSETOKEN`` on a phone)."""
        return self.read_file(JpkiFile.TOKEN_INFO, 32).decode("ascii", "replace").rstrip(" \x00")

    # -- PINs -------------------------------------------------------------------------------
    def pin_tries(self, role: KeyRole) -> PinTries:
        """Tries left, from an empty VERIFY (``00 20 00 80``): never consumes a try."""
        role = KeyRole(role)
        self._ensure_ap()
        self._select_ef(role.pin_file)
        sw = self.send(CommandAPDU(0x00, Ins.VERIFY, 0x00, 0x80)).sw
        tries = tries_from_sw(sw)
        if tries is not None:
            return PinTries(role, tries, MAX_TRIES[role])
        if sw == SW.OK:
            return PinTries(role, MAX_TRIES[role], MAX_TRIES[role], verified=True)
        if sw in (SW.REFERENCE_DATA_BLOCKED, SW.AUTH_METHOD_BLOCKED):
            return PinTries(role, 0, MAX_TRIES[role])
        raise StatusWordError(sw)

    def verify(self, role: KeyRole, pin: str, *, allow_last_try: bool = False) -> None:
        """VERIFY ``pin`` for ``role``; raises WrongPinError / PinBlockedError /
        LastTryRefusedError (nothing sent) / InputError (nothing sent)."""
        role = KeyRole(role)
        value = normalize_pin(role, pin)
        tries = self.pin_tries(role)
        self._check_tries(tries, allow_last_try)
        sw = self.send(CommandAPDU(0x00, Ins.VERIFY, 0x00, 0x80, value.encode("ascii"))).sw
        self._raise_for_verify(role, sw)

    def _check_tries(self, tries: PinTries, allow_last_try: bool) -> None:
        name = pin_name(tries.role)
        if tries.blocked:
            raise PinBlockedError(Text(
                f"{name.ja}はロックされています。{self.lock_advice.ja}",
                f"the {name.en} is blocked; {self.lock_advice.en}"),
                sw=SW.REFERENCE_DATA_BLOCKED)
        if tries.remaining == 1 and not allow_last_try:
            raise LastTryRefusedError(Text(
                f"{name.ja}は残り 1 回です。間違えるとロックされるため送信しませんでした "
                "(allow_last_try=True で送信)",
                f"only 1 try is left for the {name.en}; a mistake would block it, so nothing "
                "was sent (pass allow_last_try=True to send it)"), tries_left=1)

    def _raise_for_verify(self, role: KeyRole, sw: int) -> None:
        if sw == SW.OK:
            return
        tries = tries_from_sw(sw)
        name = pin_name(role)
        if tries == 0 or sw in (SW.REFERENCE_DATA_BLOCKED, SW.AUTH_METHOD_BLOCKED):
            raise PinBlockedError(Text(
                f"{name.ja}が違います。ロックされました。{self.lock_advice.ja}",
                f"wrong {name.en}; it is now blocked: {self.lock_advice.en}"), sw=sw)
        if tries is not None:
            left = tries_left(tries)
            raise WrongPinError(Text(f"{name.ja}が違います ({left.ja})",
                                     f"wrong {name.en} ({left.en})"), sw=sw, tries_left=tries)
        raise StatusWordError(sw)

    def change_pin(self, role: KeyRole, old: str, new: str, *, allow_last_try: bool = False) -> None:
        """Verify ``old``, then CHANGE REFERENCE DATA (``00 24 01 80``) to ``new``. A new
        signing password must also follow the issuing rule (at least one letter and digit)."""
        role = KeyRole(role)
        new_value = normalize_pin(role, new)
        if role is KeyRole.SIGN:
            result = check_signing_password(new_value)
            if not result.ok:
                raise InputError(Text(result.summary("ja"), result.summary("en")))
        self.verify(role, old, allow_last_try=allow_last_try)
        self._select_ef(role.pin_file)
        sw = self.send(CommandAPDU(0x00, Ins.CHANGE_REFERENCE_DATA, 0x01, 0x80,
                                   new_value.encode("ascii"))).sw
        if sw != SW.OK:
            raise StatusWordError(sw, Text(f"{pin_name(role).ja}を変更できません",
                                           f"cannot change the {pin_name(role).en}"))

    # -- signing ----------------------------------------------------------------------------
    def sign_digest_info(self, role: KeyRole, digest_info: bytes, *, pin: str | None = None,
                         allow_last_try: bool = False) -> bytes:
        """``80 2A 00 80`` with the ``role`` key: the card pads ``digest_info`` (PKCS#1 v1.5
        type 1) and returns the RSA signature. Verifies ``pin`` first when given."""
        role = KeyRole(role)
        if not 1 <= len(digest_info) <= 245:
            raise InputError(Text("署名する値は 1〜245 バイトです", "the value to sign must be 1 to 245 bytes"))
        if pin is not None:
            self.verify(role, pin, allow_last_try=allow_last_try)
        else:
            self._ensure_ap()
        self._select_ef(role.key_file)
        response = self.send(CommandAPDU(0x80, Ins.COMPUTE_SIGNATURE, 0x00, 0x80, bytes(digest_info),
                                         ne=_SHORT_LE))
        if response.sw == SW.SECURITY_STATUS_NOT_SATISFIED:
            raise CardError(Text(f"{pin_name(role).ja}を照合してから署名してください",
                                 f"verify the {pin_name(role).en} before signing"), sw=response.sw)
        if response.sw != SW.OK:
            raise StatusWordError(response.sw)
        return response.data

    def sign_digest(self, role: KeyRole, digest: bytes, *, pin: str | None = None,
                    allow_last_try: bool = False) -> bytes:
        """A ``sha256WithRSAEncryption`` signature over a document's SHA-256 ``digest``."""
        return self.sign_digest_info(role, sha256_digest_info(digest), pin=pin,
                                     allow_last_try=allow_last_try)

    def sign(self, role: KeyRole, data: bytes, *, pin: str | None = None,
             allow_last_try: bool = False) -> bytes:
        """Hash ``data`` with SHA-256 on the host and sign the digest on the card."""
        return self.sign_digest(role, hashlib.sha256(data).digest(), pin=pin,
                                allow_last_try=allow_last_try)


def _der_size(head: bytes) -> int | None:
    """Total size of a DER SEQUENCE from its first bytes (``30 82 LL LL`` for a certificate)."""
    if len(head) < 2 or head[0] != 0x30:
        return None
    first = head[1]
    if first < 0x80:
        return 2 + first
    count = first & 0x7F
    if not 1 <= count <= 2 or len(head) < 2 + count:
        return None
    return 2 + count + int.from_bytes(head[2:2 + count], "big")


def _load(der: bytes) -> x509.Certificate:
    try:
        return x509.load_der_x509_certificate(der)
    except ValueError:
        raise CardError(Text("カードの証明書を DER として解釈できません",
                             "the certificate on the card is not valid DER")) from None
