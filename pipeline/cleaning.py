"""Cleaning rules for cell text and numbers, shared by every reader and interpreter.

Numbers arrive as ``1,234.56``, OCR-spaced ``1, 234. 56``, wrapped in ``<b>`` tags or split
by a tag (``56. <b>4</b>6``). A blank cell is ``None`` (NULL), never 0.
"""

from __future__ import annotations

import html
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache

_TAG = re.compile(r"<[^>]{0,200}>")
_TAG_IN_NUMBER = re.compile(r"(?<=[\d.,])\s*((?:<[^>]{0,200}>)+)\s*(?=[\d.,])")
_MARKDOWN_EMPHASIS = re.compile(r"(\*\*|__)")
_SPACE = re.compile(r"[\s\u3000\u00a0]+")
_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_CJK_PUNCT = '（）()、，：“”"〔〕【】《》'
# a space with a Chinese character (or full-width punctuation) on either side is converter noise
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}{_CJK_PUNCT}])\s+|\s+(?=[{_CJK}{_CJK_PUNCT}])")
_NUMBER = re.compile(r"^[-−–]?\(?[-−–]?(?:\d{1,3}(?:[,，]\d{3})+|\d+)(?:[.．]\d+)?\)?$")
_FULLWIDTH = str.maketrans("０１２３４５６７８９，．：％－", "0123456789,.:%-")
# Kangxi radicals and CJK radical supplements with an ideograph of the same shape: fonts of
# word processors map some ideographs to them (力 read as U+2F12), so that text stops matching
_RADICALS = "\u2e80-\u2fdf"  # the two blocks, as a character range
_RADICAL = re.compile(f"[{_RADICALS}]")
_IDEOGRAPH_OF_RADICAL = {
    code: unicodedata.normalize("NFKC", chr(code))
    for code in range(ord(_RADICALS[0]), ord(_RADICALS[-1]) + 1)
    if len(unicodedata.normalize("NFKC", chr(code))) == 1 and unicodedata.normalize("NFKC", chr(code)) != chr(code)
}


# words of characters that no rule of ``clean_cell`` touches (no markup, entity, emphasis, radical
# or white space), one ASCII space between them, none at either end
_UNTOUCHED = rf"[^\s<&*_{_RADICALS}]+"
_ALREADY_CLEAN = re.compile(rf"(?:{_UNTOUCHED}(?: {_UNTOUCHED})*)?")


def ideographs(text: str) -> str:
    """The text with each radical that has an ideograph of its shape read as that ideograph."""
    return text.translate(_IDEOGRAPH_OF_RADICAL) if _RADICAL.search(text) else text


# A document repeats most of its cell texts (codes, amounts, headers) and a corpus repeats them
# across documents: texts up to this long are cleaned and parsed once per worker process, longer
# ones (running prose) are rarely seen twice and are not kept.
_MEMO_CHARS = 256
_MEMO_ENTRIES = 1 << 16


def clean_cell(raw: str | None) -> str:
    """Cell text without markup, entities or runs of white space."""
    if raw is None:
        return ""
    if _ALREADY_CLEAN.fullmatch(raw):
        return raw  # what most cells are: none of the rules below would change a character
    return _clean_cell_kept(raw) if len(raw) <= _MEMO_CHARS else _clean_cell(raw)


def _clean_cell(raw: str) -> str:
    # a tag inside a number (56. <b>4</b> 6) splits it: close the spaces around the tag first
    raw = _TAG_IN_NUMBER.sub(r"\1", raw)
    text = html.unescape(_TAG.sub("", raw))
    text = ideographs(_MARKDOWN_EMPHASIS.sub("", text))
    return _SPACE.sub(" ", text).strip()


_clean_cell_kept = lru_cache(maxsize=_MEMO_ENTRIES)(_clean_cell)


def compact_label(text: str) -> str:
    """A label with every space removed (wrapped header cells: ``财政拨款 （补助）小 计``)."""
    return _SPACE.sub("", text)


def tidy_name(text: str) -> str:
    """A name with OCR/wrap spaces between Chinese characters removed."""
    return _SPACE_BETWEEN_CJK.sub("", clean_cell(text))


def parse_amount(text: str | None) -> Decimal | None:
    """The number a cell states, or None for a blank or non-numeric cell."""
    if text is None:
        return None
    return _parse_amount_kept(text) if len(text) <= _MEMO_CHARS else _parse_amount(text)


def _parse_amount(text: str) -> Decimal | None:
    cleaned = clean_cell(text).translate(_FULLWIDTH)
    if re.search(r"\d\s+\d", cleaned):
        return None  # digits split by a bare space are OCR debris ("4 20"), not a number
    compact = _SPACE.sub("", cleaned)
    if compact in {"", "-", "—", "--", "/", "*"}:
        return None
    if not _NUMBER.match(compact):
        return None
    negative = compact.startswith(("-", "−", "–", "(")) and not compact.startswith("(-")
    digits = re.sub(r"[^\d.]", "", compact.replace("，", ","))
    try:
        value = Decimal(digits)
    except InvalidOperation:
        return None
    return -value if negative else value


_parse_amount_kept = lru_cache(maxsize=_MEMO_ENTRIES)(_parse_amount)  # a Decimal is immutable: safe to share


def is_amount(text: str | None) -> bool:
    return parse_amount(text) is not None


def normalise_prose(text: str) -> str:
    """Running text with OCR spaces inside numbers closed (``411. 01`` → ``411.01``)."""
    text = clean_cell(text).translate(_FULLWIDTH)
    text = re.sub(r"(?<=\d)\s*([,.])\s*(?=\d)", r"\1", text)
    return text


def to_wan(value: Decimal | None, published_unit: str) -> Decimal | None:
    """Convert an amount in the table's published unit to 万元, losslessly."""
    if value is None:
        return None
    if published_unit == "元":
        return value / Decimal(10000)
    if published_unit == "亿元":
        return value * Decimal(10000)
    return value


_PUBLISHED_UNIT = re.compile(r"(?:金额)?单位\s*[:：]?\s*(万元|亿元|元)(?![\u4e00-\u9fff])")


def find_published_unit(text: str) -> str | None:
    """The unit a ``单位：万元`` / ``单位:元`` line declares, if the text holds one."""
    match = _PUBLISHED_UNIT.search(compact_label(clean_cell(text)))
    return match.group(1) if match else None


def as_text(text: str) -> str:
    """``text`` safe to store: bytes of a file name that are not UTF-8 shown as ``\\xff`` escapes."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
