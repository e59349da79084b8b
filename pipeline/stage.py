"""One raw document → its staged tables (polars frames). Pure: no database, no Dagster.

This is where readers, table interpreters and narrative extractors meet; every row keeps
the document id and its source line (or page) for provenance.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import polars as pl

from pipeline import config
from pipeline.cleaning import as_text, is_amount, parse_amount
from pipeline.identify import identify
from pipeline.intermediate import IntermediateDocument, UnreadableDocument
from pipeline.narrative.execution import extract_execution
from pipeline.narrative.facts import extract_facts
from pipeline.narrative.paragraphs import paragraphs
from pipeline.narrative.statements import extract_changes
from pipeline.readers import is_pdf, read_document
from pipeline.tables.columns import is_column_number_row
from pipeline.tables.kinds import CONTENTS_REACH, STANDARD_KINDS, UNREAD_KINDS, contents_entries
from pipeline.tables.lines import interpret_line_table
from pipeline.tables.realign import realign_expenditure
from pipeline.tables.segment import TableRegion, segment_tables
from pipeline.tables.subjects import (
    SubjectTable,
    code_from_other_tables,
    interpret_subject_table,
    uncode_repeated_ocr_codes,
)

MONEY = pl.Decimal(20, 6)
# a budget disclosure carries at least one of these; a file with none is something else
CORE_KINDS = {"budget_summary", "income", "expenditure", "fiscal_summary", "gpb_expenditure"}
SUBJECT_KINDS = {
    "income",
    "expenditure",
    "gpb_expenditure",
    "basic_expenditure",
    "project_expenditure",
    "government_fund",
    "state_capital",
}

# how a fact was read: 'text' (a text layer, or a text layout) or 'ocr' (a page read by OCR), and
# the OCR engine's confidence (0–1) in the row or sentence it came from
PROVENANCE: dict[str, pl.DataType] = {"read_method": pl.String, "ocr_confidence": pl.Float64}
# the staged tables whose rows say how they were read: the facts and the tables they come from
READ_TABLES = ("tables", "subject_amounts", "line_items", "budget_changes", "narrative_facts")

SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "documents": {
        "document_id": pl.String,
        "file_name": pl.String,
        "sha256": pl.String,
        "size_bytes": pl.Int64,
        "layout": pl.String,
        "unit_name": pl.String,
        "doc_kind": pl.String,
        "phase": pl.String,
        "content": pl.String,
        "year": pl.Int32,
        "status": pl.String,
        "reason": pl.String,
        "tables_found": pl.Int32,
        "tables_missing": pl.String,
        "page_count": pl.Int32,
        "pages_ocr": pl.Int32,
        "parse_seconds": pl.Float64,
    },
    "tables": {
        "document_id": pl.String,
        "table_kind": pl.String,
        "table_number": pl.Int32,
        "ordinal": pl.Int32,
        "title": pl.String,
        "published_unit": pl.String,
        "discloser": pl.String,
        "row_count": pl.Int32,
        "is_empty": pl.Boolean,
        "has_empty_statement": pl.Boolean,
        "source_line": pl.Int32,
        "page": pl.Int32,
        "printed_decimals": pl.Int32,
        **PROVENANCE,
    },
    "subject_amounts": {
        "document_id": pl.String,
        "table_kind": pl.String,
        "table_number": pl.Int32,
        "row_seq": pl.Int32,
        "row_kind": pl.String,
        "subject_code": pl.String,
        "subject_name": pl.String,
        "project_name": pl.String,
        "measure": pl.String,
        "amount_wan": MONEY,
        "source_line": pl.Int32,
        "page": pl.Int32,
        **PROVENANCE,
    },
    "line_items": {
        "document_id": pl.String,
        "table_kind": pl.String,
        "table_number": pl.Int32,
        "row_seq": pl.Int32,
        "side": pl.String,
        "line_label": pl.String,
        "item_key": pl.String,
        "subject_code": pl.String,
        "measure": pl.String,
        "amount_wan": MONEY,
        "source_line": pl.Int32,
        "page": pl.Int32,
        **PROVENANCE,
    },
    "budget_changes": {
        "document_id": pl.String,
        "statement_seq": pl.Int32,
        "section": pl.String,
        "item_kind": pl.String,
        "item_label": pl.String,
        "subject_path": pl.String,
        "stated_subject_code": pl.String,
        "current_wan": MONEY,
        "change_wan": MONEY,
        "change_pct": pl.Decimal(20, 4),
        "change_pct_decimals": pl.Int32,
        "prior_basis": pl.String,
        "sentence": pl.String,
        "source_line": pl.Int32,
        "page": pl.Int32,
        **PROVENANCE,
    },
    "narrative_facts": {
        "document_id": pl.String,
        "fact_kind": pl.String,
        "fact_key": pl.String,
        "value": MONEY,
        "unit": pl.String,
        "text": pl.String,
        "source_line": pl.Int32,
        "page": pl.Int32,
        **PROVENANCE,
    },
    "parse_problems": {"document_id": pl.String, "problem": pl.String},
}


@dataclass
class StagedDocument:
    document_id: str
    frames: dict[str, pl.DataFrame] = field(default_factory=dict)

    @property
    def status(self) -> dict:
        return self.frames["documents"].row(0, named=True)


def document_id_of(sha256: str) -> str:
    return sha256[:16]


def _frame(name: str, rows: list[dict]) -> pl.DataFrame:
    schema = SCHEMAS[name]
    return pl.DataFrame([{k: r.get(k) for k in schema} for r in rows], schema=schema, orient="row")


# “本部门无当年政府性基金预算收支，并已公开空表。” / “表9 … 是 不涉及” / “国有资本经营预算支出为0”
_EMPTINESS = re.compile(
    r"空\s*白?\s*表|本表无数据|无此项|不涉及|(?:无|没有|未安排|未使用)[^。；]{0,30}(?:收支|支出|收入|经费|预算|资金)|为\s*0(?:\.0+)?(?:\s*万?元)?(?![\d.])|为零"
)
_KIND_WORDS = {
    "government_fund": "政府性基金",
    "state_capital": "国有资本经营",
    "three_public": "三公",
    "carryover": "结转",
    "entrusted_services": "委托业务",
    "project_expenditure": "项目",
}


def _emptiness_stated(kind: str, title: str, blocks) -> bool:
    """Whether the document says anywhere (its narrative, its contents) that this table is empty."""
    word = _KIND_WORDS.get(kind, title)
    return any(word in b.text and _EMPTINESS.search(b.text) for b in blocks)


def _preference(region: TableRegion) -> tuple[int, int, int]:
    """Where a document prints two tables of a kind, the one the facts read comes first:
    基本支出 by economic subject (not by function), 一般公共预算支出 by function (not by
    economic subject); otherwise the order of the document."""
    economic = "经济分类" in region.title or (
        "功能" not in region.title
        and any(re.match(r"3\d\d(?!\d{2}\d)", c.strip()) for r in region.rows[:12] for c in r.cells[:3])
    )
    preferred = economic if region.kind == "basic_expenditure" else not economic
    # a contents entry that reads like a title (表3 | 部门综合预算支出总表) has no figures under it
    has_figures = any(is_amount(c) for r in region.rows for c in r.cells)
    return (0 if has_figures else 1, 0 if preferred else 1, region.ordinal)


def printed_decimals(region: TableRegion) -> int | None:
    """The most decimals any amount cell of the table prints (2 for ``1,234.56``, 0 for
    ``12,345,678``, 6 for ``1,234.567890``); None for a table without figures. The last printed
    digit decides the rounding allowance of every check on the table (dbt macros/tolerance.sql)."""
    places = [
        max(0, -amount.as_tuple().exponent)
        for row in region.rows
        if not is_column_number_row(row.cells)
        for cell in row.cells
        if (amount := parse_amount(cell)) is not None
    ]
    return max(places, default=None)


def _expected_kinds(doc: IntermediateDocument) -> list[str]:
    """The tables the document's own table of contents lists; the standard set if it has none."""
    listed: list[str] = []
    for _, _, kind in contents_entries([block.text for block in doc.blocks[:CONTENTS_REACH]]):
        if kind not in UNREAD_KINDS and kind not in listed:
            listed.append(kind)
    # without contents, a disclosure is expected to carry at least its 收支总表, 收入 and 支出 tables
    # (templates differ in the rest)
    return listed or ["budget_summary", "income", "expenditure"]


