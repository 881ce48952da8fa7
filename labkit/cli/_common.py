"""Pieces the ``labkit`` sub-commands share: bilingual output and keeping an emulated chip in
pcscd's virtual reader until interrupted."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

from ..apdu import CardDevice
from ..i18n import Text
from ..reader import VpcdBridge


def say(args: argparse.Namespace, text: Text, *, file: Any = None) -> None:
    print(text.get(args.lang), file=file or sys.stdout, flush=True)


def serve_in_virtual_reader(args: argparse.Namespace, device: CardDevice, *, inserting: Text,
                            removed: Callable[[int], Text], finish: Callable[[], None]) -> int:
    """Run a vpcd bridge for ``device`` in the foreground; SIGINT/SIGTERM take the chip out
    cleanly, then ``finish`` saves or closes its state whatever happened."""
    bridge = VpcdBridge(device, host=args.host, port=args.port)

    def on_signal(signum: int, frame: FrameType | None) -> None:
        bridge.stop()

    previous: dict[int, Callable[..., Any] | int | None] = {
        sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    say(args, inserting)
    try:
        bridge.run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        finish()
    say(args, removed(bridge.apdus))
    return 0
