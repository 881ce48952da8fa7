"""No text labkit generates for learners repeats a claim the lecture contradicts, and every
text that states what the lab assumes beyond the lecture says so (reviews/fidelity.md §2, §5).

It reads the same listing as ``make texts`` (labkit.texts_audit), so a wrong claim is caught
wherever it is written: a Text(...) in a lab, an app screen, a refusal, a widget, and the
notebooks' prose for the claims marked so below (the notebooks' other wording is being
reworked with the course; tests/notebooks/test_content_facts.py checks what they teach).
The quiz data is owned by the quiz and checked by its tests, so ``widgets/quiz_data.py`` is
not judged here.
"""

from __future__ import annotations

import re

import pytest

from labkit import texts_audit
from labkit.texts_audit import TextEntry, collect_notebook, collect_python

PACKAGE = texts_audit._ROOT
NOT_JUDGED_HERE = ("labkit/widgets/quiz_data.py",)


def _labkit_texts() -> list[TextEntry]:
    entries: list[TextEntry] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        entries += collect_python(path, root=PACKAGE.parent)
    return [e for e in entries if not e.where.startswith(NOT_JUDGED_HERE)]


def _notebook_texts() -> list[TextEntry]:
    entries: list[TextEntry] = []
    for path in sorted((PACKAGE.parent / "notebooks").glob("*.ipynb")):
        entries += collect_notebook(path, root=PACKAGE.parent)
    return entries


TEXTS = _labkit_texts()
NOTEBOOK_TEXTS = _notebook_texts()

#: (what is wrong, pattern over ja + en, judged in the notebooks too). The lecture says otherwise.
WRONG_CLAIMS = [
    ("a locked PIN 'must be reset at the counter' (a smartphone PIN is not sent there)",
     r"窓口で初期化が必要|窓口で初期化してください|reset at the municipal office", True),
    ("the hotline tells a phone-loss caller the phone is released in the app",
     r"アプリ \(スマホ\) で解除|counter or in the app", True),
    ("revocation is unneeded for any device change (Android to iPhone needs it)",
     r"機種変更以外で|機種変更の場合はこの手続きは不要|A device change does not need this procedure", True),
    ("the hotline's voice guidance 4 asserted as the suspension route",
     r"紛失の方はそのまま一時利用停止|if something is lost, suspension is taken now", True),
    # "{n} tries left" reads "1 tries left" when n is 1; "{a}/{b} tries left" is fine
    ("bad English count", r"\b1 tries\b|(?<!/)\{[^}]+\} tries left", True),
    ("doubled or unnatural hotline copy",
     r"受付時間外です: 受付時間外です|翌受付時間|outside the opening hours: outside", True),
    ("directions that the layout no longer matches", r"右の表|右の SE|右の マイナンバー|on the right", False),
    ("J-LIS 'publishes' the CRL (JPKI revocation data goes to authorised verifiers)",
     r"J-LIS が公開する|J-LIS publishes", False),
]
CASES = [(what, pattern, TEXTS) for what, pattern, _ in WRONG_CLAIMS] + \
    [(what, pattern, NOTEBOOK_TEXTS) for what, pattern, notebooks in WRONG_CLAIMS if notebooks]


@pytest.mark.parametrize(("what", "pattern", "texts"), CASES,
                         ids=[f"{'labkit' if t is TEXTS else 'notebooks'}: {w}" for w, _, t in CASES])
def test_no_text_repeats_a_wrong_claim(what: str, pattern: str, texts: list[TextEntry]) -> None:
    assert texts, "nothing collected"
    hits = [f"{e.where}: {e.ja} / {e.en}" for e in texts if re.search(pattern, e.text())]
    assert not hits, f"{what}:\n" + "\n".join(hits)


def test_next_morning_is_never_alone() -> None:
    """The lecture: おおむね翌8:00以降. "翌朝 8:00" alone (or "around 8:00 the next morning"
    without "or later") is only allowed as the lab's own exact time, labelled as such."""
    bad = []
    for e in TEXTS:
        if re.search(r"翌朝\s*8:00|翌\s*8:00", e.ja) and not re.search(r"以降|ラボ", e.ja):
            bad.append(f"{e.where}: {e.ja}")
        if re.search(r"8:00 the next morning|8:00 next day", e.en) and not re.search(r"or later|lab", e.en):
            bad.append(f"{e.where}: {e.en}")
    assert not bad, "\n".join(bad)


#: What the lecture does not say, and the labels the texts must then carry.
ASSUMPTIONS = [
    ("try limits", r"[35]回\s*間違え|wrong tries lock"),
    ("exact push cutoff and delay", r"19:29|19:30 ちょうど"),
    ("New Year break of the hotline", r"12/29"),
    ("29 February birthdays", r"2月29日生まれ"),
    ("the card's expiry caps the certificate", r"カードの有効期限[^。]*のほうが早い"),
    ("the lab-only counter step when the card is found", r"カードが見つかったときの窓口"),
    ("My Number and medical data in the not-stored list", r"^個人番号 \(マイナンバー\)|^医療・健康情報"),
]


@pytest.mark.parametrize(("what", "pattern"), ASSUMPTIONS, ids=[w for w, _ in ASSUMPTIONS])
def test_lab_assumptions_are_labelled(what: str, pattern: str) -> None:
    stated = [e for e in TEXTS if re.search(pattern, e.ja)]
    assert stated, f"no text states {what} any more: update this list"
    unlabelled = [f"{e.where}: {e.ja} / {e.en}" for e in stated
                  if not ("ラボの想定" in e.ja and re.search(r"lab assumption", e.en, re.IGNORECASE))]
    assert not unlabelled, f"{what} stated as a fact of the service:\n" + "\n".join(unlabelled)


def test_lock_advice_differs_for_the_card_and_the_phone() -> None:
    from labkit.phone.se_client import SeJpkiClient
    from labkit.reader import JpkiClient
    from labkit.rules import CARD_LOCK_ADVICE, PHONE_LOCK_ADVICE

    assert JpkiClient.lock_advice is CARD_LOCK_ADVICE and "窓口" in CARD_LOCK_ADVICE.ja
    assert SeJpkiClient.lock_advice is PHONE_LOCK_ADVICE
    assert "窓口" not in PHONE_LOCK_ADVICE.ja and "counter" not in PHONE_LOCK_ADVICE.en
    assert "フリーダイヤル" in PHONE_LOCK_ADVICE.ja and "4" in PHONE_LOCK_ADVICE.en


def test_english_texts_name_the_english_buttons() -> None:
    """In English mode the buttons read "Revoke", "Next", "Register" …: an English text that
    tells the learner to press a Japanese label (「失効」) names a button that is not there."""
    from labkit.phone.mynaportal.texts import B

    japanese_labels = {v.ja for v in vars(B).values() if hasattr(v, "ja")}
    bad = [f"{e.where}: {e.en}" for e in TEXTS
           for label in japanese_labels if f"「{label}」" in e.en]
    assert not bad, "\n".join(bad)
