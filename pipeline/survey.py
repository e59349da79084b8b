"""How well a corpus reads: per folder, documents, statuses, headline consistency, failing checks.

``budget survey DIR`` builds a warehouse from DIR (the same pipeline as ``budget build``) and
reads the answer from it, so what it reports is what analysts get:

- *identified*: a budget disclosure (not 决算, not a non-disclosure) whose discloser and year
  are known and whose figures are in the marts;
- *headline-consistent*: identified, and the document's own headline identities hold within
  the rounding of printed figures (HEADLINE_TOLERANCE_WAN): 收入总计 = 支出总计 (收支总表) =
  支出总表 总计 = 基本 + 项目 + any other column of that total row (预留机动经费, 上缴上级,
  事业单位经营, 对附属单位补助) — or = 本年支出合计 where 支出总计 adds last year's carry-over —,
  the 支出总表 equal to the 收支总表's 支出总计 or its 本年支出合计;
  the “三公” total = its parts (or the table is empty).
- *pages per second*: pages parsed over the parse seconds every document recorded (one core).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb

# Printed figures are rounded to the cent of a 万元; a sum of a few of them may be off by a cent.
HEADLINE_TOLERANCE_WAN = Decimal("0.02")

# Columns of the 支出总表 total row that add to its total besides 基本 and 项目.
UNREADABLE = ("needs_ocr", "corrupt", "encrypted", "empty", "too_large", "too_slow", "unreadable")
OTHER_EXPENDITURE_MEASURES = ("reserve", "upper_remittance", "operating_expenditure", "affiliated_subsidy")

_HEADLINES = """
with documents as (
    select document_id, file_name, status, unit_name, unit_key, year, page_count, content, is_current from document_status
),
staged as (
    select document_id, phase, parse_seconds from parsed.documents
),
summary as (
    select
        document_id,
        max(case when item_key = 'expenditure_total' then amount_wan end) as summary_expenditure_wan,
        max(case when item_key = 'current_year_expenditure' then amount_wan end) as summary_current_year_wan
    from parsed.line_items where table_kind = 'budget_summary' and measure = 'total' group by document_id
),
other_columns as (
    -- the 支出总表's other columns, else the 收支总表's other purpose lines
    select document_id, coalesce(max(table_wan), max(summary_wan)) as other_wan from (
        select document_id, sum(amount_wan) as table_wan, null as summary_wan
        from parsed.subject_amounts
        where table_kind = 'expenditure' and row_kind = 'total' and measure in ({other})
        group by document_id
        union all
        select document_id, null, sum(amount_wan)
        from parsed.line_items
        where table_kind = 'budget_summary' and side = 'expenditure' and measure = 'total' and item_key in ({other})
        group by document_id
    ) group by document_id
),
three_public_tables as (
    select document_id, bool_or(not is_empty) as has_figures from parsed.tables where table_kind = 'three_public' group by document_id
),
three_public as (
    select document_id, total_wan,
        coalesce(overseas_wan, 0) + coalesce(reception_wan, 0)
            + coalesce(vehicle_total_wan, coalesce(vehicle_purchase_wan, 0) + coalesce(vehicle_operation_wan, 0)) as parts_wan,
        overseas_wan is not null or reception_wan is not null or vehicle_total_wan is not null
            or vehicle_purchase_wan is not null or vehicle_operation_wan is not null as has_parts
    from fct_three_public
)
select
    documents.file_name, documents.status, staged.phase, documents.page_count, staged.parse_seconds,
    documents.content, documents.unit_key, documents.year, documents.is_current,
    mart.document_id is not null as in_marts,
    mart.total_budget_wan, summary.summary_expenditure_wan, summary.summary_current_year_wan, mart.expenditure_total_wan,
    mart.basic_wan, mart.project_wan, coalesce(other_columns.other_wan, 0) as other_wan,
    three_public.total_wan as three_public_wan, three_public.parts_wan as three_public_parts_wan,
    coalesce(three_public.has_parts, false) as three_public_has_parts,
    coalesce(three_public_tables.has_figures, false) and three_public.total_wan is null and not coalesce(three_public.has_parts, false)
        as three_public_unread
