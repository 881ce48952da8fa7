"""``labkit pki``: the lab J-LIS PKI from the command line.

- ``labkit pki demo --out DIR [--now ISO] [--base-url URL] [--db FILE]`` writes a complete sample set
  (roots, OCSP responders, a resident's four certificates, a held and a revoked
  certificate, both CRLs) with a bilingual README, for lecturers and ``openssl`` exercises.
"""

from __future__ import annotations

import argparse
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding

from ..clock import SimulatedClock, SystemClock, parse_time, to_jst
from ..errors import InputError
from ..i18n import Text
from ..pki import (
    CARD_AUTH,
    CARD_SIGN,
    DEFAULT_BASE_URL,
    PHONE_AUTH,
    PHONE_SIGN,
    BasicAttributes,
    CaKind,
    Holder,
    Jpki,
    Reason,
    Sex,
    nth_birthday_after,
)
from ..pki.shared import open_lab_store

__all__ = ["demo", "register"]


def _resident(holder_id: str, name: str, sex: Sex, birth: date, address: str, today: date) -> Holder:
    """A fictitious resident of Kiyose-shi whose card runs to the 10th birthday after today."""
    return Holder(holder_id, BasicAttributes(name, sex, birth, address), "Tokyo", "Kiyose-shi",
                  nth_birthday_after(birth, today, 10))


_FILES: list[tuple[str, Text]] = [
    ("sign-ca.pem", Text("署名用認証局のルート証明書 (自己署名、演習用 JPKI-LAB)",
                         "root of the signing CA (self-signed, lab-only JPKI-LAB)")),
    ("auth-ca.pem", Text("利用者証明用認証局のルート証明書", "root of the user-authentication CA")),
    ("ocsp-sign.pem", Text("署名用認証局の OCSP レスポンダ証明書 (委任、id-kp-OCSPSigning)",
                           "delegated OCSP responder of the signing CA (id-kp-OCSPSigning)")),
    ("ocsp-auth.pem", Text("利用者証明用認証局の OCSP レスポンダ証明書", "OCSP responder of the user-auth CA")),
    ("card-sign.pem", Text("見本 花子さんのカードの署名用電子証明書 (基本4情報入り)",
                           "the sample resident's card signing certificate (four basic attributes)")),
    ("card-auth.pem", Text("同じく利用者証明用電子証明書 (個人情報なし)",
                           "her card user-authentication certificate (no personal data)")),
    ("phone-sign.pem", Text("スマホ用署名用電子証明書 (証明書ポリシーだけがカード用と違う)",
                            "her smartphone signing certificate (differs from the card one by policy OID)")),
    ("phone-auth.pem", Text("スマホ用利用者証明用電子証明書", "her smartphone user-authentication certificate")),
    ("held.pem", Text("見本 太郎さんの利用者証明用電子証明書: 一時保留中 (certificateHold)",
                      "a second resident's user-auth certificate, on hold (certificateHold)")),
    ("revoked.pem", Text("見本 太郎さんの署名用電子証明書: 失効 (keyCompromise)",
                         "the second resident's signing certificate, revoked (keyCompromise)")),
    ("sign-ca.crl", Text("署名用認証局の CRL (DER)。revoked.pem が載っている",
                         "CRL of the signing CA (DER); lists revoked.pem")),
    ("auth-ca.crl", Text("利用者証明用認証局の CRL (DER)。held.pem が載っている",
                         "CRL of the user-auth CA (DER); lists held.pem")),
]


def _readme(now: datetime, base_url: str) -> str:
    lines = ["JPKI-LAB サンプル一式 / JPKI-LAB sample set", "",
             f"作成時刻 (ラボの時計) / lab clock: {to_jst(now).isoformat()} (epoch {int(now.timestamp())})",
             f"ベースURL / base URL: {base_url}", "",
             "これは演習用の認証局です。本物の J-LIS の証明書ではありません。",
             "This is a teaching CA. Nothing here is a real J-LIS certificate.", ""]
    for name, text in _FILES:
        lines += [f"{name}", f"  {text.ja}", f"  {text.en}"]
    lines += ["README.txt", "  このファイル", "  this file", "",
              "試してみる / try:",
              "  openssl x509 -in card-sign.pem -noout -text",
              "  openssl verify -CAfile sign-ca.pem card-sign.pem",
              "  openssl crl -inform DER -in sign-ca.crl -out sign-ca.crl.pem",
              f"  openssl verify -crl_check -attime {int(now.timestamp())} -CAfile sign-ca.pem -CRLfile sign-ca.crl.pem"
              " revoked.pem",
              "  (-attime: ラボの時計で作った CRL は実時間では期限切れのことがある /",
              "   the CRL follows the lab clock, so give openssl the same time)",
              f"  openssl ocsp -issuer auth-ca.pem -cert phone-auth.pem -CAfile auth-ca.pem -url {base_url}/ocsp",
              "  (OCSP: `labkit jlis serve` が同じラボ認証局 (既定の共有ストア) で動いているとき /",
              "   needs `labkit jlis serve` running on the same lab PKI, the default shared store)", ""]
    return "\n".join(lines)


