"""The class server's own parts (labkit.serve): pools, the cap's queue, the waiting page."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from async_support import run_async

from labkit import preheat, serve


class FakeTask:
    def __init__(self, done: bool = True) -> None:
        self._done = done

    def done(self) -> bool:
        return self._done


class FakeKernels:
    """What Gate and PoolFiller read of Voilà's kernel manager."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self._pools: dict[str, list[FakeTask]] = {}
        self.kernel_pools_config: dict = {"default": {"pool_size": 0}}
        self.fills: list[tuple[float, str, int]] = []
        self.root_dir = "."

    def list_kernel_ids(self) -> list[str]:
        return list(self.ids)

    def fill_if_needed(self, delay=None, notebook_name=None, **kwargs) -> None:  # Voilà's, simplified
        size = self.kernel_pools_config.get(notebook_name, self.kernel_pools_config["default"])["pool_size"]
        pool = self._pools.setdefault(notebook_name, [])
        for _ in range(size - len(pool)):
            pool.append(FakeTask(done=False))
            self.fills.append((delay, notebook_name, size))


def test_pools_are_named_by_section() -> None:
    assert serve.parse_pools(["2-3=40", "default=1"]) == {"default": 1, "2-3_apply.ipynb": 40}
    assert serve.parse_pools([]) == {"default": 0}
    with pytest.raises(SystemExit, match="no such section"):
        serve.parse_pools(["9-9=1"])
    with pytest.raises(SystemExit, match="SECTION=N"):
        serve.parse_pools(["2-3=many"])


def test_the_full_page_is_bilingual_and_retries_by_itself() -> None:
    page = serve.full_page(3)
    assert "満員です。しばらくお待ちください。" in page
    assert "The class is full, please wait." in page
    assert "3番目" in page and "number 3 in the queue" in page
    assert f'http-equiv="refresh" content="{serve.REFRESH_SECONDS}"' in page
    assert page.index("満員です") < page.index("The class is full")  # Japanese first


def test_the_gate_admits_below_the_cap_and_queues_above_it() -> None:
    km = FakeKernels()
    gate = serve.Gate(km, max_kernels=2, hold=0.3)

    async def scenario() -> list[tuple[bool, int, int, bool]]:
        first = await gate.admit(None, "1-1_definition.ipynb")
        km.ids.append("k1")
        gate.done(first[3])
        second = await gate.admit(None, "1-1_definition.ipynb")
        km.ids.append("k2")
        gate.done(second[3])
        third = await gate.admit(None, "1-1_definition.ipynb")  # two kernels serve pages: full
        return [first, second, third]

    first, second, third = run_async(scenario())
    assert first[0] and second[0] and first[3]  # each reserved a kernel of its own
    assert third[0] is False and third[2] == 1
    assert gate.turned_away == 1


def test_pooled_kernels_do_not_count_as_serving() -> None:
    km = FakeKernels()
    km.ids = ["p1", "p2"]
    km._pools = {"2-3_apply.ipynb": [FakeTask(), FakeTask()]}
    gate = serve.Gate(km, max_kernels=2, hold=0)
    assert gate.serving() == 0
    ok, _, _, reserved = run_async(gate.admit(None, "2-3_apply.ipynb"))
    assert ok and not reserved  # it takes a pooled kernel: none is added, even at the cap
    assert not run_async(gate.admit(None, "1-1_definition.ipynb"))[0]  # no pool there: full


def test_the_queue_is_first_come_first_served() -> None:
    km = FakeKernels()
    km.ids = ["a"]
    gate = serve.Gate(km, max_kernels=1, hold=0)

    async def scenario() -> list[bool]:
        _, early, _, _ = await gate.admit(None)
        _, late, pos, _ = await gate.admit(None)
        assert pos == 2
        km.ids.clear()  # a kernel was culled: one place
        late_try = (await gate.admit(late))[0]  # the later ticket must wait
        early_try = (await gate.admit(early))[0]
        return [late_try, early_try]

    assert run_async(scenario()) == [False, True]


def test_the_filler_starts_one_kernel_at_a_time_biggest_pool_first_up_to_the_cap() -> None:
    km = FakeKernels()
    started: list[str] = []

    def voila_fill(delay=None, notebook_name=None, **kwargs) -> None:  # Voilà's: one started kernel
        size = km.kernel_pools_config[notebook_name]["pool_size"]
        pool = km._pools.setdefault(notebook_name, [])
        assert size == len(pool) + 1  # asked for exactly one more
        future = asyncio.get_event_loop().create_future()
        future.set_result({"kernel_id": f"k{len(started)}"})
        pool.append(future)
        km.ids.append(f"k{len(started)}")
        started.append(notebook_name)

    km.fill_if_needed = voila_fill
    gate = serve.Gate(km, max_kernels=4, hold=0)
    pools = {"default": 1, "2-3_apply.ipynb": 3}
    filler = serve.PoolFiller(km, pools, 4, stagger=0.01, fill_delay=0, gate=gate)

    async def scenario() -> None:
        filler.fill(delay=0, notebook_name="1-1_definition.ipynb")
        filler.fill(delay=0, notebook_name="2-3_apply.ipynb")
        filler.fill(delay=0, notebook_name="1-2_services.ipynb")
        for _ in range(200):
            await asyncio.sleep(0.01)
            if filler._worker is not None and filler._worker.done():
                break

    run_async(scenario())
    assert started[:3] == ["2-3_apply.ipynb"] * 3  # the class's section first
    assert len(started) == 4  # the cap, though the pools ask for 5
    assert km.kernel_pools_config == {"default": {"pool_size": 0}}  # Voilà's own config restored


