"""PDF with a text layer, read by an engine (PDFium by default, pdfplumber as the reference).

The engine gives each page's characters and ruling edges (``pdf_page.PageContent``); the rest
is the same whichever engine read the page. Ruled tables (drawn lines or cell rectangles) are
found as pdfplumber's table finder finds them (``pdf_tables``), merged cells left empty in the
positions they span, wrapped cell text joined. Lines outside the tables are split into cells
where the words (``pdf_words``) leave a wide gap (tables without rulings); a line with a single
cell is running text. Repeated page headers/footers and page numbers are dropped. Every block
carries its page and its row on the page.

A page without a text layer is read by OCR (``ocr``, ``BUDGET_OCR``) into the same page form,
its blocks carrying the engine's confidence; so is a page whose text layer holds only a few
characters beside an image covering much of it (``DocumentOcr.is_image_page``). A PDF none of
whose pages could be read (no text layer, OCR off or finding nothing) is ``needs_ocr``; an
encrypted one is ``encrypted``; one that cannot be parsed is ``corrupt``; page and time limits
stop a pathological file.
The engine is ``BUDGET_PDF_ENGINE`` (``pdfium`` or ``pdfplumber``) unless the caller names one.
"""

from __future__ import annotations

import contextlib
import gc
import re
import time
from collections import Counter
from functools import lru_cache
from pathlib import Path

from pipeline import config
from pipeline.cleaning import clean_cell, is_amount
from pipeline.intermediate import Block, IntermediateDocument, UnreadableDocument
from pipeline.readers.ocr import DocumentOcr
from pipeline.readers.pdf_page import Char, PageContent, on_grid
from pipeline.readers.pdf_tables import CharsByMidpoint, find_tables, table_rows
from pipeline.readers.pdf_words import Word, dedupe_chars, words
from pipeline.readers.pdfium_engine import PdfiumDocument
from pipeline.readers.pdfplumber_engine import PdfplumberDocument

ENGINES = {"pdfium": PdfiumDocument, "pdfplumber": PdfplumberDocument}
REFERENCE_ENGINE = "pdfplumber"
_PAGE_NUMBER = re.compile(r"^(?:[-–—]?\s*\d{1,4}\s*[-–—]?|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)$")
_MARGIN = 0.07  # share of the page height where headers and footers live


@lru_cache(maxsize=1 << 16)  # the same texts recur in every table (blank cells, 0.00, headers)
def _cell_text(raw: str | None) -> str:
    if not raw:
        return ""
    parts = [p.strip() for p in raw.split("\n")]
    joined = parts[0] if parts else ""
    for part in parts[1:]:
        if not part:
            continue
        # wrapped CJK text joins without a space; Latin words and numbers keep one
        cjk = r"[\u3400-\u9fff（）()、]"
        digits_continue = re.search(r"[\d,.]$", joined) and re.match(r"[\d,.]", part)
        if joined and (re.match(cjk, part[0]) or re.search(cjk + "$", joined) or digits_continue):
            joined += part
        else:
            joined += " " + part
    return clean_cell(joined)


def _split_line(line: list[Word]) -> list[tuple[str, float, float]]:
    """Cells of one text line, with their x extent: words separated by a gap wider than
    0.8 of the character size (wider than a space) start a new cell; a gap of a quarter of it
    or more (a Latin space, often exactly that) reads as a space. Distances are compared on the
    coordinates' 0.001 pt grid, so that a gap of exactly a quarter em is one whatever the
    floating-point noise of the subtraction."""
    cells: list[tuple[str, float, float]] = []
    current, x0, x1 = "", None, None
    previous = None
    for word in line:
        size = on_grid(max(word.bottom - word.top, 1.0))
        gap = None if previous is None else on_grid(word.x0 - previous.x1)
        if gap is not None and gap > 0.8 * size:
            cells.append((clean_cell(current), x0, x1))
            current, x0 = word.text, word.x0
        else:
            glue = "" if gap is None or gap < 0.25 * size else " "
            current = current + glue + word.text
            x0 = word.x0 if x0 is None else x0
        x1 = word.x1
        previous = word
    cells.append((clean_cell(current), x0, x1))
    return cells


def _without_overprint(chars: list[Char]) -> list[Char]:
    """The characters without fake-bold overprinting: some producers print each glyph of a bold
    title several times at (almost) the same place (表表表表1111), which reads as repeated text.
    A glyph within 1 pt of the same glyph (same font and size) is such a copy, on any page: the
    share of copies on a page depends on the engine (PDFium drops most copies itself)."""
    return dedupe_chars(chars)


def _bands(rows: list[list[tuple[str, float, float]]]) -> list[list[float]]:
    """Column bands of an unruled table: the merged x extents of its data cells."""
    intervals = sorted([x0, x1] for row in rows if any(is_amount(c[0]) for c in row) for _, x0, x1 in row)
    bands: list[list[float]] = []
    for x0, x1 in intervals:
        if bands and x0 <= bands[-1][1]:
            bands[-1][1] = max(bands[-1][1], x1)
        else:
            bands.append([x0, x1])
    return bands


