"""Course figures drawn by labkit from the objects the labs use, so they stay true: who talks
to whom in each flow (recorded from a real run, :mod:`.flows`), the SE inside the phone (from a
real phone's registry, ARA-M rules and OMAPI, :mod:`.se_figure`), timelines from the J-LIS and
validity rules (:mod:`.timelines`) and the phone screens of the lecture's numbered steps (the
apps' own states, :mod:`.screens`). Every figure is one self-contained, accessible SVG.

    from labkit import figures
    figures.section_figures("2-3", "ja")   # -> [Figure(id, caption, svg, kind), ...]
    figures.show(ctx, "2-3")               # an ipywidgets.HTML for a notebook cell
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..i18n import Text, check_lang
from ._svg import esc

__all__ = ["SECTION_FIGURES", "Figure", "cache_dir", "figures_html", "section_figures", "show"]


@dataclass(frozen=True, slots=True)
class Figure:
    id: str
    caption: Text
    svg: str
    kind: str  # "flow", "se", "timeline", "screen"


@dataclass(frozen=True, slots=True)
class _Spec:
    name: str
    kind: str
    caption: Text
    draw: Callable[[str, str], str]  # (lang, uid) -> svg


def _flow(flow: str, caption: Text) -> _Spec:
    def draw(lang: str, uid: str) -> str:
        from .flows import record
        from .sequence import sequence_svg

        return sequence_svg(record(flow), lang, uid)

    return _Spec(f"flow-{flow}", "flow", caption, draw)


def _se(caption: Text) -> _Spec:
    def draw(lang: str, uid: str) -> str:
        from .se_figure import se_model, se_svg

        return se_svg(se_model(), lang, uid)

    return _Spec("se", "se", caption, draw)


def _timeline(name: str, caption: Text) -> _Spec:
    def draw(lang: str, uid: str) -> str:
        from . import timelines

        if name == "push_window":
            return timelines.push_window_svg(lang, uid)
        if name == "hotline":
            return timelines.hotline_svg(lang, uid)
        return timelines.model_svg(timelines.standard_models()[name], lang, uid)

    return _Spec(f"timeline-{name}", "timeline", caption, draw)


def _walk(walk: str, section: str) -> list[_Spec]:
    """One figure per step screen of a walk (built lazily: the walk runs on first use)."""
    from .screens import screen_svg, steps

    specs = []
    for i, step in enumerate(steps(walk)):

        def draw(lang: str, uid: str, step: Any = step) -> str:
            return screen_svg(step.screen, lang, uid, mark=f"{section} {step.mark.get(lang)}")

        caption = Text(f"{section} {step.mark.ja} {step.caption.ja}", f"{section} {step.mark.en} {step.caption.en}")
        specs.append(_Spec(f"screen-{walk}-{i + 1:02d}", "screen", caption, draw))
    return specs


C = Text  # captions
SE_CAPTION = C(
    "スマホの中の安全な場所 (GP-SE): マイナポータルアプリだけが公的個人認証APに届く",
    "The safe place in the phone (GP-SE): only the Mynaportal app reaches the JPKI AP",
)
APPLY_CAPTION = C(
    "申請: アプリでマイナンバーカードの IC チップを読み取って申請し、プッシュ通知を待つ",
    "Applying: the app reads the My Number Card's chip and applies; then the push notification comes",
)
USE_CAPTION = C(
    "サービスで使う: カードがなくても、スマホだけでログインや申込みができる",
    "Using it: log in and apply with the phone alone, without the card",
)
PUSH_CAPTION = C("申請した時刻とプッシュ通知が届く時刻", "When you apply and when the push notification comes")

#: Which figures each section shows, in order (the lead adds one figure cell per section).
SECTION_FIGURES: dict[str, Callable[[], list[_Spec]]] = {
    "1-1": lambda: [_flow("apply", APPLY_CAPTION), _se(SE_CAPTION)],
    "1-2": lambda: [_flow("use", USE_CAPTION), *_walk("portal", "1-2")[:2]],
    "1-3": lambda: [_se(SE_CAPTION), _walk("portal", "1-3")[0]],
    "1-4": lambda: [_flow("use", USE_CAPTION), _walk("portal", "1-4")[2]],
    "1-5": lambda: [_se(SE_CAPTION), _walk("portal", "1-5")[3]],
    "1-6": lambda: [
        _timeline(
            "hotline",
            C(
                "フリーダイヤルの受付時間と、24時間365日の一時利用停止",
                "Toll-free line hours, and suspension 24 hours a day",
            ),
        )
    ],
    "2-1": lambda: [
        _flow(
            "apply",
            C(
                "申請に使うもの: マイナンバーカード (署名用電子証明書とパスワード)、"
                "Android スマホ、マイナポータルアプリ",
                "What applying uses: the My Number Card (signing certificate and "
                "password), an Android phone, the Mynaportal app",
            ),
        )
    ],
    "2-2": lambda: _walk("install", "2-2"),
    "2-3": lambda: [_flow("apply", APPLY_CAPTION), _timeline("push_window", PUSH_CAPTION), *_walk("apply", "2-3")],
    "2-4": lambda: [
        _flow(
            "register",
            C(
                "登録: 証明書を受け取り GP-SE に書き込む",
                "Registering: fetch the certificates and write them into the GP-SE",
            ),
        ),
        _timeline(
            "application",
            C(
                "21:00 に申請 → 翌朝 8:00 に通知 (おおむね翌8:00以降。ラボの時刻) → 登録",
                "Applied at 21:00, push at 8:00 the next morning (8:00 or later; the lab's time), then register",
            ),
        ),
        *_walk("register", "2-4"),
    ],
    "2-5": lambda: [
        _flow(
            "device_change",
            C(
                "機種変更: 新しいスマホで申請すると古いスマホの証明書は失効し、接続中の古いスマホからは削除される",
                "Device change: applying on the new phone revokes the old phone's "
                "certificates; an online old phone deletes them",
            ),
        ),
        _timeline(
            "device_change",
            C(
                "古いスマホが48時間以内に接続すれば自動で削除",
                "Old phone online within 48 hours: deleted automatically",
            ),
        ),
        *_walk("device_change", "2-5"),
    ],
    "2-6": lambda: [
        _flow(
            "loss",
            C(
                "スマホを紛失したとき: フリーダイヤルで一時利用停止、見つかったら市区町村窓口",
                "Lost phone: suspension by the toll-free line; when found, the municipal counter",
            ),
        ),
        *_walk("card_found", "2-6"),
    ],
    "2-7": lambda: [
        _flow(
            "stop",
            C(
                "利用をやめる: 失効の申請と、スマホ内のデータの削除",
                "Stopping: the revocation request and deleting the data in the phone",
            ),
        ),
        *_walk("stop", "2-7"),
    ],
    "2-8": lambda: [
        _timeline("validity", C("有効期限は発行後5回目の誕生日まで", "Valid until the 5th birthday after issuance")),
        _timeline("push_window", PUSH_CAPTION),
    ],
}


@cache
def _source_hash() -> str:
    """A digest of labkit's source: any change to the code the figures come from makes a new key."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def cache_dir() -> Path | None:
    """Where drawn figures are kept between kernels (``$LABKIT_FIGURE_CACHE``, ``off`` for none;
    default ``~/.cache/labkit/figures``), in a folder named after :func:`_source_hash`."""
    where = os.environ.get("LABKIT_FIGURE_CACHE", "")
    if where == "off":
        return None
    base = (
        Path(where)
        if where
        else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "labkit" / "figures"
    )
    return base / _source_hash()


