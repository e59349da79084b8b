"""HTML pages: ``<table>`` rows with rowspan/colspan honoured, other block elements as text.

A merged cell's text stands in its first (top-left) position and the positions it spans
are empty, as in every other layout, so the same header logic applies.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

from pipeline import config
from pipeline.cleaning import clean_cell
from pipeline.intermediate import Block, IntermediateDocument, UnreadableDocument

_LEADING_DIGITS = re.compile(r"\s*(\d+)")
MAX_COLSPAN, MAX_ROWSPAN = 1000, 65534  # the HTML standard's clamps


def _span(cell: Tag, name: str, most: int) -> int:
    """A cell's colspan or rowspan as browsers read it: its leading digits, 1 when there are none
    or they say 0, at most ``most``."""
    match = _LEADING_DIGITS.match(str(cell.get(name, "")))
    return min(max(int(match.group(1)), 1), most) if match else 1


_TEXT_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "caption", "div", "span", "pre"}


def _grid(table: Tag) -> list[tuple[str, ...]]:
    """The table's rows with merged cells spread over the positions they span. A span never
    reaches past the table's last row; a table of more than ``BUDGET_MAX_TABLE_CELLS`` positions
    makes the document ``too_large`` (a few bytes of markup could otherwise ask for billions)."""
    trs = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    budget = config.MAX_TABLE_CELLS
    rows: list[list[str]] = []
    pending: dict[tuple[int, int], str] = {}
    for r, tr in enumerate(trs):
        row: list[str] = []
        col = 0
        for cell in tr.find_all(["td", "th"], recursive=False):
            while (r, col) in pending:
                row.append(pending.pop((r, col)))
                col += 1
            text = clean_cell(cell.get_text(" "))
            colspan = _span(cell, "colspan", MAX_COLSPAN)
            rowspan = min(_span(cell, "rowspan", MAX_ROWSPAN), len(trs) - r)
            budget -= colspan * rowspan
            if budget < 0:
                raise UnreadableDocument(
                    "too_large",
                    f"a table spans more than {config.MAX_TABLE_CELLS:,} cells (BUDGET_MAX_TABLE_CELLS): "
                    "its colspan/rowspan values are not a budget table's",
                )
            for c in range(colspan):
                row.append(text if c == 0 else "")
                for extra in range(1, rowspan):
                    pending[(r + extra, col + c)] = ""
            col += colspan
        while (r, col) in pending:
            row.append(pending.pop((r, col)))
            col += 1
        rows.append(row)
    return [tuple(r) for r in rows if any(r)]


def table_rows(fragment: str) -> list[tuple[str, ...]]:
    soup = BeautifulSoup(fragment, "lxml")
    rows: list[tuple[str, ...]] = []
    for table in soup.find_all("table"):
        if table.find_parent("table") is None:
            rows.extend(_grid(table))
    return rows


def read(text: str) -> IntermediateDocument:
    doc = IntermediateDocument(layout="html")
    soup = BeautifulSoup(text, "lxml")
    root = soup.body or soup
    line = 0
    for element in root.descendants:
        if not isinstance(element, Tag):
            continue
        if element.name == "table":
            if element.find_parent("table") is not None:
                continue
            caption = element.find("caption")
            if caption is not None:
                line += 1
                doc.blocks.append(Block("text", (clean_cell(caption.get_text(" ")),), line=line))
            for cells in _grid(element):
                line += 1
                doc.blocks.append(Block("row", cells, line=line))
            continue
        if element.name in _TEXT_TAGS and element.find_parent("table") is None:
            if element.find(list(_TEXT_TAGS | {"table"})) is not None:
                continue  # a container: its children are read on their own
            text = clean_cell(element.get_text(" "))
            if text:
                line += 1
                doc.blocks.append(Block("text", (text,), line=line))
    return doc
