"""Benchmark of the course notebooks (a script, not a test): per notebook

- execute: wall time to run it headless with a fresh kernel (nbclient, as nbval/papermill do);
- voila: time from page request to "widgets/outputs ready" in Debian chromium via Playwright,
  i.e. goto → Voilà's spinner gone → first output (and first widget, if any) visible;
- kernel RSS: resident memory of that page's kernel after rendering (psutil);
- x trivial: the voila figure over that of the anchor, a one-button notebook under plain Voilà
  measured in turns with each page, same browser (issue 13's goal: ≤ 1.5 for every app).

The course is served as `make run` serves it (labkit.serve, every section preheated with a
pool of 1, refilled and settled before each page: a single user's view).

With ``--before REV`` the course at an older commit is served too, as it was then (plain
Voilà on a worktree of REV), and both are measured page by page in turns, so that "must not
get slower" (issue 11) is judged in one run.

Usage: python tests/bench/bench_notebooks.py [--runs 3] [--no-execute] [--before REV]. Needs chromium.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
sys.path.insert(0, str(HERE))

import nbformat  # noqa: E402
import psutil  # noqa: E402
from nbclient import NotebookClient  # noqa: E402
from student import KERNEL_ID, TRIVIAL, write_trivial  # noqa: E402
from voila_server import (  # noqa: E402
    CHROMIUM,
    EXTERNAL,
    VoilaServer,
    course_command,
    kernel_processes,
    voila_command,
)

from labkit import course  # noqa: E402
from labkit.course import authoring  # noqa: E402

NOTEBOOK_DIR = ROOT / "notebooks"


def notebooks() -> list[Path]:
    order = [s.notebook for s in (course.INDEX, *course.SECTIONS)]
    return [NOTEBOOK_DIR / n for n in order if (NOTEBOOK_DIR / n).exists()]


def execute_time(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}},
                            record_timing=False)
    start = time.perf_counter()
    client.execute(env=authoring.clean_env(), cwd=str(path.parent))
    return time.perf_counter() - start


def kernel_rss(server: VoilaServer, kernel_id: str) -> float:
    """RSS (MB) of the kernel with this id (its connection file is named after it)."""
    for proc in kernel_processes(server).values():
        try:
            if kernel_id in " ".join(proc.cmdline()):
                return proc.memory_info().rss / 2**20
        except psutil.Error:
            pass
    return float("nan")


def settle(server: VoilaServer, limit: float = 300) -> None:
    """Wait until the server's kernels are idle (a used pool place has been refilled and
    preheated), so that each page is measured as a single user would meet it."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        procs = list(kernel_processes(server).values())
        try:
            for p in procs:
                p.cpu_percent(None)
            time.sleep(2)
            busy = sum(p.cpu_percent(None) for p in procs)
        except psutil.Error:
            continue
        if busy < 10:
            return


@dataclass(frozen=True)
class Served:
    """A server the pages are measured on; ``notebook``: always this one (the anchor), not the
    page's own; ``prose``: wait for the course's prose as well."""

    server: VoilaServer
    preheated: bool
    notebook: str | None = None
    prose: bool = True


