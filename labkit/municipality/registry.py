"""住民基本台帳 (the resident registry) of a lab municipality: residents with the four basic
attributes, a My Number and the state of their card. Kept in SQLite so a municipality in a
server survives restarts; ``":memory:"`` for notebooks and tests."""

from __future__ import annotations

import json
import secrets
import sqlite3
from dataclasses import replace
from pathlib import Path

from .._sqlite import SqliteTables
from ..card import my_number_check_digit
from ..errors import InputError
from ..i18n import Text
from ..office.counter_forms import CardState, Resident
from ..office.wire import holder_from_json, holder_to_json

__all__ = ["CardState", "Resident", "ResidentRegistry", "new_my_number"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS muni_residents (
    my_number TEXT PRIMARY KEY, holder_id TEXT NOT NULL UNIQUE, holder TEXT NOT NULL,
    card_state TEXT NOT NULL, history TEXT NOT NULL DEFAULT '[]')
"""


def new_my_number() -> str:
    """A random 12-digit individual number with a valid check digit (lab only)."""
    body = f"{secrets.randbelow(10**11):011d}"
    return body + str(my_number_check_digit(body))


class ResidentRegistry(SqliteTables):
    FAILED = Text("住民基本台帳を開けません", "cannot open the resident registry")

    def __init__(self, path: str | Path = ":memory:") -> None:
        super().__init__(path, _SCHEMA)

    def _row(self, row: tuple[str, str, str, str, str]) -> Resident:
        return Resident(row[0], holder_from_json(row[2]), CardState(row[3]), tuple(json.loads(row[4])))

    def add(self, resident: Resident) -> Resident:
        with self._tx() as db:
            try:
                db.execute("INSERT INTO muni_residents VALUES (?, ?, ?, ?, ?)",
                           (resident.my_number, resident.holder_id, holder_to_json(resident.holder),
                            resident.card_state.value, json.dumps(list(resident.history), ensure_ascii=False)))
            except sqlite3.IntegrityError:
                raise InputError(Text("その個人番号または住民IDは既に登録されています",
                                      "that My Number or resident id is already registered")) from None
        return resident

    def update(self, resident: Resident, note: str | None = None) -> Resident:
        if note:
            resident = replace(resident, history=(*resident.history, note))
        with self._tx() as db:
            db.execute("UPDATE muni_residents SET holder = ?, card_state = ?, history = ? WHERE my_number = ?",
                       (holder_to_json(resident.holder), resident.card_state.value,
                        json.dumps(list(resident.history), ensure_ascii=False), resident.my_number))
        return resident

    def get(self, my_number: str) -> Resident:
        rows = self._all("SELECT * FROM muni_residents WHERE my_number = ?", (my_number,))
        if not rows:
            raise InputError(Text("その個人番号の住民は登録されていません", "no resident with that My Number"))
        return self._row(rows[0])

    def by_holder(self, holder_id: str) -> Resident:
        rows = self._all("SELECT * FROM muni_residents WHERE holder_id = ?", (holder_id,))
        if not rows:
            raise InputError(Text("その住民は登録されていません", "no such resident"))
        return self._row(rows[0])

    def all(self) -> list[Resident]:
        return [self._row(r) for r in self._all("SELECT * FROM muni_residents ORDER BY holder_id")]
