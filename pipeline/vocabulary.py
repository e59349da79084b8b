"""The project's vocabulary, defined once in ``dbt_project/dbt_project.yml`` (``vars``) and read
here for Python: the standard table kinds, the measures of subject tables, the “三公” items and
the narrative facts with the columns dbt pivots them into."""

from __future__ import annotations

from functools import cache

import yaml

from pipeline.config import DBT_PROJECT_DIR


@cache
def _vars() -> dict:
    return yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]


def table_kinds() -> dict[str, str]:
    """Standard table kind → its Chinese name, in the order a complete disclosure prints them."""
    return dict(_vars()["table_kinds"])


def unread_table_kinds() -> tuple[str, ...]:
    return tuple(_vars()["unread_table_kinds"])


def subject_measures() -> dict[str, str]:
    return dict(_vars()["subject_measures"])


def final_subject_measures() -> dict[str, str]:
    """Measures only final accounts' subject tables print (收入决算表's sources, 支出决算表's purposes)."""
    return dict(_vars()["final_subject_measures"])


def final_summary_lines() -> dict[str, str]:
    """Lines of the 决算 收入支出决算总表 → their columns in mart_final_unit_year."""
    return dict(_vars()["final_summary_lines"])


def three_public_items() -> dict[str, str]:
    return dict(_vars()["three_public_items"])


def narrative_fact_keys(kind: str) -> list[str]:
    return list(_vars()["narrative_facts"][kind])
