"""Values shared by the card tests (a module, not a conftest, so tests can import it)."""

AUTH_PIN = "1234"
SIGN_PIN = "ABC123"
MY_NUMBER = "123456789018"  # the usual example number; check digit 8
JPKI_AID = "D392F000260100000001"
KENHOJO_AID = "D3921000310001010408"
SHA256_PREFIX = "3031300D060960864801650304020105000420"
