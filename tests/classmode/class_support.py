"""Class-mode test support: a class office in process, served through Starlette's test client,
the lecturer's token, and student worlds that reach it with their own tokens."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scenarios"))

from world_support import pooled_key

from labkit.clock import SimulatedClock
from labkit.office.class_client import ClassClient
from labkit.office.classroom import ClassSetup
from labkit.office.compose import Office
from labkit.world import World

START = "2026-04-01T10:00:00+09:00"
CODE = "KIYOSE"
LECTURER = "lecturer-token-for-tests-0123456789"


class ClassRoom:
    """A class server in process and what talks to it."""

    def __init__(self, db: str | None = None) -> None:
        self.office = Office.in_process(SimulatedClock(START), db=db, key_factory=pooled_key,
                                        classroom=ClassSetup(CODE, LECTURER))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Starlette suggests httpx2 for its test client
            from starlette.testclient import TestClient

            self.http = TestClient(self.office.app(), raise_server_exceptions=False)
        self.worlds: list[World] = []

    def client(self, token: str | None = None) -> ClassClient:
        return ClassClient("http://testserver", token, client=self.http)

    def lecturer(self) -> ClassClient:
        return self.client(LECTURER)

    def join(self, nickname: str) -> tuple[ClassClient, str]:
        client = self.client()
        answer = client.join(CODE, nickname)
        return client, str(answer["student_id"])

    def world(self, token: str | None, seed: int = 0) -> World:
        world = World(Office.remote("http://testserver", client=self.http, token=token), seed=seed)
        self.worlds.append(world)
        return world

    def student_world(self, nickname: str, seed: int = 0) -> tuple[World, ClassClient, str]:
        client, sid = self.join(nickname)
        return self.world(client.token, seed), client, sid

    def raw(self, method: str, path: str, token: str | None = None, **kwargs: object):  # type: ignore[no-untyped-def]
        headers = {"authorization": f"Bearer {token}"} if token else {}
        return self.http.request(method, path, headers=headers, **kwargs)  # type: ignore[arg-type]

    def close(self) -> None:
        for world in self.worlds:
            world.close()
        self.http.close()
        self.office.close()
