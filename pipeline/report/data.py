"""What the report shows, read from the published warehouse (opened read-only).

One frame per subject: ``unit_years`` (one row per unit and year: place, unit type, headline
figures, “三公” parts, basic spending by economic class, completeness, staff numbers where the
warehouse has them), ``peers`` and ``checks`` (their rows point into ``unit_years`` by ``row``, so
the page filters them with the same place / type selection).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from pipeline.report.labels import ECONOMIC_EN

# The staff numbers mart_unit_year carries where documents state them (编制数 / 实有人数).
STAFF_COLUMNS = ("authorized_staff", "actual_staff")

# Economic classes charted one by one; the rest of the 3-digit codes are summed as "other".
MAX_ECONOMIC_CLASSES = 6
LABEL_CHARS = 32  # axis labels show unit names up to this length in full (tooltips: always in full)

MONEY_COLUMNS = (  # mart_unit_year's amounts the report reads
    "total_budget_wan",
    "current_year_income_wan",
    "general_public_budget_wan",
    "upper_transfer_wan",
    "carryover_wan",
    "expenditure_total_wan",
    "basic_wan",
    "project_wan",
    "personnel_wan",
    "public_wan",
    "three_public_total_wan",
    "operating_funds_wan",
    "procurement_total_wan",
    "basic_prior_wan",
    "project_prior_wan",
    "three_public_prior_wan",
    "operating_funds_prior_wan",
)
_RATIOS = (
    "personnel_share_of_basic",
    "project_share_of_total",
    "three_public_per_wan_of_total",
    "operating_funds_share_of_total",
    "upper_transfer_share_of_income",
    "basic_yoy",
    "project_yoy",
    "three_public_yoy",
    "operating_funds_yoy",
)

_UNIT_YEARS = """
with unit_years as (
    select * from mart_unit_year
),
units as (
    select * from dim_unit
),
three_public as (
    select * from fct_three_public
    qualify row_number() over (partition by unit_key, year order by document_id) = 1
),
completeness as (
    select completeness.*, unit_years.document_id = completeness.document_id as is_same_document
    from mart_disclosure_completeness as completeness
    inner join unit_years using (unit_key, year)
    qualify row_number() over (
        partition by completeness.unit_key, completeness.year
        order by is_same_document desc, completeness.document_id
    ) = 1
),
final as (
    select
        unit_years.unit_key,
        unit_years.year,
        coalesce(units.unit_name, unit_years.unit_name) as unit_name,
        unit_years.doc_kind,
        coalesce(units.level, 'unknown') as level,
        units.region_code,
        units.region_name,
        units.prefecture_code,
        units.prefecture_name,
        case when units.level = 'county' then units.admin_code end as county_code,
        units.county_name,
        units.unit_type,
        {money},
        {ratios},
        cast(three_public.overseas_wan as double) as overseas_wan,
        cast(three_public.reception_wan as double) as reception_wan,
        cast(three_public.vehicle_purchase_wan as double) as vehicle_purchase_wan,
        cast(three_public.vehicle_operation_wan as double) as vehicle_operation_wan,
        cast(three_public.vehicle_total_wan as double) as vehicle_total_wan,
        cast(completeness.items_checked as double) as items_checked,
        cast(completeness.items_met as double) as items_met,
        cast(completeness.completeness_score as double) as completeness_score,
        completeness.missing_items{staff}
    from unit_years
    left join units using (unit_key)
    left join three_public using (unit_key, year)
    left join completeness using (unit_key, year)
)
select * from final order by unit_name, unit_key, year
"""

_ECONOMIC = """
select unit_key, year, subject_code, cast(sum(total_wan) as double) as total_wan
from fct_economic_spending
where spending_type = 'basic' and length(subject_code) = 3
group by all
"""

_SUBJECT_NAMES = """
select subject_code, min(subject_name) as subject_name
from dim_subject where classification = 'economic' and length(subject_code) = 3 group by 1
"""

_PEERS = """
select unit_key, year, metric, metric_value, peer_rank, peer_count, peer_median
from mart_peer_comparison
"""

_CHECKS = """
select
    coalesce(documents.file_name, checks.document_id) as file_name,
    checks.unit_key,
    checks.year,
    coalesce(units.unit_name, documents.unit_name) as unit_name,
    checks.check_name,
    checks.subject,
    cast(checks.expected_wan as double) as expected_wan,
    cast(checks.actual_wan as double) as actual_wan,
    cast(checks.difference_wan as double) as difference_wan,
    checks.cells