def _draw(section_id: str, lang: str) -> tuple[Figure, ...]:
    specs = SECTION_FIGURES[section_id]()
    return tuple(
        Figure(f"{section_id}-{s.name}", s.caption, s.draw(lang, f"fig-{section_id}-{s.name}"), s.kind) for s in specs
    )


@cache
def section_figures_cached(section_id: str, lang: str) -> tuple[Figure, ...]:
    """Drawing runs lab worlds (seconds); a page, a slide build and a handout reuse the result
    of the same code from the on-disk cache, written atomically (several kernels share it)."""
    folder = cache_dir()
    path = folder / f"{section_id}.{lang}.json" if folder is not None else None
    if path is not None and path.exists():
        try:
            rows = json.loads(path.read_text(encoding="utf-8"))
            return tuple(Figure(r["id"], Text(**r["caption"]), r["svg"], r["kind"]) for r in rows)
        except (OSError, ValueError, KeyError, TypeError):
            pass  # a damaged entry is drawn again
    figs = _draw(section_id, lang)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps([asdict(f) for f in figs], ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only home: draw every time
    return figs


def section_figures(section_id: str, lang: str) -> list[Figure]:
    """The figures of one lecture section, drawn in ``lang`` (``ja`` or ``en``)."""
    check_lang(lang)
    if section_id not in SECTION_FIGURES:
        known = ", ".join(SECTION_FIGURES)
        raise InputError(
            f"図のある節ではありません: {section_id!r} (あるのは {known})",
            f"no figures for section {section_id!r} (there are figures for {known})",
        )
    return list(section_figures_cached(section_id, lang))


def figure_html(fig: Figure, lang: str) -> str:
    return (
        f'<figure class="labkit-figure labkit-figure-{fig.kind}" id="{esc(fig.id)}" lang="{lang}">'
        f"{fig.svg}<figcaption>{esc(fig.caption.get(lang))}</figcaption></figure>"
    )


CSS = """
.labkit-figures{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start}
.labkit-figure{margin:0;max-width:100%}
.labkit-figure svg{max-width:100%;height:auto}
.labkit-figure-screen{width:230px}
.labkit-figure figcaption{font-size:.9em;color:#374151;margin-top:4px}
"""


def figures_html(section_id: str, lang: str, *, kinds: tuple[str, ...] | None = None) -> str:
    """The section's figures as one HTML block (notebook, slides, handout)."""
    figs = [f for f in section_figures(section_id, lang) if kinds is None or f.kind in kinds]
    return (
        f'<style>{CSS}</style><div class="labkit-figures" lang="{lang}">'
        + "".join(figure_html(f, lang) for f in figs)
        + "</div>"
    )


def show(ctx_or_lang: Any, section_id: str) -> Any:
    """An ipywidgets.HTML with the section's figures, in the notebook run's language."""
    import ipywidgets as w

    lang = ctx_or_lang if isinstance(ctx_or_lang, str) else ctx_or_lang.lang
    box = w.HTML(figures_html(section_id, check_lang(lang)), _dom_classes=("labkit-figures-box",))
    return box
