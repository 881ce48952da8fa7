"""The lecturer console's words (labkit.labs.console): labels, counts, events, and the
server's action names and the course's steps in Japanese and English."""

from __future__ import annotations

from ..i18n import Text
from ..widgets._base import esc
from .kit import TH

L = {
    "title": Text("講師コンソール", "Lecturer console"),
    "need_token": Text("講師コンソールには講師トークンが必要です (?lecturer=…)。",
                       "The lecturer console needs the lecturer token (?lecturer=…)."),
    "counts": Text("クラス全体", "The whole class"),
    "roster": Text("受講者", "Students"),
    "timeline": Text("受講者のタイムライン", "A student's timeline"),
    "checks": Text("節の確認問題 (集計)", "Section checks (aggregated)"),
    "controls": Text("操作", "Controls"),
    "class_now": Text("クラスの時刻", "Class time"),
    "open_section": Text("開いている節", "Open section"),
    "none": Text("なし", "none"),
    "no_students": Text("まだ誰も参加していません。", "Nobody has joined yet."),
    "pick": Text("受講者を選んでください。", "Choose a student."),
    "no_events": Text("まだ記録はありません。", "Nothing recorded yet."),
    "all": Text("全員", "Everyone"),
    "student": Text("受講者", "Student"),
    "event": Text("出来事", "Event"),
    "send": Text("送る", "Send"),
    "reset": Text("この受講者をやり直させる", "Reset this student"),
    "open": Text("全員に開く", "Open for everyone"),
    "next": Text("次の節", "Next section"),
}

#: The class-wide counts of ``GET /api/class/summary`` and their labels.
COUNTS: tuple[tuple[str, Text], ...] = (
    ("students", Text("受講者", "Students")),
    ("applications", Text("申請", "Applications")),
    ("pushes_due", Text("通知待ち", "Pushes due")),
    ("registrations", Text("登録", "Registrations")),
    ("suspensions", Text("一時停止", "Suspensions")),
    ("revocations", Text("失効", "Revocations")),
)

#: Events the lecturer can send (``POST /api/class/events``).
EVENTS: dict[str, Text] = {
    "phone_lost": Text("スマホを紛失した", "Phone lost"),
    "card_lost": Text("カードを紛失した", "Card lost"),
    "push_now": Text("プッシュ通知を今届ける", "Push now"),
}

#: Moves of the class time (seconds).
ADVANCES: tuple[tuple[int, Text], ...] = (
    (600, Text("+10分", "+10 min")),
    (3600, Text("+1時間", "+1 hour")),
    (6 * 3600, Text("+6時間", "+6 hours")),
    (86400, Text("+1日", "+1 day")),
)

#: Server action names and the course's steps (app screens, ``open``, ``task i/n``) in words;
#: anything else is shown as the server sent it.
WORDS: dict[str, Text] = {
    "join": Text("参加", "joined"), "progress": Text("進み具合", "progress"), "checks": Text("確認問題", "check"),
    "reset": Text("やり直し", "reset"), "event:phone_lost": Text("講師: スマホ紛失", "lecturer: phone lost"),
    "event:card_lost": Text("講師: カード紛失", "lecturer: card lost"),
    "event:push_now": Text("講師: 通知を今届ける", "lecturer: push now"),
    "submit_application": Text("申請", "application"),
    "fetch_registration": Text("登録データ取得", "fetch registration"),
    "confirm_registration": Text("登録確定", "registration confirmed"), "poll": Text("通知の確認", "poll"),
    "device_status": Text("スマホの状態", "device status"), "revoke_by_user": Text("失効", "revocation"),
    "report_loss": Text("紛失の届出", "loss report"), "record_usage": Text("利用", "use"),
    "usage_history": Text("利用履歴", "usage history"), "status": Text("証明書の状態", "certificate status"),
    "advance_clock": Text("時計を進める", "clock moved"), "register_resident": Text("住民登録", "resident registered"),
    "issue_card": Text("カード発行", "card issued"), "report_card_loss": Text("カード紛失届", "card loss"),
    "find_resident": Text("住民の照会", "resident lookup"),
    "card_certificates": Text("カードの証明書", "card certificates"),
    "change_attributes": Text("転居・氏名変更", "address or name change"),
    "reset_pin": Text("暗証番号の初期化", "PIN reset"),
    "lift_suspension_by_card": Text("一時停止の解除", "suspension lifted"),
    "phone_found": Text("スマホ発見", "phone found"), "card_found": Text("カード発見", "card found"),
    "open": Text("ページを開いた", "page opened"), "home": Text("アプリのトップ", "app home"),
    "menu": Text("メニュー", "menu"), "form": Text("申請の入力", "application form"),
    "read_card": Text("カード読み取り", "reading the card"), "read_success": Text("読み取り成功", "card read"),
    "read_done": Text("読み取り完了", "reading done"), "sign_password": Text("署名用パスワード", "signing password"),
    "auth_pin": Text("利用者証明用パスワード", "authentication PIN"), "applied": Text("申請完了", "applied"),
    "failed": Text("申請失敗", "application failed"), "register": Text("登録画面", "registration screen"),
    "registered": Text("登録完了", "registered"), "revoked": Text("失効完了", "revoked"),
}


def word(value: object, lang: str) -> str:
    """A server action or step in the console's language (escaped)."""
    raw = str(value or "")
    known = WORDS.get(raw)
    return esc(known.get(lang) if known is not None else raw) if raw else "—"


#: Routine reads a phone does by itself, left out of the timeline (they would drown the rest).
QUIET = frozenset({"poll", "device_status"})

#: The newest timeline entries shown (newest first).
TIMELINE_ROWS = 40

TH_COL = TH.replace("<th ", '<th scope="col" ')
ROSTER_HEADS = (Text("ニックネーム", "Nickname"), Text("節", "Section"), Text("手順", "Step"),
                Text("最後の操作", "Last action"), Text("時刻 (実時間)", "When (real time)"),
                Text("受講者の模擬時刻", "Student's simulated time"))
