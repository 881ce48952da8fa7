"""A simulated student at the websocket level: what Voilà's page does, without a browser.

1. GET the app page (Voilà executes the notebook and streams the HTML with its outputs);
2. open the kernel's websocket and ask the widget manager's control comm for every widget
   state (``jupyter.widget.control`` → ``request_states``): the moment a browser could draw
   the widgets ("time to widgets");
3. do the section's main action as widget messages (a click is a ``custom`` click event, typing
   an ``update`` of ``value``) and time each one until the kernel is idle again;
4. check the result in the widget states (e.g. the phone's title says ``applied``).

Shared by tests/bench/bench_class.py and the JupyterHub test (through the hub's proxy).
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import websocket_connect

CONTROL_PROTOCOL = "1.0.0"  # ipywidgets 8's widget control comm
KERNEL_ID = re.compile(r'"kernelId": "([0-9a-f-]{36})"')


@dataclass(frozen=True)
class Step:
    """One widget message: click the newest widget with CSS class ``css``, or set its value."""

    css: str
    value: Any = None  # None: click

    @property
    def label(self) -> str:
        return self.css if self.value is None else f"{self.css}={self.value!r}"


@dataclass(frozen=True)
class Scenario:
    """An app and its main action; ``done`` is a regular expression some widget's ``value``
    matches once the action succeeded."""

    notebook: str
    query: str
    steps: tuple[Step, ...]
    done: str


@dataclass
class Outcome:
    html_s: float = float("nan")
    widgets_s: float = float("nan")
    actions: list[tuple[str, float]] = field(default_factory=list)
    action_s: float = float("nan")
    queued: int = 0  # "class is full" pages seen before admission
    error: str = ""


def _msg(msg_type: str, content: dict[str, Any], session: str,
         metadata: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "student",
                       "session": session, "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": metadata or {}, "content": content, "channel": "shell",
            "buffers": []}


def _decode(raw: str | bytes) -> dict[str, Any]:
    """A kernel message off the websocket: JSON text, or Jupyter's binary framing (the JSON
    part only: widget buffers are not needed here)."""
    if isinstance(raw, str):
        return json.loads(raw)  # type: ignore[no-any-return]
    nbufs = int.from_bytes(raw[:4], "big")
    offsets = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(nbufs)]
    end = offsets[1] if nbufs > 1 else len(raw)
    return json.loads(raw[offsets[0]:end])  # type: ignore[no-any-return]


#: The kernel websocket protocol Voilà's page asks for (JupyterLab's services): the server
#: forwards the kernel's frames as they are instead of decoding and re-encoding each message.
V1 = "v1.kernel.websocket.jupyter.org"


def _encode_v1(msg: dict[str, Any]) -> bytes:
    from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

    parts = [json.dumps(msg[k]).encode() for k in ("header", "parent_header", "metadata", "content")]
    return serialize_msg_to_ws_v1(parts, msg.get("channel", "shell"))  # type: ignore[no-any-return]


def _decode_v1(raw: bytes) -> dict[str, Any]:
    from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1

    channel, parts = deserialize_msg_from_ws_v1(raw)
    header, parent, metadata, content = (json.loads(part) for part in parts[:4])
    return {"channel": channel, "header": header, "msg_type": header.get("msg_type"),
            "parent_header": parent, "metadata": metadata, "content": content}


class WidgetSession:
    """The widget models of one kernel as the page's widget manager would hold them; speaks
    the kernel websocket protocol the server chose (v1 like the browser, else JSON)."""

    def __init__(self, ws: Any, session: str) -> None:
        self.ws = ws
        self.v1 = getattr(ws, "selected_subprotocol", None) == V1
        self.session = session
        self.models: dict[str, dict[str, Any]] = {}  # model id → state, in creation order
        self.idle: dict[str, asyncio.Event] = {}
        self.reader = asyncio.ensure_future(self._read())
        self.states_ready = asyncio.Event()

    async def _read(self) -> None:
        while True:
            raw = await self.ws.read_message()
            if raw is None:
                return
            msg = _decode_v1(raw) if self.v1 and isinstance(raw, bytes) else _decode(raw)
            kind, content = msg.get("msg_type") or msg["header"]["msg_type"], msg.get("content", {})
            parent = msg.get("parent_header", {}).get("msg_id")
            if kind == "status" and content.get("execution_state") == "idle" and parent in self.idle:
                self.idle[parent].set()
            elif kind == "comm_open" and content.get("target_name") == "jupyter.widget":
                self.models[content["comm_id"]] = dict(content.get("data", {}).get("state", {}))
            elif kind == "comm_msg":
                data = content.get("data", {})
                if data.get("method") in ("update", "echo_update") and content["comm_id"] in self.models:
                    self.models[content["comm_id"]].update(data.get("state", {}))
                elif data.get("method") == "update_states":
                    for mid, st in data.get("states", {}).items():
                        self.models[mid] = dict(st.get("state", {}))
                    self.states_ready.set()

    async def write(self, msg: dict[str, Any]) -> None:
        if self.v1:
            await self.ws.write_message(_encode_v1(msg), binary=True)
        else:
            await self.ws.write_message(json.dumps(msg))

    async def send(self, msg: dict[str, Any], timeout: float) -> float:
        """Send a shell message and wait until the kernel is idle after it; seconds taken."""
        event = self.idle[msg["header"]["msg_id"]] = asyncio.Event()
        start = time.perf_counter()
        await self.write(msg)
        await asyncio.wait_for(event.wait(), timeout)
        return time.perf_counter() - start

    async def request_states(self, timeout: float) -> None:
        comm = uuid.uuid4().hex
        await self.write(_msg("comm_open", {
            "comm_id": comm, "target_name": "jupyter.widget.control", "data": {}}, self.session,
            {"version": CONTROL_PROTOCOL}))
        await self.write(_msg("comm_msg", {
            "comm_id": comm, "data": {"method": "request_states"}}, self.session))
        await asyncio.wait_for(self.states_ready.wait(), timeout)

    def newest(self, css: str) -> str:
        for mid in reversed(list(self.models)):
            if css in self.models[mid].get("_dom_classes", ()):
                return mid
        raise LookupError(f"no widget with class {css}")

    async def do(self, step: Step, timeout: float) -> float:
        mid = self.newest(step.css)
        data = ({"method": "custom", "content": {"event": "click"}} if step.value is None
                else {"method": "update", "state": {"value": step.value}, "buffer_paths": []})
        if step.value is not None:
            self.models[mid]["value"] = step.value
        return await self.send(_msg("comm_msg", {"comm_id": mid, "data": data}, self.session), timeout)

    def any_value_matches(self, pattern: str) -> bool:
        rx = re.compile(pattern)
        return any(isinstance(s.get("value"), str) and rx.search(s["value"]) for s in self.models.values())

    def close(self) -> None:
        self.reader.cancel()
        self.ws.close()


async def run_student(base: str, scenario: Scenario, *, timeout: float = 180,
                      headers: dict[str, str] | None = None, max_queue_s: float = 600) -> Outcome:
    """One student from page request to the end of the main action; never raises."""
    out = Outcome()
    client = AsyncHTTPClient()
    url = f"{base}/voila/render/{scenario.notebook}{scenario.query}"
    start = time.perf_counter()
    session = None
    cookies: dict[str, str] = {}
    try:
        while True:
            hdrs = dict(headers or {})
            if cookies:
                hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
            resp = await client.fetch(HTTPRequest(url, headers=hdrs, request_timeout=timeout,
                                                  follow_redirects=False), raise_error=False)
            if resp.code == 503 and "labkit-full" in resp.body.decode("utf-8", "replace"):
                out.queued += 1  # the class is full: do what the page does, ask again
                for header in resp.headers.get_list("Set-Cookie"):
                    name, _, rest = header.partition("=")
                    cookies[name] = rest.split(";", 1)[0]
                if time.perf_counter() - start > max_queue_s:
                    raise TimeoutError("still queued")
                await asyncio.sleep(float(resp.headers.get("Retry-After", "5")))
                continue
            if resp.code != 200:
                raise RuntimeError(f"HTTP {resp.code}")
            break
        page = resp.body.decode("utf-8", "replace")
        out.html_s = time.perf_counter() - start
        found = KERNEL_ID.search(page)
        if found is None:
            raise RuntimeError("no kernel id in the page")
        if "There was an error when executing cell" in page or "Traceback" in page:
            raise RuntimeError("a cell failed")
        ws_url = base.replace("http", "ws", 1) + f"/api/kernels/{found.group(1)}/channels?session_id={uuid.uuid4().hex}"
        ws = await websocket_connect(HTTPRequest(ws_url, headers=headers or {}, request_timeout=timeout),
                                     max_message_size=64 * 2**20, subprotocols=[V1])
        session = WidgetSession(ws, uuid.uuid4().hex)
        await session.request_states(timeout)
        out.widgets_s = time.perf_counter() - start
        action_start = time.perf_counter()
        for step in scenario.steps:
            out.actions.append((step.label, await session.do(step, timeout)))
        out.action_s = time.perf_counter() - action_start
        if not session.any_value_matches(scenario.done):
            raise RuntimeError(f"the action did not reach {scenario.done!r}")
    except Exception as exc:  # a failure is a figure of the benchmark, not a crash
        out.error = f"{type(exc).__name__}: {exc}"[:200]
    finally:
        if session is not None:
            session.close()
    return out


#: 2-3: the whole application on the phone mock-up (the lab values from the page's table).
APPLY_2_3 = Scenario(
    "2-3_apply.ipynb", "?lang=ja",
    (Step("labkit-phone-button-menu"), Step("labkit-phone-button-apply"),
     Step("labkit-phone-input-password", "ABC123"), Step("labkit-phone-check-confirmed", True),
     Step("labkit-phone-button-submit"), Step("labkit-cardread-hold"), Step("labkit-cardread-remove"),
     Step("labkit-phone-button-next"), Step("labkit-phone-input-password", "PHONE123"),
     Step("labkit-phone-button-next"), Step("labkit-phone-input-pin", "2468"),
     Step("labkit-phone-input-pin_again", "2468"), Step("labkit-phone-button-next")),
    r'data-state="applied"')

#: The anchor: one button that sets a label.
TRIVIAL = Scenario("trivial.ipynb", "", (Step("trivial-button"),), r"^clicked$")

def write_trivial(folder: Path) -> Path:
    """The anchor notebook, written into ``folder``."""
    import nbformat

    folder.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(TRIVIAL_SOURCE)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / TRIVIAL.notebook)
    return folder / TRIVIAL.notebook


TRIVIAL_SOURCE = """import ipywidgets as w
label = w.Label("")
label.add_class("trivial-label")
button = w.Button(description="Click")
button.add_class("trivial-button")
button.on_click(lambda _b: setattr(label, "value", "clicked"))
w.VBox([button, label])"""
