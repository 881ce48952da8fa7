"""Every label and text of the Mynaportal app, Japanese first. Button and menu labels are the
lecture's own words (「スマホ用電子証明書を申請する」, 「確認しました」, 「同意して次へ」 …);
the few the lecture does not name (「戻る」, 「閉じる」, 「ログイン」) are plain app words."""

from __future__ import annotations

from ...i18n import Text

__all__ = ["CERT_HELP", "CERT_LABEL", "B", "T"]


class B:
    """Button and menu labels."""

    MENU = Text("メニュー", "Menu")
    APPLY = Text("スマホ用電子証明書を申請する", "Apply for the smartphone e-certificate")
    REGISTER = Text("登録する", "Register")
    CHANGE = Text("機種変更", "Device change")
    CHECK = Text("スマホ電子証明書の確認", "Check the smartphone e-certificate")
    REVOKE = Text("失効", "Revoke")
    BIOMETRIC = Text("生体認証などを利用登録する", "Register biometrics etc.")
    CARD_FOUND = Text("一時利用停止の解除", "Lift the suspension")
    SUBMIT = Text("申請する", "Apply")
    CONFIRMED = Text("確認しました", "I have read this")
    NEXT = Text("次へ", "Next")
    AGREE = Text("同意して次へ", "Agree and continue")
    START = Text("はじめる", "Start")
    LOGIN = Text("ログイン", "Log in")
    LOGIN_BIO = Text("生体認証でログイン", "Log in with biometrics")
    HISTORY = Text("利用履歴", "Usage history")
    LOGOUT = Text("ログアウト", "Log out")
    BACK = Text("戻る", "Back")
    CLOSE = Text("閉じる", "Close")
    CANCEL = Text("中止する", "Cancel")


CERT_LABEL = {
    "sign": Text("スマホ用署名用電子証明書", "smartphone signing certificate"),
    "auth": Text("スマホ用利用者証明用電子証明書", "smartphone user-authentication certificate"),
}
CERT_HELP = {
    "sign": Text("インターネット等で電子文書を作成・送信する際に利用し、「作成・送信した電子文書が、利用者が"
                 "作成した真正なものであり、利用者が送信したものであること」を証明できます。",
                 "used when you create and send electronic documents: proves that the document is genuine, "
                 "made by you and sent by you."),
    "auth": Text("マイナポータル等のウェブサイトにログインする際に利用し、「ログインした者が、利用者本人で"
                 "あること」を証明できます。",
                 "used when you log in to websites such as Mynaportal: proves that the person logging in is you."),
}


