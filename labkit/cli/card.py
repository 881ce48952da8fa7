"""``labkit card``: put an emulated My Number Card into pcscd's virtual reader, or read the
card in any PC/SC reader (a real card on a USB NFC reader works the same).

- ``labkit card emulate [--port 35963] [--auth-pin PIN] [--sign-password PW] [--state FILE]``
- ``labkit card read [--reader N|NAME] [--sign-password PW]``
- ``labkit card sign --role sign|auth --pin-file F IN OUT.p7s [--reader N|NAME]``: a CMS
  detached signature (RFC 5652) made by the card's key
- ``labkit card readers``
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from cryptography import x509

from ..card import KeyRole, MyNumberCard
from ..card.personalise import personalise
from ..clock import SystemClock, to_jst
from ..errors import InputError
from ..i18n import Text
from ..pki import BasicAttributes, Holder, Jpki, Sex
from ..pki.cms import sign_detached
from ..pki.shared import open_lab_store
from ..reader import VPCD_PORT, CardSigner, JpkiClient, PcscTransport, list_readers
from ._common import say, serve_in_virtual_reader

__all__ = ["register", "sample_holder"]

SAMPLE_AUTH_PIN = "1234"
SAMPLE_SIGN_PASSWORD = "ABC123"
SAMPLE_MY_NUMBER = "123456789018"


def sample_holder(today: date) -> Holder:
    """The course's sample resident (見本 花子, Kiyose-shi), card valid for ten years."""
    birth = date(1990, 2, 17)
    return Holder("sample-resident", BasicAttributes("見本\u3000花子", Sex.FEMALE, birth,
                                                     "東京都清瀬市中里５丁目８４２番地"),
                  "Tokyo", "Kiyose-shi", date(today.year + 10, birth.month, birth.day))


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "card", help="マイナンバーカード: 仮想リーダーで模擬カードを動かす / 読む (emulate or read a card)")
    sub = parser.add_subparsers(dest="card_command", required=True)

    emulate = sub.add_parser("emulate", help="模擬カードを仮想リーダー (vpcd) に挿入する / insert an emulated card")
    emulate.add_argument("--port", type=int, default=VPCD_PORT,
                         help="vpcd port: 35963 = slot 0, 35964 = slot 1 (default 35963)")
    emulate.add_argument("--host", default="127.0.0.1", help="vpcd host (default 127.0.0.1)")
    emulate.add_argument("--auth-pin", default=None,
                         help=f"利用者証明用暗証番号 for a new card (default {SAMPLE_AUTH_PIN})")
    emulate.add_argument("--sign-password", default=None,
                         help=f"署名用パスワード for a new card (default {SAMPLE_SIGN_PASSWORD})")
    emulate.add_argument("--state", type=Path, default=None,
                         help="card state file: loaded if it exists, else created; PIN counters are saved back")
    emulate.add_argument("--pki-db", default=None,
                         help="lab J-LIS store (SQLite) that issues the certificates (default: the shared "
                              "lab PKI that `labkit jlis serve` answers for; ':memory:' for a private one)")
    emulate.set_defaults(func=_emulate)

    read = sub.add_parser("read", help="リーダーのカードの証明書と残り回数を表示 / show certificates and PIN tries")
    read.add_argument("--reader", default=None, help="reader number or name (default: first reader with a card)")
    read.add_argument("--sign-password", default=None,
                      help="署名用パスワード: also read the signing certificate (uses a try if wrong)")
    read.set_defaults(func=_read)

    sign = sub.add_parser("sign", help="カードの鍵で CMS 署名 (detached) を作る / CMS detached signature by the card")
    sign.add_argument("--role", choices=[r.value for r in KeyRole], default=KeyRole.SIGN.value,
                      help="sign = 署名用電子証明書 (default), auth = 利用者証明用電子証明書")
    sign.add_argument("--pin-file", type=Path, required=True,
                      help="file holding the 署名用パスワード (role sign) or 利用者証明用暗証番号 (role auth)")
    sign.add_argument("--reader", default=None, help="reader number or name (default: first reader with a card)")
    sign.add_argument("input", type=Path, help="file to sign (not embedded: a detached signature)")
    sign.add_argument("output", type=Path, help="where to write the DER CMS SignedData (.p7s)")
    sign.set_defaults(func=_sign)

    readers = sub.add_parser("readers", help="PC/SC リーダーの一覧 / list PC/SC readers")
    readers.set_defaults(func=_readers)


# -- emulate ---------------------------------------------------------------------------------
def _make_card(args: argparse.Namespace) -> MyNumberCard:
    if args.state is not None and args.state.exists():
        if args.auth_pin or args.sign_password:
            say(args, Text("注意: 保存済みのカードを使うため --auth-pin/--sign-password は無視します",
                            "note: using the saved card, so --auth-pin/--sign-password are ignored"),
                 file=sys.stderr)
        return MyNumberCard.load(args.state, bind=True)
    clock = SystemClock()
    jpki = Jpki.create(open_lab_store(args.pki_db), clock)
    card = personalise(jpki, sample_holder(to_jst(clock.now()).date()), my_number=SAMPLE_MY_NUMBER,
                       auth_pin=args.auth_pin or SAMPLE_AUTH_PIN,
                       sign_password=(args.sign_password or SAMPLE_SIGN_PASSWORD).upper())
    if args.state is not None:
        card.bind(args.state)
    return card


