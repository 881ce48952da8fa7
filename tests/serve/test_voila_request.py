"""The preheated kernel's side of Voilà's request handshake (labkit.course.voila_request),
against Voilà's own server-side handler, and the memory it saves: nothing of the Jupyter
server stack is imported into a kernel that waits for its student."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest
from async_support import run_async
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop
from tornado.web import Application
from voila.request_info_handler import RequestInfoSocketHandler

from labkit.course import voila_request


class FakeVoila:
    """Voilà's RequestInfoSocketHandler on a loopback port, in a thread of its own."""

    def __init__(self) -> None:
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        assert self.ready.wait(10)

    def _run(self) -> None:
        asyncio.set_event_loop(asyncio.new_event_loop())
        app = Application([(r"/voila/query/(.*)", RequestInfoSocketHandler)])
        self.server = HTTPServer(app)
        sockets = __import__("tornado.netutil", fromlist=["bind_sockets"]).bind_sockets(0, "127.0.0.1")
        self.port = sockets[0].getsockname()[1]
        self.server.add_sockets(sockets)
        self.loop = IOLoop.current()
        self.ready.set()
        self.loop.start()

    def send(self, kernel_id: str, payload: dict[str, str]) -> None:
        self.loop.add_callback(RequestInfoSocketHandler.send_updates, {"kernel_id": kernel_id, "payload": payload})

    def stop(self) -> None:
        self.loop.add_callback(self.loop.stop)
        self.thread.join(10)


@pytest.fixture
def voila() -> Iterator[FakeVoila]:
    server = FakeVoila()
    yield server
    server.stop()


def kernel_env(port: int, kernel_id: str) -> dict[str, str]:
    return {"VOILA_PREHEAT": "True", "VOILA_KERNEL_ID": kernel_id, "VOILA_APP_IP": "127.0.0.1",
            "VOILA_APP_PORT": str(port), "VOILA_SERVER_URL": "/"}


def test_the_kernel_waits_for_the_request_and_takes_its_values(voila: FakeVoila) -> None:
    env = kernel_env(voila.port, "k-1")
    payload = {"QUERY_STRING": "lang=en", "SERVER_SOFTWARE": "voila/0.5.13", "HTTP_COOKIE": "a=b"}
    sent_at: list[float] = []

    def student_arrives() -> None:
        time.sleep(0.5)
        sent_at.append(time.monotonic())
        voila.send("k-1", payload)

    threading.Thread(target=student_arrives).start()
    assert voila_request.wait_for_request(env)
    assert time.monotonic() >= sent_at[0]  # it blocked until the request came
    assert {k: env[k] for k in payload} == payload


def test_a_request_that_came_first_is_kept_for_the_kernel(voila: FakeVoila) -> None:
    voila.send("k-2", {"QUERY_STRING": "lang=ja&depth=engineer"})
    time.sleep(0.2)
    env = kernel_env(voila.port, "k-2")
    assert voila_request.wait_for_request(env)
    assert env["QUERY_STRING"] == "lang=ja&depth=engineer"


def test_no_server_means_defaults_not_a_hang() -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = kernel_env(port, "k-3")
    before = dict(env)
    start = time.monotonic()
    assert not voila_request.wait_for_request(env, connect_timeout=2)
    assert time.monotonic() - start < 10
    assert env == before


def test_the_url_follows_voilas_variables() -> None:
    env = {"VOILA_WS_PROTOCOL": "wss", "VOILA_APP_IP": "10.0.0.2", "VOILA_APP_PORT": "8000",
           "VOILA_SERVER_URL": "/user/ann/", "VOILA_KERNEL_ID": "abc"}
    assert voila_request.request_url(env) == "wss://10.0.0.2:8000/user/ann/voila/query/abc"
    env["VOILA_WS_BASE_URL"] = "/proxy/"
    assert voila_request.request_url(env) == "wss://10.0.0.2:8000/proxy/voila/query/abc"


def test_a_waiting_kernel_holds_no_jupyter_server() -> None:
    """A preheated 2-3 kernel that prepared its section and asked for its request (here: to
    a port nobody listens on) has not imported Voilà or the Jupyter server stack (1.7 s of
    CPU and 40 MB a kernel with voila.utils.wait_for_request)."""
    import os
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = ("import sys, json\n"
            "from labkit.course import params\n"
            "params.wait_for_voila_request('2-3')\n"
            "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('voila', 'jupyter_server', 'jupyterlab_server', 'jsonschema', 'lark'))))\n"
            "print('labkit.labs.ch2' in sys.modules)")
    env = {**os.environ, **kernel_env(port, "k-4"), "LABKIT_PREHEAT_KEYS": "0"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         timeout=120, env=env)
    modules, prepared = out.stdout.strip().splitlines()[-2:]
    assert prepared == "True"  # it did prepare the section
    assert json.loads(modules) == []


@pytest.mark.slow
def test_a_preheated_page_is_rendered_for_its_request(tmp_path) -> None:
    """End to end with `make run`'s launcher: the 1-2 page comes from the one preheated kernel
    (no second kernel is started) and is in the language the URL asked for."""
    import urllib.request
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))
    from voila_server import VoilaServer, course_command, kernel_processes

    server = VoilaServer(tmp_path / "course.log", ready_timeout=120,
                         command=lambda port: course_command(port, "--pool", "1-2=1", "--fill-delay", "600",
                                                             "--max-kernels", "3"))
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:  # the pool kernel has started and gone quiet
            procs = list(kernel_processes(server).values())
            if procs and all(p.cpu_percent(0.5) < 5 for p in procs):
                break
        waiting = set(kernel_processes(server))
        assert len(waiting) == 1
        with urllib.request.urlopen(server.app("1-2_services.ipynb", "?lang=en"), timeout=240) as r:
            html = r.read().decode()
        assert "1-2 What you can do with it" in html and "1-2 できること" not in html
        assert set(kernel_processes(server)) == waiting  # the preheated kernel served it
    finally:
        server.stop()


@pytest.mark.slow
def test_a_lab_built_while_the_kernel_waited_serves_its_page_in_english(tmp_path) -> None:
    """End to end: 2-6's labs are built by the preheated kernel before the request (in no
    language yet); the page asked for in English shows them in English, and they act: the
    hotline's 「電話する」 answers in English over the kernel websocket, as the browser would."""
    from pathlib import Path

    here = Path(__file__).resolve().parents[1]
    sys.path[:0] = [str(here / "browser"), str(here / "bench")]
    from student import Scenario, Step, run_student
    from voila_server import VoilaServer, course_command, kernel_processes

    server = VoilaServer(tmp_path / "course.log", ready_timeout=120,
                         command=lambda port: course_command(port, "--pool", "2-6=1", "--fill-delay", "600",
                                                             "--max-kernels", "3"))
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:  # the pool kernel has prepared its section and gone quiet
            procs = list(kernel_processes(server).values())
            if procs and all(p.cpu_percent(0.5) < 5 for p in procs):
                break
        waiting = set(kernel_processes(server))
        call = Scenario("2-6_loss.ipynb", "?lang=en", (Step("labkit-lab-hotline-call"),),
                        r"\] This is the My Number general toll-free line\. For the smartphone e-certificate press 4")
        out = run_async(run_student(server.url.rstrip("/"), call, timeout=120))
        assert out.error == "" and len(out.actions) == 1
        assert set(kernel_processes(server)) == waiting  # the preheated kernel served it
    finally:
        server.stop()
