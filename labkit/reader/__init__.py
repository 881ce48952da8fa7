"""The host side: transports to a card (in-process, PC/SC, the vpcd bridge that puts an
emulated chip into pcscd's virtual reader) and the JPKI client on top of them."""

from ._errors import (
    CardRemovedError,
    LastTryRefusedError,
    NoCardError,
    NoReaderError,
    PcscUnavailableError,
    PinBlockedError,
    TransactionFailedError,
    WrongCardError,
    WrongPinError,
    pcsc_error,
    pyscard_error,
)
from ._jpki import (
    SHA256_DIGEST_INFO_PREFIX,
    JpkiCertificates,
    JpkiClient,
    PinTries,
    normalize_pin,
    sha256_digest_info,
)
from ._pcsc import PcscTransport, ReaderInfo, list_readers, wait_for_card
from ._signer import CardSigner
from ._transport import InProcessTransport, Transport
from ._vpcd import VPCD_PORT, VpcdBridge

__all__ = [
    "SHA256_DIGEST_INFO_PREFIX",
    "VPCD_PORT",
    "CardRemovedError",
    "CardSigner",
    "InProcessTransport",
    "JpkiCertificates",
    "JpkiClient",
    "LastTryRefusedError",
    "NoCardError",
    "NoReaderError",
    "PcscTransport",
    "PcscUnavailableError",
    "PinBlockedError",
    "PinTries",
    "ReaderInfo",
    "TransactionFailedError",
    "Transport",
    "VpcdBridge",
    "WrongCardError",
    "WrongPinError",
    "list_readers",
    "normalize_pin",
    "pcsc_error",
    "pyscard_error",
    "sha256_digest_info",
    "wait_for_card",
]
