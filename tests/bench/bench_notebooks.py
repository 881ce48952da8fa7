"""Benchmark of the course notebooks (a script, not a test): per notebook

- execute: wall time to run it headless with a fresh kernel (nbclient, as nbval/papermill do);
- voila: time from page request to "widgets/outputs ready" in Debian chromium via Playwright,
  i.e. goto → Voilà's spinner gone → first output (and first widget, if any) visible;
- kernel RSS: resident memory of that page's kernel after rendering (psutil).

Usage: python tests/bench/bench_notebooks.py [--runs 3]. Needs chromium for the Voilà figures.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

import nbformat  # noqa: E402
import psutil  # noqa: E402
from nbclient import NotebookClient  # noqa: E402
from voila_server import CHROMIUM, EXTERNAL, VoilaServer  # noqa: E402

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


def kernel_processes(server: VoilaServer) -> dict[int, psutil.Process]:
    found = {}
    for proc in psutil.Process(server.proc.pid).children(recursive=True):
        try:
            if "ipykernel" in " ".join(proc.cmdline()):
                found[proc.pid] = proc
        except psutil.Error:  # exited meanwhile
            pass
    return found


def voila_figures(paths: list[Path], runs: int) -> dict[str, tuple[float, float]]:
    from playwright.sync_api import sync_playwright

    results: dict[str, tuple[float, float]] = {}
    log = ROOT / "build" / "bench-voila.log"
    log.parent.mkdir(exist_ok=True)
    server = VoilaServer(log)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM,
                                        args=["--no-sandbox", "--disable-gpu"])
            warm = browser.new_page()
            warm.goto(server.app(course.INDEX.notebook), wait_until="domcontentloaded")
            warm.wait_for_selector("#loading", state="detached", timeout=120_000)
            warm.close()
            for path in paths:
                times, rss = [], []
                widget = "nbval-ignore-output" in path.read_text(encoding="utf-8")
                for _ in range(runs):
                    before = kernel_processes(server)
                    context = browser.new_context(viewport={"width": 1000, "height": 800})
                    page = context.new_page()
                    page.route(EXTERNAL, lambda r: r.abort())
                    start = time.perf_counter()
                    page.goto(server.app(path.name), wait_until="domcontentloaded")
                    page.wait_for_selector("#loading", state="detached", timeout=120_000)
                    page.locator(".labkit-prose").first.wait_for(state="visible")
                    if widget:
                        # any mounted widget view: labs differ (text box, phone, buttons)
                        page.locator(".jupyter-widgets").first.wait_for(state="visible")
                    times.append(time.perf_counter() - start)
                    new = [p for pid, p in kernel_processes(server).items() if pid not in before]
                    rss.extend(p.memory_info().rss / 2**20 for p in new)
                    page.close(run_before_unload=True)  # kernels may leak (voila#1458)
                    context.close()
                results[path.name] = (statistics.median(times),
                                      statistics.median(rss) if rss else float("nan"))
            browser.close()
        results["(voila server)"] = (float("nan"),
                                     psutil.Process(server.proc.pid).memory_info().rss / 2**20)
    finally:
        server.stop()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per notebook (median)")
    args = parser.parse_args()
    paths = notebooks()
    exec_times = {p.name: statistics.median(execute_time(p) for _ in range(args.runs))
                  for p in paths}
    try:
        voila = voila_figures(paths, args.runs) if Path(CHROMIUM).exists() else {}
    except ImportError as exc:
        print(f"(no Voilà figures: {exc})")
        voila = {}
    print(f"notebooks: median of {args.runs} runs; Voilà = page request → outputs/widgets "
          "visible (chromium)")
    print(f"{'notebook':28} {'execute s':>10} {'voila s':>8} {'kernel RSS MB':>14}")
    for p in paths:
        v, rss = voila.get(p.name, (float("nan"), float("nan")))
        print(f"{p.name:28} {exec_times[p.name]:10.2f} {v:8.2f} {rss:14.0f}")
    if "(voila server)" in voila:
        print(f"{'(voila server RSS MB)':28} {'':>10} {'':>8} "
              f"{voila['(voila server)'][1]:14.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
