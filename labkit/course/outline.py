"""The course map: the outline's sections in teaching order, their titles and notebooks."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..i18n import Text

COURSE_TITLE = Text("スマホ用電子証明書 講座", "Smartphone e-certificate course")


@dataclass(frozen=True, slots=True)
class Section:
    """One lecture section and the notebook that teaches it."""

    id: str  # "0", "1-1", ... "2-8"; "index" for the landing page
    slug: str
    title: Text
    chapter: int

    @property
    def notebook(self) -> str:
        if self.id == "console":
            return "console.ipynb"
        prefix = "00" if self.id in ("0", "index", "glossary") else self.id
        return f"{prefix}_{self.slug}.ipynb"

    def label(self, lang: str) -> str:
        """``2-1 事前準備``; the introduction has no number."""
        title = self.title.get(lang)
        return title if self.id in ("0", "index", "glossary", "console") else f"{self.id} {title}"


INDEX = Section("index", "index", COURSE_TITLE, 0)
#: The glossary (用語集, labkit.lessons): linked from the prose, not part of the chapter map.
GLOSSARY_PAGE = Section("glossary", "glossary", Text("用語集", "Glossary"), 0)
#: The lecturer console (class mode, labkit.labs.console): not part of the chapter map.
CONSOLE_PAGE = Section("console", "console", Text("講師コンソール", "Lecturer console"), 0)

#: The chapter map of the outline, in teaching order. Add nothing here without the outline.
SECTIONS: tuple[Section, ...] = (
    Section("0", "introduction", Text("はじめに", "Introduction"), 0),
    Section("1-1", "definition", Text("定義", "What it is"), 1),
    Section("1-2", "services", Text("できること", "What you can do with it"), 1),
    Section("1-3", "benefits", Text("メリット", "Three benefits"), 1),
    Section("1-4", "portal_safety",
            Text("マイナポータル(アプリ)の安全対策", "How Mynaportal (app) keeps you safe"), 1),
    Section("1-5", "gpse_safety",
            Text("スマホ用電子証明書の安全性", "How the certificate is kept safe in the phone"), 1),
    Section("1-6", "contacts", Text("問い合わせ先", "Where to ask"), 1),
    Section("2-1", "preparation", Text("事前準備", "Preparation"), 2),
    Section("2-2", "install", Text("アプリのインストール", "Installing the app"), 2),
    Section("2-3", "apply", Text("申請", "Applying"), 2),
    Section("2-4", "register", Text("登録", "Registering"), 2),
    Section("2-5", "device_change", Text("機種変更", "Changing to a new phone"), 2),
    Section("2-6", "loss", Text("紛失時", "If you lose your card or phone"), 2),
    Section("2-7", "stop_using", Text("利用をやめる", "Stopping use (revocation)"), 2),
    Section("2-8", "faq", Text("よくある質問", "Frequently asked questions"), 2),
)

CHAPTERS: dict[int, Text] = {
    0: Text("はじめに", "Introduction"),
    1: Text("第1章 スマホ用電子証明書とは", "Chapter 1 What the smartphone e-certificate is"),
    2: Text("第2章 スマホ用電子証明書の利用方法",
            "Chapter 2 How to use the smartphone e-certificate"),
}

#: The repository's notebooks (editable install): ``labkit/course/`` → ``notebooks/``.
SOURCE_NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def section(section_id: str) -> Section:
    """The section with this id (``"2-1"``), or the landing page (``"index"``)."""
    for s in (INDEX, GLOSSARY_PAGE, CONSOLE_PAGE, *SECTIONS):
        if s.id == section_id:
            return s
    raise InputError(f"そのような節はありません: {section_id!r}",
                     f"no such section: {section_id!r}")


def notebook_dir() -> Path:
    """Where the course notebooks are: ``$LABKIT_NOTEBOOK_DIR``, else the kernel's working
    directory when it holds the landing notebook (Voilà, papermill and nbval all run there),
    else ``notebooks/`` next to the package (editable install)."""
    env = os.environ.get("LABKIT_NOTEBOOK_DIR")
    if env:
        return Path(env)
    cwd = Path.cwd()
    if (cwd / INDEX.notebook).exists():
        return cwd
    return SOURCE_NOTEBOOKS


def built_sections(directory: Path | None = None) -> list[Section]:
    """The sections whose notebook exists, in teaching order."""
    directory = directory or notebook_dir()
    return [s for s in SECTIONS if (directory / s.notebook).exists()]
