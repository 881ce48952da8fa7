"""The phone's home screen and the Play Store, as lecture 2-2 walks through them:

①ホーム画面で「Playストア」 → ②「アプリとゲームを検索」 → ③「マイナポータル」と入力し、
検索結果から「マイナポータル」を選択 → ④「インストール」 → the button becomes 「開く」.

An explicit state machine on the shared :class:`~labkit.phone.screen.Screen` model:
``press(label)`` and ``enter(field, value)``; anything else leaves the state unchanged and
sets a bilingual error.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from ..i18n import Text
from .apps import CATALOG, AppPackage
from .screen import Button, Input, InputKind, Screen, match_label

if TYPE_CHECKING:
    from .device import Phone

__all__ = ["STORE_TRANSITIONS", "PlayStore", "StoreState"]

SEARCH_BOX = Text("アプリとゲームを検索", "Search for apps & games")
PLAY_STORE = Text("Playストア", "Play Store")
INSTALL = Text("インストール", "Install")
OPEN = Text("開く", "Open")
BACK = Text("戻る", "Back")


class StoreState(StrEnum):
    HOME = "home"          # ホーム画面
    STORE = "store"        # Play ストアのトップ
    SEARCH = "search"      # 検索中 (キーボード)
    DETAILS = "details"    # アプリの詳細 (インストール / 開く)


#: (state, action) → next state; actions are button ids or ``enter:<field>``.
STORE_TRANSITIONS: dict[tuple[StoreState, str], StoreState] = {
    (StoreState.HOME, "playstore"): StoreState.STORE,
    (StoreState.STORE, "search"): StoreState.SEARCH,
    (StoreState.STORE, "back"): StoreState.HOME,
    (StoreState.SEARCH, "enter:query"): StoreState.SEARCH,
    (StoreState.SEARCH, "result"): StoreState.DETAILS,
    (StoreState.SEARCH, "back"): StoreState.STORE,
    (StoreState.DETAILS, "install"): StoreState.DETAILS,
    (StoreState.DETAILS, "open"): StoreState.HOME,
    (StoreState.DETAILS, "back"): StoreState.SEARCH,
}


class PlayStore:
    """The launcher + Play Store of one phone (``phone`` installs what you install)."""

    def __init__(self, phone: Phone) -> None:
        self.phone = phone
        self.state = StoreState.HOME
        self.query = ""
        self.selected: AppPackage | None = None
        self.error: Text | None = None
        self.opened: Any = None

    def results(self) -> list[AppPackage]:
        q = self.query.strip()
        return [p for p in CATALOG if q and (q in p.title.ja or q.casefold() in p.title.en.casefold())]

    @property
    def screen(self) -> Screen:
        s, err = self.state, self.error
        if s is StoreState.HOME:
            apps = [Button(f"app:{p}", self.phone.app(p).package.title) for p in self.phone.packages]
            return Screen("home", s.value, Text("ホーム画面", "Home screen"),
                          (Text("アプリを選んでください", "choose an app"),),
                          (Button("playstore", PLAY_STORE), *apps), step="2-2 ①", error=err)
        if s is StoreState.STORE:
            return Screen("playstore", s.value, PLAY_STORE, (Text("おすすめのアプリ", "recommended apps"),),
                          (Button("search", SEARCH_BOX), Button("back", BACK)), step="2-2 ②", error=err)
        if s is StoreState.SEARCH:
            found = tuple(Button(f"result:{p.package}", p.title) for p in self.results())
            hint = Text("検索結果", "results") if found else Text("キーワードを入力してください", "type a keyword")
            return Screen("playstore", s.value, SEARCH_BOX, (hint,), (*found, Button("back", BACK)),
                          (Input("query", SEARCH_BOX, InputKind.TEXT, self.query, len(self.query)),),
                          step="2-2 ③", error=err)
        assert self.selected is not None
        pkg = self.selected
        installed = self.phone.installed(pkg.package)
        body = (pkg.description, Text(f"提供元: {pkg.developer} / バージョン {pkg.version}",
                                      f"by {pkg.developer} / version {pkg.version}"))
        action = Button("open", OPEN) if installed else Button("install", INSTALL)
        return Screen("playstore", s.value, pkg.title, body, (action, Button("back", BACK)),
                      step="2-2 ④", error=err,
                      notice=Text("インストールが完了しました", "installed") if installed else None)

    def _fail(self, ja: str, en: str) -> Screen:
        self.error = Text(ja, en)
        return self.screen

    def press(self, label: str | Text) -> Screen:
        screen = self.screen
        button = screen.button(label)
        if button is None:
            names = "、".join(screen.labels("ja"))
            return self._fail(f"この画面に「{label}」はありません (押せるのは: {names})",
                              f"there is no {label!r} here (buttons: {', '.join(screen.labels('en'))})")
        action = button.id.split(":", 1)[0]
        if action == "app":
            self.error = None
            self.opened = self.phone.app(button.id.split(":", 1)[1])
            return self.screen
        nxt = STORE_TRANSITIONS.get((self.state, action))
        if nxt is None:  # pragma: no cover - every rendered button has a transition
            return self._fail("今はできません", "not possible now")
        self.error = None
        if action == "result":
            self.selected = next(p for p in CATALOG if p.package == button.id.split(":", 1)[1])
        elif action == "install":
            assert self.selected is not None
            self.phone.install(self.selected)
        elif action == "open":
            assert self.selected is not None
            self.opened = self.phone.app(self.selected.package)
        self.state = nxt
        return self.screen

    def enter(self, field: str | Text, value: str) -> Screen:
        screen = self.screen
        target = next((i for i in screen.inputs if i.id == field or match_label(i.label, field)), None)
        if target is None:
            return self._fail(f"この画面に入力欄「{field}」はありません", f"there is no field {field!r} here")
        if not isinstance(value, str):
            return self._fail("文字を入力してください", "type text")
        self.error = None
        self.query = value
        return self.screen
