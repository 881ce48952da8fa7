"""axe-core for the accessibility tests: fetched from npm at test time (``npm pack`` into
build/npm, as slides/build.py does for reveal.js), injected into a page with Playwright, and
run with the WCAG 2.0/2.1/2.2 A and AA rules only."""

from __future__ import annotations

import shutil
import subprocess
import tarfile
from pathlib import Path
from typing import Any

from voila_server import ROOT

AXE_VERSION = "4.14.1"
NPM_CACHE = ROOT / "build" / "npm"
#: The WCAG 2.x A/AA rule tags (JIS X 8341-3 follows WCAG 2.x AA).
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
SERIOUS = ("serious", "critical")


def axe_script() -> Path:
    """axe.min.js of the pinned version; ``npm pack`` downloads it once. Raises
    FileNotFoundError when npm is missing and nothing is cached."""
    target = NPM_CACHE / f"axe-core-{AXE_VERSION}" / "axe.min.js"
    if target.exists():
        return target
    tgz = NPM_CACHE / f"axe-core-{AXE_VERSION}.tgz"
    if not tgz.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise FileNotFoundError("npm is not installed (apt-get install npm)")
        NPM_CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run([npm, "pack", f"axe-core@{AXE_VERSION}", "--silent",
                        "--pack-destination", str(NPM_CACHE)], check=True,
                       stdout=subprocess.DEVNULL, timeout=300)
    with tarfile.open(tgz) as tar:
        member = tar.extractfile("package/axe.min.js")
        assert member is not None, f"{tgz} has no axe.min.js"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(member.read())
    return target


def run_axe(page: Any, script: Path) -> list[dict[str, Any]]:
    """The serious and critical WCAG A/AA violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(script))
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                               resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.filter(n => ['serious', 'critical'].includes(n.impact))
                              .map(n => ({target: n.target.join(' '),
                                          html: n.html.slice(0, 200),
                                          summary: (n.failureSummary || '').slice(0, 300)}))}));
        }""", list(WCAG_TAGS))
    return [v for v in result if v["nodes"]]


def describe(findings: list[dict[str, Any]]) -> str:
    lines = []
    for v in findings:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} ×{len(v['nodes'])}")
        lines += [f"    {n['target']}: {n['html']}\n      {n['summary']}" for n in v["nodes"][:4]]
    return "\n".join(lines)
