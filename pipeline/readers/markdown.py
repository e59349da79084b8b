"""Markdown as marker / MinerU / docling write it: pipe tables (``| a | b |`` with a ``|---|``
separator) and HTML ``<table>`` blocks embedded in the prose."""

from __future__ import annotations

import re

from pipeline.cleaning import clean_cell
from pipeline.intermediate import Block, IntermediateDocument
from pipeline.readers.html import table_rows

_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_HEADING = re.compile(r"^\s*#{1,6}\s*")


def _pipe_cells(line: str) -> tuple[str, ...]:
    body = line.strip()
    body = body.removeprefix("|")
    body = body.removesuffix("|")
    cells = re.split(r"(?<!\\)\|", body)
    return tuple(clean_cell(c.replace("\\|", "|").replace("<br>", " ").replace("<br/>", " ")) for c in cells)


def read(text: str) -> IntermediateDocument:
    doc = IntermediateDocument(layout="markdown")
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        number = i + 1
        if re.search(r"<table\b", line, re.IGNORECASE):
            start = i
            chunk = [line]
            while not re.search(r"</table>", lines[i], re.IGNORECASE) and i + 1 < len(lines):
                i += 1
                chunk.append(lines[i])
            for cells in table_rows("\n".join(chunk)):
                doc.blocks.append(Block("row", cells, line=start + 1))
            i += 1
            continue
        stripped = line.strip()
        if stripped.startswith("|"):
            if not _SEPARATOR.match(stripped):
                cells = _pipe_cells(stripped)
                if any(cells):
                    doc.blocks.append(Block("row", cells, line=number))
        else:
            cleaned = clean_cell(_HEADING.sub("", line))
            if cleaned:
                doc.blocks.append(Block("text", (cleaned,), line=number))
        i += 1
    return doc
