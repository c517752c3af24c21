"""Pure rules of the 发文 register (DOC-1; 党政机关公文处理工作条例 第九条, GB/T 9704-2012 §7.2.4): no Django.

发文字号 = 发文机关代字 + 年份 + 发文顺序号: the year in 六角括号 〔〕, the number without leading zeros and
without 第, e.g. 示范省委组〔2026〕3号.
"""

from __future__ import annotations

import re

MAX_CODE = 32


def default_organ_code(name: str, short_name: str = "") -> str:
    """The 机关代字 of an organization's organization department, from its short name or name.

    "示范省委" → "示范省委组"; "中共甲市委员会" → "甲市委组"; "中共示范省直属机关工作委员会" → "示范省直属机关工委组".
    """
    base = (short_name or name).strip()
    base = re.sub(r"^中共", "", base)
    base = base.replace("工作委员会", "工委")
    base = re.sub(r"委员会$", "委", base)
    if not base:
        return "组"
    return (base if base.endswith("组") else base + "组")[:MAX_CODE]


def clean_code(code: str) -> str:
    """A configured 机关代字: trimmed, no brackets or digits (those belong to the year and the number)."""
    value = "".join(code.split())
    if not value or len(value) > MAX_CODE or re.search(r"[〔〕\[\]()（）0-9０-９号]", value):
        return ""
    return value


def document_number(code: str, year: int, sequence: int) -> str:
    """示范省委组〔2026〕3号."""
    return f"{code}〔{year}〕{sequence}号"
