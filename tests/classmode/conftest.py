"""Class-mode fixtures (see class_support)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from class_support import ClassRoom
from world_support import pooled_keys


@pytest.fixture(autouse=True)
def _pooled_keys() -> Iterator[None]:
    with pooled_keys():
        yield


@pytest.fixture
def room() -> Iterator[ClassRoom]:
    room = ClassRoom()
    yield room
    room.close()


@pytest.fixture
def make_room(tmp_path: Path) -> Iterator[Callable[[], ClassRoom]]:
    rooms: list[ClassRoom] = []

    def make() -> ClassRoom:
        rooms.append(ClassRoom(str(tmp_path / "class.db")))
        return rooms[-1]
    yield make
    for r in rooms:
        r.close()
