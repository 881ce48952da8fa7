"""SCP03 known-answer tests: the published vectors of the reference (gp-se.md §2.7, from
pySim's test_globalplatform.py), GPP's KCV vectors, and the worked example with the default
40..4F keys through the whole emulated SE. Byte for byte, both directions."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from labkit.apdu import CommandAPDU, ResponseAPDU
from labkit.se import (
    InitUpdateResponse,
    Scp03Session,
    SecurityLevel,
    StaticKeys,
    card_cryptogram,
    derive_session_keys,
    encode_put_key,
    host_cryptogram,
    kcv,
    pseudo_random_challenge,
    scp03_kdf,
)
from labkit.se.scp03 import kdf_counter_mode

ENC = bytes(range(0x00, 0x10))
MAC = bytes(range(0x10, 0x20))
DEK = bytes(range(0x20, 0x30))
KEYSETS = {
    0x30: StaticKeys(ENC, MAC, DEK, 0x30),
    0x31: StaticKeys(ENC + ENC[:8], MAC + MAC[:8], DEK + DEK[:8], 0x31),
    0x32: StaticKeys(ENC * 2, MAC * 2, DEK * 2, 0x32),
}
#: pySim's vectors were made for an eUICC: the pseudo-random challenge uses the ISD-R AID.
ISD_R = bytes.fromhex("A0000005591010FFFFFFFF8900000100")
GET_EID = bytes.fromhex("80E2910006BF3E035C015A00")
EID_RESPONSE = bytes.fromhex("bf3e125a1089882119900000000000000000000005")
CASES = ("80F22002", "80ca006600", "80F220020a4f0212345c054f9f70c5", "80f28002024f0000")


@dataclass(frozen=True)
class Vector:
    kvn: int
    level: int
    init_update: str
    init_response: str
    external_authenticate: str
    wrapped_eid: str
    protected_eid: str
    cases: str


VECTORS = [
    Vector(0x30, 0x11, "8050300008b13e5f938fc108c400",
           "000000000000000000003003703eb51047495b249f66c484c1d2ef1948000002",
           "84821100107d5f5826a993ebc89eea24957fa0b3ce", "84e291000ebf3e035c015a558d036518a2829700",
           "bf3e125a1089882119900000000000000000000005971be68992dbbdfa",
           "84f220020863a63f8959827fb2 84ca006608a0c6a4a74166f7ce00 "
           "84f22002124f0212345c054f9f70c52249b50272656536 84f280020a4f00e91443f6dce6b8ed00"),
    Vector(0x30, 0x03, "80503000088e1552d0513c60f300",
           "0000000000000000000030037030760cd2c47c1dd395065fe5ead8a9d7000001",
           "8482030010fd4721a14d9b07003c451d2f8ae6bb21",
           "84e2910018ca9c00f6713d79bc8baa642bdff51c3f6a4082d3bd9ad26c00",
           "bf3e125a1089882119900000000000000000000005",
           "84f2200208c9811b11f1264cf1 84ca006608e10ab60b3054798800 "
           "84f22002184e2908bdb48b2315a55482e9e936ca122d6ecfae7d17416e "
           "84f28002180dd10a6b6193e5340b9e77d32d5a179cd710ac2773aefb2800"),
    Vector(0x30, 0x33, "8050300008fdf38259a1e0de4400",
           "000000000000000000003003703b1aca81e821f219081cdc01c26b372d000003",
           "84823300108c36f96bcc00724a4e13ad591d7da3f0",
           "84e2910018267a85dfe4a98fca6fb0527e0dfecce4914e40401433c87f00",
           "f3ba2b1013aa6224f5e1c138d71805c569e5439b47576260b75fc021b25097cb2e68f8a0144975b9",
           "84f2200208ac6a59024bed84cc 84ca006608409912ad8fb7aed000 "
           "84f22002185f3dafc3ac14c381536a488bf44e06d056df9d74dbd21e5a "
           "84f280021865165105be3373347d0424d4400af2ac393f569ec779389e00"),
    Vector(0x31, 0x11, "80503100087396430b768b085b00",
           "000000000000000000003103708cfc23522ffdbf1e5df5542cac8fd866000003",
           "84821100102145ed30b146f5db252fb7e624cec244", "84e291000ebf3e035c015aff42cf801d14394400",
           "bf3e125a1089882119900000000000000000000005162fbd33e04940a9",
           "84f22002084584e4f6784811ee 84ca006608937776ebe190fa3000 "
           "84f22002124f0212345c054f9f70c59a52bddf3040368c 84f280020a4f009804b11411f7393d00"),
    Vector(0x31, 0x03, "805031000869c65da8202bf19f00",
           "00000000000000000000310370b570a67be38446717729d6dd3d2ec5b1000001",
           "848203001065df4f1a356a887905466516d9e5b7c1",
           "84e2910018d2c6fb477c5d4afe4fd4d21f17eff10d3578ec1774a12a2d00",
           "bf3e125a1089882119900000000000000000000005",
           "84f2200208964e188f0b1bb697 84ca006608f0820035a41d3e1800 "
           "84f220021806b076ed452cd1fa84f77f5c08a146aa77a9286757dea791 "
           "84f2800218d06527e39222dce091fabdb8e9b898417a67a6852d3577db00"),
    Vector(0x31, 0x33, "80503100089b3f2eef0e8c937400",
           "00000000000000000000310370f6bb305a15bae1a68f79fb08212fbed7000002",
           "84823300109100bc22d58b45b86a26365ce39ff3cf",
           "84e29100188f7f946c84f70d17994bc6e8791251bb1bb1bf02cf8de58900",
           "c05176c1b6f72aae50c32cbee63b0e95998928fd4dfb2be9f27ffde8c8476f5909b4805cc4039599",
           "84f2200208d5d97754b6b3d2ba 84ca006608516c82b8e30adbeb00 "
           "84f2200218cc247f4761e6944277a4e0d6e32e44025b1e31537e2fc668 "
           "84f2800218ba22b63d509bef5d093b43e5eaed03ed23144ab2d9cb51de00"),
    Vector(0x32, 0x11, "805032000811666d57866c6f5400",
           "0000000000000000000032037053ea8847efa7674e41498a4d66cf0dee000003",
           "84821100102f2ad190eff2fafc4908996d1cebd310", "84e291000ebf3e035c015af4b680372542b59d00",
           "bf3e125a10898821199000000000000000000000058012dd7f01f1c4c1",
           "84f2200208d618b7da68d5fe52 84ca0066088f3e055db23ad5e500 "
           "84f22002124f0212345c054f9f70c5b6e15cc42404915e 84f280020a4f00aa124aa74afe7f7500"),
    Vector(0x32, 0x03, "8050320008c6066990fc426e1d00",
           "000000000000000000003203708682cd81bbd8919f2de3f2664581f118000001",
           "848203001077c493b632edadaf865a1e64acc07ce9",
           "84e29100183ddaa60594963befaada3525b492ede23c2ab2c1ce3afe4400",
           "bf3e125a1089882119900000000000000000000005",
           "84f2200208480ddc8e419da38d 84ca0066083e9d6a6c0b2d732000 "
           "84f22002183ebfef2da8b04af2a85f491f299b76973df76ff08a4031be "
           "84f2800218783fff80990f5585b1055010ea95094a26e4a8f1ef4b18e100"),
    Vector(0x32, 0x33, "805032000897b2055fe58599fd00",
           "00000000000000000000320370a8439a22cedf045fa9f1903b2834f26e000002",
           "8482330010508a0fd959d2e547c6b33154a6be2057",
           "84e29100187a5ef717eaf1e135ae92fe54429d0e465decda65f5fe5aea00",
           "ea90dbfa648a67c5eb6abc57f8530b97d0cd5647c5e8732016b55203b078dd2ace7f8bc5d1c1cd99",
           "84f2200208bcc5c17275545d93 84ca00660804806aba9d543bb600 "
           "84f2200218717222491556ec81a45f49ce48be33320024801a1c4cb0e0 "
           "84f2800218561f105bccd3a1642904b251ccc1228beb80a82370a8637000"),
]


def _id(v: Vector) -> str:
    return f"KVN{v.kvn:02X}-SL{v.level:02X}"


@pytest.mark.parametrize("v", VECTORS, ids=_id)
def test_published_vector_host_and_card_side(v: Vector) -> None:
    keys = KEYSETS[v.kvn]
    host_challenge = bytes.fromhex(v.init_update)[5:13]
    response = InitUpdateResponse.from_bytes(bytes.fromhex(v.init_response))
    assert response.to_bytes().hex() == v.init_response
    # Card side of INITIALIZE UPDATE: challenge from the counter, then the card cryptogram.
    assert pseudo_random_challenge(keys.enc, response.sequence_counter, ISD_R) == response.card_challenge
    session_keys = derive_session_keys(keys, host_challenge, response.card_challenge)
    assert card_cryptogram(session_keys.s_mac, host_challenge, response.card_challenge) == response.card_cryptogram

    # Host: EXTERNAL AUTHENTICATE, then the five commands in order.
    host = Scp03Session(session_keys)
    level = SecurityLevel(v.level)
    ext_auth = host.external_authenticate(host_cryptogram(session_keys.s_mac, host_challenge,
                                                          response.card_challenge), level)
    assert ext_auth.to_bytes().hex() == v.external_authenticate
    host.level = level
    wrapped_eid = host.wrap_command(CommandAPDU.from_bytes(GET_EID))
    assert wrapped_eid.to_bytes().hex() == v.wrapped_eid

    # Card: verify EXTERNAL AUTHENTICATE, unwrap GET EID, protect the EID response.
    card = Scp03Session(session_keys)
    assert card.verify_external_authenticate(ext_auth) == ext_auth.data[:8]
    card.level = level
    assert card.unwrap_command(wrapped_eid).to_bytes() == GET_EID
    protected = card.wrap_response(ResponseAPDU(EID_RESPONSE))
    assert protected.data.hex() == v.protected_eid
    assert host.unwrap_response(protected).data == EID_RESPONSE

    for plain, expected in zip(CASES, v.cases.split(), strict=True):
        wrapped = host.wrap_command(CommandAPDU.from_bytes(bytes.fromhex(plain)))
        assert wrapped.to_bytes().hex() == expected
        assert card.unwrap_command(wrapped).to_bytes().hex() == plain.lower()


def test_published_kcvs() -> None:
    assert (kcv(ENC).hex(), kcv(MAC).hex(), kcv(DEK).hex()) == ("c35280", "013808", "840de5")


def test_gpp_kcv_vectors() -> None:
    """GPP TestPlaintextKeys: default keys, context = KDD 00..09; generic KDF prefix/suffix."""
    key, kdd = bytes(range(0x40, 0x50)), bytes(range(10))
    assert kcv(scp03_kdf(key, 0x04, kdd, 128)).hex() == "c25559"
    assert kcv(scp03_kdf(key, 0x06, kdd, 128)).hex() == "0e12cc"
    assert kcv(scp03_kdf(key, 0x07, kdd, 128)).hex() == "9acb9c"
    assert kcv(key).hex() == "504a77"
    assert kcv(kdf_counter_mode(key, bytes(16), bytes(16), 128)).hex() == "bd8165"


def test_worked_put_key_vector() -> None:
    """gp-se.md §1.4: new keys 40..4F under DEK 40..4F, KVN 30, one PUT KEY with P2 = 81."""
    keys = StaticKeys.default_test_keys()
    block = "88111080D2A5B08FA0EE51143B459E638106DF03504A77"
    assert encode_put_key(keys, keys.dek).to_bytes().hex().upper() == "80D8008146" + "30" + block * 3 + "00"
