"""The one lab PKI that ``labkit pki demo``, ``card emulate``, ``se emulate
--sample-certificates`` and ``jlis serve`` share unless told otherwise.

Every certificate names ``http://127.0.0.1:8470`` for its CRL, OCSP and CA downloads, so those
URLs can only answer for it if the server signs with the same CA and knows the certificate.
The commands therefore open the same SQLite store by default (WAL: several processes may
use it at once): ``$LABKIT_PKI_DB`` if set, else ``$XDG_DATA_HOME/labkit/jlis.db``
(``~/.local/share/labkit/jlis.db``). ``--db :memory:`` (``--pki-db :memory:``) keeps a
command's PKI to itself, as before.
"""

from __future__ import annotations

import os
from pathlib import Path

from .sqlite_store import SqliteStore
from .store import MemoryStore, Store

__all__ = ["ENV_VAR", "MEMORY", "default_pki_db", "open_lab_store", "resolve_db"]

ENV_VAR = "LABKIT_PKI_DB"
MEMORY = ":memory:"


def default_pki_db() -> Path:
    """Where the shared lab PKI lives (the parent directory is created)."""
    explicit = os.environ.get(ENV_VAR)
    if explicit:
        path = Path(explicit).expanduser()
    else:
        data = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
        path = data / "labkit" / "jlis.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def resolve_db(option: str | os.PathLike[str] | None) -> str:
    """A command's ``--db`` value: None means the shared lab PKI, ``:memory:`` stays as is."""
    return str(default_pki_db()) if option is None else str(option)


def open_lab_store(option: str | os.PathLike[str] | None) -> Store:
    path = resolve_db(option)
    return MemoryStore() if path == MEMORY else SqliteStore(path)
