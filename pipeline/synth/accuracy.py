"""Field accuracy: the share of truth-file fields the warehouse reproduces exactly."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import duckdb


def _same(expected, actual) -> bool:
    if expected is None:
        return actual is None
    if actual is None:
        return False
    if isinstance(expected, str):
        try:
            return Decimal(expected) == Decimal(str(actual))
        except ArithmeticError:
            return expected == actual
    return expected == actual


def field_accuracy(warehouse: Path, corpus: Path) -> dict:
    """Compare every truth file in ``corpus`` with the warehouse; returns counts and misses."""
    checked = matched = 0
    misses: list[str] = []
    with duckdb.connect(str(warehouse), read_only=True) as con:
        def one(sql, *params):
            row = con.execute(sql, list(params)).fetchone()
            return row

        for path in sorted(corpus.glob("*.truth.json")):
            t = json.loads(path.read_text(encoding="utf-8"))
            key = one("select unit_key from mart_unit_year where unit_name = ? and year = ?", t["unit_name"], t["year"])
            fields: list[tuple[str, object, object]] = []
            if key is None:
                fields.append((f"{path.name}: unit-year", "present", None))
            else:
                unit_key = key[0]
                columns = list(t["mart_unit_year"])
                row = one(f"select {', '.join(columns)} from mart_unit_year where unit_key = ? and year = ?", unit_key, t["year"])
                fields += [(f"mart_unit_year.{c}", t["mart_unit_year"][c], v) for c, v in zip(columns, row)]
                for code, values in t["fct_appropriation"].items():
                    row = one("select total_wan, basic_wan, project_wan from fct_appropriation where unit_key = ? and year = ? and subject_code = ?",
                              unit_key, t["year"], code) or (None, None, None)
                    fields += [(f"fct_appropriation.{code}.{c}", values[c], v) for c, v in zip(("total_wan", "basic_wan", "project_wan"), row)]
                for code, value in t["fct_economic_spending"].items():
                    row = one("select total_wan from fct_economic_spending where unit_key = ? and year = ? and subject_code = ? and spending_type = 'basic'",
                              unit_key, t["year"], code)
                    fields.append((f"fct_economic_spending.{code}", value, row[0] if row else None))
                projects = con.execute("select subject_code, project_name, amount_wan from fct_project where unit_key = ? and year = ? order by project_key",
                                       [unit_key, t["year"]]).fetchall()
                for i, (code, name, amount) in enumerate(t["fct_project"]):
                    got = projects[i] if i < len(projects) else (None, None, None)
                    fields += [(f"fct_project[{i}].code", code, got[0]), (f"fct_project[{i}].name", name, got[1]),
                               (f"fct_project[{i}].amount", amount, got[2])]
                row = one("select reception_wan, vehicle_operation_wan from fct_three_public where unit_key = ? and year = ?", unit_key, t["year"]) or (None, None)
                fields += [(f"fct_three_public.{c}", t["fct_three_public"][c], v) for c, v in zip(("reception_wan", "vehicle_operation_wan"), row)]
                row = one("select vehicle_count, furniture_value_wan, house_area_m2 from fct_assets where unit_key = ? and year = ?", unit_key, t["year"]) or (None, None, None)
                fields += [(f"fct_assets.{c}", t["fct_assets"][c], v) for c, v in zip(("vehicle_count", "furniture_value_wan", "house_area_m2"), row)]
            for name, expected, actual in fields:
                checked += 1
                if _same(expected, actual):
                    matched += 1
                elif len(misses) < 50:
                    misses.append(f"{path.name}: {name}: expected {expected}, got {actual}")
    return {"fields": checked, "matched": matched, "accuracy": matched / checked if checked else 0.0, "misses": misses}
