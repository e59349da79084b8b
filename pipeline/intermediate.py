"""The layout-independent intermediate form every reader produces.

A document is an ordered list of blocks. A block is either a line of running text or one
row of a table (its cells, left to right, empty cells kept in place). Every block carries
its provenance: the source line (text layouts) or the page and row (PDF). Table
interpretation in ``pipeline.tables`` and statement extraction in ``pipeline.narrative``
work on this form only, so each standard table is interpreted once whatever the layout.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["text", "row"]


@dataclass(frozen=True, slots=True)
class Block:
    kind: BlockKind
    cells: tuple[str, ...]
    line: int | None = None  # 1-based source line (text layouts) or row index on the page (PDF)
    page: int | None = None  # 1-based page number (PDF only)
    confidence: float | None = None  # the OCR engine's confidence (0–1) on a page read by OCR; None: a text layer

    @property
    def text(self) -> str:
        return " ".join(c for c in self.cells if c)

    @property
    def is_row(self) -> bool:
        return self.kind == "row"


@dataclass(slots=True)
class IntermediateDocument:
    """What a reader returns: the blocks plus what the reader learnt about the file."""

    layout: str
    blocks: list[Block] = field(default_factory=list)
    page_count: int | None = None
    problems: list[str] = field(default_factory=list)  # reader-level problems, e.g. scanned pages
    ocr_pages: dict[int, float | None] = field(default_factory=dict)  # page read by OCR → its confidence


class UnreadableDocument(Exception):
    """Raised by a reader when a file cannot be read at all; ``status`` goes to document_status."""

    def __init__(self, status: str, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason
