"""A private pcscd for the test suite and the benchmarks, and the two virtual reader slots.

What runs: ``pcscd --foreground --config DIR`` with DIR holding one vpcd entry, so nothing in
``/etc`` is read or changed. One vpcd entry gives two readers:

=====  ===================  =========  =============================================
slot   reader name          TCP port   used by
=====  ===================  =========  =============================================
0      Virtual PCD 00 00    35963      tests/reader, tests/pcsc (the My Number Card)
1      Virtual PCD 00 01    35964      tests/se (the phone's secure element)
=====  ===================  =========  =============================================

pcscd binds ``/run/pcscd/pcscd.comm`` and the two ports on the whole host, so only one stack
can run at a time. The stack takes an ``flock`` on ``/tmp/labkit-pcscd.lock`` (override with
``LABKIT_PCSC_LOCK``) for its whole life: two test sessions on one machine wait for each
other instead of colliding. pcscd is stopped by PID at the end of the session (and at exit).

Fixtures (defined in ``tests/conftest.py``)
-------------------------------------------
``pcsc_stack`` (session)
    The running :class:`PcscStack`. Skips when pcscd cannot run here (not root, packages or
    pyscard missing) — but with ``CI=true`` as root a missing stack fails the test instead.
``vpcd_slot0`` / ``vpcd_slot1`` (function)
    A :class:`VirtualSlot`, empty at the start of the test. ``slot.attach(device)`` starts a
    :class:`~labkit.reader.VpcdBridge` thread for any ``CardDevice`` and returns once pcscd
    reports the card present (``SCardGetStatusChange``, no sleeps). At teardown the slot
    detaches whatever the test attached and waits until pcscd reports it empty, so the next
    test finds it free. ``slot.reader`` is the reader name, ``slot.port`` the TCP port,
    ``slot.index`` the reader number for ``opensc-tool -r``.

``issued_card`` (session) / ``jpki_card`` (function)
    A sample resident's My Number Card personalised once by the lab J-LIS
    (:class:`IssuedCard`: ``issued_der()`` gives what the PKI issued), and a fresh copy of
    it per test — the card the PC/SC tests insert into slot 0.

The phone SE tests use slot 1, so they never collide with the card tests on slot 0::

    import pytest
    from labkit.reader import PcscTransport

    @pytest.mark.pcsc
    @pytest.mark.timeout(60)          # a frozen emulator blocks transmit() forever
    def test_se_answers_through_pcscd(vpcd_slot1):
        vpcd_slot1.attach(make_my_se())           # any labkit.apdu.CardDevice
        with PcscTransport(vpcd_slot1.reader) as transport:
            assert transport.transmit(bytes.fromhex("00A4040000")).sw == 0x9000

A test that runs its emulator in a subprocess instead (e.g. ``python -m labkit card emulate
--port 35964``) calls ``slot.wait_present()`` after starting it and must kill it before the
test ends; teardown then waits for ``slot.wait_absent()``.
"""

from __future__ import annotations

import atexit
import contextlib
import copy
import fcntl
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from labkit.apdu import CardDevice
from labkit.card import MyNumberCard
from labkit.pki import Holder, Jpki
from labkit.reader import VpcdBridge
from labkit.reader._pcsc import list_readers, wait_for_card

__all__ = ["PORTS", "READERS", "IssuedCard", "PcscStack", "StackUnavailable", "VirtualSlot", "stack_missing"]

VPCD_DRIVER = Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")
PORTS = (35963, 35964)
READERS = ("Virtual PCD 00 00", "Virtual PCD 00 01")
LOCK_PATH = Path(os.environ.get("LABKIT_PCSC_LOCK", "/tmp/labkit-pcscd.lock"))
PID_FILE = Path("/run/pcscd/pcscd.pid")

READER_CONF = f"""\
FRIENDLYNAME "Virtual PCD"
DEVICENAME   /dev/null:0x{PORTS[0]:04X}
LIBPATH      {VPCD_DRIVER}
CHANNELID    0x{PORTS[0]:04X}
"""


@dataclass(frozen=True)
class IssuedCard:
    """A card personalised once per session by the lab J-LIS; :meth:`new` gives a fresh
    copy of its EEPROM (keys, certificates, full PIN counters) for each test."""

    state: dict
    jpki: Jpki
    holder: Holder
    auth_pin: str = "1234"
    sign_password: str = "ABC123"

    def new(self) -> MyNumberCard:
        return MyNumberCard.from_state(copy.deepcopy(self.state))

    def issued_der(self) -> dict[str, bytes]:
        """The DER of every certificate the PKI core issued for this holder, by profile."""
        return {r.profile: r.der for r in self.jpki.certificates_of(self.holder.holder_id)}


class StackUnavailable(RuntimeError):
    """pcscd could not be started here; the message says why."""


def stack_missing() -> str | None:
    """Why a PC/SC stack cannot run on this machine, or None if it can."""
    if os.geteuid() != 0:
        return "pcscd needs root here (it writes /run/pcscd); run the PC/SC tests as root"
    missing = [name for name in ("pcscd",) if shutil.which(name) is None]
    if not VPCD_DRIVER.exists():
        missing.append(f"vsmartcard-vpcd ({VPCD_DRIVER})")
    try:
        import smartcard.scard  # noqa: F401
    except ImportError:
        missing.append("pyscard (pip install -e '.[pcsc]')")
    if missing:
        return "PC/SC stack not installed: missing " + ", ".join(missing)
    return None


