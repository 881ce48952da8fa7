"""Quiz (data, seeded order, scoring) and validity calculator (the PKI's rule with its
explanation)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from labkit.clock import JST
from labkit.pki.validity import certificate_not_after
from labkit.widgets import QUESTIONS, Quiz, QuizModel, ValidityCalculator, ValidityModel

# --- quiz ---------------------------------------------------------------------------------


def test_question_bank_covers_the_faq_and_is_bilingual() -> None:
    ids = {q.id for q in QUESTIONS}
    assert {"faq-q1", "faq-q2", "faq-q3", "faq-q4"} <= ids and len(ids) == len(QUESTIONS) >= 12
    assert {q.section for q in QUESTIONS if q.id.startswith("faq")} == {"2-8"}
    for q in QUESTIONS:
        for text in (q.prompt, q.explanation, *q.choices):
            assert text.ja.strip() and text.en.strip()
        assert len({c.ja for c in q.choices}) == len(q.choices)


def test_order_is_deterministic_by_seed() -> None:
    a, b = QuizModel(seed=3, lang="ja"), QuizModel(seed=3, lang="ja")
    assert [q.id for q in a.questions] == [q.id for q in b.questions] and a.orders == b.orders
    orders = {tuple(q.id for q in QuizModel(seed=s).questions) for s in range(5)}
    assert len(orders) > 1
    plain = QuizModel(seed=0, shuffle=False)
    assert [q.id for q in plain.questions] == [q.id for q in QUESTIONS] and plain.correct_position() == 0


def test_answering_scoring_and_the_end() -> None:
    quiz = QuizModel(sections=("2-8",), seed=1, lang="en")
    assert quiz.total == 4
    right = quiz.answer(quiz.correct_position())
    assert right.correct and right.explanation.en
    again = quiz.answer((quiz.correct_position() + 1) % 4)  # answered once: the first answer stays
    assert again.correct and quiz.score == 1
    quiz.next()
    wrong = quiz.answer((quiz.correct_position() + 1) % 4)
    assert not wrong.correct and wrong.answer == quiz.current.choices[quiz.current.answer]
    while quiz.next():
        quiz.answer(quiz.correct_position())
    assert quiz.finished and quiz.score == 3 and 'data-finished="true"' in quiz.score_html()
    quiz.restart()
    assert quiz.index == 0 and quiz.score == 0 and not quiz.answered
    with pytest.raises(ValueError):
        QuizModel(ids=["nope"])
    with pytest.raises(ValueError):
        QuizModel(sections=("9-9",))
    assert [q.id for q in QuizModel(ids=["faq-q3", "faq-q1"], shuffle=False).questions] == ["faq-q3", "faq-q1"]


def test_quiz_view_clicks() -> None:
    quiz = Quiz(ids=["faq-q1", "faq-q3"], seed=0, lang="ja")
    assert quiz.next_button.disabled and "Q1 / 2" in quiz.prompt.value
    quiz.choices[quiz.model.correct_position()].click()
    assert 'data-correct="true"' in quiz.feedback.value and "暗号" in quiz.feedback.value
    assert quiz.choices[quiz.model.correct_position()].button_style == "success"
    assert all(b.disabled for b in quiz.choices)
    quiz.next_button.click()
    assert "Q2 / 2" in quiz.prompt.value and not any(b.disabled for b in quiz.choices)
    wrong = (quiz.model.correct_position() + 1) % len(quiz.choices)
    quiz.choices[wrong].click()
    assert 'data-correct="false"' in quiz.feedback.value and quiz.choices[wrong].button_style == "danger"
    assert 'data-score="1"' in quiz.score.value and quiz.restart_button.layout.display is None
    quiz.restart_button.click()
    assert "Q1 / 2" in quiz.prompt.value and 'data-answered="0"' in quiz.score.value
    assert {"labkit-quiz-choice", "labkit-quiz-choice-0"} <= set(quiz.choices[0]._dom_classes)


# --- validity ----------------------------------------------------------------------------


@pytest.mark.parametrize(("issued", "birth", "card", "end"), [
    (date(2026, 4, 1), date(1990, 7, 15), None, date(2030, 7, 15)),    # 1st birthday in 2026
    (date(2026, 4, 1), date(1990, 4, 1), None, date(2031, 4, 1)),      # issued on the birthday
    (date(2026, 4, 1), date(2000, 2, 29), None, date(2031, 2, 28)),    # 2/29 in a common year
    (date(2027, 3, 1), date(2000, 2, 29), None, date(2032, 2, 29)),    # ... and in a leap year
    (date(2026, 4, 1), date(1990, 7, 15), date(2029, 1, 1), date(2029, 1, 1)),  # the card ends first
])
def test_end_date_is_the_pki_rule(issued: date, birth: date, card: date | None, end: date) -> None:
    result = ValidityModel(lang="ja").calculate(issued, birth, card)
    assert result.ok and result.not_after is not None
    assert result.not_after.astimezone(JST).date() == end
    at = datetime(issued.year, issued.month, issued.day, 12, tzinfo=JST)
    assert result.not_after == certificate_not_after(birth, at, card or date(9999, 12, 30))
    assert result.not_after.astimezone(JST).time().isoformat() == "23:59:59"


def test_explanations() -> None:
    model = ValidityModel(lang="ja")
    leap = model.calculate("2026-04-01", "2000-02-29")
    text = "\n".join(leap.explanation("ja"))
    assert leap.leap_day_rule and "2月28日とします" in text and "2031年2月28日" in text
    assert "2027-02-28" in text and "2028-02-29" in text
    on_birthday = "\n".join(model.calculate(date(2026, 4, 1), date(1990, 4, 1)).explanation("en"))
    assert "does not count" in on_birthday
    capped = model.calculate(date(2026, 4, 1), date(1990, 7, 15), date(2029, 1, 1))
    assert capped.capped_by_card and "カードの有効期限" in "\n".join(capped.explanation("ja"))
    child = model.calculate(date(2026, 4, 1), date(2015, 1, 1), kind="signing")
    assert not child.ok and child.error is not None and "15歳未満" in child.error.ja
    assert model.calculate(date(2026, 4, 1), date(2015, 1, 1), kind="auth").ok
    future = model.calculate(date(2026, 4, 1), date(2027, 1, 1))
    assert not future.ok and "生年月日が発行日より後" in future.explanation("ja")[0]
    with pytest.raises(ValueError):
        model.calculate(date(2026, 4, 1), date(1990, 1, 1), kind="other")


def test_validity_view() -> None:
    calc = ValidityCalculator(issued=date(2026, 4, 1), lang="ja")
    assert 'data-ok="none"' in calc.output.value
    result = calc.set(birth=date(2000, 2, 29))
    assert result is not None and 'data-not-after="2031-02-28"' in calc.output.value
    calc.set(card_expiry=date(2028, 12, 31))
    assert 'data-not-after="2028-12-31"' in calc.output.value
    calc.set(birth=date(2015, 1, 1), kind="signing")
    assert 'data-ok="false"' in calc.output.value
    assert "labkit-validity-birth" in calc.birth._dom_classes