def not_read_document(
    path: Path, sha256: str, size_bytes: int, status: str, reason: str, layout: str = "unknown", seconds: float = 0.0
) -> StagedDocument:
    """A document staged with its status and reason only (nothing half-read is kept)."""
    staged = StagedDocument(document_id_of(sha256))
    for name in SCHEMAS:
        staged.frames[name] = _frame(name, [])
    row = {
        "document_id": staged.document_id,
        "file_name": as_text(path.name),
        "sha256": sha256,
        "size_bytes": size_bytes,
        "layout": layout,
        "status": status,
        "reason": as_text(reason),
        "tables_found": 0,
        "parse_seconds": seconds,
    }
    staged.frames["documents"] = _frame("documents", [row])
    return staged


def _text_too_large(path: Path, max_text_bytes: int) -> UnreadableDocument | None:
    """A text, HTML or markdown file over the byte limit, told from its size and first bytes
    (the file is not read, nor decoded)."""
    size = path.stat().st_size
    if size <= max_text_bytes:
        return None
    with open(path, "rb") as handle:
        if is_pdf(handle.read(2048)):
            return None
    return UnreadableDocument(
        "too_large",
        f"{path}: {size:,} bytes, over the limit of {max_text_bytes:,} for a text, HTML or markdown file "
        f"(BUDGET_MAX_TEXT_BYTES); a disclosure is far smaller: check the converter's output, or raise the limit",
    )


