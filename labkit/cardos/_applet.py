"""Applets: static structure plus (CLA, INS) handlers, registered declaratively."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from ..apdu import SW, CommandAPDU, ResponseAPDU, StatusWordError

#: What a handler returns: response data (answered with 9000) or a full response.
HandlerResult = bytes | ResponseAPDU
Handler = Callable[[Any, CommandAPDU, Any], HandlerResult]
F = TypeVar("F", bound=Callable[..., HandlerResult])

#: CLA kinds a handler can accept: ISO interindustry (00, 0x, 4x) or proprietary (8x, Cx, Ex).
ISO = "iso"
PROPRIETARY = "proprietary"


def handles(ins: int, *, cla: str | tuple[str, ...] = (ISO, PROPRIETARY)) -> Callable[[F], F]:
    """Mark an applet method as the handler of ``ins`` for the given CLA kind(s)."""
    kinds = (cla,) if isinstance(cla, str) else cla

    def mark(func: F) -> F:
        existing = getattr(func, "_labkit_handles", ())
        func._labkit_handles = (*existing, *((kind, ins) for kind in kinds))  # type: ignore[attr-defined]
        return func

    return mark


class Applet:
    """Base class. Subclasses set ``aid`` and decorate methods with :func:`handles`.

    Static state (files, keys, PIN counters) lives on the applet; state that belongs to one
    selection on one logical channel (security status, current EF, secure channel) lives in
    the object returned by :meth:`new_session`, which handlers receive as ``session``.
    """

    aid: bytes = b""
    #: May the applet be selected on several logical channels at once?
    multi_selectable: ClassVar[bool] = True
    _dispatch: ClassVar[dict[tuple[str, int], str]]

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        table: dict[tuple[str, int], str] = {}
        for klass in reversed(cls.__mro__):
            for name, member in vars(klass).items():
                for key in getattr(member, "_labkit_handles", ()):
                    table[key] = name
        cls._dispatch = table

    def new_session(self, channel: int) -> Any:
        """Per-selection state; override to return an object of your own."""
        return None

    def select(self, command: CommandAPDU, session: Any) -> HandlerResult:
        """Called when selected by AID; return the FCI (or b"" for none)."""
        return b""

    def deselect(self, session: Any) -> None:
        """Called when another applet is selected on the channel, or the channel closes."""

    def selectable(self) -> bool:
        """False makes SELECT answer 6A82 / the life-cycle SW (e.g. a LOCKED applet)."""
        return True

    def process(self, command: CommandAPDU, session: Any, *, proprietary: bool) -> HandlerResult:
        name = self._dispatch.get((PROPRIETARY if proprietary else ISO, command.ins))
        if name is None:
            if any(ins == command.ins for _, ins in self._dispatch):
                raise StatusWordError(SW.CLA_NOT_SUPPORTED)
            raise StatusWordError(SW.INS_NOT_SUPPORTED)
        handler: Callable[[CommandAPDU, Any], HandlerResult] = getattr(self, name)
        return handler(command, session)
