"""The JPKI client against the emulated My Number Card, in process (no pcscd)."""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.serialization import Encoding
from pcscd import IssuedCard

from labkit.apdu import ApduExchange, CardDevice
from labkit.card import KeyRole, MyNumberCard
from labkit.cardos import CardOS
from labkit.clock import SimulatedClock
from labkit.errors import CardError, InputError
from labkit.pki import CaKind, HashAlg, Signer, sign_detached, sign_message, verify_detached
from labkit.reader import (
    CardSigner,
    InProcessTransport,
    JpkiClient,
    LastTryRefusedError,
    PinBlockedError,
    WrongCardError,
    WrongPinError,
    normalize_pin,
    sha256_digest_info,
)

AUTH, SIGN = KeyRole.AUTH, KeyRole.SIGN


def _client(device: CardDevice) -> tuple[JpkiClient, list[ApduExchange]]:
    transport = InProcessTransport(device)
    trace: list[ApduExchange] = []
    transport.add_observer(trace.append)
    return JpkiClient(transport), trace


def _der(cert: object) -> bytes:
    return cert.public_bytes(Encoding.DER)  # type: ignore[attr-defined]


def test_reads_the_certificates_the_pki_issued(jpki_card: MyNumberCard, issued_card: IssuedCard) -> None:
    client, _ = _client(jpki_card)
    issued = issued_card.issued_der()
    certs = client.read_certificates(sign_password="abc123")  # upper-cased by the client
    assert _der(certs.auth) == issued["card-auth"]
    assert certs.sign is not None and _der(certs.sign) == issued["card-sign"]
    assert _der(certs.auth_ca) == issued_card.jpki.ca(CaKind.AUTH).der
    assert _der(certs.sign_ca) == issued_card.jpki.ca(CaKind.SIGN).der
    assert client.token_label() == "JPKIAPICCTOKEN2"


def test_sign_certificate_needs_the_password(jpki_card: MyNumberCard) -> None:
    client, _ = _client(jpki_card)
    assert client.read_certificates().sign is None
    with pytest.raises(CardError) as info:
        client.read_certificate(SIGN)
    assert info.value.sw == 0x6982 and "password" in info.value.message("en")


def test_pin_query_never_consumes_a_try(jpki_card: MyNumberCard) -> None:
    client, trace = _client(jpki_card)
    for _ in range(5):
        tries = client.pin_tries(AUTH)
    assert (tries.remaining, tries.maximum, tries.blocked) == (3, 3, False)
    assert client.pin_tries(SIGN).remaining == 5
    assert trace[-1].command == bytes.fromhex("00200080")  # case 1: no data, no Le
    assert "3 of 3" in tries.describe().en


def test_sign_digest_verifies_against_the_certificate(jpki_card: MyNumberCard) -> None:
    client, trace = _client(jpki_card)
    document = "電子申請書".encode()
    digest = hashlib.sha256(document).digest()
    signature = client.sign_digest(SIGN, digest, pin="ABC123")
    cert = client.read_certificate(SIGN)  # still verified in this session
    cert.public_key().verify(signature, document, padding.PKCS1v15(), hashes.SHA256())  # type: ignore[union-attr]
    sign_apdu = next(e.command for e in trace if e.command[:2] == b"\x80\x2a")
    assert sign_apdu[:5] == bytes.fromhex("802A008033")
    assert sign_apdu[5:-1] == sha256_digest_info(digest) and sign_apdu[-1] == 0x00
    auth_sig = client.sign(AUTH, b"challenge", pin="1234")
    client.read_certificate(AUTH).public_key().verify(  # type: ignore[union-attr]
        auth_sig, b"challenge", padding.PKCS1v15(), hashes.SHA256())


def test_signing_without_pin_is_refused_by_the_card(jpki_card: MyNumberCard) -> None:
    client, _ = _client(jpki_card)
    with pytest.raises(CardError) as info:
        client.sign_digest(AUTH, bytes(32))
    assert info.value.sw == 0x6982


def test_wrong_pin_reports_tries_and_last_try_is_guarded(jpki_card: MyNumberCard) -> None:
    client, trace = _client(jpki_card)
    for left in (2, 1):
        with pytest.raises(WrongPinError) as info:
            client.verify(AUTH, "9999")
        words = "1 try left" if left == 1 else f"{left} tries left"  # never "1 tries"
        assert info.value.tries_left == left and words in info.value.message("en")
    sent = len(trace)
    with pytest.raises(LastTryRefusedError) as refused:
        client.verify(AUTH, "1234")
    assert "allow_last_try" in refused.value.message("en")
    assert all(e.command[:5] != bytes.fromhex("0020008004") for e in trace[sent:])  # no PIN sent
    client.verify(AUTH, "1234", allow_last_try=True)
    assert client.pin_tries(AUTH).remaining == 3  # success restores the counter


