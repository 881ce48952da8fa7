"""Every learner-visible ja/en pair in one listing (``make texts``), so that a person who knows
the service can review all the words at once, next to the lecture.

Sources, read statically (nothing is imported or executed):

- labkit's Python files, with :mod:`ast`: ``Text(ja, en)`` (positional or ``ja=``/``en=``),
  ``t(ja, en)`` and the notebook helpers ``say``/``note``/``prose_cell``/``note_cell``,
  ``"…" if ja else "…"`` choices, and two-string tuples or dict items whose first string is
  Japanese and whose second is not (quiz options, holiday names, table cells);
- the notebooks, with :mod:`nbformat`: the same calls in their code cells (``course.say``,
  ``course.note``, ``ctx.t`` …).

An f-string keeps its placeholders as ``{expression}``, so the listing shows the sentence a
learner reads with the varying parts named. Each entry says where it is used (``file:line``,
or ``notebook:cell N:line``).
"""

from __future__ import annotations

import ast
import csv
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["TextEntry", "collect", "collect_notebook", "collect_python", "report", "run", "write_csv",
           "write_markdown"]

#: Calls whose first two arguments (or ``ja=``/``en=``) are a Japanese/English pair.
PAIR_CALLS = frozenset({"Text", "t", "say", "note", "prose_cell", "note_cell"})
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")
_ROOT = Path(__file__).resolve().parent


@dataclass(frozen=True, slots=True)
class TextEntry:
    """One ja/en pair and where a learner meets it."""

    ja: str
    en: str
    where: str  # "labkit/rules.py:42" or "notebooks/2-6_loss.ipynb:cell 4:2"
    kind: str   # Text, say, note, t, if-ja, pair

    def text(self) -> str:
        """Both languages, for searching."""
        return f"{self.ja}\n{self.en}"


def _render(node: ast.AST | None) -> str | None:
    """A string expression as a learner reads it; placeholders as ``{expr}``; None if not text."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value))
            elif isinstance(value, ast.FormattedValue):
                parts.append("{" + ast.unparse(value.value) + "}")
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _render(node.left), _render(node.right)
        if left is not None and right is not None:
            return left + right
    return None


def _call_name(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _pair_of_call(node: ast.Call) -> tuple[str, str] | None:
    args: dict[str, ast.AST] = {}
    if len(node.args) >= 2:
        args["ja"], args["en"] = node.args[0], node.args[1]
    for kw in node.keywords:
        if kw.arg in ("ja", "en"):
            args[kw.arg] = kw.value
    ja, en = _render(args.get("ja")), _render(args.get("en"))
    if ja is None or en is None:
        return None
    return ja, en


def _is_ja_test(test: ast.AST) -> bool:
    """``ja``, ``lang == "ja"``, ``self.lang == "ja"``."""
    if isinstance(test, ast.Name):
        return test.id == "ja"
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq):
        right = test.comparators[0]
        return isinstance(right, ast.Constant) and right.value == "ja"
    return False


def _looks_paired(ja: str | None, en: str | None) -> bool:
    """Japanese, then mostly Latin text: an English text may quote a Japanese label (「…」),
    and exactly that must not slip past the checks."""
    return bool(ja and en and _CJK.search(ja) and re.search(r"[A-Za-z0-9]", en)
                and len(_CJK.findall(en)) * 4 < len(en))


def _aliases(tree: ast.AST) -> set[str]:
    """Names bound to Text in this module (``C = Text``, ``import Text as C``)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name) and node.value.id == "Text":
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.ImportFrom):
            names |= {a.asname for a in node.names if a.name == "Text" and a.asname}
    return names


