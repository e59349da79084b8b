"""HTML pages: ``<table>`` rows with rowspan/colspan honoured, other block elements as text.

A merged cell's text stands in its first (top-left) position and the positions it spans
are empty, as in every other layout, so the same header logic applies.
"""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag

from pipeline.cleaning import clean_cell
from pipeline.intermediate import Block, IntermediateDocument

_TEXT_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "caption", "div", "span", "pre"}


def _grid(table: Tag) -> list[tuple[str, ...]]:
    rows: list[list[str]] = []
    pending: dict[tuple[int, int], str] = {}
    for r, tr in enumerate(table.find_all("tr")):
        if tr.find_parent("table") is not table:
            continue
        row: list[str] = []
        col = 0
        for cell in tr.find_all(["td", "th"], recursive=False):
            while (r, col) in pending:
                row.append(pending.pop((r, col)))
                col += 1
            text = clean_cell(cell.get_text(" "))
            colspan = int(cell.get("colspan", 1) or 1)
            rowspan = int(cell.get("rowspan", 1) or 1)
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