def _running_pcscd() -> int | None:
    """PID of a pcscd that is already running (not ours), from its pid file."""
    try:
        pid = int(PID_FILE.read_text().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    try:
        comm = Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return None
    return pid if comm == "pcscd" else None


@dataclass
class VirtualSlot:
    """One vpcd slot: attach a CardDevice, and the card is in reader ``reader``."""

    index: int
    port: int
    reader: str
    bridge: VpcdBridge | None = field(default=None, repr=False)

    def attach(self, device: CardDevice, timeout: float = 10.0) -> VpcdBridge:
        if self.bridge is not None:
            raise RuntimeError(f"slot {self.index} already holds a card; detach it first")
        bridge = VpcdBridge(device, port=self.port)
        self.bridge = bridge.start()
        self.wait_present(timeout)
        return bridge

    def detach(self, timeout: float = 10.0) -> None:
        bridge, self.bridge = self.bridge, None
        if bridge is not None:
            bridge.stop()
            self.wait_absent(timeout)

    def wait_present(self, timeout: float = 10.0) -> None:
        if not wait_for_card(self.reader, present=True, timeout=timeout):
            raise TimeoutError(f"pcscd did not see a card in {self.reader!r} within {timeout} s")

    def wait_absent(self, timeout: float = 10.0) -> None:
        if not wait_for_card(self.reader, present=False, timeout=timeout):
            raise TimeoutError(f"{self.reader!r} still holds a card after {timeout} s "
                               f"(is something else attached to port {self.port}?)")


class PcscStack:
    """pcscd with a private config directory under ``workdir``; stop it with :meth:`stop`."""

    def __init__(self, workdir: Path, *, lock_timeout: float = 300.0) -> None:
        self.workdir = Path(workdir)
        self.config_dir = self.workdir / "reader.conf.d"
        self.log_path = self.workdir / "pcscd.log"
        self.lock_timeout = lock_timeout
        self.process: subprocess.Popen[bytes] | None = None
        self.slots = tuple(VirtualSlot(i, port, name) for i, (port, name)
                           in enumerate(zip(PORTS, READERS, strict=True)))
        self._lock_fd: int | None = None
        self._made_run_dir = False

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def start(self, timeout: float = 10.0) -> PcscStack:
        reason = stack_missing()
        if reason:
            raise StackUnavailable(reason)
        self._acquire_lock()
        try:
            other = _running_pcscd()
            if other is not None:
                raise StackUnavailable(f"another pcscd (pid {other}) is already running on this "
                                       "machine; stop it to run the PC/SC tests")
            self._made_run_dir = not PID_FILE.parent.exists()
            self.config_dir.mkdir(parents=True, exist_ok=True)
            (self.config_dir / "vpcd").write_text(READER_CONF)
            self._launch(timeout)
        except BaseException:
            self._release_lock()
            raise
        atexit.register(self.stop)
        return self

    def _launch(self, timeout: float) -> None:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                ["pcscd", "--foreground", "--config", str(self.config_dir)],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:  # readiness: both readers listed by pcscd
            if self.process.poll() is not None:
                self.process = None
                raise StackUnavailable(f"pcscd exited at start-up:\n{self.log_tail()}")
            with contextlib.suppress(Exception):
                if {r.name for r in list_readers()} >= set(READERS):
                    return
            time.sleep(0.02)
        self.stop()
        raise StackUnavailable(f"pcscd did not list the vpcd readers within {timeout} s:\n"
                               f"{self.log_tail()}")

    def stop(self, timeout: float = 10.0) -> None:
        """Detach the slots, stop pcscd by PID (SIGTERM, then SIGKILL), release the lock."""
        for slot in self.slots:
            with contextlib.suppress(Exception):
                if slot.bridge is not None:
                    slot.bridge.stop()
                    slot.bridge = None
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
        if self._made_run_dir:  # leave /run as we found it (pcscd removes its own files)
            with contextlib.suppress(OSError):
                PID_FILE.parent.rmdir()
        self._release_lock()

    def restart(self, timeout: float = 10.0) -> None:
        """Stop pcscd and start a new one with the same configuration (keeps the lock)."""
        process, self.process = self.process, None
        if process is not None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
        self._launch(timeout)

    def stop_daemon_only(self, timeout: float = 10.0) -> None:
        """Stop pcscd but keep the lock (to test "pcscd not running"); :meth:`restart`
        brings it back."""
        process, self.process = self.process, None
        if process is not None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no pcscd log)"

    def _acquire_lock(self) -> None:
        if self._lock_fd is not None:
            return
        fd = os.open(LOCK_PATH, os.O_RDWR | os.O_CREAT, 0o666)
        deadline = time.monotonic() + self.lock_timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise StackUnavailable(
                        f"another test session holds {LOCK_PATH} (its pcscd is running) for more "
                        f"than {self.lock_timeout:.0f} s") from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._lock_fd = fd

    def _release_lock(self) -> None:
        fd, self._lock_fd = self._lock_fd, None
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