def voila_figures(servers: list[Served], names: list[str], runs: int) -> list[dict[str, tuple[float, float]]]:
    """Median page → outputs/widgets visible (chromium) and the page's kernel RSS, per server
    and page; the servers take turns page by page and run by run (the order alternates), so
    that a busy moment of the machine falls on all, and before every page each preheated
    server has refilled its pools and gone quiet."""
    from playwright.sync_api import sync_playwright

    results: list[dict[str, tuple[float, float]]] = [{} for _ in servers]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for s in servers:  # the browser's own first-load costs (caches, fonts)
            warm = browser.new_page()
            warm.route(EXTERNAL, lambda r: r.abort())
            warm.goto(s.server.app(s.notebook or names[0]), wait_until="domcontentloaded", timeout=300_000)
            warm.wait_for_selector("#loading", state="detached", timeout=300_000)
            warm.close()
        for name in names:
            times: list[list[float]] = [[] for _ in servers]
            rss: list[list[float]] = [[] for _ in servers]
            texts = [(server_dir(s.server) / (s.notebook or name)).read_text(encoding="utf-8") for s in servers]
            widgets = ["nbval-ignore-output" in text or "ipywidgets" in text for text in texts]
            for run in range(runs):
                order = list(range(len(servers)))
                for i in order[::-1] if run % 2 else order:
                    for other in servers:
                        if other.preheated:
                            settle(other.server)
                    s = servers[i]
                    seconds, found = one_page(browser, s.server.app(s.notebook or name), prose=s.prose,
                                              widget=widgets[i])
                    times[i].append(seconds)
                    if found:
                        rss[i].append(kernel_rss(s.server, found))
                        release(s.server, found)
            for i in range(len(servers)):
                results[i][name] = (statistics.median(times[i]), statistics.median(rss[i]) if rss[i] else float("nan"))
        browser.close()
    for i, s in enumerate(servers):
        results[i]["(voila server)"] = (float("nan"), psutil.Process(s.server.proc.pid).memory_info().rss / 2**20)
    return results


def one_page(browser: Any, url: str, *, prose: bool, widget: bool) -> tuple[float, str | None]:
    """Seconds from the request to the page's outputs (and first widget) visible; its kernel id."""
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    page = context.new_page()
    page.route(EXTERNAL, lambda r: r.abort())
    start = time.perf_counter()
    page.goto(url, wait_until="domcontentloaded", timeout=300_000)
    page.wait_for_selector("#loading", state="detached", timeout=300_000)
    if prose:
        page.locator(".labkit-prose").first.wait_for(state="visible", timeout=300_000)
    if widget:
        # any mounted widget view: labs differ (text box, phone, buttons)
        page.locator(".jupyter-widgets").first.wait_for(state="visible", timeout=300_000)
    seconds = time.perf_counter() - start
    found = KERNEL_ID.search(page.content())
    page.close(run_before_unload=True)  # kernels may leak (voila#1458)
    context.close()
    return seconds, found.group(1) if found else None


def release(server: VoilaServer, kernel_id: str) -> None:
    """Shut the page's kernel down as its closing tab does (Voilà's unload beacon, which a
    page closed by Playwright does not always get to send): otherwise every visit holds a
    kernel until culled and a long run reaches the course server's cap."""
    import urllib.error
    import urllib.request

    try:
        urllib.request.urlopen(urllib.request.Request(f"{server.url}/voila/api/shutdown/{kernel_id}", data=b"",
                                                      method="POST"), timeout=30).close()
    except urllib.error.HTTPError:
        pass  # plain Voilà wants an XSRF token here (voila#1458): its kernel is culled instead


def server_dir(server: VoilaServer) -> Path:
    return getattr(server, "notebook_dir", NOTEBOOK_DIR)


def course_server(tmp: Path) -> VoilaServer:
    """The course as `make run` serves it for one user: every section preheated (pool 1)."""
    options = ["--pool", "default=1", "--max-kernels", "40", "--fill-delay", "0", "--stagger", "0.5",
               "--key-pool", str(tmp / "keys.sqlite"), "--keys", "100"]
    server = VoilaServer(ROOT / "build" / "bench-voila.log", command=lambda port: course_command(port, *options),
                         ready_timeout=300)
    settle(server, limit=900)
    return server


def before_server(rev: str, tmp: Path) -> VoilaServer:
    """The course at an older commit, served as it was then: plain Voilà on that checkout's
    notebooks, its template and its labkit (a worktree in ``tmp``)."""
    tree = tmp / "before"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), rev], check=True,
                   capture_output=True)
    env = authoring.clean_env()
    env["PYTHONPATH"] = str(tree)
    env["JUPYTER_PATH"] = str(tree / "share" / "jupyter")
    server = VoilaServer(ROOT / "build" / "bench-voila-before.log", cwd=tree, env=env,
                         command=lambda port: voila_command(port))
    server.notebook_dir = tree / "notebooks"  # type: ignore[attr-defined]
    return server


