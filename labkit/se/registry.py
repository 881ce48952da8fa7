"""The GlobalPlatform Registry (Spec §6.5): the ISD, the Executable Load Files with their
modules, and the application instances, with life-cycle states and privileges; plus the
GET STATUS tagged encoding (Spec 11.4.3.1 Table 11-36) in both directions."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from ..apdu import tlv
from .gp_constants import AppLifeCycle, CardLifeCycle, GpTag, Privilege

__all__ = [
    "ISD_PRIVILEGES",
    "LoadFile",
    "Registry",
    "RegistryEntry",
    "StatusEntry",
    "encode_entry",
    "parse_status_response",
]

#: SD + card lock/terminate/reset + CVM, and the global/authorized-management privileges: the
#: ``9EFE80`` of the reference worked example.
ISD_PRIVILEGES = Privilege(0x9EFE80)


@dataclass(frozen=True, slots=True)
class LoadFile:
    """An Executable Load File (a Java Card package). Only modelled: no bytecode."""

    aid: bytes
    modules: tuple[bytes, ...]
    version: bytes = b"\x01\x00"
    state: int = AppLifeCycle.LOADED
    #: Delivered with the chip (ROM): cannot be deleted.
    system: bool = False


@dataclass(frozen=True, slots=True)
class RegistryEntry:
    """An application instance. ``params`` are its install parameters (C9 value)."""

    aid: bytes
    load_file: bytes
    module: bytes
    state: int = AppLifeCycle.SELECTABLE
    privileges: Privilege = Privilege.NONE
    params: bytes = b""


@dataclass(slots=True)
class Registry:
    """The card's content as the ISD manages it. The card life-cycle state is the ISD's."""

    isd_aid: bytes
    card_state: CardLifeCycle = CardLifeCycle.SECURED
    isd_privileges: Privilege = ISD_PRIVILEGES
    load_files: list[LoadFile] = field(default_factory=list)
    apps: list[RegistryEntry] = field(default_factory=list)

    def app(self, aid: bytes) -> RegistryEntry | None:
        return next((a for a in self.apps if a.aid == aid), None)

    def load_file(self, aid: bytes) -> LoadFile | None:
        return next((f for f in self.load_files if f.aid == aid), None)

    def load_file_of_module(self, module: bytes) -> LoadFile | None:
        return next((f for f in self.load_files if module in f.modules), None)

    def set_app_state(self, aid: bytes, state: int) -> RegistryEntry:
        entry = self.app(aid)
        if entry is None:
            raise KeyError(aid)
        new = replace(entry, state=state)
        self.apps[self.apps.index(entry)] = new
        return new

    def dump(self) -> dict[str, Any]:
        return {
            "card_state": int(self.card_state),
            "load_files": [{"aid": f.aid.hex(), "modules": [m.hex() for m in f.modules],
                            "version": f.version.hex(), "system": f.system} for f in self.load_files],
            "apps": [{"aid": a.aid.hex(), "elf": a.load_file.hex(), "module": a.module.hex(),
                      "state": a.state, "privileges": int(a.privileges), "params": a.params.hex()}
                     for a in self.apps],
        }

    def restore(self, data: dict[str, Any]) -> None:
        self.card_state = CardLifeCycle(data["card_state"])
        self.load_files = [LoadFile(bytes.fromhex(f["aid"]), tuple(bytes.fromhex(m) for m in f["modules"]),
                                    bytes.fromhex(f["version"]), system=f["system"])
                           for f in data["load_files"]]
        self.apps = [RegistryEntry(bytes.fromhex(a["aid"]), bytes.fromhex(a["elf"]), bytes.fromhex(a["module"]),
                                   a["state"], Privilege(a["privileges"]), bytes.fromhex(a["params"]))
                     for a in data["apps"]]


# -- GET STATUS response entries (tagged format, P2 b2 = 1) ------------------------------------
@dataclass(frozen=True, slots=True)
class StatusEntry:
    """One ``E3`` entry of a GET STATUS response, as a host reads it."""

    aid: bytes
    state: int
    privileges: Privilege | None = None
    load_file: bytes | None = None
    modules: tuple[bytes, ...] = ()
    version: bytes | None = None
    associated_sd: bytes | None = None


def encode_entry(entry: StatusEntry, tags: tuple[int, ...] | None = None) -> bytes:
    """``E3 { 4F, 9F70, [C5], [C4], [CE], 84..., [CC] }``, restricted to ``tags`` if given."""
    parts: list[tuple[int, bytes]] = [(GpTag.AID, entry.aid), (GpTag.LIFE_CYCLE_STATE, bytes((entry.state,)))]
    if entry.privileges is not None:
        parts.append((GpTag.PRIVILEGES, entry.privileges.to_bytes3()))
    if entry.load_file is not None:
        parts.append((GpTag.ELF_AID, entry.load_file))
    if entry.version is not None:
        parts.append((GpTag.ELF_VERSION, entry.version))
    parts += [(GpTag.MODULE_AID, m) for m in entry.modules]
    if entry.associated_sd is not None:
        parts.append((GpTag.ASSOCIATED_SD_AID, entry.associated_sd))
    if tags is not None:
        parts = [p for p in parts if p[0] in tags]
    return tlv.encode(GpTag.REGISTRY_ENTRY, b"".join(tlv.encode(t, v) for t, v in parts))


def encode_legacy_entry(entry: StatusEntry, with_modules: bool = False) -> bytes:
    """The deprecated GET STATUS format (P2 b2 = 0, GP CS v2.3 Tables 11-36/11-37) that
    GPShell and the ``globalplatform`` library ask for: ``len AID, AID, LCS, privileges``
    (one byte; 00 for load files), then for P1 10 the module count and ``len AID, AID`` each."""
    privileges = entry.privileges.to_bytes3()[:1] if entry.privileges is not None else b"\x00"
    out = bytes((len(entry.aid),)) + entry.aid + bytes((entry.state,)) + privileges
    if with_modules:
        out += bytes((len(entry.modules),)) + b"".join(bytes((len(m),)) + m for m in entry.modules)
    return out


def parse_status_response(data: bytes) -> list[StatusEntry]:
    """Host side: decode the ``E3`` entries of one or more GET STATUS responses."""
    out = []
    for item in tlv.decode(data):
        if item.tag != GpTag.REGISTRY_ENTRY:
            continue
        fields = tlv.decode(item.value)
        values = {f.tag: f.value for f in fields}
        priv = values.get(GpTag.PRIVILEGES)
        state = values.get(GpTag.LIFE_CYCLE_STATE, b"\x00")
        out.append(StatusEntry(
            aid=values.get(GpTag.AID, b""),
            state=state[0] if state else 0,
            privileges=Privilege.decode(priv) if priv and len(priv) in (1, 3) else None,
            load_file=values.get(GpTag.ELF_AID),
            modules=tuple(f.value for f in fields if f.tag == GpTag.MODULE_AID),
            version=values.get(GpTag.ELF_VERSION),
            associated_sd=values.get(GpTag.ASSOCIATED_SD_AID),
        ))
    return out
