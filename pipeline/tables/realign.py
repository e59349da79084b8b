"""Resolve amounts a converter left unplaced, using the tables that restate them.

When a converter drops empty cells (sample: a 支出总体情况表 whose rows read ``208 …
3,245.06 1,924.66``), a row's amounts cannot be placed from the row alone. The 一般公共预算
支出情况表 restates the same split for budget-funded spending and the 项目支出 table gives
each subject's project spending; an amount is placed only where one of them confirms it.
Nothing is guessed: an amount no table confirms stays unplaced and is reported.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from pipeline.tables.subjects import SubjectTable


def realign_expenditure(table: SubjectTable, restating: dict[str, SubjectTable]) -> list[str]:
    problems: list[str] = []
    gpb = restating.get("gpb_expenditure")
    gpb_rows = {r.subject_code: r for r in gpb.rows if r.subject_code} if gpb else {}
    project_by_code: dict[str, Decimal] = defaultdict(Decimal)
    project_table = restating.get("project_expenditure")
    if project_table:
        for r in project_table.rows:
            if r.subject_code and r.project_name and r.amounts_wan.get("total") is not None:
                for n in (3, 5, 7):
                    if len(r.subject_code) >= n:
                        project_by_code[r.subject_code[:n]] += r.amounts_wan["total"]
    for row in table.rows:
        if not row.unresolved:
            continue
        total = row.amounts_wan.get("total")
        placed = False
        twin = gpb_rows.get(row.subject_code)
        if twin is not None and total is not None and twin.amounts_wan.get("total") == total:
            candidate = (twin.amounts_wan.get("basic"), twin.amounts_wan.get("project"))
            if set(row.unresolved) <= {v for v in candidate if v is not None}:
                row.amounts_wan["basic"], row.amounts_wan["project"] = candidate
                placed = True
        if not placed and total is not None and len(row.unresolved) == 1:
            value = row.unresolved[0]
            project = project_by_code.get(row.subject_code or "", Decimal(0))
            if project == value:
                row.amounts_wan["project"], row.amounts_wan["basic"] = value, (total - value) or None
                placed = True
            elif project == total - value:
                row.amounts_wan["basic"], row.amounts_wan["project"] = value, project or None
                placed = True
        if placed:
            row.unresolved = []
        else:
            problems.append(
                f"{table.region.title}: line {row.line}: subject {row.subject_code}: amounts "
                f"{[str(v) for v in row.unresolved]} could not be placed under 基本支出/项目支出"
            )
    return problems