def test_sections_prepare_their_chapter() -> None:
    assert preheat.chapter_module("2-3") == "labkit.labs.ch2"
    assert preheat.chapter_module("1-5") == "labkit.labs.ch1"
    assert preheat.chapter_module("index") is None and preheat.chapter_module("0") is None
    assert preheat.keys_for("0") == 0 and preheat.keys_for("2-3") == preheat.DEFAULT_KEYS


def test_prepare_imports_the_sections_labs(monkeypatch) -> None:
    import sys

    monkeypatch.setenv(preheat.ENV_KEYS, "0")
    assert preheat.prepare("1-5")["lab_modules"] == 1 and "labkit.labs.ch1" in sys.modules
    assert preheat.prepare("index")["lab_modules"] == 0


def test_2_5s_outcomes_are_worked_out_while_the_kernel_waits(monkeypatch) -> None:
    """The 2-5 page's outcome table (two device changes through 49 hours, ~2 s) is computed by
    the preheated kernel before its student arrives; the page shows it in the student's
    language, the same table as a fresh run gives."""
    from labkit import course
    from labkit.labs import ch2
    from labkit.labs.ch2 import s2_5

    s2_5.local_outcome_rows.cache_clear()
    monkeypatch.setenv(preheat.ENV_KEYS, "0")
    monkeypatch.setattr("labkit.labs.kit._AHEAD", {})  # the labs made ahead: the next test's
    assert preheat.prepare("2-5")["worked_out"] == 1
    made = s2_5.local_outcome_rows.cache_info().misses
    reports = {}
    for lang in ("ja", "en"):
        ctx = course.setup("2-5", lang=lang, audience="student", now="2026-04-01T10:00:00+09:00", seed=0)
        reports[lang] = ch2.device_change_outcomes(ctx)
    assert s2_5.local_outcome_rows.cache_info().misses == made  # nothing run again
    assert "旧スマホでログイン" in reports["ja"].html() and "Log in on the old phone" in reports["en"].html()
    s2_5.local_outcome_rows.cache_clear()
    fresh = ch2.device_change_outcomes(course.setup("2-5", lang="en", audience="student",
                                                    now="2026-04-01T10:00:00+09:00", seed=0))
    assert fresh.rows == reports["en"].rows and fresh.html() == reports["en"].html()


def test_2_5_and_2_6_lab_worlds_are_built_while_the_kernel_waits(monkeypatch) -> None:
    """The worlds of 2-5's and 2-6's labs (a registered phone, then a device change or a
    loss: ~1 s each) are built by the preheated kernel before the language is known; the page
    takes each once, in its language, in the same state as a lab built now. In class mode
    the lab is always built now (the student's own world)."""
    from dataclasses import replace

    from labkit import course
    from labkit.labs import ch2, kit

    monkeypatch.setenv(preheat.ENV_KEYS, "0")
    monkeypatch.setattr(kit, "_AHEAD", {})
    assert preheat.prepare("2-6")["worked_out"] == 1 and preheat.prepare("2-5")["worked_out"] == 1
    made = {id(m) for m in kit._AHEAD.values()}
    assert len(made) == 4
    ctx = course.setup("2-6", lang="en", audience="student", now="2026-04-01T10:00:00+09:00", seed=0)
    ahead, now_built = ch2.phone_loss(ctx), ch2.phone_loss(ctx)  # the second is built now
    assert id(ahead.model) in made and id(now_built.model) not in made
    assert ahead.lang == ahead.world.lang == "en"
    assert ahead.hotline.report.description == "Report the lost phone (suspend)"
    assert ahead.model.status_html() == now_built.model.status_html() and ">valid<" in ahead.model.status_html()
    ahead.hotline.report.click()  # it acts like one built now
    assert ahead.model.hotline.receipt is not None and ahead.model.hotline.log[-1].en.endswith(
        ahead.model.hotline.receipt.message.en)
    ja = ch2.device_change(course.setup("2-5", lang="ja", audience="student", now="2026-04-01T10:00:00+09:00", seed=0))
    assert id(ja.model) in made and ja.lang == "ja" and "旧スマホ" in ja.model.status_html()
    other_seed = ch2.device_change(course.setup("2-5", lang="ja", audience="student",
                                                now="2026-04-01T10:00:00+09:00", seed=1), old_online=False)
    assert id(other_seed.model) not in made  # made for seed 0 only
    in_class = replace(course.setup("2-6", lang="ja", audience="student", now="2026-04-01T10:00:00+09:00", seed=0),
                       class_code="ABC123")
    with course.use(in_class):
        card = ch2.card_loss(in_class)
    assert id(card.model) not in made and in_class.local_labs == 1
    assert [type(m).__name__ for m in kit._AHEAD.values()] == ["DeviceChange"]  # 2-6's card lab: dropped
    for lab in (ahead, now_built, ja, other_seed, card, *kit._AHEAD.values()):
        lab.world.close()


