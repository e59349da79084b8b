"""Economic subjects (部门预算支出经济分类) by name, for tables that list them without codes.

Some templates print the 基本支出 table as names only (工资福利支出 / 基本工资 / 津贴补贴 …,
classes and their items told apart by indentation). The names are the national classification's,
so the code is found from the name; where a name exists under two classes (房屋建筑物购建 in 309
and 310), the class the row stands under decides. The classification is the dbt seed
``economic_subjects`` (one list for the parser and the warehouse).
"""

from __future__ import annotations

import csv
import re
from functools import cache

from pipeline.cleaning import compact_label
from pipeline.config import DBT_PROJECT_DIR

_SEED = DBT_PROJECT_DIR / "seeds" / "economic_subjects.csv"
_ENUMERATOR = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．]|其中[:：])")


def _key(name: str) -> str:
    name = _ENUMERATOR.sub("", compact_label(name))
    return name.replace("(", "（").replace(")", "）").replace("的", "")


@cache
def _codes_by_name() -> dict[str, list[str]]:
    codes: dict[str, list[str]] = {}
    with _SEED.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            codes.setdefault(_key(row["subject_name"]), []).append(row["subject_code"])
    return codes


def economic_code(name: str, current_class: str | None) -> str | None:
    """The economic subject code a printed name stands for (None if the name is not one)."""
    candidates = _codes_by_name().get(_key(name), [])
    if len(candidates) > 1 and current_class:
        under = [c for c in candidates if c.startswith(current_class) and len(c) == 5]
        candidates = under or [c for c in candidates if len(c) == 3] or candidates
    return candidates[0] if candidates else None
