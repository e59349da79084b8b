"""Cut a document's blocks into tables: title → rows, across page breaks.

A table starts at its title (with an optional ``表 N`` caption before it) and takes every
row until the next title, a section heading or running prose. A table whose page prints only its
caption (``表 3``, no title) takes its title from the document's contents (entry 3). Lines inside it that carry
a labelled discloser (``编制部门：``, ``单位名称：`` …: ``pipeline/identify.py``) or ``单位：万元``
set the table's discloser and published unit; a
continuation on the next page (repeated header, or only those lines) stays in the same table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.cleaning import compact_label, find_published_unit, is_amount
from pipeline.identify import labelled_unit
from pipeline.intermediate import Block
from pipeline.tables.kinds import (
    CONTENTS_REACH,
    UNREAD_KINDS,
    contents_entries,
    kind_of,
    parse_title,
    table_caption_number,
)

_BESIDE_TITLE = re.compile(r"\s*(?:(?:编制|预算)(?:单位|部门)\s*[:：]|(?:金额)?单位\s*[:：]).*$")
EMPTY_STATEMENT = re.compile(r"空\s*白?\s*表|本表无数据|无此项")


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


def _is_prose(text: str) -> bool:
    compact = compact_label(text)
    return (len(compact) >= 16 and bool(re.search(r"[。；，,]", compact))) or (
        compact.startswith("第") and "部分" in compact
    )


def _title_in(block: Block) -> tuple[int | None, str] | None:
    if block.kind == "text":
        return parse_title(block.text)
    non_empty = [c for c in block.cells if c]
    if len(non_empty) == 1:
        # a title sharing its cell with the discloser and unit lines (…预算总表编制单位：… 单位：元)
        return parse_title(_BESIDE_TITLE.sub("", non_empty[0]))
    if 1 < len(non_empty) <= 5 and not any(is_amount(c) for c in non_empty):
        # a title a broken text layer split into cells (年财政拨款 | 三公 | 经费支出情况表)
        joined = parse_title("".join(compact_label(c) for c in non_empty))
        return joined if joined and kind_of(joined[1]) else None
    return None


def _wrapped_title(first: Block, second: Block) -> tuple[int | None, str] | None:
    """A title wrapped over two lines (…“三公”经费及会议费、培训费支出预 / 算表): read together,
    when neither line is a title alone and together they name a standard table."""
    if second.kind != "text" or len(compact_label(first.text)) > 40 or len(compact_label(second.text)) > 20:
        return None
    if _is_prose(first.text) or parse_title(first.text) or re.search(r"[。；，,]", second.text):
        return None
    joined = parse_title(compact_label(first.text) + compact_label(second.text))
    return joined if joined and kind_of(joined[1]) else None


def segment_tables(blocks: list[Block]) -> list[TableRegion]:
    tables: list[TableRegion] = []
    current: TableRegion | None = None
    closed: TableRegion | None = None  # the table prose just ended: its 空表 statement may follow
    pending_number: int | None = None
    captions: list[Block] = []  # the caption line (and unit lines) of a table whose title is not printed
    # a table printed with its caption only (表3, then its rows) is the one the contents list as 3
    listed = {
        number: (title, kind) for number, title, kind in contents_entries([b.text for b in blocks[:CONTENTS_REACH]])
    }
    previous_text = ""
    wrapped_rest: Block | None = None
    for index, block in enumerate(blocks):
        if block is wrapped_rest:
            continue  # the second line of a title wrapped over two lines, already read
        text = block.text
        # a 空表 statement may wrap between 空 and 表: read it together with the line before
        joined_text, previous_text = previous_text + text, (text if block.kind == "text" else "")
        number = table_caption_number(compact_label(_BESIDE_TITLE.sub("", text))) if block.kind == "text" else None
        if number is not None:
            pending_number, captions = number, [block]
            continue
        title = _title_in(block)
        if title is None and block.kind == "text" and index + 1 < len(blocks):
            title = _wrapped_title(block, blocks[index + 1])
            wrapped_rest = blocks[index + 1] if title is not None else None
        if title is None and pending_number is not None:
            if block.kind == "text" and (find_published_unit(text) or labelled_unit(text)):
                captions.append(block)
                continue
            if block.kind == "row" and pending_number in listed:
                current = _listed_table(pending_number, *listed[pending_number], captions, len(tables) + 1)
                tables.append(current)
                closed = None
            pending_number = None
        if title is not None:
            inline_number, title_text = title
            kind = kind_of(title_text)
            current = TableRegion(
                kind=kind,
                title=title_text,
                number=inline_number if inline_number is not None else pending_number,
                ordinal=len(tables) + 1,
                first_line=block.line,
                page=block.page,
            )
            current.published_unit = find_published_unit(text)
            current.discloser = labelled_unit(text)
            tables.append(current)
            pending_number = None
            closed = None
            continue
        if current is None:
            if (
                closed is not None
                and block.kind == "text"
                and EMPTY_STATEMENT.search(joined_text)
                and closed.empty_statement is None
            ):
                closed.empty_statement = joined_text
                closed = None
            continue
        unit = find_published_unit(text)
        discloser = labelled_unit(text)
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
    # a title with nothing under it (no rows, no 单位：万元, no 空表 statement), or only other
    # titles (表9 | …政府性基金收支表 | 是 | 不涉及), is a contents entry
    tables = [
        t
        for t in tables
        if (t.rows and not all(_lists_a_table(r) for r in t.rows)) or t.published_unit or t.empty_statement
    ]
    tables = _continuations_merged(tables)
    return [t for t in tables if t.kind is not None and t.kind not in UNREAD_KINDS]


def _listed_table(number: int, title: str, kind: str, captions: list[Block], ordinal: int) -> TableRegion:
    """A table whose page prints only its caption (表 N): its title is the contents' entry N."""
    table = TableRegion(
        kind=kind, title=title, number=number, ordinal=ordinal, first_line=captions[0].line, page=captions[0].page
    )
    for line in captions:
        table.published_unit = table.published_unit or find_published_unit(line.text)
        table.discloser = table.discloser or labelled_unit(line.text)
    return table


def _lists_a_table(row: Block) -> bool:
    """A contents line: it names a table and prints no figure."""
    if any(is_amount(c) for c in row.cells):
        return False
    return any(parse_title(c) is not None for c in row.cells if c)


def _continuations_merged(tables: list[TableRegion]) -> list[TableRegion]:
    """A title printed again on the next page continues its table when the page repeats the
    table's header (or starts straight with rows); a second table that only shares the title
    (基本支出明细表 by function, then by economic subject) has a header of its own."""
    merged: list[TableRegion] = []
    for table in tables:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and table.title == previous.title
            and table.page is not None
            and previous.rows
            and table.page == (previous.rows[-1].page or previous.page) + 1
            and (
                not table.rows
                or table.rows[0].cells == previous.rows[0].cells
                or any(is_amount(c) for c in table.rows[0].cells)
            )
        ):
            previous.rows.extend(table.rows)
            previous.published_unit = previous.published_unit or table.published_unit
            previous.discloser = previous.discloser or table.discloser
            continue
        merged.append(table)
    for ordinal, table in enumerate(merged, start=1):
        table.ordinal = ordinal
    return merged
