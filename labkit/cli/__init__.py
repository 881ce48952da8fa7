"""The ``labkit`` command. Each actor contributes a sub-command module with a
``register(subparsers)`` function; this module only wires them together."""

from __future__ import annotations

import argparse
import importlib
import sys

from ..errors import LabkitError

#: Sub-command modules, in the order ``labkit --help`` lists them.
_COMMANDS = ("pki", "card", "se", "jlis", "texts")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="labkit",
        description="スマホ用電子証明書ラボ / smartphone e-certificate lab",
    )
    parser.add_argument("--lang", choices=("ja", "en"), default="ja",
                        help="message language (default ja)")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in _COMMANDS:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except LabkitError as exc:
        print(f"labkit: {exc.message(args.lang)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
