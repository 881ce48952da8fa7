"""The course quiz as data: lecture 2-8 (よくある質問 Q1–Q4) and review questions from the
other sections. Every fact is the lecture's (see the course outline). The first choice of
each question is the correct one here; :class:`~labkit.widgets.quiz.QuizModel` shuffles
the choices by seed."""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import Text

__all__ = ["QUESTIONS", "Question"]


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    section: str
    prompt: Text
    choices: tuple[Text, ...]
    explanation: Text
    #: Index of the correct choice in ``choices``.
    answer: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.answer < len(self.choices) or len(self.choices) < 2:
            raise ValueError(f"question {self.id}: the answer must index one of at least two choices")


def _q(qid: str, section: str, prompt: tuple[str, str], choices: list[tuple[str, str]],
       explanation: tuple[str, str]) -> Question:
    return Question(qid, section, Text(*prompt), tuple(Text(*c) for c in choices), Text(*explanation))


QUESTIONS: tuple[Question, ...] = (
    _q("faq-q1", "2-8",
       ("スマホ用電子証明書の有効期間が「発行後5回目の誕生日まで」なのはなぜですか。",
        "Why is the smartphone certificate valid only until the 5th birthday after issuance?"),
       [("安全性は暗号技術に支えられており、期間が長いほど解読のリスクが高まるから",
         "its security rests on cryptography, and longer validity means more risk of it being broken"),
        ("スマホの平均的な寿命が5年だから", "phones last five years on average"),
        ("マイナンバーカードの有効期限と必ず同じにするため", "to always match the card's expiry"),
        ("5年ごとに住所を確認する法律があるから", "a law requires checking the address every five years")],
       ("電子証明書の安全性は暗号技術によって保たれています。有効期間が長いほど、計算機の性能向上や"
        "暗号解読技術の進歩による危険性が高まるため、発行後5回目の誕生日までとしています。",
        "Certificates are kept safe by cryptography. The longer the validity, the greater the risk from "
        "faster computers and better cryptanalysis, so validity ends on the 5th birthday after issuance.")),
    _q("faq-q2", "2-8",
       ("申請したその日にスマホ用電子証明書を使えますか。", "Can you use the certificate on the day you apply?"),
       [("登録できることがプッシュ通知で届き、登録すれば使える (8:00〜19:30 の申請なら数分で通知)",
         "a push notification says you can register, and after registering you can use it "
         "(within minutes if you applied 8:00-19:30)"),
        ("申請した直後から、登録なしで使える", "right after applying, without registering"),
        ("申請の翌週からしか使えない", "only from the following week"),
        ("市区町村の窓口で受け取ってから使える", "after collecting it at the municipal counter")],
       ("申請後、登録が可能になるとプッシュ通知が届きます。登録すると使えます。8:00〜19:30 に申請すれば"
        "数分で、それ以外は翌朝 8:00 頃に通知が届きます。",
        "After applying, a push notification says registration is possible; once registered you can use it. "
        "Applications 8:00-19:30 get the notification within minutes, others around 8:00 the next morning.")),
    _q("faq-q3", "2-8",
       ("スマホ用電子証明書を複数のスマホに搭載できますか。", "Can you put the certificates on several phones?"),
       [("できない。署名用・利用者証明用それぞれ1人1つで、1台だけ",
         "no: one signing and one user-auth certificate per person, on one phone only"),
        ("2台まで搭載できる", "yes, on up to two phones"),
        ("何台でも搭載できる", "yes, on any number of phones"),
        ("家族のスマホになら搭載できる", "only on family members' phones")],
       ("スマホ用電子証明書は、署名用と利用者証明用がそれぞれ1人につき1つで、搭載できるのは1台のみです。",
        "There is one smartphone signing and one user-authentication certificate per person, on one device only.")),
    _q("faq-q4", "2-8",
       ("公的個人認証サービスの電子証明書は何に使いますか。", "What is a JPKI certificate for?"),
       [("行政機関等へのオンライン申請・届出などのサービス",
         "online applications and notifications to administrative bodies"),
        ("SNS へのログイン専用", "only for logging in to social networks"),
        ("電子マネーのチャージ", "topping up e-money"),
        ("通話の暗号化", "encrypting phone calls")],
       ("公的個人認証サービスの電子証明書は、行政機関等へのオンラインによる申請・届出などのサービスで"
        "本人確認に使われます。",
        "JPKI certificates verify identity in online application and notification services of "
        "administrative bodies.")),
    _q("hotline-suspend", "1-6",
       ("スマホを紛失したときの一時利用停止は、いつ受け付けていますか。",
        "When is a temporary suspension for a lost phone accepted?"),
       [("24時間365日", "24 hours a day, 365 days a year"),
        ("平日 9:30〜20:00 のみ", "weekdays 9:30-20:00 only"),
        ("土日祝日 9:30〜17:30 のみ", "weekends and holidays 9:30-17:30 only"),
        ("市区町村の窓口が開いている時間のみ", "only while the municipal counter is open")],
       ("マイナンバー総合フリーダイヤル (音声ガイダンス4番) で、一時利用停止は24時間365日受け付けています。",
        "The My Number toll-free line (voice guidance 4) takes suspensions 24 hours a day, 365 days a year.")),
    _q("hotline-number", "1-6",
       ("マイナンバー総合フリーダイヤルで、スマホ用電子証明書の音声ガイダンスは何番ですか。",
        "Which voice-guidance number of the toll-free line is for the smartphone certificate?"),
       [("4番", "4"), ("1番", "1"), ("2番", "2"), ("9番", "9")],
       ("音声ガイダンスの4番です。問い合わせは平日 9:30〜20:00、土日祝日 9:30〜17:30 です。",
        "Number 4. Enquiries: weekdays 9:30-20:00, weekends and holidays 9:30-17:30.")),
    _q("password-rule", "2-1",
       ("マイナンバーカードの署名用電子証明書のパスワードの条件はどれですか。",
        "What is the rule for the card's signing-certificate password?"),
       [("6〜16文字の英大文字と数字で、両方を含む", "6-16 upper-case letters and digits, containing both"),
        ("数字4桁", "4 digits"),
        ("8文字以上の英小文字", "8 or more lower-case letters"),
        ("記号を必ず1文字含む", "must contain a symbol")],
       ("署名用電子証明書のパスワードは、半角英大文字と半角数字の6〜16文字で、英字と数字をそれぞれ含みます。",
        "The signing password is 6-16 half-width upper-case letters and digits, containing at least one of each.")),
    _q("auth-pin", "2-3",
       ("スマホ用利用者証明用電子証明書のパスワードはどれですか。",
        "What is the smartphone user-authentication password?"),
       [("数字4桁 (2回入力して設定)", "4 digits (entered twice)"),
        ("英大文字と数字 6〜16 文字", "6-16 upper-case letters and digits"),
        ("カードの署名用パスワードと同じもの", "the same as the card's signing password"),
        ("パスワードは不要", "no password")],
       ("スマホ用利用者証明用電子証明書のパスワードは数字4桁で、確認のため2回入力します。",
        "It is 4 digits, entered twice to confirm.")),
    _q("factory-reset", "2-7",
       ("スマホを初期化 (工場出荷状態に) すると、スマホ用電子証明書はどうなりますか。",
        "What happens to the certificates when you factory-reset the phone?"),
       [("削除されない。売却・廃棄などの前には失効手続きが必要", "they are not deleted: revoke them before selling or "
         "disposing of the phone"),
        ("自動的に失効して削除される", "they are revoked and deleted automatically"),
        ("新しいスマホに自動で移る", "they move to the new phone automatically"),
        ("一時利用停止になる", "they are suspended")],
       ("初期化しても電子証明書は削除されません。機種変更以外で使わなくなるとき (売却・廃棄・故障など) は、"
        "利用をやめる (失効) 手続きが必要です。",
        "A factory reset does not delete the certificate. When you stop using the phone (sale, disposal, "
        "breakdown), you must revoke the certificates.")),
    _q("device-change", "2-5",
       ("機種変更で新しいスマホから申請したとき、旧スマホの証明書はどうなりますか。",
        "After applying on a new phone, what happens to the old phone's certificates?"),
       [("失効し、旧スマホが48時間以内にネットワークにつながれば自動で削除される",
         "they are revoked, and deleted automatically if the old phone goes online within 48 hours"),
        ("別に「利用をやめる」手続きをしないと失効しない",
         "they stay valid until you also do the stop-using procedure"),
        ("新旧両方のスマホで使い続けられる", "both phones keep working"),
        ("市区町村の窓口で削除してもらう", "the municipal counter deletes them")],
       ("新しいスマホで申請すると旧スマホの証明書は失効します。旧スマホが48時間以内にネットワークに接続すれば、"
        "別の失効手続きなしで削除されます。",
        "Applying on the new phone revokes the old certificates; if the old phone connects within 48 hours "
        "they are deleted without a separate revocation.")),
    _q("not-stored", "1-5",
       ("スマホ (GP-SE) に記録されない情報はどれですか。", "Which information is NOT recorded in the phone (GP-SE)?"),
       [("税関係情報や年金関係情報", "tax and pension information"),
        ("電子証明書", "the certificates"),
        ("署名用の秘密鍵", "the signing private key"),
        ("暗証番号の残り回数", "the PIN's tries left")],
       ("スマホには必要最小限の情報だけが保存され、税関係情報や年金関係情報などのプライバシー性の高い情報は"
        "記録されません。",
        "Only the minimum is stored; highly private data such as tax and pension information is not.")),
    _q("phone-found", "2-6",
       ("一時利用停止の後にスマホが見つかりました。市区町村の窓口では何ができますか。",
        "Your suspended phone was found. What happens at the municipal counter?"),
       [("利用者証明用は停止を解除でき、署名用は失効させて必要なら新しく発行する",
         "the user-auth certificate is reinstated; the signing one is revoked and re-issued if needed"),
        ("両方とも停止を解除できる", "both are reinstated"),
        ("両方とも失効させるしかない", "both must be revoked"),
        ("何もしなくても自動で使えるようになる", "nothing: they work again automatically")],
       ("スマホが見つかったら市区町村窓口へ。利用者証明用の一時保留は解除できますが、署名用は失効させ、"
        "必要なら新たに発行します。",
        "At the counter the user-authentication suspension can be lifted; the signing certificate is revoked "
        "and, if needed, newly issued.")),
    _q("convenience-store", "1-2",
       ("スマホ用電子証明書でのコンビニ交付 (住民票の写しなど) はいつから利用できますか。",
        "From when can the smartphone certificate be used at convenience stores?"),
       [("2023年12月から順次", "progressively from December 2023"),
        ("2020年4月から", "from April 2020"),
        ("2026年4月から", "from April 2026"),
        ("利用の予定はない", "not planned")],
       ("コンビニ交付は2023年12月から順次利用できるようになっています。",
        "Convenience-store issuance has been available progressively since December 2023.")),
    _q("access", "1-5",
       ("スマホの電子証明書にアクセスできるのはどれですか。", "Which app can access the certificate in the phone?"),
       [("マイナポータルアプリだけ", "only the Mynaportal app"),
        ("スマホに入っているすべてのアプリ", "every app on the phone"),
        ("Web ブラウザ", "the web browser"),
        ("スマホのメーカーのアプリ", "the phone maker's apps")],
       ("GP-SE の中の電子証明書にはマイナポータルアプリだけがアクセスでき、ほかのアプリは拒否されます。",
        "Only the Mynaportal app may access the certificate in the GP-SE; other apps are refused.")),
)
