"""Chapter 2 as lessons. Every statement comes from the lecture script (see
/work/shared/course-outline.md); what the lab assumes beyond it says so."""

from __future__ import annotations

from .model import lessons

PUSH_WINDOW = ("申請がおおむね8:00〜19:30 (平日・土日祝日とも) なら数分後、それ以外の時間帯はおおむね翌8:00以降",
               "within minutes if you applied roughly 8:00-19:30 (weekdays and weekends alike), otherwise "
               "around 8:00 the next morning or later")

LESSONS = lessons({
    "2-1": {
        "goals": [
            ("利用開始前に準備する4つのものを挙げられる", "Name the four things to prepare before you start"),
            ("マイナンバーカード用署名用電子証明書のパスワードの条件を確かめられる",
             "Check a password against the rule for the card's signing-certificate password"),
        ],
        "summary": [
            ("① 申込者本人の署名用電子証明書が登録されたマイナンバーカード、② そのパスワード、③ スマホ用電子証明書"
             "対応の Android スマートフォン、④ 最新版のマイナポータルアプリを準備します。",
             "Prepare ① your My Number Card with your own signing certificate, ② its password, ③ an Android "
             "smartphone that supports the service and ④ the latest Mynaportal app."),
            ("パスワードは市区町村窓口で設定したもので、半角の英大文字と数字を両方含む6文字から16文字です。",
             "The password is the one set at the municipal counter: 6-16 half-width upper-case letters and "
             "digits, containing both."),
        ],
        "checks": ("password-rule", "prepare-phone"),
        "tasks": [
            ("パスワードの例の表で、使えるものと使えないものの理由を読んだ",
             "Read in the examples table why each password can or cannot be used"),
            ("自分で候補を入力し、小文字・全角・記号が使えないことを確かめた",
             "Typed candidates and saw that lower case, full-width characters and symbols are refused"),
        ],
    },
    "2-2": {
        "goals": [
            ("Playストアからマイナポータルアプリをインストールする手順 ①〜④ を言える",
             "Say the steps ①-④ to install the Mynaportal app from the Play Store"),
            ("インストールが終わると「インストール」が「開く」に変わることを知る",
             "Know that \"Install\" changes to \"Open\" when it is done"),
        ],
        "summary": [
            ("「Playストア」→「アプリとゲームを検索」→「マイナポータル」と入力 → 選択 →「インストール」。",
             "「Playストア」 → 「アプリとゲームを検索」 → type マイナポータル → choose it → 「インストール」."),
            ("表示が「開く」に変われば完了です。すでにインストールしている場合は、最新版に更新します。",
             "When the button shows \"Open\" it is done. If the app is already installed, update it "
             "to the latest version."),
        ],
        "checks": ("install-open",),
    },
    "2-3": {
        "goals": [
            ("マイナポータルアプリで申請する流れ (①〜⑨とパスワードの設定) を説明できる",
             "Explain how to apply in the Mynaportal app (steps ①-⑨ and setting the passwords)"),
            ("スマホ用署名用電子証明書とスマホ用利用者証明用電子証明書の違いを説明できる",
             "Explain the difference between the smartphone signing and user-authentication certificates"),
            ("プッシュ通知が届く時間帯を言える", "Say when the push notification arrives"),
        ],
        "summary": [
            ("カードの署名用パスワードを入力し、証明書を選び、「確認しました」→「申請する」、カードを読み取り、"
             "スマホ用のパスワードを設定します (利用者証明用は数字4桁を2回)。",
             "Enter the card's signing password, choose the certificates, \"I have read this\" → \"Apply\", read "
             "the card and set the smartphone passwords (user authentication: 4 digits, twice)."),
            ("署名用は電子文書を作成・送信するとき、利用者証明用はマイナポータル等にログインするときに使います。",
             "The signing certificate is for creating and sending electronic documents; the "
             "user-authentication certificate is for logging in to sites such as Mynaportal."),
            ("申請後、プッシュ通知が届きます: " + PUSH_WINDOW[0] + "。",
             "After applying, a push notification arrives: " + PUSH_WINDOW[1] + "."),
        ],
        "cautions": [
            ("申請が完了しても、すぐには登録に進めません。次の操作 (2-4 登録) に進むには、プッシュ通知が届くのを"
             "待つ必要があります (" + PUSH_WINDOW[0] + "に届きます)。",
             "When the application is complete you cannot register yet. To go on (2-4 Registering) you have to "
             "wait for the push notification (it comes " + PUSH_WINDOW[1] + ")."),
        ],
        "checks": ("auth-pin", "push-wait"),
    },
    "2-4": {
        "goals": [
            ("プッシュ通知のあと「登録する」で登録を完了できる",
             "Complete the registration with \"Register\" after the push notification"),
            ("登録が終わるとスマホ用電子証明書が使えるようになることを知る",
             "Know that the certificates can be used once registered"),
        ],
        "summary": [
            ("プッシュ通知が届くと登録の完了に進めます: ①「登録する」→ ② 処理を待つ → ③ 完了の画面。",
             "After the push notification: ① \"Register\" → ② wait → ③ the completion screen."),
            ("登録の操作が完了したあとに、スマホ用電子証明書を利用できます。",
             "The certificates can be used once registration is complete."),
        ],
        "checks": ("register-after-push",),
        "tasks": [
            ("「登録する」を2回押して登録を完了した", "Pressed \"Register\" twice to complete the registration"),
            ("SE インスペクタで、証明書が GP-SE に入ったことを確かめた",
             "Saw in the SE inspector that the certificates are now in the GP-SE"),
            ("数字4桁のパスワードでマイナポータルにログインし、利用履歴を見た",
             "Logged in to Mynaportal with the 4-digit password and looked at the usage history"),
        ],
    },
    "2-5": {
        "goals": [
            ("機種変更のときの手順 (①〜⑫) を説明できる", "Explain the device-change steps (①-⑫)"),
            ("旧スマホの証明書は機種変更と同時に失効し、48時間以内にネットワークにつなげば削除されることを説明できる",
             "Explain that the old phone's certificates are revoked with the change and deleted if it goes "
             "online within 48 hours"),
        ],
        "summary": [
            ("あらかじめ新しい機種にマイナポータルアプリを入れ、メニューの「機種変更」から申請します。",
             "Install the Mynaportal app on the new phone first, then apply with \"Device change\" in the menu."),
            ("新しい機種で申請すると、古いスマホのスマホ用電子証明書は失効します。旧スマホは電源を入れ、"
             "ネットワークに接続した状態にしておきます。",
             "Applying on the new phone revokes the old phone's certificates. Keep the old phone switched on "
             "and online."),
            ("旧スマホを48時間以内にネットワークにつなげば、別途の失効手続きなしに旧スマホから削除されます。",
             "If the old phone goes online within 48 hours, the certificates are deleted from it without a "
             "separate revocation."),
        ],
        "cautions": [
            ("古いスマホの電子証明書の失効は、機種変更と同時に行われます。機種変更の手続きとは別に「スマホ用電子証明書の"
             "利用をやめる手続き」(2-7) をする必要はありません。",
             "The old phone's certificates are revoked together with the device change. You do not need to do "
             "the separate \"stop using\" procedure (2-7) as well."),
        ],
        "checks": ("device-change", "old-phone-online"),
        "tasks": [
            ("実習1: 旧スマホがつながったまま「機種変更」で申請し、旧スマホの証明書が0枚になるのを確かめた",
             "Lab 1: applied with \"Device change\" while the old phone was online and saw its certificates go to 0"),
            ("実習1: 新しいスマホで「登録する」まで進め、旧スマホの「ログイン」を試した",
             "Lab 1: registered on the new phone and tried to log in on the old phone"),
            ("実習2: 旧スマホが機内モードのまま48時間を過ぎてからつなぎ、証明書の状態を確かめた",
             "Lab 2: reconnected the old phone after more than 48 hours in airplane mode and checked the "
             "certificates"),
        ],
    },
    "2-6": {
        "goals": [
            ("カードやスマホをなくしたら、直ちにフリーダイヤルで一時保留 (一時利用停止) することを言える",
             "Say that you call the toll-free line at once for a temporary suspension when the card or the "
             "phone is lost"),
            ("見つかったときの手続き (スマホ → 市区町村窓口、カード → マイナポータルアプリ) を説明できる",
             "Explain what to do when it is found (phone → municipal counter, card → Mynaportal app)"),
        ],
        "summary": [
            ("カードまたはスマホをなくしたら、直ちにフリーダイヤルで電子証明書の一時保留を行います。カードをなくした"
             "場合は、住民票のある市区町村窓口にも紛失等の届出をします。",
             "If the card or the phone is lost, call the toll-free line at once to suspend the certificates. "
             "If the card is lost, also report it at the counter of the municipality of your resident "
             "registration."),
            ("スマホが見つかったら市区町村窓口へ: 利用者証明用は一時保留を解除でき、署名用は失効させ、必要なら新たに"
             "発行申請します (再発行の手数料は市区町村窓口に確認)。",
             "Phone found: go to the municipal counter. The user-authentication certificate is released; the "
             "signing certificate is revoked and newly applied for if needed (ask the counter about the "
             "fee)."),
            ("カードが見つかったらマイナポータルアプリで一時利用停止を解除: 利用者証明用は解除され、署名用は再発行"
             "されるので、あらためて利用登録します。",
             "Card found: lift the suspension in the Mynaportal app. The user-authentication certificate "
             "resumes; the signing certificate is re-issued, so register it again."),
        ],
        "checks": ("phone-found", "card-found"),
        "tasks": [
            ("実習1: 届け出る前と後で「ログイン」を試し、一時保留で拒否されるのを確かめた",
             "Lab 1: tried to log in before and after reporting, and saw the suspension refuse it"),
            ("実習1: スマホが見つかったので市区町村窓口で手続きし、利用者証明用の解除と署名用の失効を確かめた",
             "Lab 1: the phone was found; at the municipal counter the user-authentication certificate was "
             "released and the signing one revoked"),
            ("実習2: カードの紛失を届け出て、スマホでもログインできなくなるのを確かめた",
             "Lab 2: reported the card lost and saw the phone refused too"),
            ("実習2: カードが見つかったので、アプリで一時利用停止を解除し、署名用を登録し直した",
             "Lab 2: the card was found; lifted the suspension in the app and registered the signing "
             "certificate again"),
        ],
    },
    "2-7": {
        "goals": [
            ("スマホ用電子証明書の利用をやめるとき、利用者自身で失効させる義務があることを説明できる",
             "Explain that you must revoke the certificates yourself when you stop using them"),
            ("失効の手順 ①〜⑥ を言え、端末の初期化では証明書が削除されないことを知る",
             "Say the revocation steps ①-⑥ and know that a factory reset does not delete the certificate"),
        ],
        "summary": [
            ("Android から iPhone への機種変更、下取・売却、廃棄、故障などで利用をやめるときは、利用者自身で"
             "失効させることが義務づけられています。",
             "When you stop using it (Android to iPhone, trade-in, sale, disposal, breakdown), you are obliged "
             "to revoke the certificates yourself."),
            ("登録しているスマホから失効手続を行うと、電子証明書が失効し、スマホ内の関連データも削除されます。",
             "Revoking from the registered phone revokes the certificates and deletes the related data in the "
             "phone."),
            ("端末の初期化では電子証明書は削除されません。新しいスマホで機種変更として申請する場合は、失効の操作は"
             "不要です。",
             "A factory reset does not delete the certificate. When you apply on a new phone as a device "
             "change, revocation is not needed."),
        ],
        "cautions": [
            ("スマートフォンの端末初期化では、電子証明書は削除されません。手放す前に、このページの手順で失効させて"
             "ください。",
             "A factory reset of the smartphone does not delete the certificate. Revoke it with the steps on "
             "this page before you let the phone go."),
            ("機種変更により新しいスマホでスマホ用電子証明書を申請する場合は、失効する際の操作は不要です (2-5)。",
             "When you apply for the smartphone e-certificate on a new phone as a device change, you do not "
             "need to revoke (2-5)."),
        ],
        "checks": ("factory-reset", "must-revoke"),
        "tasks": [
            ("「端末を初期化する」を押し、証明書と鍵が GP-SE に残っていることを確かめた",
             "Pressed \"Factory reset the phone\" and saw the certificates and keys still in the GP-SE"),
            ("アプリを入れ直して手順 ①〜⑥ で失効させた",
             "Installed the app again and revoked with steps ①-⑥"),
            ("SE インスペクタで証明書と鍵が削除されたことを確かめた",
             "Saw in the SE inspector that the certificates and keys were deleted"),
            ("「失効情報を確認する」で「失効」と答えることを確かめた",
             "Saw \"Check revocation\" answer \"revoked\""),
        ],
    },
    "2-8": {
        "goals": [
            ("よくある質問4つ (有効期限、使えるようになる時期、複数のスマホ、公的個人認証サービスの用途) に答えられる",
             "Answer the four frequent questions (validity, when you can use it, several phones, what JPKI "
             "certificates are for)"),
            ("有効期限 (発行の日から5回目の誕生日まで) を計算できる",
             "Work out the validity (until the 5th birthday after issuance)"),
        ],
        "summary": [
            ("有効期限は発行の日から5回目の誕生日まで。暗号技術の安全性・信頼性を維持するためです。",
             "Valid until the 5th birthday after issuance, to keep the cryptography safe and trustworthy."),
            ("申請後にプッシュ通知が届き、登録の操作が完了したあとに利用できます。1人の証明書を登録できる端末は"
             "1台のみです。",
             "After applying, a push notification arrives; once you have registered, you can use the "
             "certificates. One person's certificates can be registered on one device only."),
            ("公的個人認証サービスの電子証明書で、行政機関等のオンライン申請・届出サービスを利用できます。",
             "JPKI certificates let you use the online application and notification services of "
             "administrative bodies."),
        ],
        "checks": ("faq-q1", "faq-q2", "faq-q3"),
        "tasks": [
            ("有効期限の例の表を読んだ", "Read the table of validity examples"),
            ("発行日と生年月日を変えて有効期限を計算した", "Worked out validity for other issue dates and birthdays"),
            ("2台目のスマホで申請すると断られることを確かめた",
             "Saw that an application from a second phone is refused"),
            ("第2章のまとめのクイズに答えた", "Answered the Chapter 2 quiz"),
        ],
    },
})
