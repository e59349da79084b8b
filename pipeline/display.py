"""How the CLI shows values: amounts with two decimals, ratios as percentages, NULL as NULL,
no control characters from the data (a unit name is text, never a terminal command).

Which rule applies is read from the column's name (``*_wan`` amounts, ``*_share*`` / ``*_yoy`` …
ratios) and the value's type, so ``budget query`` formats any SQL an analyst writes."""

from __future__ import annotations

import re
from decimal import Decimal

NULL = "NULL"
# ratios in the marts: shares, year-over-year changes, execution rates, percentiles, scores (0.05 = 5 %)
_RATIO_COLUMN = re.compile(r"(share|yoy|_rate$|^rate$|ratio|percentile|score|per_wan)")
_CONTROL = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def inert(text: str) -> str:
    """``text`` without terminal escape sequences and control characters (newlines and tabs kept)."""
    return _CONTROL.sub("", text)


def is_ratio_column(name: str) -> bool:
    return bool(_RATIO_COLUMN.search(name.lower()))


def shown(value, column: str = "") -> str:
    """One value as a person reads it in a terminal table."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (Decimal, float)) and column and is_ratio_column(column):
        return f"{float(value) * 100:,.2f}%"
    if isinstance(value, Decimal) or (isinstance(value, float) and column.endswith("_wan")):
        return f"{value:,.2f}"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e6 else f"{value:,.0f}"
    return inert(str(value))


def is_number(value) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)
