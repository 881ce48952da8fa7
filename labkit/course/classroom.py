"""The course in class mode (issue 12): a class J-LIS server (``labkit jlis serve --class``)
holds every student's world; a student joins once per browser with a nickname; lecturer
notes and views need the lecturer token.

How the student's token travels (the kernel runs the cells before the page's JavaScript
can talk to it, so a lab cannot wait for a widget): the join widget's kernel gets the token
from the server and shows it to the course template's script (``labkit-class.js``), which
keeps it in ``localStorage`` and in a cookie ``labkit-class-<code>``. Voilà hands the Cookie
header to the next page's kernel (``http_header_envs`` in voila.json), so from then on the
kernel knows the student before the first lab cell runs. If the cookie is gone but
``localStorage`` still has the token, the script sets the cookie again and reloads once.

Nothing here sends anything outside class mode: without a class code every function is a
no-op or returns ``None``.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import queue
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import ServiceError
from .params import JLIS_ENV, LECTURER_ENV, Params

__all__ = ["COOKIE_PREFIX", "DEFAULT_URL", "ClassLink", "Student", "cookie_token", "report_check",
           "report_progress", "server_url", "verify_lecturer"]

log = logging.getLogger(__name__)

DEFAULT_URL = "http://127.0.0.1:8470"
COOKIE_PREFIX = "labkit-class-"


def server_url(env: Mapping[str, str] | None = None) -> str:
    """The class server: ``LABKIT_JLIS``, else the loopback default of ``jlis serve --class``."""
    env = os.environ if env is None else env
    return (env.get(JLIS_ENV) or DEFAULT_URL).rstrip("/")


@dataclass(frozen=True, slots=True)
class Student:
    """A student who joined the class: the server's id and nickname, the bearer token."""

    student_id: str
    nickname: str
    token: str
    url: str

    @property
    def seed(self) -> int:
        """The world's seed, from the student id: every student's phones and serials differ."""
        return int.from_bytes(hashlib.sha256(self.student_id.encode()).digest()[:4], "big")


class ClassLink:
    """The class API (v1) for the course: :class:`~labkit.office.class_client.ClassClient`
    with a short timeout and :class:`Student` values. Refusals are :class:`ServiceError`
    with the server's bilingual text and reason; an unreachable server is
    ``reason="unavailable"``."""

    def __init__(self, url: str, token: str | None = None, *, timeout: float = 5.0) -> None:
        from ..office.class_client import ClassClient

        self.url = url.rstrip("/")
        self.client = ClassClient(self.url, token, timeout=timeout)

    def close(self) -> None:
        self.client.close()

    def join(self, code: str, nickname: str) -> Student:
        answer = self.client.join(code, nickname)
        return Student(str(answer["student_id"]), str(answer["nickname"]), str(answer["token"]), self.url)

    def me(self) -> dict[str, Any]:
        return self.client.me()

    def progress(self, section: str, step: str) -> None:
        self.client.progress(section, step)

    def checks(self, section: str, score: int, total: int) -> None:
        self.client.checks(section, score, total)

    def state(self) -> dict[str, Any]:
        return self.client.state()

    def roster(self) -> list[dict[str, Any]]:
        return self.client.roster()

    def summary(self) -> dict[str, Any]:
        return self.client.summary()

    def timeline(self, student_id: str) -> list[dict[str, Any]]:
        return self.client.timeline(student_id)

    def advance_class(self, seconds: int) -> None:
        self.client.advance_class(seconds)

    def event(self, event: str, student_id: str | None = None) -> None:
        self.client.event(event, student_id)

    def reset(self, student_id: str) -> None:
        self.client.reset(student_id)

    def open(self, section: str) -> None:
        self.client.open(section)


def student_from_token(url: str, token: str) -> Student | None:
    """The student a token belongs to, or ``None`` if the server refuses it (unknown, reset)."""
    link = ClassLink(url, token)
    try:
        me = link.me()
    except ServiceError as exc:
        if exc.reason == "unavailable":
            raise
        return None
    finally:
        link.close()
    return Student(str(me["student_id"]), str(me["nickname"]), token, url)


def verify_lecturer(p: Params, *, voila: bool, env: Mapping[str, str] | None = None,
                    ask_server: bool = False) -> bool:
    """True if ``p.lecturer_token`` is the lecturer's (reliability review F12).

    Outside Voilà (JupyterLab, papermill) the token comes from the kernel's environment,
    which only the person who started it controls. In Voilà it comes from the URL and is
    checked in constant time against ``LABKIT_LECTURER_TOKEN`` if the server has one, else
    by the class server's lecturer-only endpoint in class mode (a class code, ``LABKIT_JLIS``
    or ``ask_server``: the console); an unreachable server means no."""
    env = os.environ if env is None else env
    token = p.lecturer_token
    if not token:
        return False
    expected = env.get(LECTURER_ENV, "")
    if expected and hmac.compare_digest(token.encode(), expected.encode()):
        return True
    if not voila or not (p.class_code or env.get(JLIS_ENV) or ask_server):
        return False
    link = ClassLink(server_url(env), token, timeout=3.0)
    try:
        link.summary()
    except ServiceError:
        return False
    finally:
        link.close()
    return True


def cookie_token(code: str, cookie_header: str) -> str | None:
    """The token the course template stored for class ``code`` in the Cookie header."""
    name = COOKIE_PREFIX + code
    for part in cookie_header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name and value:
            from urllib.parse import unquote

            return unquote(value)
    return None


# --------------------------------------------------------------------------- reporting

class _Reporter:
    """Sends progress and check results in a daemon thread, so a slow or absent server
    never holds up the learner's page; failures are logged, never shown."""

    def __init__(self) -> None:
        self._queue: queue.Queue[tuple[Student, str, tuple[Any, ...]]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def put(self, student: Student, kind: str, *args: Any) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="labkit-class-report", daemon=True)
                self._thread.start()
        self._queue.put((student, kind, args))

    def _run(self) -> None:
        while True:
            student, kind, args = self._queue.get()
            link = ClassLink(student.url, student.token)
            try:
                getattr(link, kind)(*args)
            except ServiceError as exc:
                log.warning("class report %s %s failed: %s", kind, args, exc)
            finally:
                link.close()
                self._queue.task_done()

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything queued was sent (tests)."""
        done = threading.Event()

        def wait() -> None:
            self._queue.join()
            done.set()
        threading.Thread(target=wait, daemon=True).start()
        return done.wait(timeout)


REPORTER = _Reporter()


def report_progress(step: str, section: str | None = None) -> bool:
    """Tell the class server that the current student reached ``step`` of the current
    section; nothing outside class mode. True if something was queued."""
    from .runtime import current

    ctx = current()
    if ctx.student is None:
        return False
    REPORTER.put(ctx.student, "progress", section or ctx.section.id, step[:60])
    return True


def report_check(score: int, total: int, section: str | None = None) -> bool:
    """Send the result of a section check (score of total); nothing outside class mode."""
    from .runtime import current

    ctx = current()
    if ctx.student is None:
        return False
    REPORTER.put(ctx.student, "checks", section or ctx.section.id, int(score), int(total))
    return True