def stage_document(
    path: Path, data: bytes | None = None, sha256: str | None = None, max_text_bytes: int | None = None, **limits
) -> StagedDocument:
    """The staged frames of one raw document; any failure to read it is its status and reason.

    ``sha256`` is the content hash discovery saw: it names a file that vanished or grew too
    large to read since."""
    started = time.perf_counter()
    if data is None:
        try:
            too_large = _text_too_large(path, max_text_bytes or int(config.TEXT_MAX_BYTES.value()))
            if too_large is not None:
                with open(path, "rb") as handle:
                    digest = hashlib.file_digest(handle, "sha256").hexdigest()
                return not_read_document(path, digest, path.stat().st_size, too_large.status, too_large.reason)
            data = path.read_bytes()
        except OSError as err:
            return not_read_document(
                path,
                sha256 or hashlib.sha256(str(path).encode()).hexdigest(),
                0,
                "unreadable",
                f"{path}: the file could not be read ({type(err).__name__}: {err.strerror or err}); it was "
                "removed, moved or locked after the raw folder was listed: the next run reads it again",
            )
    sha = hashlib.sha256(data).hexdigest()
    doc_id = document_id_of(sha)
    base = {"document_id": doc_id, "file_name": as_text(path.name), "sha256": sha, "size_bytes": len(data)}
    staged = StagedDocument(doc_id)
    for name in SCHEMAS:
        staged.frames[name] = _frame(name, [])
    layout = "pdf" if is_pdf(data) else "unknown"

    def not_read(status: str, reason: str) -> StagedDocument:
        return not_read_document(path, sha, len(data), status, reason, layout, time.perf_counter() - started)

    try:
        doc = read_document(path, data, **limits)
        layout = doc.layout
        staged = stage_read_document(doc, base, staged)
    except UnreadableDocument as err:
        return not_read(err.status, err.reason)
    except MemoryError:
        return not_read(
            "too_large",
            f"{path}: reading it needed more memory than a parse worker may take "
            f"({config.WORKER_MEMORY.value()} MB, BUDGET_WORKER_MAX_MEMORY_MB); a disclosure never needs that "
            "much: check the file (a compression bomb?), or raise the limit",
        )
    except Exception as err:  # one document's failure is its status, never the night's
        return not_read(
            "reader_failed",
            f"{path}: the reader failed on this file ({type(err).__name__}: {err}); the rest of the batch "
            "was read. This is a fault of the reader: report it with the file",
        )
    staged.frames["documents"] = staged.frames["documents"].with_columns(
        parse_seconds=pl.lit(time.perf_counter() - started)
    )
    return staged


