"""axe-core for the accessibility tests: fetched from npm at test time (``npm pack`` into
build/npm, as slides/build.py does for reveal.js), injected into a page with Playwright, and
run with the WCAG 2.0/2.1/2.2 A and AA rules only; ``audit`` adds what axe does not check
(sideways scrolling at 390 px, Japanese text marked lang="ja")."""

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


#: Visible text nodes with Japanese script whose nearest ``lang`` is not ``ja``. (Latin words
#: inside Japanese text, such as "APDU", are not flagged: they belong to it.)
WRONG_LANG = """() => {
  const jp = /[\\u3040-\\u30ff\\u3400-\\u9fff\\uff66-\\uff9f]/;
  const out = [];
  const root = document.querySelector('#rendered_cells');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || !jp.test(n.data) || el.closest('script, style, [hidden], [aria-hidden="true"]')) continue;
    if (!el.getClientRects().length) continue;
    const owner = el.closest('[lang]');
    const lang = owner ? owner.getAttribute('lang') : '';
    if (!lang.startsWith('ja')) out.push(n.data.trim().slice(0, 60) + ' [lang=' + lang + ']');
  }
  return out;
}"""

#: How far the page itself scrolls sideways (0 = it does not).
SIDEWAYS = """() => { const c = document.querySelector('#rendered_cells');  // Voilà's scroller
  return Math.max(c.scrollWidth - c.clientWidth,
                  document.documentElement.scrollWidth - document.documentElement.clientWidth); }"""


def settle(page: Any, quiet_ms: int = 1_000, limit_ms: int = 30_000) -> None:
    """Wait until the widgets are mounted: the page's element count stops changing."""
    page.wait_for_function("""([quiet, limit]) => new Promise(resolve => {
        const start = Date.now(); let last = -1, since = Date.now();
        const tick = () => {
          const n = document.querySelectorAll('#rendered_cells *').length;
          if (n !== last) { last = n; since = Date.now(); }
          if (Date.now() - since >= quiet || Date.now() - start >= limit) resolve(true);
          else setTimeout(tick, 200);
        };
        tick();
    })""", arg=[quiet_ms, limit_ms], timeout=limit_ms + 5_000)


DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def audit(page: Any, script: Path) -> list[str]:
    """Everything wrong with the page as it is now, for a learner using assistive technology:
    axe-core findings at 1280 px and at 390 px, sideways scrolling at 390 px, Japanese text
    not marked ``lang="ja"``. The viewport is put back afterwards."""
    settle(page)
    before = page.viewport_size
    problems = []
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        page.wait_for_timeout(300)  # let the layout (and the table regions) follow
        findings = run_axe(page, script)
        if findings:
            problems.append(f"at {size['width']} px:\n{describe(findings)}")
    sideways = page.evaluate(SIDEWAYS)
    if sideways > 0:
        problems.append(f"at {PHONE['width']} px the page scrolls sideways by {sideways} px")
    wrong = page.evaluate(WRONG_LANG)
    if wrong:
        problems.append("Japanese text not marked lang=ja:\n    " + "\n    ".join(wrong[:15]))
    if before is not None:
        page.set_viewport_size(before)
    return problems
