"""Class mode against a real class J-LIS (``labkit jlis serve --class`` in a subprocess):
three students join and apply on their own worlds, the lecturer console's model sees them,
moves the class time, sends a loss, opens a section (the students' banner) and resets a
student; a student's token cannot touch another student's resident."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from jlis_server import CODE, LECTURER_TOKEN, ClassServer

from labkit import course
from labkit.card import KeyRole
from labkit.course.classbar import ClassBarModel
from labkit.course.classroom import REPORTER, ClassLink, Student
from labkit.errors import ServiceError
from labkit.labs import kit
from labkit.labs.console import ConsoleModel

NICKNAMES = ("aoi", "ren", "mio")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClassServer]:
    s = ClassServer(Path(tmp_path_factory.mktemp("class")))
    try:
        yield s
    finally:
        s.stop()


def student_context(student: Student, section: str = "2-3") -> course.Context:
    ctx = course.Context.create(course.section(section))
    ctx.class_code, ctx.student = CODE, student
    return ctx


def test_a_class_with_three_students(server: ClassServer) -> None:
    console = ConsoleModel(ClassLink(server.url, LECTURER_TOKEN), lang="en")
    console.refresh()
    assert console.roster == [] and console.ok is None
    students = [ClassLink(server.url).join(CODE, n) for n in NICKNAMES]
    assert len({s.student_id for s in students}) == 3 and len({s.seed for s in students}) == 3
    with pytest.raises(ServiceError) as taken:
        ClassLink(server.url).join(CODE, "aoi")
    assert taken.value.reason == "nickname_taken"
    with pytest.raises(ServiceError) as bad_code:
        ClassLink(server.url).join("wrong", "sora")
    assert bad_code.value.reason == "forbidden"

    # each student's world lives on the class J-LIS, on the student's own clock
    worlds, people, phones = [], [], []
    for s in students:
        with course.use(student_context(s)):
            world = kit.lab_world(kit.lab_params(), kit.on_day(course.current().now, "21:00"))
        worlds.append(world)
        people.append(world.resident("sample"))
        phones.append(world.new_phone(people[-1]))
        assert world.office.shared and world.now().hour == 21
    assert len({p.resident.my_number for p in people}) == 3
    for world, person, phone in zip(worlds, people, phones, strict=True):
        world.apply(person, phone, register=False)
    console.refresh()
    assert sorted(r["nickname"] for r in console.roster) == sorted(NICKNAMES)
    assert console.summary["students"] == 3
    assert console.summary["applications"] == 3
    assert console.summary["pushes_due"] == 0  # applied at 21:00: the pushes are due at 8:00
    # applied at 21:00: each registers after the push the next morning, on their own clock
    for world, phone in zip(worlds, phones, strict=True):
        world.register(phone)
        assert world.now().hour == 8
    console.refresh()
    assert console.summary["registrations"] == 3 and console.summary["pushes_due"] == 0

    # progress and checks, reported by the course in class mode
    with course.use(student_context(students[1])):
        assert course.report_progress("applied") and course.report_check(2, 3)
    assert REPORTER.flush()
    console.refresh()
    row = next(r for r in console.roster if r["student_id"] == students[1].student_id)
    assert row["section"] == "2-3" and row["step"] == "applied"
    assert console.summary["checks"]["2-3"]["answered"] == 1
    assert "2-3" in console.checks_html() and "aoi" not in console.checks_html() + console.counts_html()

    # the lecturer: a lost phone for one student
    assert console.send("phone_lost", students[0].student_id), console.message
    assert console.summary["suspensions"] >= 1
    console.select(students[0].student_id)
    assert any("phone_lost" in f"{e['action']} {e.get('detail')}" for e in console.events)
    assert "aoi" in console.timeline_html()

    # the class time moves everyone's
    before = worlds[2].now()
    assert console.advance(3600)
    assert worlds[2].now() >= before + timedelta(hours=1) - timedelta(seconds=1)

    # opening the next section shows a banner on the students' pages
    bar = ClassBarModel(student_context(students[2]), url=server.url)
    assert console.open("2-4") and console.state["open_section"] == "2-4"
    assert bar.poll() and "2-4_register.ipynb" in bar.banner_html()
    assert 'data-state="joined"' in bar.handoff_html()

    # a student's token cannot touch another's resident or certificates
    der = phones[1].se.jpki.certificate(KeyRole.AUTH)
    serial = x509.load_der_x509_certificate(der).serial_number
    other = httpx.get(f"{server.url}/api/status/{serial:x}",
                      headers={"Authorization": f"Bearer {students[0].token}"})
    assert other.status_code == 403 and other.json()["error"]["reason"] == "forbidden"
    own = httpx.get(f"{server.url}/api/status/{serial:x}", headers={"Authorization": f"Bearer {students[1].token}"})
    assert own.status_code == 200
    device = httpx.get(f"{server.url}/api/devices/{phones[1].device_id}",
                       headers={"Authorization": f"Bearer {students[0].token}"})
    assert device.status_code == 403, device.text
    with pytest.raises(ServiceError) as refused:
        worlds[0].counter.report_card_loss(people[1].resident.my_number)
    assert refused.value.reason == "forbidden"
    no_token = httpx.get(f"{server.url}/api/class/roster")
    assert no_token.status_code == 401
    as_student = httpx.get(f"{server.url}/api/class/roster", headers={"Authorization": f"Bearer {students[0].token}"})
    assert as_student.status_code == 403

    # a reset student starts again
    assert console.reset(students[2].student_id), console.message
    for world in worlds:
        world.close()


def test_console_refuses_without_the_lecturer_token(server: ClassServer) -> None:
    student = ClassLink(server.url).join(CODE, "kai")
    console = ConsoleModel(ClassLink(server.url, student.token), lang="ja")
    console.refresh()
    assert console.ok is False and console.roster == []
    assert 'data-outcome="ng"' in console.message_html()
    with course.use(course.Context.create(course.CONSOLE_PAGE)):
        from labkit.labs import console as module

        refused = module.show()
    assert "講師トークン" in repr(refused)


def test_check_scores_and_checklist_ticks_reach_the_console(server: ClassServer) -> None:
    from labkit.i18n import Text
    from labkit.widgets import Quiz
    from labkit.widgets.tasks import TaskList

    student = ClassLink(server.url).join(CODE, "yui")
    console = ConsoleModel(ClassLink(server.url, LECTURER_TOKEN), lang="ja")
    with course.use(student_context(student, "2-8")):
        quiz = Quiz(sections=("2-8",), seed=1)
        for _ in range(quiz.model.total):
            quiz.answer(quiz.model.correct_position())
            quiz.next()
        tasks = TaskList(Text("チェック", "Checklist"), [Text("一", "one"), Text("二", "two")])
        tasks.boxes[1].value = True
    assert REPORTER.flush()
    console.refresh()
    check = console.summary["checks"]["2-8"]
    assert check["answered"] == 1 and check["total"] == quiz.model.total
    assert check["mean"] == quiz.model.total  # all right
    row = next(r for r in console.roster if r["student_id"] == student.student_id)
    assert (row["section"], row["step"]) == ("2-8", "task 2/2")
    # outside class mode nothing is queued
    with course.use(course.Context.create(course.section("2-8"))):
        Quiz(sections=("2-8",), seed=1).answer(0)
        assert not course.report_progress("open")
