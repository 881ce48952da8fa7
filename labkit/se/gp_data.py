"""Card data objects the ISD returns: FCI (Spec 11.9.3), Card Production Life Cycle data
(CPLC, tag 9F7F, field layout as GPP's CPLC.java), and Card Recognition Data (tag 66,
Spec Annex H)."""

from __future__ import annotations

from dataclasses import dataclass, fields

from ..apdu import tlv
from .gp_constants import GpTag

__all__ = ["Cplc", "card_recognition_data", "isd_fci"]

#: 1.2.840.114283 (globalPlatform), DER-encoded OID contents.
_GP_OID = bytes.fromhex("2A864886FC6B")


def isd_fci(isd_aid: bytes, max_command_data: int = 0xFF) -> bytes:
    """``6F { 84 AID, A5 { 9F65 max C-data length } }``, the minimal FCI real cards return."""
    proprietary = tlv.encode(GpTag.MAX_COMMAND_DATA_LENGTH, bytes((max_command_data,)))
    return tlv.encode(GpTag.FCI, tlv.encode(GpTag.DF_NAME, isd_aid)
                      + tlv.encode(GpTag.FCI_PROPRIETARY, proprietary))


def card_recognition_data(scp: int = 0x03, scp_i: int = 0x70, gp_version: bytes = b"\x02\x03\x01") -> bytes:
    """Tag ``66`` (Spec Table H-2): card recognition OID, GP version, identification scheme,
    and ``{gp 4 scp i}`` announcing the secure channel protocol."""
    def oid(suffix: bytes) -> bytes:
        return tlv.encode(0x06, _GP_OID + suffix)

    body = (oid(b"\x01")
            + tlv.encode(0x60, oid(b"\x02" + gp_version))
            + tlv.encode(0x63, oid(b"\x03"))
            + tlv.encode(0x64, oid(b"\x04" + bytes((scp, scp_i)))))
    return tlv.encode(GpTag.CARD_DATA, tlv.encode(0x73, body))


@dataclass(frozen=True, slots=True)
class Cplc:
    """The 42 bytes of CPLC data, in the order of the GP specification (dates are YDDD BCD).
    The lab's chip maker and OS identifiers are invented and say so ("LB" = lab)."""

    ic_fabricator: bytes = bytes.fromhex("4C42")
    ic_type: bytes = bytes.fromhex("5345")
    os_id: bytes = bytes.fromhex("4C4B")
    os_release_date: bytes = bytes.fromhex("6091")
    os_release_level: bytes = bytes.fromhex("0100")
    ic_fabrication_date: bytes = bytes.fromhex("6100")
    ic_serial: bytes = bytes.fromhex("00000001")
    ic_batch_id: bytes = bytes.fromhex("0001")
    module_fabricator: bytes = bytes.fromhex("4C42")
    module_packaging_date: bytes = bytes.fromhex("6110")
    icc_manufacturer: bytes = bytes.fromhex("4C42")
    ic_embedding_date: bytes = bytes.fromhex("6120")
    prepersonalizer: bytes = bytes.fromhex("4C42")
    prepersonalization_date: bytes = bytes.fromhex("6130")
    prepersonalization_equipment: bytes = bytes.fromhex("00000000")
    personalizer: bytes = bytes.fromhex("4C42")
    personalization_date: bytes = bytes.fromhex("6140")
    personalization_equipment: bytes = bytes.fromhex("00000000")

    _SIZES = (2, 2, 2, 2, 2, 2, 4, 2, 2, 2, 2, 2, 2, 2, 4, 2, 2, 4)

    def __post_init__(self) -> None:
        for f, size in zip(fields(self), self._SIZES, strict=True):
            if len(getattr(self, f.name)) != size:
                raise ValueError(f"CPLC {f.name} must be {size} bytes")

    def to_bytes(self) -> bytes:
        return b"".join(getattr(self, f.name) for f in fields(self))

    def to_tlv(self) -> bytes:
        return tlv.encode(GpTag.CPLC, self.to_bytes())

    @classmethod
    def from_bytes(cls, raw: bytes) -> Cplc:
        """Accept the 42 bytes, or the full ``9F7F 2A ...`` TLV."""
        if raw[:2] == b"\x9f\x7f":
            raw = raw[3:]
        if len(raw) != 42:
            raise ValueError("CPLC data is 42 bytes")
        values, i = [], 0
        for size in cls._SIZES:
            values.append(raw[i:i + size])
            i += size
        return cls(*values)