def stage_read_document(doc: IntermediateDocument, base: dict, staged: StagedDocument) -> StagedDocument:
    """The staged frames of a document already read into the intermediate form."""
    doc_id = base["document_id"]
    tables = segment_tables(doc.blocks)
    identity = identify(doc.blocks, [t.title for t in tables], [t.discloser for t in tables if t.discloser])
    problems: list[str] = list(doc.problems) + _unreadable_ocr_figures(doc)
    subject_tables: dict[str, SubjectTable] = {}
    line_rows: list[dict] = []
    table_rows: list[dict] = []
    for region in sorted(tables, key=_preference):
        record = _table_record(doc_id, region)
        table_rows.append(record)
        if region.kind in SUBJECT_KINDS and region.kind not in subject_tables:
            subject_tables[region.kind] = interpret_subject_table(region)
        elif region.kind not in SUBJECT_KINDS:
            items = interpret_line_table(region)
            filled = [i for i in items if i.amount_wan is not None]
            record["row_count"] = len({i.line for i in filled})
            record["is_empty"] = record["is_empty"] and not filled  # figures printed but not read are not empty
            # row_seq runs on over a second table of the same kind (one key per document, kind and line)
            first_seq = sum(1 for r in line_rows if r["table_kind"] == region.kind)
            line_rows += [_line_row(doc_id, region, seq, item) for seq, item in enumerate(items, start=first_seq)]
    problems += uncode_repeated_ocr_codes(subject_tables, set(doc.ocr_pages))
    problems += code_from_other_tables(subject_tables)
    if "expenditure" in subject_tables:
        problems += realign_expenditure(subject_tables["expenditure"], subject_tables)
    subject_rows: list[dict] = []
    for kind, table in subject_tables.items():
        problems += table.problems
        record = next(r for r in table_rows if r["table_kind"] == kind)
        record["row_count"] = sum(1 for r in table.rows if r.row_kind == "subject")
        # empty = no figure printed at all (a table whose rows carry no codes is not empty)
        record["is_empty"] = record["is_empty"] and not any(
            v is not None for r in table.rows for v in r.amounts_wan.values()
        )
        subject_rows += _subject_rows(doc_id, kind, table)
    for record in table_rows:
        if record["is_empty"] and not record["has_empty_statement"]:
            record["has_empty_statement"] = _emptiness_stated(record["table_kind"], record["title"], doc.blocks)
    paras = paragraphs(doc.blocks)
    change_rows = [_change_row(doc_id, seq, change) for seq, change in enumerate(extract_changes(paras))]
    fact_rows = [_fact_row(doc_id, fact) for fact in extract_facts(paras) + extract_execution(paras)]
    found = sorted({t.kind for t in tables}, key=STANDARD_KINDS.index)
    missing = [k for k in _expected_kinds(doc) if k not in found]
    has_core = any(t.kind in CORE_KINDS for t in tables)
    has_narrative = bool(fact_rows or change_rows)
    status, reason = _status(identity, tables, has_core, has_narrative, missing)
    beyond = [
        problem
        for name, rows in [
            ("subject_amounts", subject_rows),
            ("line_items", line_rows),
            ("budget_changes", change_rows),
            ("narrative_facts", fact_rows),
        ]
        for problem in out_of_range(name, rows)
    ]
    if beyond:
        # polars would store NULL in their place, silently: the document is kept out of the facts
        status = "rejected"
        reason = (
            f"amounts beyond what the warehouse stores: {'; '.join(beyond[:5])}; a budget figure is never that "
            "large: check the source file (cells run together?) or report it as a parser defect"
        )
    if problems:
        reason = "; ".join(filter(None, [reason, *problems]))[:2000]
    document = {
        **base,
        "layout": doc.layout,
        "unit_name": identity.unit_name,
        "doc_kind": identity.scope,
        "phase": identity.phase,
        "content": "tables+narrative" if has_core and has_narrative else "tables" if has_core else "narrative",
        "year": identity.year,
        "status": status,
        "reason": reason,
        "tables_found": len(found),
        "tables_missing": ",".join(missing) or None,
        "page_count": doc.page_count,
        "pages_ocr": len(doc.ocr_pages),
    }
    if doc.ocr_pages:
        reason = "; ".join(filter(None, [reason, f"pages read by OCR: {', '.join(map(str, doc.ocr_pages))}"]))[:2000]
        document["reason"] = reason
    staged.frames.update(
        {
            "documents": _frame("documents", [document]),
            "tables": _frame("tables", table_rows),
            "subject_amounts": _frame("subject_amounts", subject_rows),
            "line_items": _frame("line_items", line_rows),
            "budget_changes": _frame("budget_changes", change_rows),
            "narrative_facts": _frame("narrative_facts", fact_rows),
            "parse_problems": _frame("parse_problems", [{"document_id": doc_id, "problem": p} for p in problems]),
        }
    )
    for name in READ_TABLES:
        staged.frames[name] = _with_provenance(staged.frames[name], doc)
    return staged