def test_work_ahead_that_fails_leaves_it_to_the_page(monkeypatch, capsys) -> None:
    """A failure in a chapter's ahead-of-time work must not fail the page: the kernel still
    waits for its student, and the page does the work itself."""
    from labkit.labs import ch2

    def broken(*_args: object) -> bool:
        raise RuntimeError("disk full")

    monkeypatch.setenv(preheat.ENV_KEYS, "0")
    monkeypatch.setattr(ch2, "prepare_section", broken)
    assert preheat.prepare("2-6") == {"lab_modules": 1, "keys": 0, "worked_out": 0}
    assert "the work ahead failed, the page will do it: RuntimeError('disk full')" in capsys.readouterr().err


def test_only_the_cell_that_waits_for_the_student_has_no_timeout(tmp_path) -> None:
    setup = {"source": 'from labkit import course\nctx = course.setup("2-3", lang=lang)'}
    lab = {"source": "ch2.apply(ctx)"}
    assert serve.cell_timeout(setup) is None
    assert serve.cell_timeout(lab) == serve._cell_timeout
    config = tmp_path / "voila.json"
    config.write_text('{"VoilaExecutor": {"timeout": 45}}')
    assert serve._configured_timeout(config) == 45
    assert serve._configured_timeout(tmp_path / "missing.json") == 120
    assert serve.course_config_file().name == "voila.json" and serve.course_config_file().exists()
    assert serve._load(serve.course_config_file())["VoilaConfiguration"]["template"] == "course"


def test_the_class_pool_follows_the_section_the_lecturer_opens(tmp_path) -> None:
    """Issue 13 with issue 12: the console's 「全員に開く」 moves the class's pool of preheated
    kernels to the opened section; the old section's idle kernels are stopped, a kernel
    serving a page is not, other sections' default pools are left alone."""
    from jlis_server import LECTURER_TOKEN, ClassServer

    from labkit.office.class_client import ClassClient

    km = FakeKernels()
    stopped: list[str] = []
    loop_started: list[str] = []

    def done(kernel_id: str) -> Any:
        future = asyncio.get_event_loop().create_future()
        future.set_result({"kernel_id": kernel_id})
        return future

    async def shutdown_kernel(kernel_id: str) -> None:  # Voilà's removes the kernel from its pool
        stopped.append(kernel_id)
        for pool in km._pools.values():
            pool[:] = [t for t in pool if t.result()["kernel_id"] != kernel_id]

    def voila_fill(delay=None, notebook_name=None, **kwargs) -> None:
        pool = km._pools.setdefault(notebook_name, [])
        pool.append(done(f"{notebook_name}#{len(pool)}"))
        loop_started.append(notebook_name)

    km.shutdown_kernel = shutdown_kernel
    km.fill_if_needed = voila_fill
    gate = serve.Gate(km, max_kernels=10, hold=0)
    filler = serve.PoolFiller(km, {"default": 1, "2-3_apply.ipynb": 3}, 10, stagger=0, fill_delay=0, gate=gate)
    server = ClassServer(tmp_path)
    try:
        lecturer = ClassClient(server.url, LECTURER_TOKEN)
        follower = serve.ClassFollower(server.url, LECTURER_TOKEN, filler, serve.notebook_of, interval=0.05)

        async def scenario() -> None:
            km._pools["2-3_apply.ipynb"] = [done("a"), done("b")]  # idle (the others serve pages)
            km._pools["1-1_definition.ipynb"] = [done("d")]  # a default pool
            assert await follower.check() is None  # nothing opened yet: nothing moves
            assert stopped == []
            await asyncio.to_thread(lecturer.open, "2-4")
            assert await follower.check() == "2-4"
            for _ in range(100):
                await asyncio.sleep(0.02)
                if filler._worker is not None and filler._worker.done():
                    break
            assert await follower.check() == "2-4"  # seen once: no second move

        run_async(scenario())
        lecturer.close()
    finally:
        server.stop()
    assert sorted(stopped) == ["a", "b"]
    assert filler.pools == {"default": 1, "2-3_apply.ipynb": 0, "2-4_register.ipynb": 3}
    assert loop_started == ["2-4_register.ipynb"] * 3
    assert [t.result()["kernel_id"] for t in km._pools["1-1_definition.ipynb"]] == ["d"]
    assert follower.moves == [("2-4", ["a", "b"])]


def test_the_course_server_follows_the_class_only_in_class_mode() -> None:
    filler = serve.PoolFiller(FakeKernels(), {"default": 0}, 4, stagger=0, fill_delay=0,
                              gate=serve.Gate(FakeKernels(), max_kernels=4, hold=0))
    assert serve.follow_the_class(filler, env={"LABKIT_JLIS": "http://127.0.0.1:1"}) is None
