"""Class mode in the browser (issue 12): a lecturer and three students, each in their own
browser context, on one Voilà and one class J-LIS (``labkit jlis serve --class``).

Each student opens 2-3 with ``?class=CODE``, joins with a nickname (asked once per browser:
the next page knows them), applies at 21:00 on their own clock and registers after the push.
The lecturer's console (``console.ipynb?lecturer=TOKEN``) follows them without a reload,
sends a phone loss to one student and opens 2-4 (a banner on the students' pages). A
student's token cannot use the lecturer's API on another student, and no lecturer note
reaches a student page. Screenshots of the console and a student page, ja and en, go to
build/classroom/.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

pytest.importorskip("playwright.sync_api", reason="playwright is not installed: pip install -e '.[dev]'")

from axe import audit
from browser_support import READY_TIMEOUT, STEP, assert_clean, open_app
from jlis_server import CODE, LECTURER_TOKEN, ClassServer
from playwright.sync_api import Browser, Page, expect
from test_ch2_apps import apply_on, press, register_on, state
from voila_server import EXTERNAL, ROOT, VoilaServer
from voila_server import LECTURER_TOKEN as VOILA_LECTURER_TOKEN

pytestmark = pytest.mark.browser

SHOTS = ROOT / "build" / "classroom"
NICKNAMES = ("aoi", "ren", "mio")
NOTE_TEXT = "講師の皆さまは"  # 2-3's lecturer note
REFRESH = 3_000  # the console refreshes every 1.5 s (≤ 2 s); 1 s slack for a loaded 2-core machine
assert LECTURER_TOKEN == VOILA_LECTURER_TOKEN


@pytest.fixture(scope="module")
def class_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClassServer]:
    server = ClassServer(Path(tmp_path_factory.mktemp("class")))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def voila(class_server: ClassServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[VoilaServer]:
    saved = os.environ.get("LABKIT_JLIS")
    os.environ["LABKIT_JLIS"] = class_server.url  # the kernels' class server (voila_env copies os.environ)
    try:
        server = VoilaServer(tmp_path_factory.mktemp("voila-class") / "voila.log")
    finally:
        if saved is None:
            os.environ.pop("LABKIT_JLIS", None)
        else:
            os.environ["LABKIT_JLIS"] = saved
    try:
        yield server
    finally:
        server.stop()


class Visit:
    def __init__(self) -> None:
        self.external: list[str] = []
        self.errors: list[str] = []


def new_page(browser: Browser, args: dict[str, Any]) -> tuple[Page, Visit]:
    """A page in a browser context of its own (its own localStorage and cookies)."""
    context = browser.new_context(**args)
    page = context.new_page()
    visit = Visit()

    def route(r: Any) -> None:
        visit.external.append(r.request.url)
        r.abort()
    page.route(EXTERNAL, route)
    page.on("pageerror", lambda exc: visit.errors.append(str(exc)))
    page.set_default_navigation_timeout(READY_TIMEOUT)
    return page, visit


def wait_rendered(page: Page) -> None:
    page.wait_for_selector("#loading", state="detached", timeout=READY_TIMEOUT)
    expect(page.locator(".labkit-prose").first).to_be_visible()


def join(page: Page, voila: VoilaServer, nickname: str) -> str:
    """Open 2-3 in class mode, join with ``nickname`` (the page reloads so that the lab runs on
    the class server) and return the token the browser kept."""
    open_app(page, voila.app("2-3_apply.ipynb", f"?class={CODE}"))
    bar = page.locator(".labkit-class-bar")
    expect(bar).to_contain_text("クラスに参加する")
    bar.locator(".labkit-class-nickname-input input").fill(nickname)
    with page.expect_navigation(timeout=READY_TIMEOUT):
        bar.locator("button.labkit-class-join").click()
    wait_rendered(page)
    expect(page.locator(".labkit-class-bar .labkit-class-nickname")).to_have_text(nickname, timeout=STEP)
    stored = page.evaluate(f"() => JSON.parse(localStorage.getItem('labkit-class-v1:{CODE}'))")
    assert stored["nickname"] == nickname and stored["token"]
    return str(stored["token"])


def shoot(page: Page, selector: str, name: str) -> None:
    """A tall viewport from ``selector`` down (Voilà scrolls inside the page, so a full-page
    screenshot would show one screen only)."""
    page.set_viewport_size({"width": 1000, "height": 1800})
    page.locator(selector).first.scroll_into_view_if_needed()
    page.locator(selector).first.evaluate("el => el.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(SHOTS / f"{name}.png"))
    page.set_viewport_size({"width": 1000, "height": 800})


def count(page: Page, key: str) -> Any:
    return page.locator(f'.labkit-console-count[data-key="{key}"] .labkit-console-value')


def no_lecturer_text(page: Page) -> None:
    html = page.content()
    assert "【講師】" not in html
    assert NOTE_TEXT not in html
    assert 'class="labkit-note"' not in html and 'class="labkit-badge labkit-lecturer-mode"' not in html
    assert VOILA_LECTURER_TOKEN not in html
    expect(page.locator(".labkit-note")).to_have_count(0)


def test_a_lecturer_and_three_students(browser: Browser, browser_context_args: dict[str, Any],
                                       voila: VoilaServer, class_server: ClassServer, axe: Path) -> None:
    expect.set_options(timeout=STEP)
    SHOTS.mkdir(parents=True, exist_ok=True)
    lecturer, lvisit = new_page(browser, browser_context_args)
    open_app(lecturer, voila.app("console.ipynb", f"?class={CODE}&lecturer={LECTURER_TOKEN}"))
    console = lecturer.locator(".labkit-console")
    expect(console).to_be_visible()
    expect(count(lecturer, "students")).to_have_text("0")
    problems = audit(lecturer, axe)
    assert not problems, "\n".join(problems)

    students: list[tuple[Page, Visit, str]] = []
    for nickname in NICKNAMES:
        page, visit = new_page(browser, browser_context_args)
        token = join(page, voila, nickname)
        lab = page.locator(".labkit-lab-apply")
        phone = lab.locator(".labkit-phone")
        expect(phone.locator(".labkit-phone-statusbar")).to_contain_text("21:00")  # the student's own clock
        apply_on(phone)
        press(phone, "close")
        state(phone, "home")
        lab.locator(".labkit-lab-to-push").click()
        expect(phone.locator(".labkit-phone-statusbar")).to_contain_text("08:00")
        register_on(phone)
        no_lecturer_text(page)
        assert_clean(page, visit)
        students.append((page, visit, token))
        # the console follows without a reload
        expect(count(lecturer, "registrations")).to_have_text(str(len(students)), timeout=REFRESH)

    rows = lecturer.locator(".labkit-console-roster tbody tr")
    expect(rows).to_have_count(3)
    for nickname in NICKNAMES:
        expect(lecturer.locator(".labkit-console-roster")).to_contain_text(nickname)
    expect(lecturer.locator(".labkit-console-roster")).to_contain_text("2-3")
    expect(count(lecturer, "applications")).to_have_text("3")

    # the lecturer: aoi lost her phone
    lecturer.locator(".labkit-console-student select").select_option(label="aoi")
    lecturer.locator(".labkit-console-event select").select_option(label="スマホを紛失した")
    lecturer.locator("button.labkit-console-send").click()
    expect(lecturer.locator('.labkit-console-message[data-outcome="ok"]')).to_be_visible()
    expect(count(lecturer, "suspensions")).not_to_have_text("0", timeout=2_000)
    timeline = lecturer.locator("table.labkit-console-timeline")
    expect(timeline.locator('[data-action="event:phone_lost"]')).to_have_text("講師: スマホ紛失", timeout=REFRESH)

    # open 2-4 for everyone: a banner with a link on the students' pages
    lecturer.locator(".labkit-console-section select").select_option("2-4")
    lecturer.locator("button.labkit-console-open-button").click()
    expect(lecturer.locator(".labkit-console-open")).to_have_text("2-4")
    ren = students[1][0]
    banner = ren.locator(".labkit-class-banner")
    expect(banner).to_contain_text("講師が次の節を開きました", timeout=8_000)
    assert f"class={CODE}" in (banner.locator("a").get_attribute("href") or "")

    # the next page knows the student: no second nickname form
    ren.goto(voila.app("2-4_register.ipynb", f"?class={CODE}"))
    wait_rendered(ren)
    expect(ren.locator(".labkit-class-bar .labkit-class-nickname")).to_have_text("ren", timeout=STEP)
    expect(ren.locator(".labkit-class-nickname-input")).to_be_hidden()
    no_lecturer_text(ren)
    # the cookie lost (the browser kept localStorage): the page sets it again and reloads once
    ren.context.clear_cookies()
    ren.goto(voila.app("2-4_register.ipynb", f"?class={CODE}"))
    expect(ren.locator(".labkit-class-bar .labkit-class-nickname")).to_have_text("ren", timeout=READY_TIMEOUT)
    wait_rendered(ren)
    # audience=lecturer in a student's URL shows nothing more (F12)
    ren.goto(voila.app("2-3_apply.ipynb", f"?class={CODE}&audience=lecturer"))
    wait_rendered(ren)
    no_lecturer_text(ren)

    # a student's token cannot act on another student through the class API
    aoi_token = students[0][2]
    ren_id = next(r for r in httpx.get(f"{class_server.url}/api/class/roster", headers={
        "Authorization": f"Bearer {LECTURER_TOKEN}"}).json()["students"] if r["nickname"] == "ren")["student_id"]
    as_aoi = {"Authorization": f"Bearer {aoi_token}"}
    for method, path, body in (("POST", f"/api/class/students/{ren_id}/reset", None),
                               ("POST", "/api/class/events", {"student_id": ren_id, "event": "card_lost"}),
                               ("GET", f"/api/class/students/{ren_id}/timeline", None)):
        answer = httpx.request(method, class_server.url + path, json=body, headers=as_aoi)
        assert answer.status_code == 403, (path, answer.text)
        assert answer.json()["error"]["reason"] == "forbidden"
    # ... nor ren's phone on the J-LIS (its id from ren's timeline, read with the lecturer token)
    events = httpx.get(f"{class_server.url}/api/class/students/{ren_id}/timeline",
                       headers={"Authorization": f"Bearer {LECTURER_TOKEN}"}).json()["events"]
    device = next(e["detail"].split()[-1] for e in events if e["action"] == "device_status")
    answer = httpx.get(f"{class_server.url}/api/devices/{device}", headers=as_aoi)
    assert answer.status_code == 403 and answer.json()["error"]["reason"] == "forbidden"

    # screenshots, as a lecturer would look at them
    shoot(lecturer, ".labkit-console", "console-ja")
    mio = students[2][0]
    shoot(mio, ".labkit-class-bar", "student-ja")
    open_app(lecturer, voila.app("console.ipynb", f"?lang=en&class={CODE}&lecturer={LECTURER_TOKEN}"))
    expect(count(lecturer, "registrations")).to_have_text("3")
    expect(lecturer.locator(".labkit-console-counts")).to_contain_text("Registrations")
    shoot(lecturer, ".labkit-console", "console-en")
    open_app(mio, voila.app("2-3_apply.ipynb", f"?lang=en&class={CODE}"))
    expect(mio.locator(".labkit-class-bar .labkit-class-nickname")).to_have_text("mio")
    expect(mio.locator(".labkit-class-banner")).to_contain_text("Your lecturer opened", timeout=8_000)
    shoot(mio, ".labkit-class-bar", "student-en")
    problems = audit(mio, axe) + audit(lecturer, axe)  # the class bar and banner; the console with a class
    assert not problems, "\n".join(problems)
    assert_clean(lecturer, lvisit)
    expect.set_options(timeout=5_000)