class T:
    """Titles and body texts."""

    HOME = Text("マイナポータル", "Mynaportal")
    HOME_BODY = Text("画面右下の「メニュー」からスマホ用電子証明書の申請・登録・確認・失効ができます。",
                     "The \"Menu\" at the bottom right leads to application, registration, "
                     "checking and revocation of the smartphone e-certificate.")
    MENU = Text("メニュー", "Menu")
    FORM_PASSWORD = Text("マイナンバーカード用署名用電子証明書のパスワード",
                         "password of the My Number Card's signing certificate")
    FORM_CHOOSE = Text("利用するスマホ用電子証明書を選択してください。利用しないものはチェックを外してください。",
                       "Choose the smartphone certificates to use; uncheck any you do not need.")
    NOTES = Text("スマホ用電子証明書のご利用にあたっての注意事項: 登録できるスマホは1人1台です。"
                 "スマホを紛失したときは直ちにマイナンバー総合フリーダイヤルへ連絡してください。"
                 "端末を初期化しても電子証明書は削除されません。利用をやめるときは「失効」の手続きが必要です。",
                 "Notes on using the smartphone e-certificate: one phone per person. If you lose the phone, call "
                 "the My Number general toll-free line at once. A factory reset does not delete the certificate; "
                 "to stop using it you must revoke it (\"Revoke\").")
    READ = Text("マイナンバーカードの読み取り", "Reading the My Number Card")
    READ_BODY = Text("マイナンバーカードをスマートフォンの背面等の読み取り位置に密着させてください。"
                     "「モバイル非接触ICマーク」にカードの中心を当てて、動かさずにしばらく待ちます。"
                     "(読み取り位置は機種により異なります)",
                     "Hold the My Number Card flat against the reading position on the back of the phone, with the "
                     "centre of the card on the mobile contactless IC mark, and keep it still. (The position "
                     "differs between models.)")
    READ_OK = Text("カード読み取り成功", "Card read")
    READ_OK_BODY = Text("読み取りに成功しました。マイナンバーカードを取り外してください。",
                        "The card was read. Remove the My Number Card.")
    READ_DONE = Text("読み取り完了", "Reading complete")
    READ_DONE_BODY = Text("「次へ」を押してください。", "Press \"Next\".")
    OLD_REVOKE = Text("旧スマホ用電子証明書の失効確認", "Revocation of the old phone's certificates")
    OLD_REVOKE_BODY = Text("新しいスマホで申請すると、古いスマホに登録されているスマホ用電子証明書は失効します。"
                           "古いスマホを48時間以内にネットワークにつなぐと、別途手続きをしなくても古いスマホから"
                           "電子証明書が削除されます。",
                           "Applying on the new phone revokes the smartphone certificates registered on the old "
                           "phone. If the old phone connects to a network within 48 hours, the certificates are "
                           "deleted from it without any separate procedure.")
    SIGN_PW = Text("スマホ用署名用電子証明書のパスワード設定", "Set the smartphone signing password")
    SIGN_PW_BODY = Text("新しいパスワードを英大文字と数字を含む6〜16文字で入力して「次へ」を押してください。",
                        "Enter a new password of 6-16 upper-case letters and digits (both), then press \"Next\".")
    AUTH_PIN = Text("スマホ用利用者証明用電子証明書のパスワード設定", "Set the smartphone user-authentication PIN")
    AUTH_PIN_BODY = Text("新しいパスワードを数字4桁で入力してください。"
                         "確認のため、もう一度入力して「次へ」を押します。",
                         "Enter a new 4-digit PIN, then enter it again to confirm and press \"Next\".")
    APPLIED = Text("申請完了", "Application complete")
    APPLIED_BODY = Text("スマホ用電子証明書の利用申請が完了しました。"
                        "プッシュ通知が届いたら「登録する」に進んでください。"
                        "申請がおおむね8:00〜19:30 (平日・土日祝日とも) の場合は数分後、それ以外の時間帯はおおむね"
                        "翌8:00以降に届きます。",
                        "The application is complete. When the push notification arrives, go on to \"Register\". "
                        "It comes within minutes for applications made roughly 8:00-19:30 (any day), otherwise "
                        "at around 8:00 the next morning or later.")
    FAILED = Text("申請できませんでした", "The application failed")
    REGISTER = Text("スマホ電子証明書の登録", "Register the smartphone e-certificate")
    REGISTER_BODY = Text("「登録する」を押すと、発行されたスマホ用電子証明書を"
                         "スマホ内の安全な場所 (GP-SE) に書き込みます。",
                         "\"Register\" writes the issued smartphone certificates into the safe place in the phone "
                         "(the GP-SE).")
    REGISTERED = Text("登録完了", "Registration complete")
    REGISTERED_BODY = Text("スマホ用電子証明書の登録が完了しました。"
                           "生体認証を利用する場合は「生体認証などを利用登録する」を押してください。",
                           "The smartphone certificates are registered. To use biometrics, press "
                           "\"Register biometrics etc.\".")
    INFO = Text("スマホ電子証明書の確認", "Smartphone e-certificate")
    INFO_BODY = Text("GP-SE に格納されている情報です。必要最低限の情報のみ格納されています。",
                     "What the GP-SE holds: only the minimum needed.")
    REVOKE = Text("スマホ用電子証明書の失効", "Revoke the smartphone e-certificate")
    REVOKE_BODY = Text("チェックが入っていることを確認して「はじめる」を押してください。",
                       "Check that the box is ticked and press \"Start\".")
    REVOKE_TARGET = Text("このスマホのスマホ用電子証明書 (署名用・利用者証明用)",
                         "this phone's smartphone certificates (signing and user authentication)")
    REVOKE_NOTES = Text("注意事項: 失効すると、このスマホのスマホ用電子証明書は使えなくなり、スマホ内の関連データも"
                        "削除されます。機種変更で新しいスマホから申請する場合は、この手続きは不要です "
                        "(iPhone への機種変更のときは必要です)。パスワードを入力して「失効」を押してください "
                        "(ラボの想定: 利用者証明用の数字4桁と署名用のどちらのパスワードでも失効できます)。",
                        "Note: after revocation the smartphone certificates of this phone can no longer be used and "
                        "the related data in the phone is deleted. When you change phones by applying on the new "
                        "phone, this procedure is not needed (it is needed when you change to an iPhone). Enter "
                        "your password and press \"Revoke\" (lab assumption: either the 4-digit "
                        "user-authentication PIN or the signing password revokes).")
    REVOKED = Text("失効完了", "Revocation complete")
    REVOKED_BODY = Text("スマホ用電子証明書を失効し、スマホ内の関連データを削除しました。",
                        "The smartphone certificates are revoked and the related data in the phone is deleted.")
    BIO = Text("生体認証などを利用登録する", "Register biometrics")
    BIO_BODY = Text("今後の本人確認で、数字4桁のパスワードの代わりに生体認証 (指紋など) を使えるようにします。"
                    "パスワードを入力し、センサーに触れて「登録する」を押してください。",
                    "Later authentications can use biometrics (fingerprint etc.) instead of the 4-digit PIN. "
                    "Enter the PIN, touch the sensor and press \"Register\".")
    BIO_DONE = Text("生体認証の登録完了", "Biometrics registered")
    LOGIN = Text("マイナポータルにログイン", "Log in to Mynaportal")
    LOGIN_BODY = Text("スマホ用利用者証明用電子証明書でログインします。"
                      "数字4桁のパスワードを入力するか、生体認証を使います。",
                      "Log in with the smartphone user-authentication certificate: enter the 4-digit PIN or use "
                      "biometrics.")
    PORTAL = Text("マイナポータル (ログイン中)", "Mynaportal (logged in)")
    HISTORY = Text("利用履歴", "Usage history")
    HISTORY_BODY = Text("身に覚えのない操作がないか確認してください。", "Check for operations you do not recognise.")
    CARD_FOUND = Text("スマホ用電子証明書の一時利用停止の解除", "Lift the suspension of the smartphone e-certificate")
    CARD_FOUND_BODY = Text("見つかったマイナンバーカードで本人確認すると、利用者証明用の一時利用停止が解除され、"
                           "署名用は再発行されます (あらためて「登録する」が必要です)。",
                           "Proving your identity with the found My Number Card lifts the suspension of the "
                           "user-authentication certificate; the signing certificate is re-issued (register it "
                           "again).")
    PW = Text("パスワード", "Password")
    PW_AGAIN = Text("パスワード (確認)", "Password (again)")
    PIN = Text("暗証番号 (数字4桁)", "PIN (4 digits)")
