"""``labkit se``: the phone's GP secure element.

- ``labkit se emulate [--port 35964] [--state FILE] [--sample-certificates]`` puts the SE into
  pcscd's virtual reader (vpcd slot 1 by default) with the GlobalPlatform default test keys
  ``40..4F`` (KVN 30), so GP tools (``gp -l``, GPShell, pySim) can authenticate, list the
  content and read the ARA-M rules. It prints the keys it uses.
- ``labkit se inventory --state FILE``: 「スマホ電子証明書の確認」 and the security event log.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..i18n import Text
from ..reader import VPCD_PORT
from ..se import SecureElement
from ._common import say, serve_in_virtual_reader

__all__ = ["DEFAULT_PORT", "register"]

#: vpcd slot 1: the card uses slot 0 (35963), the phone's SE slot 1.
DEFAULT_PORT = VPCD_PORT + 1


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "se", help="スマホの GP-SE: 仮想リーダーで動かす / 中身を見る (phone secure element)")
    sub = parser.add_subparsers(dest="se_command", required=True)

    emulate = sub.add_parser("emulate", help="SE を仮想リーダー (vpcd) に挿入する / insert the SE into vpcd")
    emulate.add_argument("--port", type=int, default=DEFAULT_PORT,
                         help=f"vpcd port: 35963 = slot 0, 35964 = slot 1 (default {DEFAULT_PORT})")
    emulate.add_argument("--host", default="127.0.0.1", help="vpcd host (default 127.0.0.1)")
    emulate.add_argument("--state", type=Path, default=None,
                         help="SE store (SQLite): reopened if it exists, else created (default: in memory)")
    emulate.add_argument("--sample-certificates", action="store_true",
                         help="new SE: generate JPKI keys inside the SE and write sample smartphone "
                              "certificates from the lab J-LIS (PIN 1234, password ABC123)")
    emulate.add_argument("--pki-db", default=None,
                         help="lab J-LIS store for --sample-certificates (default: the shared lab PKI that "
                              "`labkit jlis serve` answers for; ':memory:' for a private one)")
    emulate.set_defaults(func=_emulate)

    inventory = sub.add_parser("inventory", help="SE の中身とイベント記録 / what the SE stores, and its event log")
    inventory.add_argument("--state", type=Path, required=True, help="SE store (SQLite)")
    inventory.set_defaults(func=_inventory)


def _sample_certificates(se: SecureElement, pki_db: str | None = None) -> None:
    from cryptography.hazmat.primitives.serialization import Encoding

    from ..card import KeyRole
    from ..clock import SystemClock, to_jst
    from ..pki import PHONE_AUTH, PHONE_SIGN, CaKind, Jpki
    from ..pki.shared import open_lab_store
    from .card import SAMPLE_AUTH_PIN, SAMPLE_SIGN_PASSWORD, sample_holder

    jpki_ap = se.jpki
    if jpki_ap is None or jpki_ap.has_anything():
        return
    clock = SystemClock()
    pki = Jpki.create(open_lab_store(pki_db), clock)
    holder = sample_holder(to_jst(clock.now()).date())
    for role, profile, kind in ((KeyRole.AUTH, PHONE_AUTH, CaKind.AUTH), (KeyRole.SIGN, PHONE_SIGN, CaKind.SIGN)):
        certificate = pki.issue(profile, jpki_ap.generate_key(role), holder)
        jpki_ap.write_certificate(role, certificate.public_bytes(Encoding.DER))
        jpki_ap.write_ca_certificate(role, pki.ca(kind).der)  # so PC-side JPKI clients find EF 0002/000B
    jpki_ap.set_pin(KeyRole.AUTH, SAMPLE_AUTH_PIN)
    jpki_ap.set_pin(KeyRole.SIGN, SAMPLE_SIGN_PASSWORD)
    se.save()


def _print_keys(args: argparse.Namespace, se: SecureElement) -> None:
    aid = se.isd.aid.hex().upper()
    lines = [Text(f"ISD (カード管理) AID: {aid}", f"ISD (card manager) AID: {aid}"),
             Text(f"SCP03 i={se.isd.config.scp_i:02X}、使用する鍵 (GlobalPlatform テスト鍵):",
                  f"SCP03 i={se.isd.config.scp_i:02X}, keys in use (GlobalPlatform test keys):")]
    for kvn, slot in sorted(se.isd.keys.slots.items()):
        enc, mac, dek = slot.keys.enc.hex().upper(), slot.keys.mac.hex().upper(), slot.keys.dek.hex().upper()
        kcvs = " ".join(k.hex().upper() for k in slot.keys.kcvs)
        text = f"  KVN {kvn:02X}: ENC {enc}  MAC {mac}  DEK {dek}  (KCV {kcvs})"
        lines.append(Text(text, text))
    for line in lines:
        say(args, line)


def _emulate(args: argparse.Namespace) -> int:
    from ..phone.apps import MYNAPORTAL

    # As in a phone: the ARA-M reserves the JPKI AP for the lab Mynaportal app's certificate
    # hash, and lets every app reach the wallet.
    se = SecureElement(args.state, mynaportal=MYNAPORTAL.identity)
    if args.sample_certificates:
        _sample_certificates(se, args.pki_db)
    _print_keys(args, se)
    return serve_in_virtual_reader(
        args, se, finish=se.close,
        inserting=Text(
            f"スマホの GP-SE を仮想リーダー ({args.host}:{args.port}) に挿入します。"
            "pcscd が起動していなければ待ちます。Ctrl+C で取り出します",
            f"inserting the phone's GP-SE into the virtual reader at {args.host}:{args.port} "
            "(waiting for pcscd if needed); Ctrl+C removes it"),
        removed=lambda n: Text(f"SE を取り出しました ({n} APDU)", f"SE removed ({n} APDUs)"))


def _inventory(args: argparse.Namespace) -> int:
    if not args.state.exists():
        say(args, Text(f"SE ストアがありません: {args.state}", f"no SE store at {args.state}"), file=sys.stderr)
        return 2
    with SecureElement(args.state) as se:
        inventory = se.inventory()
        say(args, Text(f"SE の状態: {inventory.card_state.name}", f"SE state: {inventory.card_state.name}"))
        print(inventory.summary(args.lang))
        for event in se.events():
            print(f"#{event.seq} {event.at.isoformat(timespec='seconds')} {event.kind.value}: "
                  f"{event.message.get(args.lang)}")
    return 0