def _pairs(tree: ast.AST) -> Iterator[tuple[int, str, str, str]]:
    """(line, kind, ja, en) for every pair in a parsed module or cell, in source order."""
    calls = PAIR_CALLS | _aliases(tree)
    claimed: set[int] = set()  # string nodes already part of a call's pair
    found: list[tuple[int, int, str, str, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _call_name(node) in calls:
            pair = _pair_of_call(node)
            if pair is not None:
                found.append((node.lineno, node.col_offset, _call_name(node) or "", *pair))
                claimed.update(id(n) for n in ast.walk(node))
    for node in ast.walk(tree):
        if id(node) in claimed:
            continue
        if isinstance(node, ast.IfExp) and _is_ja_test(node.test):
            ja, en = _render(node.body), _render(node.orelse)
            if ja is not None and en is not None:
                found.append((node.lineno, node.col_offset, "if-ja", ja, en))
        elif isinstance(node, ast.Tuple) and len(node.elts) == 2:
            ja, en = _render(node.elts[0]), _render(node.elts[1])
            if _looks_paired(ja, en):
                found.append((node.lineno, node.col_offset, "pair", ja or "", en or ""))
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                ja, en = _render(key), _render(value)
                if key is not None and _looks_paired(ja, en):
                    found.append((key.lineno, key.col_offset, "pair", ja or "", en or ""))
    for line, _col, kind, ja, en in sorted(found):
        yield line, kind, ja, en


def collect_python(path: Path, *, root: Path) -> list[TextEntry]:
    """The pairs in one Python file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    where = path.relative_to(root).as_posix()
    return [TextEntry(ja, en, f"{where}:{line}", kind) for line, kind, ja, en in _pairs(tree)]


def _cell_source(source: str) -> str:
    """Cell code with IPython magics and shell escapes blanked (line numbers kept)."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def collect_notebook(path: Path, *, root: Path) -> list[TextEntry]:
    """The pairs in one notebook's code cells (the prose of ``course.say``/``course.note``)."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    where = path.relative_to(root).as_posix()
    entries = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(_cell_source(cell.source))
        except SyntaxError:
            continue
        entries += [TextEntry(ja, en, f"{where}:cell {index}:{line}", kind) for line, kind, ja, en in _pairs(tree)]
    return entries


def collect(root: Path | None = None, *, package: Path | None = None,
            notebooks: Path | None = None) -> list[TextEntry]:
    """Every pair of the package and the notebooks under ``root`` (the project directory)."""
    package = package or _ROOT
    root = root or package.parent
    notebooks = notebooks if notebooks is not None else root / "notebooks"
    entries: list[TextEntry] = []
    for path in sorted(package.rglob("*.py")):
        entries += collect_python(path, root=root)
    if notebooks.is_dir():
        for path in sorted(notebooks.glob("*.ipynb")):
            entries += collect_notebook(path, root=root)
    return entries


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def write_markdown(entries: Sequence[TextEntry], path: Path) -> None:
    """One table per file: where, ja, en."""
    lines = ["# labkit: every learner-visible text (ja / en)", "",
             f"{len(entries)} pairs. `{{…}}` is a value filled in when the text is shown.", ""]
    current = None
    for e in entries:
        source = e.where.split(":", 1)[0]
        if source != current:
            current = source
            lines += ["", f"## {source}", "", "| where | ja | en |", "|---|---|---|"]
        lines.append(f"| {_md_cell(e.where.split(':', 1)[1])} | {_md_cell(e.ja)} | {_md_cell(e.en)} |")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_csv(entries: Iterable[TextEntry], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["ja", "en", "where", "kind"])
        for e in entries:
            writer.writerow([e.ja, e.en, e.where, e.kind])


def run(out: Path, root: Path | None = None) -> list[TextEntry]:
    """Write ``out/texts.md`` and ``out/texts.csv``; return the entries."""
    entries = collect(root)
    out.mkdir(parents=True, exist_ok=True)
    write_markdown(entries, out / "texts.md")
    write_csv(entries, out / "texts.csv")
    return entries


def report(entries: Sequence[TextEntry], out: Path) -> int:
    print(f"{len(entries)} ja/en pairs -> {out / 'texts.md'}, {out / 'texts.csv'}")
    return 0

