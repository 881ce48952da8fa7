"""The 公的個人認証AP (JPKI AP): two on-card RSA-2048 key pairs, their certificates, the CA
certificates, two PINs and the token information (reference §2–§4, §6).

One class serves the My Number Card and the phone's GP-SE; :class:`JpkiProfile` says which."""

from __future__ import annotations

import secrets
import struct
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from ..apdu import SW, CommandAPDU, StatusWordError
from ..cardos import PROPRIETARY, handles
from ..errors import InputError
from ..i18n import Text
from . import _rsa
from ._eeprom import CardStateError, b64, corrupted, field_of, unb64
from ._fileapp import EfKind, FileApplet, FileSession
from ._pin import PinCounter, PinStatus
from ._profile import CardQuirks, JpkiProfile
from .constants import CERT_ABSENT, CERT_PRESENT, MAX_SIGN_INPUT, Aid, Ins, JpkiFile, KeyRole

# PKCS#11 CK_TOKEN_INFO flags (PKCS#11 v2.40 §3.2, Table 8).
_CKF_RNG = 0x0001
_CKF_WRITE_PROTECTED = 0x0002
_CKF_LOGIN_REQUIRED = 0x0004
_CKF_USER_PIN_INITIALIZED = 0x0008
_CKF_TOKEN_INITIALIZED = 0x0400
_CK_UNAVAILABLE_INFORMATION = 0xFFFFFFFF
TOKEN_INFO_SIZE = 160


def token_info(profile: JpkiProfile, serial: str) -> bytes:
    """EF 0006: a 160-byte CK_TOKEN_INFO with 32-bit big-endian CK_ULONGs (myna-card's
    layout). Only the label is known from real cards; the rest is plausible filler."""

    def text(value: str, size: int) -> bytes:
        return value.encode("ascii")[:size].ljust(size, b" ")

    flags = (_CKF_RNG | _CKF_WRITE_PROTECTED | _CKF_LOGIN_REQUIRED | _CKF_USER_PIN_INITIALIZED
             | _CKF_TOKEN_INITIALIZED)
    min_pin = min(profile.auth_pin.min_length, profile.sign_pin.min_length)
    max_pin = max(profile.auth_pin.max_length, profile.sign_pin.max_length)
    out = (text(profile.token_label, 32) + text("JPKI", 32) + text(profile.token_model, 16)
           + text(serial, 16)
           + struct.pack(">11I", flags, 1, 0, 1, 0, max_pin, min_pin, *[_CK_UNAVAILABLE_INFORMATION] * 4)
           + bytes((1, 0, 1, 0)) + b"0" * 16)
    assert len(out) == TOKEN_INFO_SIZE
    return out


