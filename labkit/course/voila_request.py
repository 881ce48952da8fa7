"""The kernel's side of Voilà's preheating handshake, without importing Voilà.

A preheated kernel runs the notebook up to :func:`labkit.course.setup` and then waits until
Voilà hands it the student's request (query string, the headers named in
``http_header_envs``, ...): one JSON message on the websocket ``voila/query/<kernel id>``.
Voilà's own helper (``voila.utils.wait_for_request``) imports the whole Jupyter server stack
into every kernel for this, about 1.7 s of CPU and 40 MB of memory per kernel; this client
speaks the same one-message protocol with tornado, which the kernel has loaded anyway.
The protocol is Voilà 0.5's (pinned in pyproject.toml); tests/serve checks it end to end.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
from collections.abc import MutableMapping

_LOG = logging.getLogger("labkit.kernel")


def request_url(env: MutableMapping[str, str]) -> str:
    """Where Voilà hands this kernel its request (the same variables Voilà's helper reads)."""
    protocol = env.get("VOILA_WS_PROTOCOL", "ws")
    host = env.get("VOILA_APP_IP", "127.0.0.1")
    port = env.get("VOILA_APP_PORT", "8866")
    base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    return f"{protocol}://{host}:{port}{base}voila/query/{env.get('VOILA_KERNEL_ID', '')}"


def wait_for_request(env: MutableMapping[str, str] | None = None, *, connect_timeout: float = 5) -> bool:
    """Block until the request arrives and put its values into ``env`` (the process
    environment by default), as Voilà's helper does. False (and a log line) if the server
    could not be reached: the page then runs with the notebook's defaults."""
    env = os.environ if env is None else env
    url = request_url(env)
    received: list[str | bytes | None] = []

    def listen() -> None:  # the kernel's own event loop is busy running this cell
        loop = asyncio.new_event_loop()
        try:
            received.append(loop.run_until_complete(_one_message(url, connect_timeout)))
        except Exception as exc:
            _LOG.warning("no request info from %s: %s", url, exc)
        finally:
            loop.close()

    thread = threading.Thread(target=listen, name="voila-request", daemon=True)
    thread.start()
    thread.join()
    if not received or received[0] is None:
        return False
    info = json.loads(received[0])
    for key, value in info.items():
        if isinstance(value, str):
            env[key] = value
    return True


async def _one_message(url: str, connect_timeout: float) -> str | bytes | None:
    from tornado.websocket import websocket_connect

    ws = await asyncio.wait_for(websocket_connect(url), connect_timeout)
    try:
        return await ws.read_message()
    finally:
        ws.close()