def out_of_range(name: str, rows: list[dict]) -> list[str]:
    """The figures of a staged table's rows that its DECIMAL columns cannot hold (named by line)."""
    problems = []
    for column, dtype in SCHEMAS[name].items():
        if not isinstance(dtype, pl.Decimal):
            continue
        bound = Decimal(10) ** (dtype.precision - dtype.scale)
        for row in rows:
            value = row.get(column)
            if value is not None and abs(value) >= bound:
                where = f"line {row.get('source_line')}" + (f", page {row['page']}" if row.get("page") else "")
                problems.append(f"{column} {value} ({where}) does not fit DECIMAL({dtype.precision}, {dtype.scale})")
    return problems


# digits with separators, nothing else: what a figure looks like once OCR has lost or misread its
# decimal point (4,534.40 → 4,53440); a figure that does not parse then
_FIGURE_LIKE = re.compile(r"-?[\d,.，]*\d[\d,.，]*")


def _unreadable_ocr_figures(doc: IntermediateDocument) -> list[str]:
    """Cells of OCR'd table rows that look like figures but are none: each is named (and fails
    the check ocr_figures_readable), never read as a blank or guessed."""
    return [
        f"page {block.page} row {block.line}: {cell!r} read by OCR is not a figure "
        "(a lost or misread decimal point or separator); read it from the page image"
        for block in doc.blocks
        if block.confidence is not None and block.is_row
        for cell in block.cells
        if len(re.sub(r"\D", "", cell)) >= 3 and _FIGURE_LIKE.fullmatch(cell.strip()) and parse_amount(cell) is None
    ]


def _with_provenance(frame: pl.DataFrame, doc: IntermediateDocument) -> pl.DataFrame:
    """The facts with how they were read: 'ocr' from a page read by OCR, with the confidence of
    the block they came from (the page's where they came from several), else 'text'."""
    if not doc.ocr_pages:
        return frame.with_columns(read_method=pl.lit("text"), ocr_confidence=pl.lit(None, pl.Float64))
    by_block = {(b.page, b.line): b.confidence for b in doc.blocks if b.confidence is not None}
    places = zip(frame["page"].to_list(), frame["source_line"].to_list())
    confidence = [by_block.get((page, line), doc.ocr_pages.get(page)) for page, line in places]
    return frame.with_columns(
        read_method=pl.when(pl.col("page").is_in(list(doc.ocr_pages))).then(pl.lit("ocr")).otherwise(pl.lit("text")),
        ocr_confidence=pl.Series(confidence, dtype=pl.Float64),
    ).with_columns(ocr_confidence=pl.when(pl.col("read_method") == "ocr").then(pl.col("ocr_confidence")))


