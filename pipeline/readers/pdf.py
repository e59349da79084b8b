"""PDF with a text layer, through pdfplumber.

Ruled tables (drawn lines or cell rectangles) come from pdfplumber's table finder, merged
cells left empty in the positions they span, wrapped cell text joined. Lines outside the
tables are split into cells where the words leave a wide gap (tables without rulings); a
line with a single cell is running text. Repeated page headers/footers and page numbers are
dropped. Every block carries its page and its row on the page.

A PDF whose pages carry no text layer is ``needs_ocr``; an encrypted one is ``encrypted``;
one that cannot be parsed is ``corrupt``; page and time limits stop a pathological file.
"""

from __future__ import annotations

import io
import os
import re
import time
from collections import Counter
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psparser import PSException
from pdfplumber.utils.exceptions import PdfminerException

from pipeline.cleaning import clean_cell, is_amount
from pipeline.intermediate import Block, IntermediateDocument, UnreadableDocument

MAX_PAGES = int(os.environ.get("BUDGET_PDF_MAX_PAGES", "400"))
MAX_SECONDS = float(os.environ.get("BUDGET_PDF_MAX_SECONDS", "120"))
_PAGE_NUMBER = re.compile(r"^(?:[-–—]?\s*\d{1,4}\s*[-–—]?|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)$")
_MARGIN = 0.07  # share of the page height where headers and footers live


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


def _inside(obj: dict, boxes: list[tuple[float, float, float, float]]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 - 1 <= x <= x1 + 1 and top - 1 <= y <= bottom + 1 for x0, top, x1, bottom in boxes)


def _split_line(words: list[dict]) -> list[tuple[str, float, float]]:
    """Cells of one text line, with their x extent: words separated by a gap wider than
    0.8 of the character size (wider than a space) start a new cell."""
    cells: list[tuple[str, float, float]] = []
    current, x0, x1 = "", None, None
    previous = None
    for word in words:
        size = max(word["bottom"] - word["top"], 1.0)
        if previous is not None and word["x0"] - previous["x1"] > 0.8 * size:
            cells.append((clean_cell(current), x0, x1))
            current, x0 = word["text"], word["x0"]
        else:
            glue = "" if previous is None or word["x0"] - previous["x1"] < 0.25 * size else " "
            current = current + glue + word["text"]
            x0 = word["x0"] if x0 is None else x0
        x1 = word["x1"]
        previous = word
    cells.append((clean_cell(current), x0, x1))
    return cells


def _without_overprint(page):
    """The page without fake-bold overprinting: some producers print each glyph of a bold
    title several times at (almost) the same place (表表表表1111), which reads as repeated text."""
    chars = page.chars
    seen = {(c["text"], round(c["x0"]), round(c["top"])) for c in chars}
    return page.dedupe_chars(tolerance=1) if len(chars) - len(seen) > 0.05 * len(chars) else page


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


def _text_lines(page, boxes) -> list[tuple[float, float, float, list[tuple[str, float, float]]]]:
    """(top, bottom, x0, cells with x extents) of every line outside the tables."""
    words = [w for w in page.extract_words(keep_blank_chars=False, use_text_flow=False) if not _inside(w, boxes)]
    words.sort(key=lambda w: (round(w["top"] / 3), w["x0"]))
    lines: list[list[dict]] = []
    for word in words:
        if lines and abs(lines[-1][0]["top"] - word["top"]) <= 3:
            lines[-1].append(word)
        else:
            lines.append([word])
    out = []
    for line in lines:
        line.sort(key=lambda w: w["x0"])
        out.append((line[0]["top"], max(w["bottom"] for w in line), line[0]["x0"], tuple(_split_line(line))))
    return out


def _open(path: Path, data: bytes):
    try:
        return pdfplumber.open(io.BytesIO(data))
    except (PDFPasswordIncorrect, PDFEncryptionError) as err:
        raise UnreadableDocument(
            "encrypted",
            f"{path.name}: the PDF is encrypted ({err.__class__.__name__}); ask the publisher for an unprotected copy",
        ) from err
    except (PdfminerException, PDFSyntaxError, PSException, ValueError, KeyError, TypeError) as err:
        # pdfplumber wraps pdfminer's error as its first argument
        cause = err.args[0] if err.args and isinstance(err.args[0], Exception) else (err.__cause__ or err)
        if (
            isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError))
            or "password" in str(cause).lower()
            or "encrypt" in str(cause).lower()
        ):
            raise UnreadableDocument(
                "encrypted", f"{path.name}: the PDF is encrypted; ask the publisher for an unprotected copy"
            ) from err
        raise UnreadableDocument(
            "corrupt",
            f"{path.name}: the PDF cannot be parsed ({cause.__class__.__name__}: {str(cause)[:200]}); re-download it",
        ) from err