def _place(row: list[tuple[str, float, float]], bands: list[list[float]]) -> tuple[str, ...]:
    """A text-aligned row as cells by column band (empty cells kept in place)."""
    cells = [""] * len(bands)
    for text, x0, x1 in row:
        overlaps = [max(0.0, min(x1, b1) - max(x0, b0)) for b0, b1 in bands]
        best = max(range(len(bands)), key=lambda i: overlaps[i]) if bands else None
        if best is None or overlaps[best] == 0:
            centre = (x0 + x1) / 2
            best = min(range(len(bands)), key=lambda i: abs((bands[i][0] + bands[i][1]) / 2 - centre))
        cells[best] = f"{cells[best]} {text}".strip()
    return tuple(cells)


def _sandwiched(items: list[list], j: int) -> bool:
    """A short one-cell line between table lines (a row whose amounts are all blank)."""
    item = items[j]
    return (
        item[1] == "text"
        and len(item) > 5
        and len(item[2][0]) <= 30
        and not re.search(r"[。；]", item[2][0])
        and j + 1 < len(items)
        and items[j + 1][1] == "cells"
    )


def _align_unruled(items: list[list]) -> None:
    """Give runs of consecutive multi-cell text lines (tables without rulings) common columns."""
    i = 0
    while i < len(items):
        if items[i][1] != "cells":
            i += 1
            continue
        j = i
        while j < len(items) and (items[j][1] == "cells" or _sandwiched(items, j)):
            if items[j][1] == "text":
                items[j][1], items[j][2] = "cells", items[j][5]
            j += 1
        run = items[i:j]
        bands = _bands([item[2] for item in run])
        if not bands:
            for item in run:
                item[1], item[2] = "row", tuple(c[0] for c in item[2])
        else:
            # header cells standing over no data column open a column of their own
            for item in run:
                for _, x0, x1 in item[2]:
                    if not any(min(x1, b1) > max(x0, b0) for b0, b1 in bands):
                        bands.append([x0, x1])
            bands.sort()
            for item in run:
                item[1], item[2] = "row", _place(item[2], bands)
        i = j


def _text_lines(chars: list[Char], boxes) -> list[tuple[float, float, float, list[tuple[str, float, float]]]]:
    """(top, bottom, x0, cells with x extents) of every line outside the tables."""
    found = words(chars, outside=boxes)
    found.sort(key=lambda w: (round(w.top / 3), w.x0))
    lines: list[list[Word]] = []
    for word in found:
        if lines and abs(lines[-1][0].top - word.top) <= 3:
            lines[-1].append(word)
        else:
            lines.append([word])
    out = []
    for line in lines:
        line.sort(key=lambda w: w.x0)
        out.append((line[0].top, max(w.bottom for w in line), line[0].x0, tuple(_split_line(line))))
    return out


def page_items(page: PageContent) -> list[list]:
    """The page's table rows and text lines, top to bottom: [top, kind, cells, rel_top, rel_bottom, ...]."""
    chars = _without_overprint(page.chars)
    tables = find_tables(page.edges)
    boxes = [t.bbox for t in tables]
    index = CharsByMidpoint(chars) if tables else None
    items = []
    for table in tables:
        top = table.bbox[1]
        for i, row in enumerate(table_rows(table, index)):
            items.append([top + i * 0.001, "row", tuple(_cell_text(c) for c in row), top, table.bbox[3]])
    for top, bottom, _x0, cells in _text_lines(chars, boxes):
        texts = [c[0] for c in cells if c[0]]
        if len(texts) >= 2 and (any(is_amount(t) for t in texts) or max(map(len, texts)) <= 30):
            items.append([top, "cells", cells, top / page.height, bottom / page.height])
        else:
            items.append(
                [top, "text", (" ".join(c[0] for c in cells),), top / page.height, bottom / page.height, cells]
            )
    items.sort(key=lambda item: item[0])
    _align_unruled(items)
    return items


def engine_named(name: str | None = None) -> str:
    """The engine to read with: ``name``, else ``BUDGET_PDF_ENGINE``, else PDFium."""
    name = name or config.PDF_ENGINE.value()
    if name not in ENGINES:
        raise ValueError(f"unknown PDF engine {name!r} (BUDGET_PDF_ENGINE): use one of {', '.join(ENGINES)}")
    return name


class _Pages:
    """The pages of an open document. What the engine cannot read the reference engine reads:
    a document the engine cannot open (the reference then also says why, if it cannot either),
    a page the engine could not read in full (the reference opened only when needed)."""

    def __init__(self, path: Path, data: bytes, engine: str):
        self.path, self.data, self.engine = path, data, engine
        try:
            self.document = ENGINES[engine](path, data)
        except UnreadableDocument:
            if engine == REFERENCE_ENGINE:
                raise
            self.engine, self.document = REFERENCE_ENGINE, ENGINES[REFERENCE_ENGINE](path, data)
        self.count = self.document.page_count
        self.reference = None

    def read(self, number: int) -> PageContent:
        page = self.document.read_page(number)
        if page.complete or self.engine == REFERENCE_ENGINE:
            return page
        try:
            self.reference = self.reference or ENGINES[REFERENCE_ENGINE](self.path, self.data)
            return self.reference.read_page(number)
        except UnreadableDocument:
            return page  # the reference cannot read it either: keep what the engine read

    def close(self) -> None:
        for document in (self.document, self.reference):
            if document is not None:
                document.close()


