"""How the hotline (24時間365日) compares the name a caller gives with J-LIS's record
(reliability review F6): both sides are normalised the same way, so a name registered with
full-width letters or digits, or with a CJK compatibility ideograph (U+FA19 神 for 神),
is found however the caller's name is typed.

1. NFKC: full-width ASCII → ASCII, compatibility ideographs → their unified form.
2. Common 異体字 of surnames folded to one form (:data:`VARIANTS`). ラボの想定 / lab
   assumption: the lecture does not say how J-LIS matches variant kanji; the lab treats
   these well-known pairs as the same name because a caller cannot say which one the
   register holds, and the date of birth (and the address when needed) still has to match.
3. Any run of spaces (half- or full-width) becomes one U+3000.
"""

from __future__ import annotations

import unicodedata

__all__ = ["VARIANTS", "name_key"]

#: 異体字 → the form compared (unified ideographs NFKC leaves apart).
VARIANTS = str.maketrans({
    "髙": "高", "﨑": "崎", "嵜": "崎", "邊": "辺", "邉": "辺", "齋": "斉", "齊": "斉", "斎": "斉",
    "濵": "浜", "濱": "浜", "澤": "沢", "櫻": "桜", "瀨": "瀬", "德": "徳", "嶋": "島", "嶌": "島",
    "廣": "広", "國": "国", "眞": "真", "冨": "富", "𠮷": "吉", "藏": "蔵", "條": "条",
    "槇": "槙", "萬": "万", "與": "与", "龍": "竜", "惠": "恵", "壽": "寿",
})


def name_key(name: str) -> str:
    """The form names are compared in (see the module docstring)."""
    return "\u3000".join(unicodedata.normalize("NFKC", name).translate(VARIANTS).split())