def trivial_server(tmp: Path) -> VoilaServer:
    """The anchor: a one-button notebook under plain Voilà (no preheating), same browser."""
    folder = write_trivial(tmp / "trivial").parent
    server = VoilaServer(ROOT / "build" / "bench-voila-trivial.log", cwd=folder,
                         command=lambda port: voila_command(port, str(folder)))
    server.notebook_dir = folder  # type: ignore[attr-defined]
    return server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per notebook (median)")
    parser.add_argument("--no-execute", action="store_true", help="skip the nbclient figures")
    parser.add_argument("--before", metavar="REV", default=None,
                        help="also serve the course at this commit (plain Voilà, as then) and measure "
                             "both page by page in turns")
    parser.add_argument("--pages", nargs="*", default=None, metavar="PREFIX",
                        help="only the notebooks whose names start so (e.g. 00_index 2-3)")
    args = parser.parse_args()
    paths = [p for p in notebooks() if not args.pages or p.name.startswith(tuple(args.pages))]
    nan = float("nan")
    exec_times = {p.name: nan if args.no_execute else statistics.median(execute_time(p) for _ in range(args.runs))
                  for p in paths}
    voila: dict[str, tuple[float, float]] = {}
    before: dict[str, tuple[float, float]] = {}
    anchor: dict[str, tuple[float, float]] = {}
    if Path(CHROMIUM).exists():
        with tempfile.TemporaryDirectory() as tmp:
            servers = [Served(course_server(Path(tmp)), True)]
            try:
                servers.append(Served(trivial_server(Path(tmp)), False, TRIVIAL.notebook, prose=False))
                if args.before:
                    servers.append(Served(before_server(args.before, Path(tmp)), False))
                names = [p.name for p in paths
                         if all((server_dir(s.server) / (s.notebook or p.name)).exists() for s in servers)]
                figures = voila_figures(servers, names, args.runs)
                voila, anchor = figures[0], figures[1]
                before = figures[2] if args.before else {}
            finally:
                for s in servers:
                    s.server.stop()
                if args.before:
                    subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force",
                                    str(Path(tmp) / "before")], check=False, capture_output=True)
    print(f"notebooks: median of {args.runs} runs; Voilà = page request → outputs/widgets visible (chromium); "
          f"course as `make run` serves it (preheated), anchor = trivial one-button notebook under plain "
          f"Voilà, measured in turns with each page; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    extra = f" {'before s':>9} {'after-before':>12}" if args.before else ""
    print(f"{'notebook':28} {'execute s':>10} {'voila s':>8} {'trivial s':>9} {'x trivial':>9} "
          f"{'kernel RSS MB':>14}{extra}")
    trivial = [t for name, (t, _) in anchor.items() if name.endswith(".ipynb")]
    trivial_rss = [r for name, (_, r) in anchor.items() if name.endswith(".ipynb")]
    if trivial:
        print(f"{'(trivial anchor, median)':28} {'':>10} {statistics.median(trivial):8.2f} {'':>9} {1:9.2f} "
              f"{statistics.median(trivial_rss):14.0f}")
    worst = nan
    slower = 0
    for p in paths:
        v, rss = voila.get(p.name, (nan, nan))
        t = anchor.get(p.name, (nan, nan))[0]
        ratio = v / t
        worst = ratio if not worst >= ratio else worst
        row = f"{p.name:28} {exec_times[p.name]:10.2f} {v:8.2f} {t:9.2f} {ratio:9.2f} {rss:14.0f}"
        if args.before:
            b = before.get(p.name, (nan, nan))[0]
            slower += v > b
            row += f" {b:9.2f} {v - b:+12.2f}"
        print(row)
    if "(voila server)" in voila:
        print(f"{'(voila server RSS MB)':28} {'':>10} {'':>8} {'':>9} {voila['(voila server)'][1]:14.0f}")
    print(f"goal: every app ≤ 1.5 x trivial → worst {worst:.2f} x")
    if args.before:
        print(f"against {args.before}: {slower} of {len(before) - 1} pages slower (page → widgets must not get slower)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
