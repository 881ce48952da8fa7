"""ISO/IEC 7816-4 status words (plus the GlobalPlatform ``63 10``), with their meanings in
Japanese and English so that a trace can explain every response."""

from __future__ import annotations

from enum import IntEnum

from ..i18n import Text


class SW(IntEnum):
    """Fixed status words. Families with a variable SW2 (61xx, 63Cx, 6Cxx) have helpers."""

    OK = 0x9000
    MORE_DATA_BASE = 0x6100  # 61xx: xx more bytes, fetch with GET RESPONSE
    DATA_MAY_BE_CORRUPTED = 0x6281
    END_OF_FILE = 0x6282  # fewer than Le bytes before the end of the EF
    SELECTED_FILE_INVALIDATED = 0x6283  # GP: card is CARD_LOCKED
    GP_MORE_DATA = 0x6310  # GP GET STATUS / GET DATA: more data available
    VERIFY_FAILED_BASE = 0x63C0  # 63Cx: verification failed, x tries left
    EXECUTION_ERROR = 0x6400
    MEMORY_FAILURE = 0x6581
    WRONG_LENGTH = 0x6700
    LOGICAL_CHANNEL_NOT_SUPPORTED = 0x6881
    SECURE_MESSAGING_NOT_SUPPORTED = 0x6882
    COMMAND_CHAINING_NOT_SUPPORTED = 0x6884
    INCOMPATIBLE_FILE_STRUCTURE = 0x6981
    SECURITY_STATUS_NOT_SATISFIED = 0x6982
    AUTH_METHOD_BLOCKED = 0x6983
    REFERENCE_DATA_BLOCKED = 0x6984  # JPKI: the PIN is locked
    CONDITIONS_NOT_SATISFIED = 0x6985
    NO_CURRENT_EF = 0x6986
    INCORRECT_SM_DATA = 0x6988
    WRONG_DATA = 0x6A80
    FUNCTION_NOT_SUPPORTED = 0x6A81
    FILE_NOT_FOUND = 0x6A82
    NOT_ENOUGH_MEMORY = 0x6A84
    INCORRECT_P1P2 = 0x6A86
    REFERENCED_DATA_NOT_FOUND = 0x6A88
    WRONG_P1P2 = 0x6B00  # JPKI: offset beyond the end of the EF
    WRONG_LE_BASE = 0x6C00  # 6Cxx: wrong Le, the exact length is xx
    INS_NOT_SUPPORTED = 0x6D00
    CLA_NOT_SUPPORTED = 0x6E00
    NO_PRECISE_DIAGNOSIS = 0x6F00


def sw_more_data(remaining: int) -> int:
    """61xx; xx = 00 means 256 or more bytes are waiting."""
    return 0x6100 | (remaining if remaining < 256 else 0)


def sw_tries_left(tries: int) -> int:
    """63Cx with x = tries left (0–15)."""
    if not 0 <= tries <= 15:
        raise ValueError(f"tries must be 0..15, got {tries}")
    return 0x63C0 | tries


def tries_from_sw(sw: int) -> int | None:
    """Tries left from a 63Cx status word, else None."""
    return sw & 0x0F if sw & 0xFFF0 == 0x63C0 else None


def is_success(sw: int) -> bool:
    """9000 and 61xx mean the command worked."""
    return sw == SW.OK or sw >> 8 == 0x61


