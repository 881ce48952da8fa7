"""The introduction and Chapter 1 as lessons. Every statement comes from the lecture script
(see /work/shared/course-outline.md); what the lab assumes beyond it says so."""

from __future__ import annotations

from .model import lessons

LESSONS = lessons({
    "0": {
        "goals": [
            ("この講座で何を学ぶか (第1章: スマホ用電子証明書とは何か・何ができるか、第2章: 利用方法) を知る",
             "Know what this course covers (Chapter 1: what the smartphone e-certificate is and what you can "
             "do with it; Chapter 2: how to use it)"),
            ("各節の進め方 (ゴール → 説明 → 実習 → まとめ → 確認問題) を知る",
             "Know how each section works (goals → explanation → lab → summary → check)"),
        ],
        "summary": [
            ("第1章でスマホ用電子証明書とは何か、電子証明書で出来る事を、第2章で利用方法を学びます。",
             "Chapter 1: what the smartphone e-certificate is and what you can do with it; Chapter 2: how to "
             "use it."),
            ("講義資料の内容は作成時点のものです (対応スマホは Android、コンビニ交付は2023年12月より順次、"
             "健康保険証としての利用は今後対応予定)。",
             "The lecture material describes the service as of when it was written (Android phones; "
             "convenience-store issuance progressively from December 2023; health insurance card use "
             "planned)."),
        ],
    },
    "1-1": {
        "goals": [
            ("スマホ用電子証明書が何か (インターネット上の申請における身分証明書) を説明できる",
             "Explain what the smartphone e-certificate is (an identity document for online applications)"),
            ("マイナンバーカードの ICチップを使って、スマホに新たに電子証明書を搭載することを説明できる",
             "Explain that a new certificate is put on the phone using the My Number Card's IC chip"),
        ],
        "summary": [
            ("スマホ用電子証明書は、インターネット上の様々な申請における身分証明書です。マイナンバーカードと同等の"
             "本人確認機能を持った電子証明書をスマホに搭載します。",
             "The smartphone e-certificate is an identity document for online applications: a certificate "
             "with identity verification equivalent to the My Number Card, carried in the phone."),
            ("マイナンバーカードの ICチップを使って、スマホに新たに電子証明書を搭載します。カードを持ち歩かずに、"
             "スマホだけで使えます。",
             "The card's IC chip is used to put a new certificate on the phone; then the phone alone works, "
             "without carrying the card."),
            ("これまでカードの電子証明書が必要だったサービスが、順次スマホだけで利用できるようになります。",
             "Services that needed the card's certificate become usable with the phone alone, progressively."),
        ],
        "checks": ("what-it-is", "how-created"),
        "tasks": [
            ("カードの2枚の電子証明書 (署名用・利用者証明用) を、タブを切り替えて見比べた",
             "Compared the card's two certificates (signing, user authentication) with the tabs"),
            ("スマホで「メニュー」→「スマホ電子証明書の確認」を押し、まだ証明書がないことを確かめた",
             "On the phone, pressed \"Menu\" → \"Check the smartphone e-certificate\" and saw there is no "
             "certificate yet"),
        ],
    },
    "1-2": {
        "goals": [
            ("スマホだけで利用できるようになる4つのサービスを挙げられる",
             "Name the four services that become usable with the phone alone"),
            ("コンビニ交付 (2023年12月より順次) と健康保険証 (今後対応予定) の状況を言える",
             "Say where convenience-store issuance (progressively from December 2023) and the health "
             "insurance card (planned) stand"),
        ],
        "summary": [
            ("① マイナポータル (引越しの手続き、確定申告、薬剤・検診情報や母子健康手帳の閲覧、予防接種のお知らせ) と、"
             "② 銀行・証券口座の開設や携帯電話などの民間オンラインサービスの申込・利用。",
             "① Mynaportal (moving house, tax returns, viewing medication and health-check data or the "
             "maternal and child health handbook, vaccination notices) and ② private online services "
             "(opening bank or securities accounts, mobile-phone contracts and more)."),
            ("③ コンビニでの証明書交付 (住民票の写しなど) は2023年12月より順次対応しています。",
             "③ Certificates such as a copy of the residence record at convenience stores: progressively "
             "from December 2023."),
            ("④ 健康保険証としての利用は今後対応予定です。カードの健康保険証利用の登録と合わせて使えるようになります。",
             "④ Use as a health insurance card is planned, together with the card's health-insurance "
             "registration."),
        ],
        "checks": ("convenience-store", "health-insurance"),
        "tasks": [
            ("① 暗証番号 (数字4桁) でマイナポータルにログインした",
             "① Logged in to Mynaportal with the 4-digit PIN"),
            ("② ラボ銀行の口座開設を、スマホでの電子署名で申し込んだ",
             "② Applied for an account at the lab bank with an electronic signature from the phone"),
            ("③ コンビニで住民票の写しを取得した", "③ Got a copy of the residence record at a convenience store"),
            ("④ 健康保険証のボタンがまだ使えないことを確かめた",
             "④ Saw that the health-insurance button cannot be used yet"),
        ],
    },
    "1-3": {
        "goals": [
            ("スマホ用電子証明書の3つのメリットを説明できる",
             "Explain the three benefits of the smartphone e-certificate"),
            ("生体認証による本人確認の利点 (簡単な認証、パスワード忘れの防止) を言える",
             "Say what biometric identity verification brings (simpler authentication, no forgotten "
             "passwords)"),
        ],
        "summary": [
            ("① カードやカードリーダーを使わずに、スマホ1つで、いつでもどこでも手続きやマイナポータルへの"
             "ログインができます。",
             "① With one phone, without the card or a card reader, you can log in to Mynaportal and do "
             "procedures anytime, anywhere."),
            ("② 証明書はマイナポータルアプリからしかアクセスできない安全な場所にあり、アプリは十分なセキュリティ対策"
             "の取られたサイト・アプリからのアクセスしか受け付けません。",
             "② The certificate sits in a safe place only the Mynaportal app can reach, and the app accepts "
             "access only from sites and apps with sufficient security measures."),
            ("③ 生体認証で簡単に本人確認ができ、これまで公的個人認証サービスを使えなかった民間サービスとも"
             "連携できます。",
             "③ Biometrics make identity checks easy, and private services that could not use the public "
             "certification service before can join."),
        ],
        "checks": ("no-card-needed", "biometrics"),
        "tasks": [
            ("暗証番号でログインした", "Logged in with the PIN"),
            ("生体認証 (指) でログインした", "Logged in with biometrics (finger)"),
            ("別の人の指ではログインできないことを確かめた", "Saw that another person's finger does not log in"),
            ("ほかのアプリ (パズルゲーム) からは証明書に触れられないことを確かめた",
             "Saw that another app (a puzzle game) cannot touch the certificate"),
        ],
    },
    "1-4": {
        "goals": [
            ("マイナポータルの3つの安全対策 (高いレベルの本人確認、通信の暗号化、利用履歴の確認) を説明できる",
             "Explain Mynaportal's three safety measures (high-level identity verification, encrypted "
             "communication, usage history)"),
            ("サーバ証明書で接続先が本物のマイナポータルか確認できることを知る",
             "Know that the server certificate shows whether you reached the real Mynaportal"),
        ],
        "summary": [
            ("利用者証明用電子証明書を使った公的個人認証サービスで、成りすまし・改ざんを防ぎます。",
             "The public certification service with the user-authentication certificate prevents "
             "impersonation and tampering."),
            ("通信は暗号化され、傍受による情報漏洩を防ぎ、改ざんを検知できます。サーバ証明書で接続先が本物か"
             "確認できます。",
             "Communication is encrypted: eavesdropping cannot leak it and tampering is detected. The server "
             "certificate shows that it is the real Mynaportal."),
            ("利用履歴で、身に覚えのない操作に気づくことができます。",
             "The usage history lets you notice operations you did not do."),
        ],
        "checks": ("server-cert", "usage-history"),
        "tasks": [
            ("ネットワークを選んで「接続する」を押し、サーバ証明書を見比べた",
             "Chose networks, pressed \"Connect\" and compared the server certificates"),
            ("偽サイトでは「ログインしてみる」が中止されることを確かめた",
             "Saw that \"Try to log in\" is stopped on a fake site"),
            ("アプリの「利用履歴」を開き、操作すると記録が増えることを確かめた",
             "Opened the usage history and saw new entries appear as you act"),
        ],
    },
    "1-5": {
        "goals": [
            ("GP-SE がスマホの中の IC チップで、証明書がそこに格納されることを説明できる",
             "Explain that the GP-SE is an IC chip in the phone that holds the certificate"),
            ("GP-SE の5つの安全性 (最低限の情報、確認可能、盗取が困難、暗証番号とロック) を言える",
             "Name the GP-SE's safety points (minimum data, can be checked, hard to steal, PIN and lock)"),
        ],
        "summary": [
            ("スマホ用電子証明書は GP-SE (GlobalPlatform 仕様に対応した Secure Element) というスマホ内の"
             "IC チップに格納されます。税関係情報や年金関係情報などは記録されません。",
             "The certificate is stored in the GP-SE (a Secure Element following the GlobalPlatform "
             "specification), an IC chip in the phone. Tax or pension information is not recorded."),
            ("マイナポータルアプリの「スマホ電子証明書の確認」で中身を確認できます。アクセスできるのはアプリだけで、"
             "盗取しようとすると自動的に消去する機能などがあります。",
             "\"Check the smartphone e-certificate\" in the app shows what is stored. Only the app can access it, and "
             "attempts to steal data meet countermeasures such as automatic erasure."),
            ("証明書ごとに暗証番号があり、一定回数以上間違えるとロックされます。",
             "Each certificate has its own PIN, which locks after a set number of wrong entries."),
        ],
        "checks": ("not-stored", "access"),
        "tasks": [
            ("GP-SE の中の一覧 (記録されているもの・いないもの) を見た",
             "Looked at what the GP-SE holds and what it does not"),
            ("アプリの「スマホ電子証明書の確認」で中身を確かめた",
             "Checked the contents with \"Check the smartphone e-certificate\" in the app"),
            ("ほかのアプリからのアクセスが拒否されることを確かめた", "Saw another app's access refused"),
            ("暗証番号を間違え続けて、ロックされるのを確かめた (回数はラボの想定)",
             "Entered wrong PINs until it locked (the number of tries is the lab's assumption)"),
            ("盗み出そうとする攻撃で、鍵が自動的に消去されるのを見た",
             "Watched an extraction attack erase the keys automatically"),
        ],
    },
    "1-6": {
        "goals": [
            ("スマホ用電子証明書の問い合わせ先 (マイナンバー総合フリーダイヤル、音声ガイダンス4番) と受付時間を言える",
             "Name where to ask about the smartphone e-certificate (My Number toll-free line, voice "
             "guidance 4) and its hours"),
            ("紛失・盗難による一時利用停止は24時間365日受け付けていることを言える",
             "Say that suspension after loss or theft is accepted 24 hours a day, 365 days a year"),
        ],
        "summary": [
            ("問い合わせはマイナンバー総合フリーダイヤルへ。音声ガイダンス4番を押します。",
             "Ask the My Number toll-free line and press 4 at the voice guidance."),
            ("受付時間は平日 9:30〜20:00、土日祝 9:30〜17:30 です。",
             "Hours: weekdays 9:30-20:00; weekends and holidays 9:30-17:30."),
            ("スマホの紛失・盗難による電子証明書の一時利用停止は、24時間365日対応します。",
             "Suspension of the certificate after the loss or theft of the phone: 24 hours a day, 365 days "
             "a year."),
        ],
        "checks": ("hotline-number", "hotline-suspend"),
        "tasks": [
            ("ラボの時刻で、いまフリーダイヤルが受付中か調べた",
             "Checked whether the toll-free line is open at the lab's time"),
            ("時刻を変えて (平日の夜、土日など)、受付時間と一時利用停止の違いを確かめた",
             "Changed the time (a weekday evening, a weekend) and saw the enquiry hours differ from "
             "suspension"),
        ],
    },
})