def _emulate(args: argparse.Namespace) -> int:
    card = _make_card(args)

    def finish() -> None:
        if card.state_path is not None:
            card.save(card.state_path)

    return serve_in_virtual_reader(
        args, card, finish=finish,
        inserting=Text(
            f"模擬マイナンバーカードを仮想リーダー ({args.host}:{args.port}) に挿入します。"
            "pcscd が起動していなければ待ちます。Ctrl+C で取り出します",
            f"inserting the emulated My Number Card into the virtual reader at {args.host}:{args.port} "
            "(waiting for pcscd if needed); Ctrl+C removes it"),
        removed=lambda n: Text(f"カードを取り出しました ({n} APDU)", f"card removed ({n} APDUs)"))


# -- read ------------------------------------------------------------------------------------
def _reader_arg(value: str | None) -> str | int | None:
    return int(value) if value is not None and value.isdigit() else value


def _describe(cert: x509.Certificate, title: Text, lang: str) -> list[str]:
    fmt = "%Y-%m-%d %H:%M:%S JST"
    start = to_jst(cert.not_valid_before_utc).strftime(fmt)
    end = to_jst(cert.not_valid_after_utc).strftime(fmt)
    labels = Text("主体|発行者|有効期間|シリアル番号", "subject|issuer|validity|serial").get(lang).split("|")
    return [title.get(lang),
            f"  {labels[0]}: {cert.subject.rfc4514_string()}",
            f"  {labels[1]}: {cert.issuer.rfc4514_string()}",
            f"  {labels[2]}: {start} – {end}",
            f"  {labels[3]}: {cert.serial_number:X}"]


def _read(args: argparse.Namespace) -> int:
    transport = PcscTransport(_reader_arg(args.reader))
    client = JpkiClient(transport)
    with transport:
        certs = client.read_certificates(sign_password=args.sign_password)
        lines = [Text(f"リーダー: {transport.name}", f"reader: {transport.name}").get(args.lang),
                 f"ATR: {transport.atr.hex(' ').upper()}",
                 Text(f"トークン: {client.token_label()}", f"token: {client.token_label()}").get(args.lang)]
        lines += _describe(certs.auth, Text("利用者証明用電子証明書", "user authentication certificate"), args.lang)
        if certs.sign is not None:
            lines += _describe(certs.sign, Text("署名用電子証明書", "digital signature certificate"), args.lang)
        else:
            lines.append(Text("署名用電子証明書: (読むには --sign-password が必要)",
                              "digital signature certificate: (needs --sign-password)").get(args.lang))
        lines += _describe(certs.auth_ca, Text("利用者証明用CA証明書", "user authentication CA"), args.lang)
        lines += _describe(certs.sign_ca, Text("署名用CA証明書", "digital signature CA"), args.lang)
        lines.append(Text("暗証番号の残り回数", "PIN tries left").get(args.lang))
        for role in (KeyRole.AUTH, KeyRole.SIGN):
            lines.append("  " + client.pin_tries(role).describe().get(args.lang))
    print("\n".join(lines))
    return 0


# -- sign ------------------------------------------------------------------------------------
def _read_input(path: Path, what: Text) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(Text(f"{what.ja}を読めません: {path}", f"cannot read the {what.en}: {path}"),
                         cause=exc.strerror) from exc


def _sign(args: argparse.Namespace) -> int:
    """The signature is made inside the card (``80 2A``) over PC/SC; ``openssl cms -verify
    -binary -content IN -CAfile <lab root>`` accepts it."""
    role = KeyRole(args.role)
    pin = _read_input(args.pin_file, Text("暗証番号ファイル", "PIN file")).decode("utf-8", "replace").strip()
    data = _read_input(args.input, Text("署名するファイル", "input file"))
    transport = PcscTransport(_reader_arg(args.reader))
    with transport:
        signer = CardSigner(JpkiClient(transport), role, pin=pin)
        signature = sign_detached(data, signer, clock=SystemClock())
    try:
        args.output.write_bytes(signature)
    except OSError as exc:
        raise InputError(Text(f"署名を書き込めません: {args.output}", f"cannot write the signature: {args.output}"),
                         cause=exc.strerror) from exc
    say(args, Text(f"{args.output} に署名を書きました ({len(signature)} バイト)",
                   f"wrote the signature to {args.output} ({len(signature)} bytes)"))
    return 0


def _readers(args: argparse.Namespace) -> int:
    readers = list_readers()
    if not readers:
        say(args, Text("リーダーがありません", "no readers"))
        return 1
    for r in readers:
        card = (Text("カードあり", "card present") if r.card_present else Text("カードなし", "empty")).get(args.lang)
        print(f"{r.index}: {r.name} ({card}{': ' + r.atr.hex(' ').upper() if r.atr else ''})")
    return 0