def read(
    path: Path, data: bytes, max_pages: int | None = None, max_seconds: float | None = None
) -> IntermediateDocument:
    max_pages = max_pages or MAX_PAGES
    max_seconds = max_seconds or MAX_SECONDS
    started = time.monotonic()
    pdf = _open(path, data)
    doc = IntermediateDocument(layout="pdf")
    try:
        try:
            pages = pdf.pages
        except (PdfminerException, PDFSyntaxError, PSException, ValueError, KeyError, TypeError) as err:
            raise UnreadableDocument(
                "corrupt", f"{path.name}: the PDF's page tree cannot be read ({err}); re-download it"
            ) from err
        doc.page_count = len(pages)
        if len(pages) > max_pages:
            raise UnreadableDocument(
                "too_large", f"{path.name}: {len(pages)} pages exceed the limit of {max_pages} (BUDGET_PDF_MAX_PAGES)"
            )
        page_items: list[list[tuple[float, str, tuple[str, ...], float, float]]] = []
        without_text: list[int] = []
        for number, page in enumerate(pages, start=1):
            if time.monotonic() - started > max_seconds:
                raise UnreadableDocument(
                    "too_slow",
                    f"{path.name}: reading stopped after {max_seconds:.0f} s at page {number} of {len(pages)} (BUDGET_PDF_MAX_SECONDS)",
                )
            try:
                has_text = bool(page.chars)
            except (PdfminerException, PDFSyntaxError, PSException, ValueError, KeyError, TypeError) as err:
                raise UnreadableDocument(
                    "corrupt", f"{path.name}: page {number} cannot be read ({err}); re-download it"
                ) from err
            if not has_text:
                without_text.append(number)
                page_items.append([])
                continue
            original, page = page, _without_overprint(page)
            items = []
            tables = page.find_tables()
            boxes = [t.bbox for t in tables]
            for table in tables:
                top = table.bbox[1]
                for i, row in enumerate(table.extract()):
                    items.append([top + i * 0.001, "row", tuple(_cell_text(c) for c in row), top, table.bbox[3]])
            for top, bottom, _x0, cells in _text_lines(page, boxes):
                texts = [c[0] for c in cells if c[0]]
                if len(texts) >= 2 and (any(is_amount(t) for t in texts) or max(map(len, texts)) <= 30):
                    items.append([top, "cells", cells, top / page.height, bottom / page.height])
                else:
                    items.append(
                        [top, "text", (" ".join(c[0] for c in cells),), top / page.height, bottom / page.height, cells]
                    )
            items.sort(key=lambda item: item[0])
            _align_unruled(items)
            page_items.append(items)
            original.flush_cache()
        if without_text and len(without_text) == len(pages):
            raise UnreadableDocument(
                "needs_ocr",
                f"{path.name}: none of its {len(pages)} pages has a text layer (a scan); run OCR (e.g. ocrmypdf) and submit the result",
            )
        if without_text:
            doc.problems.append(f"pages without a text layer (scanned, not read): {', '.join(map(str, without_text))}")
    finally:
        pdf.close()
    repeated = _repeated_margins(page_items)
    for number, items in enumerate(page_items, start=1):
        for row_index, (_top, kind, cells, _rel_top, _rel_bottom, *_) in enumerate(items, start=1):
            text = " ".join(c for c in cells if c)
            if kind == "text" and (_PAGE_NUMBER.match(text) or text in repeated):
                continue
            doc.blocks.append(Block(kind, cells, line=row_index, page=number))
    return doc


def _repeated_margins(page_items) -> set[str]:
    """Text lines standing in the top or bottom margin of several pages: headers and footers."""
    counts: Counter[str] = Counter()
    for items in page_items:
        seen = set()
        for _top, kind, cells, rel_top, rel_bottom, *_ in items:
            if kind == "text" and (rel_top < _MARGIN or rel_bottom > 1 - _MARGIN):
                seen.add(re.sub(r"\d+", "#", cells[0]))
        counts.update(seen)
    threshold = max(3, len(page_items) // 2)
    return {text for text, n in counts.items() if n >= threshold and "#" not in text} | {
        text for text, n in counts.items() if n >= threshold
    }