def _status(
    identity, tables: list[TableRegion], has_core: bool, has_narrative: bool, missing: list[str]
) -> tuple[str, str | None]:
    """What the document is, and why it is not (or only partly) loaded."""
    unit, year = identity.unit_name, identity.year
    if not has_core and not (has_narrative and identity.titled):
        reason = "no 收支总表, 收入 or 支出 table, and the cover does not name a 预算/决算 disclosure"
        if tables:
            reason += f"; found only: {', '.join(t.title for t in tables[:5])}"
        return "not_budget_disclosure", reason
    if not has_core and (unit is None or year is None):
        return (
            "unidentified",
            f"budget statements without tables, and the discloser or year not found; tried: {'; '.join(identity.tried)}",
        )
    if identity.phase == "final":
        return "final_accounts", "final accounts (部门决算): recognised, not read into the budget facts"
    if unit is None or year is None:
        missing_what = " and ".join(w for w, v in (("discloser", unit), ("budget year", year)) if v is None)
        return "unidentified", f"{missing_what} not found; tried: {'; '.join(identity.tried)}"
    if not has_core:
        return "loaded", "the narrative part of a disclosure published as two files: its tables are in another file"
    if missing:
        return "partial", f"missing tables: {', '.join(missing)}"
    return "loaded", None


def _table_record(doc_id: str, region: TableRegion) -> dict:
    return {
        "document_id": doc_id,
        "table_kind": region.kind,
        "table_number": region.number,
        "ordinal": region.ordinal,
        "title": region.title,
        "published_unit": region.unit,
        "discloser": region.discloser,
        "row_count": 0,
        "is_empty": not any(is_amount(c) for r in region.rows if not is_column_number_row(r.cells) for c in r.cells),
        "has_empty_statement": region.empty_statement is not None,
        "source_line": region.first_line,
        "page": region.page,
        "printed_decimals": printed_decimals(region),
    }


def _line_row(doc_id: str, region: TableRegion, seq: int, item) -> dict:
    return {
        "document_id": doc_id,
        "table_kind": region.kind,
        "table_number": region.number,
        "row_seq": seq,
        "side": item.side,
        "line_label": item.line_label,
        "item_key": item.item_key,
        "subject_code": item.subject_code,
        "measure": item.measure,
        "amount_wan": item.amount_wan,
        "source_line": item.line,
        "page": item.page,
    }


def _subject_rows(doc_id: str, kind: str, table: SubjectTable) -> list[dict]:
    return [
        {
            "document_id": doc_id,
            "table_kind": kind,
            "table_number": table.region.number,
            "row_seq": seq,
            "row_kind": row.row_kind,
            "subject_code": row.subject_code,
            "subject_name": row.subject_name or None,
            "project_name": row.project_name,
            "measure": measure,
            "amount_wan": amount,
            "source_line": row.line,
            "page": row.page,
        }
        for seq, row in enumerate(table.rows)
        for measure, amount in row.amounts_wan.items()
    ]


def _change_row(doc_id: str, seq: int, change) -> dict:
    return {
        "document_id": doc_id,
        "statement_seq": seq,
        "section": change.section,
        "item_kind": change.item_kind,
        "item_label": change.item_label,
        "subject_path": "/".join(change.subject_path) or None,
        "stated_subject_code": change.subject_code,
        "current_wan": change.current_wan,
        "change_wan": change.change_wan,
        "change_pct": change.change_pct,
        "change_pct_decimals": None if change.change_pct is None else max(0, -change.change_pct.as_tuple().exponent),
        "prior_basis": change.prior_basis,
        "sentence": change.sentence,
        "source_line": change.line,
        "page": change.page,
    }


def _fact_row(doc_id: str, fact) -> dict:
    return {
        "document_id": doc_id,
        "fact_kind": fact.fact_kind,
        "fact_key": fact.fact_key,
        "value": fact.value,
        "unit": fact.unit,
        "text": None if fact.text is None else as_text(fact.text),
        "source_line": fact.line,
        "page": fact.page,
    }


def decimal_or_none(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))
