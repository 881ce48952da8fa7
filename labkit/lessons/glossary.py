"""The glossary (用語集): the lecture's own terms, and the few technical words the labs show.
A definition that goes beyond the lecture says so (「講義資料の外の補足」 / "beyond the lecture").

``sections`` lists where a section's prose links the term at its first use (the notebooks carry
the links; tests/lessons check them). ``aliases_*`` are the spellings that are linked, when
they are not just the term itself."""

from __future__ import annotations

from ..i18n import Text as T
from .model import Term

BEYOND = ("(講義資料の外の補足です)", "(a note beyond the lecture material)")


def _beyond(ja: str, en: str) -> tuple[str, str]:
    return f"{ja} {BEYOND[0]}", f"{en} {BEYOND[1]}"


GLOSSARY: tuple[Term, ...] = (
    Term(
        "smartphone-cert",
        T("スマホ用電子証明書", "smartphone e-certificate"),
        T(
            "インターネット上の様々な申請における身分証明書。マイナンバーカードと同等の本人確認機能を持った電子証明書を、"
            "カードの ICチップを使ってスマホに新たに搭載したもの。署名用と利用者証明用の2つがあります。",
            "An identity document for online applications: a certificate with identity verification "
            "equivalent to the My Number Card, newly put on the phone using the card's IC chip. There are "
            "two: signing and user authentication.",
        ),
        sections=("0", "1-1", "1-2", "1-3", "1-5", "1-6", "2-1", "2-3", "2-4", "2-5", "2-6", "2-7", "2-8"),
    ),
    Term(
        "signing",
        T("署名用電子証明書", "signing certificate"),
        T(
            "インターネット等で電子文書を作成・送信する際に利用し、「作成・送信した電子文書が、利用者が作成した真正な"
            "ものであり、利用者が送信したものであること」を証明します。カード用のパスワードは、半角の英大文字と数字を"
            "含む6〜16文字です。",
            "Used when creating and sending electronic documents; it proves that the document is genuine, "
            "made and sent by the user. The card's password is 6-16 half-width upper-case letters and "
            "digits, containing both.",
        ),
        sections=("1-1", "1-2", "2-1", "2-3", "2-6", "2-7", "2-8"),
    ),
    Term(
        "user-auth",
        T("利用者証明用電子証明書", "user-authentication certificate"),
        T(
            "マイナポータル等のウェブサイトにログインする際に利用し、「ログインした者が、利用者本人であること」を証明"
            "します。スマホ用のパスワードは数字4桁です。",
            "Used when logging in to websites such as Mynaportal; it proves that the person logging in is the "
            "user. The smartphone password is 4 digits.",
        ),
        sections=("1-1", "1-2", "1-4", "2-3", "2-6", "2-8"),
        aliases_en=("user-authentication certificate", "user authentication certificate"),
    ),
    Term(
        "jpki",
        T("公的個人認証サービス", "public certification service (JPKI)"),
        T(
            "オンライン上の本人確認のしくみ。公的個人認証サービスで発行された電子証明書で、行政機関等のインターネットを"
            "利用した電子申請・届出サービスを利用できます。",
            "The public service for identity verification online (JPKI, Public Certification Service for "
            "Individuals). Its certificates are used for the online application and notification services "
            "of administrative bodies.",
        ),
        sections=("1-3", "1-4", "2-7", "2-8"),
        aliases_en=("public certification service", "Public Certification Service"),
    ),
    Term(
        "jlis",
        T("J-LIS (地方公共団体情報システム機構)", "J-LIS"),
        T(
            *_beyond(
                "公的個人認証サービスの電子証明書を発行・失効させる機関。講義資料には名前が出てきませんが、"
                "この講座の実習では、証明書の発行・一時保留・失効を行う学習用の J-LIS が登場します。",
                "Japan Agency for Local Authority Information Systems, the body that issues and revokes "
                "JPKI certificates. The lecture does not name it; in this course's labs a learning "
                "stand-in J-LIS issues, suspends and revokes the certificates.",
            )
        ),
        sections=("2-3", "2-5", "2-7"),
        aliases_ja=("J-LIS",),
    ),
    Term(
        "mynaportal",
        T("マイナポータル (アプリ)", "Mynaportal (app)"),
        T(
            "引越しの手続きや確定申告などのオンライン申請、自己情報の閲覧ができる行政のサービス。スマホ用電子証明書の"
            "申請・登録・確認・失効は、マイナポータルアプリで行います。",
            "The government's online service for applications such as moving house or tax returns and for "
            "viewing your own information. You apply for, register, check and revoke the smartphone "
            "e-certificate in the Mynaportal app.",
        ),
        sections=("0", "1-1", "1-2", "1-3", "1-4", "1-5", "2-1", "2-2", "2-3", "2-4", "2-5", "2-6", "2-7"),
        aliases_ja=("マイナポータル",),
        aliases_en=("Mynaportal",),
    ),
    Term(
        "hold",
        T("一時保留 (一時利用停止)", "temporary suspension (hold)"),
        T(
            "カードやスマホをなくしたときに、電子証明書を一時的に使えなくすること。講義では「一時保留」と"
            "「一時利用停止」の両方の言い方が出てきますが、同じことです。スマホの紛失・盗難による一時利用停止は、"
            "マイナンバー総合フリーダイヤルで24時間365日受け付けています。"
            "失効と違い、解除できます (解除のしかたは 2-6)。",
            "Making the certificates unusable for a while after the card or the phone is lost. The lecture "
            "uses both 一時保留 and 一時利用停止 for the same thing. For a lost or stolen phone, "
            "the My Number toll-free line accepts it 24 hours a day, 365 days a year. "
            "Unlike revocation it can be lifted (see 2-6).",
        ),
        sections=("1-6", "2-6"),
        aliases_ja=("一時保留", "一時利用停止"),
        aliases_en=("suspension", "suspend"),
    ),
    Term(
        "revocation",
        T("失効", "revocation"),
        T(
            "電子証明書を二度と使えなくすること。利用をやめるとき (2-7) は利用者自身で失効させます。機種変更では古い"
            "スマホの証明書が自動的に失効します (2-5)。",
            "Making a certificate permanently unusable. When you stop using the service (2-7) you revoke it "
            "yourself; a device change revokes the old phone's certificates automatically (2-5).",
        ),
        sections=("2-5", "2-6", "2-7"),
        aliases_en=("revoke", "revocation"),
    ),
    Term(
        "gpse",
        T("GP-SE (ジーピーエスイー)", "GP-SE"),
        T(
            "GlobalPlatform (GP) 仕様に対応した Secure Element (SE) の略称。スマートフォンの中にある IC チップで、"
            "スマホ用電子証明書はここに格納されます。マイナポータルアプリからしかアクセスできません。",
            "Short for a Secure Element (SE) following the GlobalPlatform (GP) specification: an IC chip "
            "inside the phone that stores the smartphone e-certificate. Only the Mynaportal app can access "
            "it.",
        ),
        sections=("1-5", "2-3", "2-4", "2-7"),
        aliases_ja=("GP-SE",),
    ),
    Term(
        "push",
        T("プッシュ通知", "push notification"),
        T(
            "スマホに届くお知らせ。申請のあと、登録の操作ができるようになったことをプッシュ通知で知らせます。申請が"
            "おおむね8:00〜19:30 (平日・土日祝日とも) なら数分後、それ以外はおおむね翌8:00以降に届きます。",
            "A message that arrives on the phone. After you apply, a push notification tells you that you can "
            "register. It comes within minutes if you applied roughly 8:00-19:30 (any day), otherwise around "
            "8:00 the next morning or later.",
        ),
        sections=("2-3", "2-4", "2-5", "2-6", "2-8"),
    ),
    Term(
        "hotline",
        T("マイナンバー総合フリーダイヤル", "My Number general toll-free line"),
        T(
            "スマホ用電子証明書の問い合わせ先 (音声ガイダンス4番)。受付時間は平日 9:30〜20:00、土日祝 9:30〜17:30。"
            "スマホの紛失・盗難による一時利用停止は24時間365日。",
            "Where to ask about the smartphone e-certificate (voice guidance 4). Hours: weekdays 9:30-20:00, "
            "weekends and holidays 9:30-17:30. Suspension after the loss or theft of the phone: 24 hours a "
            "day, 365 days a year.",
        ),
        sections=("1-6", "2-6"),
        aliases_en=("toll-free line",),
    ),
    Term(
        "counter",
        T("市区町村窓口", "municipal counter"),
        T(
            "お住まいの市区町村の窓口。カード用の署名用電子証明書のパスワードの設定、カードの紛失等の届出、見つかった"
            "スマホの一時保留の解除などを行います。",
            "The counter of your municipality: the card's signing password is set there, a lost card is "
            "reported there, and a found phone's suspension is lifted there.",
        ),
        sections=("2-1", "2-6"),
        aliases_ja=("市区町村窓口", "市区町村の窓口"),
    ),
    Term(
        "device-change",
        T("機種変更", "device change"),
        T(
            "新しいスマホでスマホ用電子証明書を申請し直すこと (メニューの「機種変更」)。古いスマホの証明書は同時に"
            "失効するので、別の失効手続きは要りません。",
            "Applying again on a new phone (\"Device change\" in the menu). The old phone's certificates are "
            "revoked at the same time, so no separate revocation is needed.",
        ),
        sections=("0", "2-5", "2-7"),
    ),
    Term(
        "usage-history",
        T("利用履歴", "usage history"),
        T(
            "過去のマイナポータルの利用の記録。身に覚えのない操作に気づくために確認できます。",
            "The record of your past use of Mynaportal, to notice operations you did not do.",
        ),
        sections=("1-4", "2-4"),
    ),
    Term(
        "server-cert",
        T("サーバ証明書", "server certificate"),
        T(
            "接続先のサイトが本物であることを示す証明書。マイナポータルのサーバ証明書を調べると、接続先が本物の"
            "マイナポータルであることを確認できます。",
            "A certificate showing that a site is genuine. Checking Mynaportal's server certificate confirms "
            "that you reached the real Mynaportal.",
        ),
        sections=("1-4",),
    ),
    Term(
        "konbini",
        T("コンビニ交付", "convenience-store issuance"),
        T(
            "住民票の写しなどの市区町村の証明書を、コンビニエンスストア等で取得できるサービス。スマホ用電子証明書では"
            "2023年12月より順次対応。",
            "Getting municipal certificates such as a copy of the residence record at convenience stores; "
            "with the smartphone e-certificate progressively from December 2023.",
        ),
        sections=("0", "1-2", "1-4"),
        aliases_ja=("コンビニ",),
        aliases_en=("convenience store",),
    ),
    Term(
        "biometrics",
        T("生体認証", "biometric authentication"),
        T(
            "指紋などの体の特徴による本人確認。簡単に認証でき、パスワード忘れを防げます。",
            "Identity verification by a feature of your body such as a fingerprint: simpler, and no "
            "forgotten passwords.",
        ),
        sections=("1-3", "2-5"),
        aliases_en=("biometric",),
    ),
    Term(
        "nfc-mark",
        T("モバイル非接触ICマーク", "mobile contactless IC mark"),
        T(
            "スマホでカードを読み取る位置を示すマーク。マイナンバーカードの中心をこのマークに当てて、動かさずに待ちます。"
            "読み取り位置は端末により異なります。",
            "The mark showing where the phone reads a card. Hold the centre of the card on it and keep still; "
            "the position differs between models.",
        ),
        sections=("2-3",),
        aliases_en=("mobile contactless IC mark", "contactless IC mark"),
    ),
    Term(
        "apdu",
        T("APDU", "APDU"),
        T(
            *_beyond(
                "IC チップ (カードや GP-SE) とやりとりする命令と応答の単位。実習の「APDU トレース」に、"
                "実際に送られた命令が表示されます (技術者向け)。",
                "The command and response units exchanged with an IC chip (the card or the GP-SE). "
                'The labs\' "APDU trace" lists the commands actually sent (for engineers).',
            )
        ),
        sections=("1-5", "2-3"),
    ),
    Term(
        "omapi",
        T("OMAPI", "OMAPI"),
        T(
            *_beyond(
                "Open Mobile API。スマホのアプリが SE と通信するための Android の窓口です (技術者向け)。",
                "Open Mobile API: Android's way for an app to talk to the SE (for engineers).",
            )
        ),
        sections=("1-5",),
    ),
    Term(
        "ara-m",
        T("ARA-M", "ARA-M"),
        T(
            *_beyond(
                "Access Rule Application Master。SE の中で「どのアプリがどのアプレットに触れてよいか」の"
                "規則を持つアプレット。マイナポータルアプリだけが証明書に届くのは、このような規則によります "
                "(技術者向け)。",
                "Access Rule Application Master: the applet in the SE holding the rules for which app "
                "may reach which applet. Rules like these are how only the Mynaportal app reaches the "
                "certificate (for engineers).",
            )
        ),
        sections=("1-5",),
    ),
    Term(
        "crl-ocsp",
        T("CRL / OCSP", "CRL / OCSP"),
        T(
            *_beyond(
                "証明書が失効していないかを確かめるしくみ。CRL は失効した証明書の一覧、OCSP は証明書1枚ごとの"
                "オンラインの問い合わせです。公的個人認証サービスでは、失効の情報は認められた事業者などが確認"
                "します (技術者向け)。",
                "Ways to check whether a certificate was revoked: a CRL is a list of revoked "
                "certificates, OCSP an online query for one certificate. In JPKI the revocation "
                "information is checked by authorised verifiers (for engineers).",
            )
        ),
        sections=("2-7",),
        aliases_ja=("CRL",),
        aliases_en=("CRL",),
    ),
)
