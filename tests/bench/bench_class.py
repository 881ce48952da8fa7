"""Benchmark of a class arriving together (a script, not a test).

N simulated students (tests/bench/student.py: websocket-level clients, no browser) arrive
within W seconds (uniformly at random, seeded), loopback only. Each opens the app, waits for
its widgets and does the section's main action (2-3: the whole application on the phone).
Printed per run: p50/p95 time to HTML and to widgets, the action's latency (p50/p95 per
student and per widget message), failures, students who saw the "class is full" page,
kernels, and RSS and PSS of the server plus its kernels (total and per student).

Run 1 is the course as `make run` serves it (labkit.serve: preheated pool for the section,
cap, queue, key pool). Run 2, the anchor, is the same arrivals on a trivial one-button
notebook served by plain Voilà without preheating (its action: one click).

Usage: python tests/bench/bench_class.py [--students 40] [--window 10] [--pool 40]
Goal (issue 13): 0 failures; course p95 to widgets ≤ trivial p95; ≤ 120 MB per student.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
sys.path.insert(0, str(HERE))

import psutil  # noqa: E402
from student import APPLY_2_3, TRIVIAL, Outcome, Scenario, run_student, write_trivial  # noqa: E402
from tornado.httpclient import AsyncHTTPClient  # noqa: E402
from voila_server import VoilaServer, course_command, kernel_processes, voila_command  # noqa: E402


def kernels(server: VoilaServer) -> list[psutil.Process]:
    return list(kernel_processes(server).values())


def memory_mb(server: VoilaServer) -> tuple[int, float, float]:
    """(kernels, RSS and PSS of the server and all its children in MB). RSS counts the shared
    libraries once per process; PSS shares them out, so its sum is what the machine spends."""
    procs = [psutil.Process(server.proc.pid), *psutil.Process(server.proc.pid).children(recursive=True)]
    rss = pss = 0
    for p in procs:
        try:
            info = p.memory_full_info()
        except psutil.Error:
            continue
        rss += info.rss
        pss += getattr(info, "pss", info.rss)
    return len(kernels(server)), rss / 2**20, pss / 2**20


def wait_quiet(server: VoilaServer, want: int, limit: float = 900) -> float:
    """Wait until ``want`` kernels run and the server's children are idle (preheating done,
    the key pool stocked: a class arrives at a server that was started before it); seconds
    waited."""
    start = time.monotonic()
    while time.monotonic() - start < limit:
        if len(kernels(server)) >= want:
            procs = psutil.Process(server.proc.pid).children(recursive=True)
            try:
                cpu = sum(p.cpu_percent(None) for p in procs)
                time.sleep(3)
                cpu = sum(p.cpu_percent(None) for p in procs)
            except psutil.Error:
                continue
            if cpu < 10 * max(1, want) ** 0.5:
                return time.monotonic() - start
        else:
            time.sleep(2)
    return time.monotonic() - start


async def arrivals(base: str, scenario: Scenario, n: int, window: float, seed: int,
                   timeout: float) -> list[Outcome]:
    AsyncHTTPClient.configure(None, max_clients=n + 4)
    offsets = sorted(random.Random(seed).uniform(0, window) for _ in range(n))
    start = time.perf_counter()

    async def one(at: float) -> Outcome:
        await asyncio.sleep(max(0.0, at - (time.perf_counter() - start)))
        return await run_student(base, scenario, timeout=timeout)

    return await asyncio.wait_for(asyncio.gather(*(one(t) for t in offsets)), timeout + window + 660)


def pct(values: list[float], p: float) -> float:
    values = sorted(v for v in values if v == v)  # NaN left out; inf (a failure) kept
    if not values:
        return float("nan")
    k = min(len(values) - 1, max(0, round(p / 100 * len(values) + 0.5) - 1))
    return values[k]


def summary(name: str, outs: list[Outcome], memory: tuple[int, float, float]) -> dict[str, object]:
    ok = [o for o in outs if not o.error]
    steps = [t for o in ok for _, t in o.actions]
    never = float("inf")  # a student who failed never got the widgets: counts in the percentiles
    widgets = [never if o.error else o.widgets_s for o in outs]
    n_k, rss, pss = memory
    return {
        "run": name, "students": len(outs), "failures": len(outs) - len(ok),
        "html_p50": pct([o.html_s for o in ok], 50), "html_p95": pct([o.html_s for o in ok], 95),
        "widgets_p50": pct(widgets, 50), "widgets_p95": pct(widgets, 95),
        "action_p50": pct([o.action_s for o in ok], 50), "action_p95": pct([o.action_s for o in ok], 95),
        "msg_p50": pct(steps, 50), "msg_p95": pct(steps, 95), "queued": sum(1 for o in outs if o.queued),
        "kernels": n_k, "rss_mb": rss, "mb_per_student": rss / max(1, len(outs)),
        "pss_mb": pss, "pss_per_student": pss / max(1, len(outs)),
        "errors": sorted({o.error for o in outs if o.error})[:5],
    }


def run(label: str, server: VoilaServer, scenario: Scenario, args: argparse.Namespace, ready: int) -> dict:
    waited = wait_quiet(server, ready) if ready else 0.0
    print(f"[{label}] ready after {waited:.0f} s ({len(kernels(server))} kernels); "
          f"{args.students} students within {args.window:.0f} s ...", flush=True)
    outs = asyncio.run(arrivals(server.url, scenario, args.students, args.window, args.seed, args.timeout))
    return summary(label, outs, memory_mb(server))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--window", type=float, default=10.0, help="arrivals spread over this many seconds")
    parser.add_argument("--pool", type=int, default=None, help="preheated kernels for the section (default: students)")
    parser.add_argument("--max-kernels", type=int, default=None, help="cap (default: students + 2, as make run)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=180, help="per request/message, seconds")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    pool = args.students if args.pool is None else args.pool
    cap = args.max_kernels or args.students + 2
    build = ROOT / "build"
    build.mkdir(exist_ok=True)
    load = os.getloadavg()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        keys = Path(tmp) / "keys.sqlite"
        options = ["--pool", f"2-3={pool}", "--max-kernels", str(cap), "--key-pool", str(keys),
                   "--keys", str(12 * pool), "--stagger", "0.5"]
        server = VoilaServer(build / "bench-class-course.log", command=lambda port: course_command(port, *options),
                         ready_timeout=300)
        try:
            results.append(run("course 2-3 (make run: preheat pool, cap)", server, APPLY_2_3, args, pool))
        finally:
            server.stop()
        trivial_dir = write_trivial(Path(tmp) / "trivial").parent

        server = VoilaServer(build / "bench-class-trivial.log", cwd=trivial_dir,
                             command=lambda port: voila_command(port, str(trivial_dir)))
        try:
            results.append(run("trivial notebook (plain Voilà, no preheat)", server, TRIVIAL, args, 0))
        finally:
            server.stop()
    print(f"\nclass benchmark: {args.students} students arriving within {args.window:.0f} s, loopback; "
          f"{os.cpu_count()} cores, load average at start {load[0]:.1f} (other work on the machine)")
    cols = [("failures", "{:>8}"), ("html_p50", "{:8.2f}"), ("html_p95", "{:8.2f}"), ("widgets_p50", "{:11.2f}"),
            ("widgets_p95", "{:11.2f}"), ("action_p50", "{:10.2f}"), ("action_p95", "{:10.2f}"),
            ("msg_p95", "{:7.2f}"), ("queued", "{:>6}"), ("kernels", "{:>7}"), ("rss_mb", "{:7.0f}"),
            ("mb_per_student", "{:14.0f}"), ("pss_mb", "{:7.0f}"), ("pss_per_student", "{:15.0f}")]
    print(f"{'run':44}" + " ".join(f"{c:>{len(f.format(0))}}" for c, f in cols))
    for r in results:
        print(f"{r['run']:44}" + " ".join(f.format(r[c]) for c, f in cols))
        for e in r["errors"]:
            print(f"    error: {e}")
    course, trivial = results
    print(f"goal: failures 0 → {course['failures']}; course p95 to widgets {course['widgets_p95']:.2f} s "
          f"≤ trivial p95 {trivial['widgets_p95']:.2f} s → "
          f"{'met' if course['widgets_p95'] <= trivial['widgets_p95'] else 'NOT met'}; "
          f"≤ 120 MB per student → {course['mb_per_student']:.0f} MB RSS, {course['pss_per_student']:.0f} MB PSS")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