class JpkiApplet(FileApplet):
    """The JPKI AP. APDUs: SELECT FID, READ BINARY, VERIFY, CHANGE REFERENCE DATA (see
    :class:`FileApplet`) and ``80 2A 00 80|SFI`` (sign). Issuer-side methods
    (:meth:`generate_key`, :meth:`write_certificate`, :meth:`set_pin`) are what the
    municipal counter — or the SE's provisioning — calls; they never expose a private key.

    Extension points for subclasses (the phone SE uses them): ``_keys``, ``_certs`` and
    ``_ca_certs`` are ``MutableMapping[KeyRole, …]`` that may be replaced by other storage;
    ``new_session`` may return a subclass of :class:`FileSession`; call ``_changed()`` after
    writing EEPROM state yourself."""

    aid = bytes(Aid.JPKI)

    def __init__(self, profile: JpkiProfile = JpkiProfile.CARD, *,
                 quirks: CardQuirks | None = None, serial: str | None = None) -> None:
        self.profile = profile
        self.quirks = quirks or CardQuirks()
        self.serial = serial if serial is not None else f"{secrets.randbelow(10**16):016d}"
        self._keys: dict[KeyRole, rsa.RSAPrivateKey] = {}
        self._certs: dict[KeyRole, bytes] = {}
        self._ca_certs: dict[KeyRole, bytes] = {}
        self.pins: dict[KeyRole, PinCounter] = {
            KeyRole.AUTH: PinCounter(profile.auth_pin, on_change=self._changed),
            KeyRole.SIGN: PinCounter(profile.sign_pin, on_change=self._changed),
        }

    # -- issuer side (personalisation) ------------------------------------------------------
    def generate_key(self, role: KeyRole) -> rsa.RSAPublicKey:
        """Generate the ``role`` key pair inside the chip; only the public key leaves."""
        self._keys[KeyRole(role)] = _rsa.generate_key()
        self._certs.pop(KeyRole(role), None)  # a new key invalidates the old certificate
        self._changed()
        return self._keys[KeyRole(role)].public_key()

    def public_key(self, role: KeyRole) -> rsa.RSAPublicKey | None:
        key = self._keys.get(KeyRole(role))
        return key.public_key() if key else None

    def write_certificate(self, role: KeyRole, der: bytes) -> None:
        """Store the end-entity certificate; it must certify this chip's ``role`` key."""
        role = KeyRole(role)
        cert = _parse_cert(der)
        key = self._keys.get(role)
        if not _certifies(cert, key):
            raise InputError(Text(f"{role.label.ja}証明書の公開鍵がカード内の鍵と一致しません",
                                  f"the {role.label.en} certificate does not certify the card's key"))
        self._certs[role] = bytes(der)
        self._changed()

    def write_ca_certificate(self, role: KeyRole, der: bytes) -> None:
        _parse_cert(der)
        self._ca_certs[KeyRole(role)] = bytes(der)
        self._changed()

    def set_pin(self, role: KeyRole, value: str | None) -> None:
        """Set (or, with None, remove) the PIN and restore its tries: personalisation, or
        the reset a municipal office does for a blocked PIN."""
        self.pins[KeyRole(role)].set(value)

    def certificate(self, role: KeyRole) -> bytes | None:
        return self._certs.get(KeyRole(role))

    def ca_certificate(self, role: KeyRole) -> bytes | None:
        return self._ca_certs.get(KeyRole(role))

    def pin_status(self, role: KeyRole) -> PinStatus:
        return self.pins[KeyRole(role)].status

    # -- the file system ----------------------------------------------------------------
    def _cert_files(self) -> dict[int, bytes]:
        files: dict[int, bytes] = {}
        for role in KeyRole:
            if role in self._certs:
                files[role.cert_file] = self._certs[role]
            if role in self._ca_certs:
                files[role.ca_cert_file] = self._ca_certs[role]
        return files

    def ef_kind(self, fid: int) -> EfKind | None:
        if fid in (JpkiFile.AUTH_PIN, JpkiFile.SIGN_PIN):
            return EfKind.PIN
        if fid in (JpkiFile.AUTH_KEY, JpkiFile.SIGN_KEY):
            role = KeyRole.AUTH if fid == JpkiFile.AUTH_KEY else KeyRole.SIGN
            return EfKind.KEY if role in self._keys else None
        if fid in (JpkiFile.TOKEN_INFO, JpkiFile.CERT_AVAILABILITY) or fid in self._cert_files():
            return EfKind.BINARY
        return None

    def ef_content(self, fid: int) -> bytes:
        if fid == JpkiFile.TOKEN_INFO:
            return token_info(self.profile, self.serial)
        if fid == JpkiFile.CERT_AVAILABILITY:
            return bytes((CERT_PRESENT if KeyRole.SIGN in self._certs else CERT_ABSENT,
                          CERT_PRESENT if KeyRole.AUTH in self._certs else CERT_ABSENT, 0x00))
        return self._cert_files()[fid]

    def read_condition(self, fid: int) -> int | None:
        if fid == JpkiFile.SIGN_CERT:
            return JpkiFile.SIGN_PIN
        if fid == JpkiFile.AUTH_CERT and self.profile.auth_cert_needs_pin:
            return JpkiFile.AUTH_PIN
        return None

    def pin(self, fid: int) -> PinCounter | None:
        if fid == JpkiFile.AUTH_PIN:
            return self.pins[KeyRole.AUTH]
        if fid == JpkiFile.SIGN_PIN:
            return self.pins[KeyRole.SIGN]
        return None

    def empty_verify_ok_when_verified(self) -> bool:
        return self.quirks.empty_verify_ok_when_verified

    # -- COMPUTE DIGITAL SIGNATURE ----------------------------------------------------------
    @handles(Ins.COMPUTE_SIGNATURE, cla=PROPRIETARY)
    def _compute_signature(self, command: CommandAPDU, session: FileSession) -> bytes:
        """``80 2A 00 80 Lc <data> 00`` with the key EF current, or ``P2 = 80|SFI`` of the
        key. The card pads exactly ``data`` (≤ 245 bytes) with PKCS#1 v1.5 type 1."""
        if command.p1 != 0x00:
            raise StatusWordError(SW.INCORRECT_P1P2)
        fid = self._reference_from_p2(command.p2, session)
        if self.ef_kind(fid) is not EfKind.KEY:
            raise StatusWordError(SW.REFERENCED_DATA_NOT_FOUND)
        role = KeyRole.AUTH if fid == JpkiFile.AUTH_KEY else KeyRole.SIGN
        session.current_ef = fid
        if role.pin_file not in session.verified:
            raise StatusWordError(SW.SECURITY_STATUS_NOT_SATISFIED)
        if not 1 <= len(command.data) <= MAX_SIGN_INPUT:
            raise StatusWordError(SW.WRONG_LENGTH)
        return _rsa.sign_raw(self._keys[role], command.data)

    # -- EEPROM image -----------------------------------------------------------------------
    def to_state(self) -> dict[str, Any]:
        """A JSON-safe image of the EEPROM (private keys as PKCS#8 DER, base64)."""
        return {
            "profile": self.profile.name,
            "serial": self.serial,
            "keys": {r.value: b64(_rsa.private_to_der(k)) for r, k in self._keys.items()},
            "certificates": {r.value: b64(c) for r, c in self._certs.items()},
            "ca_certificates": {r.value: b64(c) for r, c in self._ca_certs.items()},
            "pins": {r.value: {"value": p.value, "remaining": p.remaining} for r, p in self.pins.items()},
        }

    def adopt(self, other: JpkiApplet) -> None:
        """Take over ``other``'s EEPROM (keys, certificates, PINs with their counters): the
        same chip back from the municipal counter. The caller saves once afterwards."""
        self.serial = other.serial
        self._keys.clear()
        self._keys.update(other._keys)
        self._certs.clear()
        self._certs.update(other._certs)
        self._ca_certs.clear()
        self._ca_certs.update(other._ca_certs)
        for role, pin in other.pins.items():
            pin.on_change = self._changed
            self.pins[role] = pin

    @classmethod
    def from_state(cls, state: dict[str, Any], *, quirks: CardQuirks | None = None) -> JpkiApplet:
        """Rebuild an applet from :meth:`to_state`; raises CardStateError, never half-loads."""
        what = "jpki"
        try:
            profile = JpkiProfile.by_name(field_of(state, "profile", str, what))
        except ValueError:
            raise CardStateError(Text("未知のプロファイル", "unknown JPKI profile")) from None
        applet = cls(profile, quirks=quirks, serial=field_of(state, "serial", str, what))
        try:
            for name, kind in (("keys", "key"), ("certificates", "cert"), ("ca_certificates", "ca")):
                for role_name, value in field_of(state, name, dict, what).items():
                    role, der = KeyRole(role_name), unb64(value, f"{what}.{name}.{role_name}")
                    if kind == "key":
                        applet._keys[role] = _rsa.private_from_der(der)
                    elif kind == "cert":
                        applet._certs[role] = der
                    else:
                        applet._ca_certs[role] = der
            for role in KeyRole:
                entry = field_of(field_of(state, "pins", dict, what), role.value, dict, f"{what}.pins")
                value = entry.get("value")
                if value is not None and not isinstance(value, str):
                    raise CardStateError(Text("PIN の型が不正", "PIN value has the wrong type"))
                applet.pins[role] = PinCounter(profile.auth_pin if role is KeyRole.AUTH else profile.sign_pin,
                                               value, field_of(entry, "remaining", int, f"{what}.pins"),
                                               on_change=applet._changed)
            for role, der in applet._certs.items():
                if not _certifies(_parse_cert(der), applet._keys.get(role)):
                    raise CardStateError(Text("証明書と鍵が一致しない", "certificate does not match key"))
            for der in applet._ca_certs.values():
                _parse_cert(der)
        except CardStateError:
            raise
        except (ValueError, TypeError, InputError) as exc:
            raise corrupted(Text("公的個人認証AP", "JPKI AP"), exc) from None
        return applet


def _parse_cert(der: bytes) -> x509.Certificate:
    try:
        cert = x509.load_der_x509_certificate(bytes(der))
    except ValueError:
        raise InputError(Text("DER 形式の X.509 証明書ではありません",
                              "not a DER X.509 certificate")) from None
    if der[:2] != b"\x30\x82":
        # OpenSC sizes the EF from bytes 2–3 of a 30 82 LL LL header (reference §2.2).
        raise InputError(Text("証明書の DER ヘッダが 30 82 ではありません",
                              "certificate DER header is not 30 82 LL LL"))
    return cert


def _certifies(cert: x509.Certificate, key: rsa.RSAPrivateKey | None) -> bool:
    """Does ``cert`` carry the public half of ``key``?"""
    return key is not None and _rsa.public_der(cert.public_key()) == _rsa.public_der(key.public_key())