#: The sample certificates are issued this long before the CRLs are made, and held/revoked
#: shortly before, so every CRL is dated at generation (never after) and strictly after
#: every revocation date in it (interop review §3.2).
ISSUE_BEFORE = timedelta(minutes=30)
REVOKE_BEFORE = timedelta(minutes=1)


def demo(out: Path, *, now: str | None = None, base_url: str = DEFAULT_BASE_URL,
         db: str | None = None) -> list[Path]:
    """Write the sample set into ``out``; returns the files written. ``db`` is the PKI store
    (default: the shared lab PKI that ``labkit jlis serve`` answers for)."""
    generated = parse_time(now) if now else SystemClock().now().replace(microsecond=0)
    clock = SimulatedClock(generated - ISSUE_BEFORE)
    jpki = Jpki.create(open_lab_store(db), clock, base_url=base_url)
    # A CA already in the shared store may be younger than 30 minutes: issue once it exists.
    born = max(jpki.ca(kind).certificate.not_valid_before_utc for kind in CaKind)
    issued_at = max(clock.now(), born)
    clock.set(issued_at)
    today = to_jst(clock.now()).date()
    hanako = _resident("sample-resident", "見本\u3000花子", Sex.FEMALE, date(1990, 2, 17),
                       "東京都清瀬市中里５丁目８４２番地", today)
    taro = _resident("sample-resident-2", "見本\u3000太郎", Sex.MALE, date(1985, 11, 3),
                     "東京都清瀬市中里５丁目８４２番地", today)

    def issue(profile: Any, holder: Holder) -> x509.Certificate:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # stands in for the card/SE key
        return jpki.issue(profile, key.public_key(), holder)

    certs = {"card-sign": issue(CARD_SIGN, hanako), "card-auth": issue(CARD_AUTH, hanako),
             "phone-sign": issue(PHONE_SIGN, hanako), "phone-auth": issue(PHONE_AUTH, hanako),
             "held": issue(CARD_AUTH, taro), "revoked": issue(CARD_SIGN, taro)}
    clock.set(max(issued_at, generated - REVOKE_BEFORE))
    jpki.hold(certs["held"].serial_number)                           # phone lost: hotline call
    jpki.revoke(certs["revoked"].serial_number, Reason.KEY_COMPROMISE)
    clock.set(generated)

    out.mkdir(parents=True, exist_ok=True)
    blobs: dict[str, bytes] = {
        "sign-ca.pem": jpki.ca(CaKind.SIGN).certificate.public_bytes(Encoding.PEM),
        "auth-ca.pem": jpki.ca(CaKind.AUTH).certificate.public_bytes(Encoding.PEM),
        "ocsp-sign.pem": jpki.responder(CaKind.SIGN).public_bytes(Encoding.PEM),
        "ocsp-auth.pem": jpki.responder(CaKind.AUTH).public_bytes(Encoding.PEM),
        **{f"{name}.pem": cert.public_bytes(Encoding.PEM) for name, cert in certs.items()},
        "sign-ca.crl": jpki.crl(CaKind.SIGN),
        "auth-ca.crl": jpki.crl(CaKind.AUTH),
        "README.txt": _readme(clock.now(), jpki.urls.base_url).encode("utf-8"),
    }
    written = []
    for name, data in blobs.items():
        (out / name).write_bytes(data)
        written.append(out / name)
    return written


def _run_demo(args: argparse.Namespace) -> int:
    try:
        files = demo(args.out, now=args.now, base_url=args.base_url, db=args.db)
    except ValueError as exc:  # parse_time says "ja / en"
        ja, _, en = str(exc).partition(" / ")
        raise InputError(Text(ja, en or ja)) from exc
    for path in files:
        print(path)
    return 0


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("pki", help="演習用 J-LIS 認証局 / the lab J-LIS PKI")
    sub = parser.add_subparsers(dest="pki_command", required=True)
    demo_parser = sub.add_parser("demo", help="サンプル証明書・CRL 一式を書き出す / write a sample certificate set")
    demo_parser.add_argument("--out", type=Path, required=True, help="output directory (created if missing)")
    demo_parser.add_argument("--now", default=None,
                             help="lab clock, ISO 8601 (e.g. 2026-04-01T10:00:00+09:00; default: now)")
    demo_parser.add_argument("--base-url", default=DEFAULT_BASE_URL,
                             help=f"lab J-LIS base URL written into the certificates (default {DEFAULT_BASE_URL})")
    demo_parser.add_argument("--db", default=None,
                             help="lab PKI store (default: the shared one `labkit jlis serve` answers for; "
                                  "':memory:' for a private CA)")
    demo_parser.set_defaults(func=_run_demo)