@contextlib.contextmanager
def _collector_paused():
    """Python's cyclic garbage collector paused while a document is read. Reading allocates
    millions of small tuples that hold no cycles (characters, words, cells): their count alone
    sets off collections that took a tenth of the reading time and freed nothing. Reference
    counting frees them as before; cyclic garbage waits for the collector, which runs again
    once the document is read."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def read(
    path: Path, data: bytes, max_pages: int | None = None, max_seconds: float | None = None, engine: str | None = None
) -> IntermediateDocument:
    with _collector_paused():
        return _read(path, data, max_pages, max_seconds, engine)


def _read(
    path: Path, data: bytes, max_pages: int | None, max_seconds: float | None, engine: str | None
) -> IntermediateDocument:
    started = time.monotonic()
    pages = _Pages(path, data, engine_named(engine))
    ocr = DocumentOcr(data)
    try:
        if pages.count > (max_pages or config.MAX_PDF_PAGES):
            raise UnreadableDocument(
                "too_large",
                f"{path.name}: {pages.count} pages exceed the limit of {max_pages or config.MAX_PDF_PAGES} (BUDGET_PDF_MAX_PAGES)",
            )
        items_by_page = _read_pages(pages, ocr, path, started, max_seconds or config.MAX_PDF_SECONDS)
    finally:
        pages.close()
        ocr.close()
    doc = IntermediateDocument(layout="pdf", page_count=pages.count)
    doc.ocr_pages = {number: read.confidence for number, read in ocr.pages.items()}
    doc.problems += ocr.problems()
    without_text = [number for number, items in enumerate(items_by_page, start=1) if items is None]
    if without_text and len(without_text) == pages.count:
        raise UnreadableDocument(
            "needs_ocr",
            f"{path.name}: none of its {pages.count} pages has a text layer (a scan)"
            + (", and OCR found no text on them" if ocr.on else "; OCR is off (BUDGET_OCR)"),
        )
    if without_text:
        doc.problems.append(f"pages without a text layer (scanned, not read): {', '.join(map(str, without_text))}")
    doc.blocks = _blocks([items or [] for items in items_by_page], ocr)
    return doc


def _read_pages(
    pages: _Pages, ocr: DocumentOcr, path: Path, started: float, max_seconds: float
) -> list[list[list] | None]:
    """Each page's items (None for a page without a text layer OCR did not read), one page in
    memory at a time. OCR has its own time limits: its time does not count towards ``max_seconds``."""
    items_by_page: list[list[list] | None] = []
    for number in range(1, pages.count + 1):
        if time.monotonic() - started - ocr.wall_seconds > max_seconds:
            raise UnreadableDocument(
                "too_slow",
                f"{path.name}: reading stopped after {max_seconds:.0f} s at page {number} of {pages.count} (BUDGET_PDF_MAX_SECONDS)",
            )
        page = pages.read(number)
        if not page.chars:
            page = ocr.read(number) or page
        elif ocr.is_image_page(page):  # a picture under a page number or a caption
            page = ocr.read(number, page) or page
        items_by_page.append(page_items(page) if page.chars else None)
    return items_by_page


def _blocks(items_by_page: list[list[list]], ocr: DocumentOcr) -> list[Block]:
    """The blocks of every page, without page numbers and the headers and footers pages repeat;
    a block of a page read by OCR carries the engine's confidence in it."""
    repeated = _repeated_margins(items_by_page)
    blocks = []
    for number, items in enumerate(items_by_page, start=1):
        for row_index, (_top, kind, cells, *_) in enumerate(items, start=1):
            text = " ".join(c for c in cells if c)
            if kind == "text" and (_PAGE_NUMBER.match(text) or text in repeated):
                continue
            read = ocr.pages.get(number)
            confidence = None if read is None else read.confidence_of(text)
            blocks.append(Block(kind, cells, line=row_index, page=number, confidence=confidence))
    return blocks


def _repeated_margins(items_by_page: list[list[list]]) -> set[str]:
    """Text lines standing in the top or bottom margin of several pages: headers and footers."""
    counts: Counter[str] = Counter()
    for items in items_by_page:
        seen = set()
        for _top, kind, cells, rel_top, rel_bottom, *_ in items:
            if kind == "text" and (rel_top < _MARGIN or rel_bottom > 1 - _MARGIN):
                seen.add(re.sub(r"\d+", "#", cells[0]))
        counts.update(seen)
    threshold = max(3, len(items_by_page) // 2)
    return {text for text, n in counts.items() if n >= threshold and "#" not in text} | {
        text for text, n in counts.items() if n >= threshold
    }
