"""Tab-separated text as PDF converters write it: a table row per line, cells split by tabs
(empty cells kept), running text on lines of their own, markdown headings and HTML tags mixed in."""

from __future__ import annotations

import re

from pipeline.cleaning import clean_cell
from pipeline.intermediate import Block, IntermediateDocument

_HEADING = re.compile(r"^\s*#{1,6}\s*")
_LIST = re.compile(r"^\s*[-*+]\s+")


def read(text: str) -> IntermediateDocument:
    doc = IntermediateDocument(layout="text")
    for number, line in enumerate(text.splitlines(), start=1):
        if "\t" in line:
            cells = tuple(clean_cell(c) for c in line.split("\t"))
            if any(cells):
                doc.blocks.append(Block("row", cells, line=number))
            continue
        cleaned = clean_cell(_LIST.sub("- ", _HEADING.sub("", line)))
        if cleaned:
            doc.blocks.append(Block("text", (cleaned,), line=number))
    return doc
