"""2-8 よくある質問: validity, one device, quiz."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from ... import course
from ...clock import to_jst
from ...i18n import Text
from ..kit import attempt, date_text, lab_params, lab_world, on_day
from .shared import Report

# =========================================================================== 2-8

VALIDITY_CASES: tuple[tuple[str, str], ...] = (
    ("1990-02-17", "2026-04-01"),
    ("1990-02-17", "2026-02-17"),
    ("2000-02-29", "2026-04-01"),
    ("2000-02-29", "2027-03-01"),
)


def validity_examples(ctx: course.Context | None = None, cases: Sequence[tuple[str, str]] = VALIDITY_CASES) -> Report:
    """FAQ Q1: the end of validity for some (birthday, issuance day) pairs, by the PKI's rule."""
    from ...widgets import ValidityModel

    p = lab_params(ctx)
    model = ValidityModel(lang=p.lang)
    rows = []
    for birth, issued in cases:
        result = model.calculate(issued, birth)
        b, i = date.fromisoformat(birth), date.fromisoformat(issued)
        end = to_jst(result.not_after).date() if result.not_after else None
        rows.append((date_text(b), date_text(i),
                     Text(f"{end.year}年{end.month}月{end.day}日 23:59:59" if end else "—",
                          f"{end.isoformat()} 23:59:59" if end else "—")))
    return Report(Text("有効期限の例 (発行後5回目の誕生日まで)",
                       "Examples: valid until the 5th birthday after issuance"),
                  (Text("生年月日", "Born"), Text("発行日", "Issued"),
                   Text("有効期限 (日本時間)", "Valid until (JST)")),
                  rows, notes=(Text("ラボの想定: 2月29日生まれの方は、うるう年でない年は2月28日を誕生日として"
                                    "数えます (講義はこの場合を述べていません)。",
                                    "Lab assumption: for people born on 29 February, the birthday in common years is "
                                    "28 February (the lecture does not cover this case)."),
                               Text("ラボの想定: マイナンバーカードの有効期限のほうが早い場合は、そこまでとします "
                                    "(講義はこの場合を述べていません)。",
                                    "Lab assumption: if the My Number Card expires earlier, the certificate ends "
                                    "with it (the lecture does not cover this case).")),
                  lang=p.lang, css="labkit-lab-validity-examples")


def validity_calculator(ctx: course.Context | None = None) -> Any:
    """FAQ Q1: the calculator, preset to a 2月29日 birthday and the notebook's day."""
    from ...widgets import ValidityCalculator

    p = lab_params(ctx)
    return ValidityCalculator(issued=to_jst(p.now).date(), birth=date(2000, 2, 29), lang=p.lang)


def one_device(ctx: course.Context | None = None) -> Report:
    """FAQ Q3: a person registered on one phone applies (not as a device change) on a second
    phone: J-LIS refuses; the first phone keeps working."""
    p = lab_params(ctx)
    world = lab_world(p, on_day(p.now, "10:00"))
    try:
        person = world.resident("sample")
        first = world.new_phone(person, name="first")
        world.apply(person, first)
        second = world.new_phone(person, name="second")
        refusal = attempt(lambda: world.apply(person, second, register=False))
        login_first = attempt(lambda: world.login(first, pin=person.phone_pin))
        rows = [(Text("1台目のスマホで申請・登録", "Apply and register on phone 1"), Text("成功", "success")),
                (Text("2台目のスマホで新たに申請", "Apply anew on phone 2"), refusal),
                (Text("1台目のスマホでマイナポータルにログイン", "Log in to Mynaportal on phone 1"), login_first)]
        return Report(Text("1人につき登録できるスマホは1台のみ", "One person, one phone"),
                      (Text("操作", "What"), Text("結果", "Result")), rows,
                      notes=(Text("新しいスマホに移すときは「機種変更」で申請します (2-5)。",
                                  "To move to a new phone, apply through \"Device change\" (2-5)."),),
                      lang=p.lang, css="labkit-lab-one-device")
    finally:
        world.close()


def quiz(ctx: course.Context | None = None,
         sections: Sequence[str] = ("2-1", "2-3", "2-5", "2-6", "2-7", "2-8")) -> Any:
    """The Chapter 2 quiz (FAQ Q1–Q4 and review questions), in an order fixed by the seed."""
    from ...widgets import Quiz

    p = lab_params(ctx)
    return Quiz(sections=tuple(sections), seed=p.seed, lang=p.lang)