_MEANINGS: dict[int, Text] = {
    SW.OK: Text("正常終了", "success"),
    SW.DATA_MAY_BE_CORRUPTED: Text("返すデータが壊れている可能性", "part of the data may be corrupted"),
    SW.END_OF_FILE: Text("Le バイトに達する前にファイルの終わり", "end of file before Le bytes"),
    SW.SELECTED_FILE_INVALIDATED: Text("カードはロック状態 (CARD_LOCKED)", "card is locked (CARD_LOCKED)"),
    SW.GP_MORE_DATA: Text("続きのデータあり", "more data available"),
    SW.EXECUTION_ERROR: Text("実行エラー (状態は変わらず)", "execution error, state unchanged"),
    SW.MEMORY_FAILURE: Text("メモリ障害", "memory failure"),
    SW.WRONG_LENGTH: Text("Lc または Le の長さが不正", "wrong length (Lc or Le)"),
    SW.LOGICAL_CHANNEL_NOT_SUPPORTED: Text("その論理チャネルは使えない", "logical channel not supported"),
    SW.SECURE_MESSAGING_NOT_SUPPORTED: Text("セキュアメッセージング未対応", "secure messaging not supported"),
    SW.COMMAND_CHAINING_NOT_SUPPORTED: Text("コマンドチェイニング未対応", "command chaining not supported"),
    SW.INCOMPATIBLE_FILE_STRUCTURE: Text("ファイル構造と合わないコマンド",
                                         "command incompatible with the file structure"),
    SW.SECURITY_STATUS_NOT_SATISFIED: Text(
        "セキュリティ条件を満たしていない (暗証番号の照合が必要)",
        "security status not satisfied (PIN verification needed)"),
    SW.AUTH_METHOD_BLOCKED: Text("認証方法がブロックされている", "authentication method blocked"),
    SW.REFERENCE_DATA_BLOCKED: Text("暗証番号がロックされている", "reference data (PIN) is blocked"),
    SW.CONDITIONS_NOT_SATISFIED: Text("使用条件を満たしていない", "conditions of use not satisfied"),
    SW.NO_CURRENT_EF: Text("ファイルが選択されていない", "no current EF selected"),
    SW.INCORRECT_SM_DATA: Text("セキュアメッセージングのデータが不正 (MAC 不一致)",
                               "incorrect secure messaging data (MAC mismatch)"),
    SW.WRONG_DATA: Text("データフィールドが不正", "incorrect data field"),
    SW.FUNCTION_NOT_SUPPORTED: Text("機能未対応", "function not supported"),
    SW.FILE_NOT_FOUND: Text("ファイルまたはアプリケーションが見つからない", "file or application not found"),
    SW.NOT_ENOUGH_MEMORY: Text("メモリ不足", "not enough memory"),
    SW.INCORRECT_P1P2: Text("P1-P2 が不正", "incorrect P1-P2"),
    SW.REFERENCED_DATA_NOT_FOUND: Text("参照データが見つからない", "referenced data not found"),
    SW.WRONG_P1P2: Text("オフセットがファイルの範囲外", "wrong P1-P2 (offset outside the file)"),
    SW.INS_NOT_SUPPORTED: Text("命令 (INS) 未対応", "instruction (INS) not supported"),
    SW.CLA_NOT_SUPPORTED: Text("クラス (CLA) 未対応", "class (CLA) not supported"),
    SW.NO_PRECISE_DIAGNOSIS: Text("原因不明のエラー", "no precise diagnosis"),
}


def describe_sw(sw: int) -> Text:
    """A bilingual explanation of any status word."""
    if sw in _MEANINGS:
        return _MEANINGS[sw]
    sw1, sw2 = sw >> 8, sw & 0xFF
    if sw1 == 0x61:
        n = sw2 or 256
        return Text(f"応答データが {n} バイト残っている (GET RESPONSE)",
                    f"{n} more bytes available (GET RESPONSE)")
    if sw & 0xFFF0 == 0x63C0:
        n = sw & 0x0F
        if n == 0:
            return Text("照合不一致: 残り 0 回 (ロック)", "verification failed: 0 tries left (blocked)")
        return Text(f"照合不一致または残り回数: 残り {n} 回",
                    f"verification failed or query: {n} {'try' if n == 1 else 'tries'} left")
    if sw1 == 0x6C:
        return Text(f"Le が不正: 正しい長さは {sw2 or 256}", f"wrong Le: exact length is {sw2 or 256}")
    return Text(f"未定義のステータス {sw:04X}", f"unknown status {sw:04X}")
