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
        "数分後、それ以外の時間帯はおおむね翌 8:00 以降に通知が届きます。",
        "After applying, a push notification says registration is possible; once registered you can use it. "
        "Applications made roughly 8:00-19:30 get the notification within minutes, others around 8:00 the next "
        "morning or later.")),
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
       ("スマホ用電子証明書を搭載したスマホの紛失・盗難による一時利用停止は、マイナンバー総合フリーダイヤルで"
        "24時間365日受け付けています (問い合わせの受付時間とは別です)。",
        "Suspension after the loss or theft of a phone carrying the certificate is handled by the My Number "
        "toll-free line 24 hours a day, 365 days a year (unlike its enquiry hours).")),
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
       ("初期化しても電子証明書は削除されません。Android から iPhone への機種変更、下取・売却、廃棄、故障などで"
        "利用をやめるときは、利用をやめる (失効) 手続きが必要です。新しいスマホで「機種変更」として申請する場合は、"
        "この手続きは不要です。",
        "A factory reset does not delete the certificate. When you stop using it (switching from Android to an "
        "iPhone, trade-in, sale, disposal, breakdown), you must revoke the certificates. When you apply on a new "
        "phone as a device change, this procedure is not needed.")),
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
    # -- section checks (labkit.lessons): one to three questions per section ----------------
    _q("what-it-is", "1-1",
       ("スマホ用電子証明書とは何ですか。", "What is the smartphone e-certificate?"),
       [("インターネット上の様々な申請で使う身分証明書で、マイナンバーカードと同等の本人確認機能をスマホに搭載するもの",
         "an identity document for online applications: identity verification equivalent to the My Number "
         "Card, carried in the phone"),
        ("マイナンバーカードの写真をスマホに保存したもの", "a photo of the My Number Card saved on the phone"),
        ("スマホの電話番号を証明するもの", "a proof of the phone's number"),
        ("窓口で見せるための紙の証明書", "a paper certificate to show at a counter")],
       ("スマホ用電子証明書は、インターネット上での様々な申請における身分証明書です。マイナンバーカードと同等の"
        "本人確認機能を持った電子証明書をスマホに搭載するので、カードを持ち歩かずにスマホだけで使えます。",
        "It is an identity document for online applications. A certificate with identity verification "
        "equivalent to the My Number Card is put on the phone, so the phone alone works without the card.")),
    _q("how-created", "1-1",
       ("スマホ用電子証明書は、どのようにしてスマホに搭載しますか。", "How is the certificate put on the phone?"),
       [("マイナンバーカードの ICチップを使って、スマホに新たに電子証明書を搭載する",
         "using the My Number Card's IC chip, a new certificate is put on the phone"),
        ("カードの中の電子証明書をそのままスマホにコピーする",
         "the card's certificate is copied to the phone as it is"),
        ("携帯電話会社の店舗で発行してもらう", "a mobile-phone shop issues it"),
        ("カードがなくても、スマホだけで申し込める", "the phone alone is enough to apply, without the card")],
       ("マイナンバーカードの ICチップを使って、スマホに新たに電子証明書を搭載します (カードの証明書のコピーでは"
        "ありません)。申請のときにカードを読み取ります (2-3)。",
        "The card's IC chip is used to put a new certificate on the phone (not a copy of the card's). The card "
        "is read when you apply (2-3).")),
    _q("health-insurance", "1-2",
       ("スマホを健康保険証として使うことについて、講義ではどう説明していますか。",
        "What does the lecture say about using the phone as a health insurance card?"),
       [("今後対応予定。カードの健康保険証利用の登録と合わせて使えるようになる",
         "planned: it will work together with the card's health-insurance registration"),
        ("すでにどこでも使える", "it already works everywhere"),
        ("カードの登録とは関係なく使える", "it works without the card's registration"),
        ("対応の予定はない", "it is not planned")],
       ("講義資料の時点では「今後対応予定」です。マイナンバーカードの健康保険証利用の登録と合わせて、スマホを"
        "健康保険証として利用できるようになります。",
        "At the time of the lecture material it is planned: together with the card's health-insurance "
        "registration, the phone will be usable as a health insurance card.")),
    _q("no-card-needed", "1-3",
       ("スマホ用電子証明書のメリットとして、講義で紹介されているものはどれですか。",
        "Which of these is a benefit named in the lecture?"),
       [("マイナンバーカードやカードリーダーがなくても、スマホ1つで手続きができる",
         "procedures work with the phone alone, without the card or a card reader"),
        ("マイナンバーカードを申請しなくてよくなる", "you no longer need to apply for a My Number Card"),
        ("電子証明書の有効期限がなくなる", "the certificate no longer expires"),
        ("どのアプリからでも証明書を使えるようになる", "any app can use the certificate")],
       ("これまでカードやカードリーダーが必要だった手続きを、スマホ1つで、いつでもどこでもできます。搭載には"
        "カードが必要で (2-3)、証明書に届くのはマイナポータルアプリだけです。",
        "Procedures that needed the card or a card reader work with one phone, anytime, anywhere. You still "
        "need the card to set it up (2-3), and only the Mynaportal app reaches the certificate.")),
    _q("biometrics", "1-3",
       ("生体認証による本人確認で、何がよくなりますか。", "What does biometric authentication improve?"),
       [("簡単に認証でき、パスワード忘れを防げる", "authentication is simpler and forgotten passwords are avoided"),
        ("パスワードを家族と共有できる", "you can share the password with your family"),
        ("電子証明書が不要になる", "the certificate is no longer needed"),
        ("他人の指でもログインできる", "anyone's finger can log in")],
       ("生体認証による本人確認で、簡単な認証とパスワード忘れの防止による利便性の向上を実現しています。",
        "Biometric identity verification makes authentication simpler and prevents forgotten passwords.")),
    _q("server-cert", "1-4",
       ("接続先が本物のマイナポータルであることは、何で確認できますか。",
        "How can you confirm that you are connected to the real Mynaportal?"),
       [("サーバ証明書を調べる", "by checking the server certificate"),
        ("画面のデザインを見る", "by looking at the page design"),
        ("利用履歴を見る", "by looking at the usage history"),
        ("通信速度を測る", "by measuring the connection speed")],
       ("マイナポータルへの通信は暗号化されており、利用者はサーバ証明書を調べることで、接続先が本物の"
        "マイナポータルであることを確認できます。",
        "The connection to Mynaportal is encrypted, and you can check the server certificate to confirm that it "
        "is the real Mynaportal.")),
    _q("usage-history", "1-4",
       ("マイナポータルの利用履歴は、何の役に立ちますか。", "What is Mynaportal's usage history for?"),
       [("過去の利用を確認して、身に覚えのない操作に気づける", "to see past use and notice operations you did not do"),
        ("パスワードを忘れたときに表示してくれる", "it shows your password when you forget it"),
        ("通信を暗号化する", "it encrypts the connection"),
        ("証明書の有効期限を延ばす", "it extends the certificate's validity")],
       ("過去のマイナポータルの利用履歴を確認できるので、身に覚えのない操作について、確認のうえ気づくことができます。",
        "You can look at past use of Mynaportal and so notice operations you do not recognise.")),
    _q("prepare-phone", "2-1",
       ("申請の前に準備するスマートフォンはどれですか (講義資料の時点)。",
        "Which smartphone do you prepare before applying (as of the lecture material)?"),
       [("スマホ用電子証明書に対応した Android スマートフォン", "an Android smartphone that supports the service"),
        ("どのスマートフォンでもよい", "any smartphone"),
        ("iPhone だけ", "an iPhone only"),
        ("タブレットだけ", "a tablet only")],
       ("準備するのは、スマホ用電子証明書に対応した Android スマートフォンです。対応しているスマホの一覧は"
        "教材の QR コードから確認できます。ほかに、署名用電子証明書が登録されたカード、そのパスワード、最新版の"
        "マイナポータルアプリを準備します。",
        "You need an Android smartphone that supports the service; the list of supported phones is reached "
        "through the QR code in the course material. Also prepare the card with its signing certificate, its "
        "password and the latest Mynaportal app.")),
    _q("install-open", "2-2",
       ("マイナポータルアプリのインストールが完了すると、Playストアの表示はどうなりますか。",
        "When the Mynaportal app is installed, what does the Play Store show?"),
       [("「インストール」の表示が「開く」に変わる",
         "the 「インストール」 (Install) button changes to 「開く」 (Open)"),
        ("アプリが自動で申請を始める", "the app starts an application by itself"),
        ("プッシュ通知が届く", "a push notification arrives"),
        ("カードの読み取り画面になる", "the card-reading screen appears")],
       ("インストールが完了すると「インストール」の表示が「開く」に変わります。これでインストールは完了です。",
        "When installation is done, 「インストール」 changes to 「開く」 (Open); the app is installed.")),
    _q("push-wait", "2-3",
       ("夜21:00に申請しました。登録に進めるのはいつですか。",
        "You applied at 21:00. When can you go on to register?"),
       [("おおむね翌 8:00 以降にプッシュ通知が届いてから",
         "after the push notification, around 8:00 the next morning or later"),
        ("申請した直後", "right after applying"),
        ("数分後に必ず", "always a few minutes later"),
        ("市区町村窓口から郵便が届いてから", "after a letter from the municipal office arrives")],
       ("申請がおおむね8:00〜19:30 (平日・土日祝日とも) なら数分後、それ以外の時間帯はおおむね翌 8:00 以降に"
        "プッシュ通知が届きます。登録に進むには、この通知を待つ必要があります。",
        "If you apply roughly 8:00-19:30 (any day), the push notification comes within minutes; otherwise "
        "around 8:00 the next morning or later. You have to wait for it before registering.")),
    _q("register-after-push", "2-4",
       ("プッシュ通知が届いたあと、登録を完了するにはどうしますか。",
        "After the push notification, how do you complete the registration?"),
       [("「登録する」を押し、登録完了の処理を待つ", "press 「登録する」 (Register) and wait for it to finish"),
        ("もう一度はじめから申請する", "apply again from the beginning"),
        ("市区町村窓口に行く", "go to the municipal counter"),
        ("フリーダイヤルに電話する", "call the toll-free line")],
       ("プッシュ通知が届くと、登録の完了に進めます。「登録する」を押し、処理を待って完了の画面が表示されれば、"
        "スマホ用電子証明書の登録は完了です。",
        "Once the push notification has arrived you can complete the registration: press 「登録する」, wait, "
        "and when the completion screen appears the certificates are registered.")),
    _q("old-phone-online", "2-5",
       ("機種変更のとき、旧スマホはどうしておきますか。", "During a device change, what do you do with the old phone?"),
       [("電源を入れ、ネットワークに接続した状態にしておく", "keep it switched on and connected to a network"),
        ("先に端末を初期化しておく", "factory-reset it first"),
        ("先に「利用をやめる」手続きをしておく", "do the stop-using procedure on it first"),
        ("電源を切っておく", "switch it off")],
       ("旧スマホの電子証明書を確実に削除するため、旧スマホの電源を入れ、ネットワークに接続した状態で新しいスマホで"
        "操作します。旧スマホの証明書は機種変更と同時に失効するので、別の失効手続きは不要です。",
        "To make sure the old phone's certificates are deleted, keep it on and online while you work on the new "
        "phone. They are revoked together with the device change, so no separate revocation is needed.")),
    _q("card-found", "2-6",
       ("なくしたマイナンバーカードが見つかりました。スマホ用電子証明書はどうしますか。",
        "Your lost My Number Card was found. What about the smartphone certificates?"),
       [("マイナポータルアプリで一時利用停止を解除する。署名用は再発行されるので利用登録し直す",
         "lift the suspension in the Mynaportal app; the signing one is re-issued, so register it again"),
        ("何もしなくても自動で使えるようになる", "nothing: they work again automatically"),
        ("新しいスマホを買う", "buy a new phone"),
        ("フリーダイヤルで解除してもらう", "the toll-free line lifts it")],
       ("カードが見つかったら、マイナポータルアプリでスマホ用電子証明書の一時利用停止の解除の手続をします。"
        "スマホ用利用者証明用電子証明書は解除され、スマホ用署名用電子証明書は再発行されるので、あらためて"
        "利用登録を行います。",
        "When the card is found, lift the smartphone certificates' suspension in the Mynaportal app. The "
        "user-authentication certificate resumes; the signing certificate is re-issued, so register it again.")),
    _q("must-revoke", "2-7",
       ("Android から iPhone に機種変更するとき、スマホ用電子証明書はどうしますか。",
        "You switch from Android to an iPhone. What about the smartphone certificates?"),
       [("利用者自身で失効させる (利用をやめる手続き)。義務づけられている",
         "revoke them yourself (stop-using procedure): you are obliged to"),
        ("iPhone に自動で移る", "they move to the iPhone automatically"),
        ("初期化すれば消えるので何もしなくてよい", "nothing: a factory reset removes them"),
        ("一時利用停止にしておけばよい", "suspending them is enough")],
       ("Android から iPhone への機種変更、下取・売却、廃棄、故障などで利用をやめるときは、利用者自身で電子証明書を"
        "失効させることが義務づけられています。端末の初期化では削除されません。",
        "When you stop using it (Android to iPhone, trade-in, sale, disposal, breakdown), you are obliged to "
        "revoke the certificates yourself. A factory reset does not delete them.")),
)
