"""Benchmark of the course notebooks (a script, not a test): per notebook

- execute: wall time to run it headless with a fresh kernel (nbclient, as nbval/papermill do);
- voila: time from page request to "widgets/outputs ready" in Debian chromium via Playwright,
  i.e. goto → Voilà's spinner gone → first output (and first widget, if any) visible;
- kernel RSS: resident memory of that page's kernel after rendering (psutil);
- x trivial: the voila figure over that of the anchor, a one-button notebook under plain Voilà
  measured in the same run with the same browser (issue 13's goal: ≤ 1.5 for every app).

The course is served as `make run` serves it (labkit.serve, every section preheated with a
pool of 1, refilled and settled before each page: a single user's view).

Usage: python tests/bench/bench_notebooks.py [--runs 3] [--no-execute]. Needs chromium.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

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


def voila_figures(server: VoilaServer, names: list[str], runs: int, *, prose: bool,
                  preheated: bool) -> dict[str, tuple[float, float]]:
    """Median page → outputs/widgets visible (chromium) and the page's kernel RSS."""
    from playwright.sync_api import sync_playwright

    results: dict[str, tuple[float, float]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        warm = browser.new_page()  # the browser's own first-load costs (caches, fonts)
        warm.route(EXTERNAL, lambda r: r.abort())
        warm.goto(server.app(names[0]), wait_until="domcontentloaded", timeout=300_000)
        warm.wait_for_selector("#loading", state="detached", timeout=300_000)
        warm.close()
        for name in names:
            times, rss = [], []
            text = (server_dir(server) / name).read_text(encoding="utf-8")
            widget = "nbval-ignore-output" in text or "ipywidgets" in text
            for _ in range(runs):
                if preheated:
                    settle(server)
                context = browser.new_context(viewport={"width": 1000, "height": 800})
                page = context.new_page()
                page.route(EXTERNAL, lambda r: r.abort())
                start = time.perf_counter()
                page.goto(server.app(name), wait_until="domcontentloaded", timeout=300_000)
                page.wait_for_selector("#loading", state="detached", timeout=300_000)
                if prose:
                    page.locator(".labkit-prose").first.wait_for(state="visible", timeout=300_000)
                if widget:
                    # any mounted widget view: labs differ (text box, phone, buttons)
                    page.locator(".jupyter-widgets").first.wait_for(state="visible", timeout=300_000)
                times.append(time.perf_counter() - start)
                found = KERNEL_ID.search(page.content())
                if found:
                    rss.append(kernel_rss(server, found.group(1)))
                page.close(run_before_unload=True)  # kernels may leak (voila#1458)
                context.close()
            results[name] = (statistics.median(times), statistics.median(rss) if rss else float("nan"))
        browser.close()
    results["(voila server)"] = (float("nan"), psutil.Process(server.proc.pid).memory_info().rss / 2**20)
    return results


def server_dir(server: VoilaServer) -> Path:
    return getattr(server, "notebook_dir", NOTEBOOK_DIR)


def course_figures(paths: list[Path], runs: int, tmp: Path) -> dict[str, tuple[float, float]]:
    """The course as `make run` serves it for one user: every section preheated (pool 1)."""
    options = ["--pool", "default=1", "--max-kernels", "40", "--fill-delay", "0", "--stagger", "0.5",
               "--key-pool", str(tmp / "keys.sqlite"), "--keys", "100"]
    server = VoilaServer(ROOT / "build" / "bench-voila.log", command=lambda port: course_command(port, *options),
                         ready_timeout=300)
    try:
        settle(server, limit=900)
        return voila_figures(server, [p.name for p in paths], runs, prose=True, preheated=True)
    finally:
        server.stop()


def trivial_figures(runs: int, tmp: Path) -> dict[str, tuple[float, float]]:
    """The anchor: a one-button notebook under plain Voilà (no preheating), same browser."""
    folder = write_trivial(tmp / "trivial").parent

    server = VoilaServer(ROOT / "build" / "bench-voila-trivial.log", cwd=folder,
                         command=lambda port: voila_command(port, str(folder)))
    server.notebook_dir = folder  # type: ignore[attr-defined]
    try:
        return voila_figures(server, [TRIVIAL.notebook], runs, prose=False, preheated=False)
    finally:
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per notebook (median)")
    parser.add_argument("--no-execute", action="store_true", help="skip the nbclient figures")
    args = parser.parse_args()
    paths = notebooks()
    nan = float("nan")
    exec_times = {p.name: nan if args.no_execute else statistics.median(execute_time(p) for _ in range(args.runs))
                  for p in paths}
    voila: dict[str, tuple[float, float]] = {}
    trivial = (nan, nan)
    if Path(CHROMIUM).exists():
        try:
            with tempfile.TemporaryDirectory() as tmp:
                trivial = trivial_figures(args.runs, Path(tmp))[TRIVIAL.notebook]
                voila = course_figures(paths, args.runs, Path(tmp))
        except ImportError as exc:
            print(f"(no Voilà figures: {exc})")
    print(f"notebooks: median of {args.runs} runs; Voilà = page request → outputs/widgets visible (chromium); "
          f"course as `make run` serves it (preheated), anchor = trivial one-button notebook under plain "
          f"Voilà in the same run; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'notebook':28} {'execute s':>10} {'voila s':>8} {'x trivial':>9} {'kernel RSS MB':>14}")
    print(f"{'(trivial, plain Voilà)':28} {'':>10} {trivial[0]:8.2f} {1:9.2f} {trivial[1]:14.0f}")
    worst = nan
    for p in paths:
        v, rss = voila.get(p.name, (nan, nan))
        ratio = v / trivial[0]
        worst = ratio if not worst >= ratio else worst
        print(f"{p.name:28} {exec_times[p.name]:10.2f} {v:8.2f} {ratio:9.2f} {rss:14.0f}")
    if "(voila server)" in voila:
        print(f"{'(voila server RSS MB)':28} {'':>10} {'':>8} {'':>9} {voila['(voila server)'][1]:14.0f}")
    print(f"goal: every app ≤ 1.5 x trivial → worst {worst:.2f} x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