from documents
left join staged using (document_id)
left join mart_unit_year as mart using (document_id)
left join summary using (document_id)
left join other_columns using (document_id)
left join three_public using (document_id)
left join three_public_tables using (document_id)
"""


@dataclass
class DocumentHeadline:
    file_name: str
    folder: str
    status: str
    phase: str | None
    page_count: int | None
    parse_seconds: float | None
    in_marts: bool
    failures: list[str]
    narrative_only: bool = False  # the narrative part of a two-file disclosure whose tables file is not in the corpus

    @property
    def is_unreadable(self) -> bool:
        """No text could be read (scanned, damaged, encrypted, over a limit): what it is stays unknown."""
        return self.status in UNREADABLE

    @property
    def is_budget_disclosure(self) -> bool:
        """A readable budget disclosure: read as one (in the marts) or meant as one and not read."""
        return (
            self.phase != "final"
            and not self.narrative_only
            and self.status
            not in ("not_budget_disclosure", "duplicate", "final_accounts", "narrative_part", *UNREADABLE)
        )

    @property
    def is_consistent(self) -> bool:
        return self.in_marts and not self.failures


def _close(a: Decimal | None, b: Decimal | None) -> bool:
    return a is not None and b is not None and abs(a - b) <= HEADLINE_TOLERANCE_WAN


def headline_failures(row: dict) -> list[str]:
    """Which headline identities of one document do not hold (empty: all hold)."""
    if not row["in_marts"]:
        return ["not in the marts"]
    failures = []
    income, summary_exp, table_exp = (
        row["total_budget_wan"],
        row["summary_expenditure_wan"],
        row["expenditure_total_wan"],
    )
    if not _close(income, summary_exp):
        failures.append("收入总计 ≠ 支出总计")
    # the 支出总表 is this year's spending: the 收支总表's 支出总计, or its 本年支出合计 where 结转下年 is added
    if not (
        _close(summary_exp if summary_exp is not None else income, table_exp)
        or _close(row["summary_current_year_wan"], table_exp)
    ):
        failures.append("收支总表 ≠ 支出总表")
    basic, project = row["basic_wan"], row["project_wan"]
    split = (basic or 0) + (project or 0)
    # the other columns add to the total in some templates and are 其中 (within 基本/项目) in others
    current_year = row["summary_current_year_wan"]
    if (basic is None and project is None) or not any(
        _close(split + other, total) for other in (0, row["other_wan"]) for total in (table_exp, current_year)
    ):
        failures.append("基本 + 项目 ≠ 总计")
    if row["three_public_has_parts"] and not _close(row["three_public_wan"], row["three_public_parts_wan"]):
        failures.append("三公 ≠ its parts")
    if row["three_public_unread"]:
        failures.append("三公 table printed but not read")
    return failures


def read_headlines(warehouse: Path) -> list[DocumentHeadline]:
    query = _HEADLINES.format(other=", ".join(f"'{m}'" for m in OTHER_EXPENDITURE_MEASURES))
    with duckdb.connect(str(warehouse), read_only=True) as con:
        cursor = con.execute(query)
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, r)) for r in cursor.fetchall()]
    # a two-file disclosure is one: its narrative part counts with its tables file
    with_tables = {(r["unit_key"], r["year"]) for r in rows if r["in_marts"] and r["content"] != "narrative"}
    headlines = []
    for r in rows:
        narrative = r["content"] == "narrative" and r["status"] == "loaded"
        status = "narrative_part" if narrative and (r["unit_key"], r["year"]) in with_tables else r["status"]
        headlines.append(
            DocumentHeadline(
                file_name=r["file_name"],
                folder=Path(r["file_name"]).parent.as_posix(),
                status=status,
                phase=r["phase"],
                page_count=r["page_count"],
                parse_seconds=r["parse_seconds"],
                in_marts=r["in_marts"],
                failures=headline_failures(r)
                if status not in ("not_budget_disclosure", "final_accounts", "narrative_part")
                else [],
                narrative_only=narrative and status != "narrative_part",
            )
        )
    return headlines


def failing_checks(warehouse: Path) -> list[tuple[str, int, int, int]]:
    """(check, documents failing, documents checked, documents where it could not run) per rule."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "select check_name, count(distinct case when status = 'fail' then document_id end), "
            "count(distinct case when status <> 'not_run' then document_id end), "
            "count(distinct case when status = 'not_run' then document_id end) "
            "from dq_check_result group by check_name order by 2 desc, 1"
        ).fetchall()


def report(headlines: list[DocumentHeadline], checks: list[tuple[str, int, int, int]]) -> str:
    """The survey as text: one line per folder, then the totals, the failing checks and the documents to look at."""
    from collections import Counter

    from tabulate import tabulate

    def summarise(docs: list[DocumentHeadline]) -> list:
        budget = [d for d in docs if d.is_budget_disclosure]
        identified = [d for d in budget if d.in_marts]
        consistent = [d for d in budget if d.is_consistent]
        statuses = Counter(d.status for d in docs)
        share = f"{100 * len(consistent) / len(budget):.1f}%" if budget else "–"
        unreadable = sum(d.is_unreadable for d in docs)
        narrative_only = sum(d.narrative_only for d in docs)
        return [
            len(docs),
            ", ".join(f"{s} {n}" for s, n in sorted(statuses.items())),
            unreadable,
            narrative_only,
            len(budget),
            len(identified),
            len(consistent),
            share,
        ]

    folders = sorted({d.folder for d in headlines})
    table = [[folder, *summarise([d for d in headlines if d.folder == folder])] for folder in folders]
    table.append(["all", *summarise(headlines)])
    pages = sum(d.page_count or 0 for d in headlines if d.parse_seconds)
    seconds = sum(d.parse_seconds or 0 for d in headlines)
    lines = [
        "statuses: narrative_part = the narrative file of a two-file disclosure whose tables file is here too;",
        "'narrative only' = the narrative file of a two-file disclosure whose tables file is not in this corpus",
        "(no headline tables to check: not counted among budget disclosures); 'unreadable' = no text layer or damaged.",
        "",
        tabulate(
            table,
            headers=[
                "folder",
                "files",
                "statuses",
                "unreadable",
                "narrative only",
                "budget disclosures",
                "identified",
                "headline-consistent",
                "share",
            ],
        ),
        "",
        f"parse speed: {pages} pages in {seconds:.1f} s of parsing = {pages / seconds:.1f} pages/s per core"
        if seconds
        else "parse speed: –",
        "",
        "reconciliation checks (documents failing / documents checked / documents lacking the table it needs):",
        tabulate(checks, headers=["check", "failing", "checked", "not run"]),
        "",
        "budget disclosures not headline-consistent:",
    ]
    for d in headlines:
        if d.is_budget_disclosure and not d.is_consistent:
            lines.append(f"  {d.file_name}  [{d.status}]  {'; '.join(d.failures)}")
    return "\n".join(lines)