def test_blocked_pin(jpki_card: MyNumberCard) -> None:
    client, _ = _client(jpki_card)
    for _ in range(2):
        with pytest.raises(WrongPinError):
            client.verify(AUTH, "0000")
    with pytest.raises(PinBlockedError):
        client.verify(AUTH, "0000", allow_last_try=True)
    assert client.pin_tries(AUTH).blocked
    with pytest.raises(PinBlockedError) as info:
        client.verify(AUTH, "1234", allow_last_try=True)
    assert "municipal counter" in info.value.message("en")  # the card's PIN: the counter resets it
    assert "市区町村の窓口" in info.value.message("ja")


@pytest.mark.parametrize(("role", "pin"), [
    (AUTH, "123"), (AUTH, "12345"), (AUTH, "12a4"), (AUTH, "１２３４"),
    (SIGN, "ABC12"), (SIGN, "A" * 17), (SIGN, "ABC 123"), (SIGN, "ＡＢＣ１２３"), (SIGN, "ABC-123"),
])
def test_pin_format_is_checked_before_sending(jpki_card: MyNumberCard, role: KeyRole, pin: str) -> None:
    client, trace = _client(jpki_card)
    with pytest.raises(InputError) as info:
        client.verify(role, pin)
    assert trace == []  # nothing reached the card
    assert "nothing was sent" in info.value.message("en") and "送っていません" in info.value.message("ja")


def test_signing_password_is_upper_cased() -> None:
    assert normalize_pin(SIGN, "abc123") == "ABC123"
    assert normalize_pin(AUTH, "0123") == "0123"


def test_change_pin(jpki_card: MyNumberCard) -> None:
    client, _ = _client(jpki_card)
    client.change_pin(AUTH, "1234", "5678")
    client.transport.reconnect()
    with pytest.raises(WrongPinError):
        client.verify(AUTH, "1234")
    client.verify(AUTH, "5678")
    client.change_pin(SIGN, "ABC123", "newpass7")
    client.verify(SIGN, "NEWPASS7")
    with pytest.raises(InputError):  # a new signing password needs a letter and a digit
        client.change_pin(SIGN, "NEWPASS7", "ONLYLETTERS")


def test_logout_clears_the_security_status(jpki_card: MyNumberCard) -> None:
    client, _ = _client(jpki_card)
    client.verify(AUTH, "1234")
    client.logout()
    with pytest.raises(CardError):
        client.sign_digest(AUTH, bytes(32))


def test_a_card_without_jpki_is_the_wrong_card() -> None:
    client, _ = _client(CardOS())
    with pytest.raises(WrongCardError) as info:
        client.pin_tries(AUTH)
    assert info.value.sw == 0x6A82
    assert "My Number Card" in info.value.message("en") and "マイナンバーカード" in info.value.message("ja")


def test_61xx_and_6cxx_are_followed(jpki_card: MyNumberCard) -> None:
    """A T=0-style answer: the signature comes back through GET RESPONSE; a wrong Le is
    corrected from 6Cxx."""

    class T0Card:
        def __init__(self, card: MyNumberCard) -> None:
            self.card, self.atr = card, card.atr
            self.power_on, self.power_off, self.reset = card.power_on, card.power_off, card.reset

        def transmit(self, command: bytes) -> bytes:
            if command[:2] == b"\x80\x2a":
                command = command[:-1]  # drop Le: the card answers 6100
            if command[:2] == b"\x00\xb0" and len(command) == 5 and command[4] == 4 and command[2:4] == b"\0\0":
                if not hasattr(self, "_sent_6c"):
                    self._sent_6c = True
                    return b"\x6c\x04"
            return self.card.transmit(command)

    client, trace = _client(T0Card(jpki_card))
    signature = client.sign_digest(AUTH, bytes(32), pin="1234")
    assert len(signature) == 256
    assert any(e.command[:2] == b"\x00\xc0" for e in trace)
    assert client.read_certificate(AUTH).subject is not None


def test_card_signer_makes_cms_signatures(jpki_card: MyNumberCard, issued_card: IssuedCard,
                                         clock: SimulatedClock) -> None:
    client, _ = _client(jpki_card)
    signer = CardSigner(client, pin="abc123")
    assert isinstance(signer, Signer) and "abc123" not in repr(signer).lower()
    assert _der(signer.certificate) == issued_card.issued_der()["card-sign"]
    content = "転入届".encode()
    cms = sign_detached(content, signer, clock=clock)
    result = verify_detached(cms, content, anchors=issued_card.jpki.anchors, clock=clock)
    assert result.ok, result
    message_sig = sign_message(CardSigner(client, AUTH, pin="1234"), b"login", HashAlg.SHA256)
    client.read_certificate(AUTH).public_key().verify(  # type: ignore[union-attr]
        message_sig, b"login", padding.PKCS1v15(), hashes.SHA256())
