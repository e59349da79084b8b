"""What each standard table is, recognised by what its title means (not by number).

Xinjiang titles (部门收支总体情况表 …), 单位 variants (单位收支总体情况表) and other provinces'
templates (部门财务收支预算总表, 一般公共预算基本支出部门预算经济分类预算表,
“三公”经费和机关运行经费预算表 …) map to the same kinds. Rules are tried in order.
"""

from __future__ import annotations

import re

from pipeline import vocabulary

# (kind, title must match, title must not match)
_RULES: list[tuple[str, str, str | None]] = [
    ("performance", r"绩效", None),
    ("three_public", r"三公", None),
    ("entrusted_services", r"委托业务", None),
    ("operating_funds", r"机关运行经费", None),  # its own table in some templates; the narrative states it
    ("carryover", r"结转结余|结转和结余", None),
    ("government_fund", r"政府性基金", None),
    ("state_capital", r"国有资本经营", None),
    # final accounts (决算) print 收入支出 where budgets print 收支: 财政拨款收入支出决算(总)表,
    # 收入支出决算(总)表; 一般公共预算财政拨款收入支出决算表 is the 一般公共预算 table
    ("fiscal_summary", r"财政拨款.*(收支|收入支出决算)", r"一般公共预算财政拨款收入支出决算"),
    (
        "budget_summary",
        r"收支.*(总体|总表|总体情况)|收支预算总表|收入支出决算总?表",
        r"一般公共预算财政拨款收入支出决算",
    ),
    ("income", r"收入.*(总体|总表|预算表)|收入决算表", None),
    ("basic_expenditure", r"基本支出", None),
    ("project_expenditure", r"项目支出|专项业务经费", None),
    ("gpb_expenditure", r"一般公共预算.*支出", None),
    ("expenditure", r"支出.*(总体|总表|预算表)|支出决算表", None),
]

#: Tables recognised so they end the table above them, but not read (绩效目标; 机关运行经费, which
#: the narrative states): segmentation drops them, and a contents entry naming one expects nothing.
UNREAD_KINDS = vocabulary.unread_table_kinds()

#: The standard tables a complete disclosure carries (2025 Xinjiang template lacks 委托业务费).
STANDARD_KINDS = list(vocabulary.table_kinds())

_unknown = {kind for kind, _, _ in _RULES} - set(STANDARD_KINDS) - set(UNREAD_KINDS)
assert not _unknown, f"table kinds {_unknown} are not in dbt_project.yml vars table_kinds / unread_table_kinds"

_ENUMERATED = re.compile(r"^(?:[-*•]\s*)?(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.、．])")
_CAPTION = re.compile(r"^表\s*(\d+)(?:\s*[-－]\s*\d+)?\s*[:：.、]?\s*")
_TRAILER = re.compile(r"[（(]续[表]?[）)]$")


_NUMERALS = "一二三四五六七八九"


def numeral_value(text: str) -> int | None:
    """12 for ``12`` and for ``十二``; None for anything else (up to 九十九)."""
    if text.isdigit():
        return int(text)
    match = re.fullmatch(rf"([{_NUMERALS}])?(十)?([{_NUMERALS}])?", text)
    if not text or not match or (match.group(1) and match.group(3) and not match.group(2)):
        return None
    tens = (_NUMERALS.index(match.group(1)) + 1 if match.group(1) else 1) if match.group(2) else 0
    ones = _NUMERALS.index(match.group(3)) + 1 if match.group(3) else 0
    if not match.group(2):  # a single numeral: 三
        ones = _NUMERALS.index(match.group(1)) + 1
    return tens * 10 + ones


def table_caption_number(text: str) -> int | None:
    """The N of a bare caption line ``表 N`` / ``表一`` / ``附表 3`` (its title follows on its own
    line, or only the document's contents name it)."""
    match = re.fullmatch(r"附?表\s*([\d一二三四五六七八九十]+)(?:\s*[-－]\s*\d+)?", text.strip())
    return numeral_value(match.group(1)) if match else None


#: how many blocks from the start a table of contents is looked for in
CONTENTS_REACH = 120

_CONTENTS_ENTRY = re.compile(
    r"^[-*•\s]*(?:(?P<numeral>[一二三四五六七八九十]+)、|[（(](?P<bracketed>[一二三四五六七八九十\d]+)[)）]|(?P<digits>\d+)\s*[.、．])\s*"
)


def contents_entries(lines: list[str]) -> list[tuple[int, str, str]]:
    """The tables a document's own table of contents lists, in its order: (number, title, kind).

    An entry is an enumerated line (``一、收入支出决算总表``, ``3.支出决算表``, ``表3 …``) that reads
    like the title of a known table, dot leaders and page numbers dropped; its number is the one
    it prints, else its place among the entries."""
    entries: list[tuple[int, str, str]] = []
    for line in lines:
        enumerated = _CONTENTS_ENTRY.match(line)
        text = line[enumerated.end() :] if enumerated else line
        text = re.sub(r"[.…·．\s\d]+$", "", text)
        title = parse_title(text) if text != line else None
        kind = kind_of(title[1]) if title else None
        if title is None or kind is None:
            continue
        printed = title[0]
        if printed is None and enumerated:
            printed = numeral_value(next(g for g in enumerated.groups() if g))
        entries.append((printed if printed is not None else len(entries) + 1, title[1], kind))
    return entries


def parse_title(text: str) -> tuple[int | None, str] | None:
    """(caption number, title) when the text is a table title, else None.

    A title is short, ends with 表, is not a table-of-contents entry (enumerated) and not
    a sentence. ``表 3 部门支出总体情况表`` carries its caption number inline.
    """
    text = re.sub(r"^#+\s*", "", text.strip())
    text = re.sub(r"\s+", "", text)
    if not text or len(text) > 48 or _ENUMERATED.match(text) or re.search(r"[。；，,]", text):
        return None
    number = None
    caption = _CAPTION.match(text)
    if caption and len(text) > caption.end():
        number = int(caption.group(1))
        text = text[caption.end() :]
    text = _TRAILER.sub("", text)
    # 一般公共预算支出明细表（按支出功能分类科目）: a qualifier after 表 is still the title
    bare = re.sub(r"[（(][^（()）]{1,20}[)）]$", "", text)
    if not bare.endswith("表") or text.startswith("第") or "公开表" in text:
        return None
    return number, text


def kind_of(title: str) -> str | None:
    for kind, pattern, exclude in _RULES:
        if re.search(pattern, title) and not (exclude and re.search(exclude, title)):
            return kind
    return None
