"""Cut a document's blocks into tables: title → rows, across page breaks.

A table starts at its title (with an optional ``表 N`` caption before it) and takes every
row until the next title, a section heading or running prose. Lines inside it that carry
``编制部门/编制单位`` or ``单位：万元`` set the table's discloser and published unit; a
continuation on the next page (repeated header, or only those lines) stays in the same table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.cleaning import compact_label, find_published_unit
from pipeline.intermediate import Block
from pipeline.tables.kinds import kind_of, parse_title, table_caption_number

EMPTY_STATEMENT = re.compile(r"空\s*白?\s*表|本表无数据|无此项")
_DISCLOSER = re.compile(r"(?:编制|预算)(?:部门|单位)\s*[:：]\s*(.+?)(?:\s*(?:金额)?单位\s*[:：].*)?$")


@dataclass
class TableRegion:
    kind: str | None
    title: str
    number: int | None
    ordinal: int
    first_line: int | None
    page: int | None
    published_unit: str | None = None
    discloser: str | None = None
    rows: list[Block] = field(default_factory=list)
    empty_statement: str | None = None

    @property
    def unit(self) -> str:
        return self.published_unit or "万元"


def discloser_of(text: str) -> str | None:
    match = _DISCLOSER.search(text.strip())
    if not match:
        return None
    name = re.sub(r"\s+", "", match.group(1))
    name = re.sub(r"[（(]?盖章[）)]?$", "", name)
    return name or None


def _is_prose(text: str) -> bool:
    compact = compact_label(text)
    return len(compact) >= 16 and bool(re.search(r"[。；，,]", compact)) or compact.startswith("第") and "部分" in compact


def _title_in(block: Block) -> tuple[int | None, str] | None:
    if block.kind == "text":
        return parse_title(block.text)
    non_empty = [c for c in block.cells if c]
    if len(non_empty) == 1:
        return parse_title(non_empty[0])
    return None


def segment_tables(blocks: list[Block]) -> list[TableRegion]:
    tables: list[TableRegion] = []
    current: TableRegion | None = None
    closed: TableRegion | None = None  # the table prose just ended: its 空表 statement may follow
    pending_number: int | None = None
    previous_text = ""
    for block in blocks:
        text = block.text
        # a 空表 statement may wrap between 空 and 表: read it together with the line before
        joined_text, previous_text = previous_text + text, (text if block.kind == "text" else "")
        number = table_caption_number(compact_label(text)) if block.kind == "text" else None
        if number is not None:
            pending_number = number
            continue
        title = _title_in(block)
        if title is not None:
            inline_number, title_text = title
            kind = kind_of(title_text)
            if current is not None and tables and tables[-1] is current and title_text == current.title and block.page != current.page:
                continue  # the title repeated over a continuation page: the same table goes on
            current = TableRegion(
                kind=kind,
                title=title_text,
                number=inline_number if inline_number is not None else pending_number,
                ordinal=len(tables) + 1,
                first_line=block.line,
                page=block.page,
            )
            tables.append(current)
            pending_number = None
            closed = None
            continue
        if current is None:
            if closed is not None and block.kind == "text" and EMPTY_STATEMENT.search(joined_text) and closed.empty_statement is None:
                closed.empty_statement = joined_text
                closed = None
            continue
        unit = find_published_unit(text)
        discloser = discloser_of(text)
        if unit or discloser:
            current.published_unit = current.published_unit or unit
            current.discloser = current.discloser or discloser
            if block.kind == "text" or len([c for c in block.cells if c]) <= 2:
                continue
        if block.kind == "text":
            if EMPTY_STATEMENT.search(joined_text):
                current.empty_statement = joined_text
                continue
            if _is_prose(text):
                closed, current = current, None
            continue
        current.rows.append(block)
    return [t for t in tables if t.kind is not None and t.kind not in ("performance", "operating_funds")]