from dq_check_result as checks
left join document_status as documents using (document_id)
left join dim_unit as units on checks.unit_key = units.unit_key
where checks.status = 'fail'
order by file_name, check_name, subject
"""


@dataclass(frozen=True)
class ReportData:
    unit_years: pl.DataFrame
    economic_classes: list[tuple[str, str, str]]  # (column, Chinese name, English name), largest first
    peers: pl.DataFrame  # row (into unit_years), metric, metric_value, peer_rank, peer_count, peer_median
    checks: pl.DataFrame  # failing checks; row into unit_years, -1 where the unit-year is not there
    staff: tuple[str, ...]  # the staff columns unit_years has ("authorized_staff", "actual_staff")
    source: str

    @property
    def years(self) -> list[int]:
        return sorted(self.unit_years["year"].unique().to_list())


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {row[0] for row in con.execute(f"describe {table}").fetchall()}


def display_label(name: str) -> str:
    """A unit name as an axis label: control characters made visible, long names cut with "…"."""
    visible = "".join(
        chr(0x2400 + ord(c)) if ord(c) < 0x20 else ("\ufffd" if unicodedata.category(c) == "Cc" else c) for c in name
    )
    return visible if len(visible) <= LABEL_CHARS else visible[: LABEL_CHARS - 1] + "…"


def _unique_labels(unit_years: pl.DataFrame) -> pl.DataFrame:
    """One axis label per unit (unit_key), unique even where names repeat or cut alike."""
    labels, seen = {}, set()
    for key, name, kind in (
        unit_years.select("unit_key", "unit_name", "doc_kind")
        .unique("unit_key", keep="first")
        .sort("unit_name", "unit_key")
        .iter_rows()
    ):
        label = display_label(name or key)
        if label in seen:
            label = display_label(f"{name}（{kind}）") if kind else label
        base, n = label, 2
        while label in seen:
            label, n = f"{base} #{n}", n + 1
        seen.add(label)
        labels[key] = label
    return pl.DataFrame({"unit_key": list(labels), "label": list(labels.values())})


def _place(region: str | None, prefecture: str | None, county: str | None) -> str:
    parts = [p for p in (region, prefecture, county) if p]
    return " › ".join(parts) if parts else "未识别地区 Place not resolved"


def read_report_data(warehouse: Path) -> ReportData:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        mart_columns = _columns(con, "mart_unit_year")
        staff = {column: column for column in STAFF_COLUMNS if column in mart_columns}
        query = _UNIT_YEARS.format(
            money=",\n        ".join(f"cast(unit_years.{c} as double) as {c}" for c in MONEY_COLUMNS),
            ratios=",\n        ".join(f"unit_years.{c}" for c in _RATIOS),
            staff="".join(
                f",\n        cast(unit_years.{column} as double) as {name}" for name, column in staff.items()
            ),
        )
        unit_years = con.sql(query).pl()
        economic = con.sql(_ECONOMIC).pl()
        subject_names = dict(con.execute(_SUBJECT_NAMES).fetchall())
        peers = con.sql(_PEERS).pl()
        checks = con.sql(_CHECKS).pl()

    unit_years = unit_years.join(_unique_labels(unit_years), on="unit_key", how="left")
    unit_years = unit_years.with_columns(
        pl.struct("region_name", "prefecture_name", "county_name")
        .map_elements(
            lambda p: _place(p["region_name"], p["prefecture_name"], p["county_name"]),
            return_dtype=pl.String,
        )
        .alias("place"),
        pl.col("unit_type").fill_null("未识别 Unknown"),
        pl.col("year").cast(pl.Int32),
    ).with_row_index("row")

    # 三公 parts that add up to the total; what the document does not itemise is shown as such.
    parts = ["overseas_wan", "reception_wan", "vehicle_purchase_wan", "vehicle_operation_wan"]
    unit_years = unit_years.with_columns(
        pl.when(pl.col("vehicle_purchase_wan").is_null() & pl.col("vehicle_operation_wan").is_null())
        .then(pl.col("vehicle_total_wan"))
        .otherwise(None)
        .alias("vehicle_unsplit_wan"),
    ).with_columns(
        pl.max_horizontal(
            pl.lit(0.0),
            pl.col("three_public_total_wan") - pl.sum_horizontal(*parts, "vehicle_unsplit_wan"),
        ).alias("three_public_unitemised_wan"),
    )

    economic_classes: list[tuple[str, str, str]] = []
    if economic.height:
        ranked = (
            economic.group_by("subject_code")
            .agg(pl.col("total_wan").sum())
            .sort(["total_wan", "subject_code"], descending=[True, False])
        )
        codes = ranked["subject_code"].to_list()
        charted = codes if len(codes) <= MAX_ECONOMIC_CLASSES + 1 else codes[:MAX_ECONOMIC_CLASSES]
        bucket = economic.with_columns(
            pl.when(pl.col("subject_code").is_in(charted))
            .then(pl.lit("economic_") + pl.col("subject_code"))
            .otherwise(pl.lit("economic_other"))
            .alias("column")
        )
        wide = (
            bucket.group_by("unit_key", "year", "column")
            .agg(pl.col("total_wan").sum())
            .pivot(on="column", index=["unit_key", "year"], values="total_wan")
            .with_columns(pl.col("year").cast(pl.Int32))
        )
        unit_years = unit_years.join(wide, on=["unit_key", "year"], how="left")
        for code in sorted(charted):
            economic_classes.append(
                (
                    f"economic_{code}",
                    f"{code} {subject_names.get(code, '')}".strip(),
                    ECONOMIC_EN.get(code, f"Economic class {code}"),
                )
            )
        if len(charted) < len(codes):
            economic_classes.append(("economic_other", "其他经济分类", "Other economic classes"))

    rows = unit_years.select("row", "unit_key", "year")
    peers = peers.with_columns(pl.col("year").cast(pl.Int32)).join(rows, on=["unit_key", "year"], how="inner")
    checks = checks.with_columns(pl.col("year").cast(pl.Int32)).join(rows, on=["unit_key", "year"], how="left")
    checks = checks.with_columns(pl.col("row").cast(pl.Int64).fill_null(-1))
    return ReportData(
        unit_years=unit_years,
        economic_classes=economic_classes,
        peers=peers,
        checks=checks,
        staff=tuple(staff),
        source=warehouse.name,
    )
