"""The Python client of the class API (``/api/class`` of ``labkit jlis serve --class``, BOARD
"Class API v1"): what a student's browser kernel and the lecturer console call. Errors arrive
as the server's bilingual refusals (:func:`~labkit.office.wire.error_from_json`), exactly as
with :class:`~labkit.office.http.HttpJlis`, whose connection it uses.

After :meth:`ClassClient.join` the client carries the new student token, so
``Office.remote(url, token=client.token)`` gives that student's world its office.
"""

from __future__ import annotations

from typing import Any

import httpx

from .http import HttpJlis, path_segment

__all__ = ["ClassClient"]

PREFIX = "/api/class"


class ClassClient:
    """``ClassClient(url, token=None)``; ``token`` is a student's or the lecturer's."""

    def __init__(self, url: str, token: str | None = None, *, client: httpx.Client | None = None,
                 timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self.token = token
        self._client = client
        self._timeout = timeout
        self._http = HttpJlis(self.url, client=client, token=token, timeout=timeout)

    def close(self) -> None:
        if self._client is None:
            self._http.close()

    def __enter__(self) -> ClassClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        return self._http.call_json(method, PREFIX + path, body)

    # -- anyone / a student ------------------------------------------------------------------
    def join(self, code: str, nickname: str) -> dict[str, Any]:
        """Join the class; from now on this client speaks as the new student."""
        answer = self._call("POST", "/join", {"code": code, "nickname": nickname})
        self.close()
        self.token = str(answer["token"])
        self._http = HttpJlis(self.url, client=self._client, token=self.token, timeout=self._timeout)
        return dict(answer)

    def me(self) -> dict[str, Any]:
        return dict(self._call("GET", "/me"))

    def progress(self, section: str, step: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"section": section}
        if step is not None:
            body["step"] = step
        return dict(self._call("POST", "/progress", body))

    def checks(self, section: str, score: int, total: int) -> dict[str, Any]:
        return dict(self._call("POST", "/checks", {"section": section, "score": score, "total": total}))

    def state(self) -> dict[str, Any]:
        return dict(self._call("GET", "/state"))

    # -- the lecturer ------------------------------------------------------------------------
    def roster(self) -> list[dict[str, Any]]:
        return list(self._call("GET", "/roster")["students"])

    def summary(self) -> dict[str, Any]:
        return dict(self._call("GET", "/summary"))

    def timeline(self, student_id: str) -> list[dict[str, Any]]:
        return list(self._call("GET", f"/students/{path_segment(student_id)}/timeline")["events"])

    def advance_class(self, seconds: int) -> dict[str, Any]:
        return dict(self._call("POST", "/clock", {"advance_seconds": int(seconds)}))

    def event(self, event: str, student_id: str | None = None) -> list[dict[str, Any]]:
        return list(self._call("POST", "/events", {"student_id": student_id, "event": event})["done"])

    def reset(self, student_id: str) -> dict[str, Any]:
        return dict(self._call("POST", f"/students/{path_segment(student_id)}/reset", {}))

    def open(self, section: str | None) -> dict[str, Any]:
        return dict(self._call("POST", "/open", {"section": section}))

