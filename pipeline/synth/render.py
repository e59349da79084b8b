"""Render a text-layout disclosure (tab-separated rows, as converters write them) into the other
layouts real converters and publishers produce: markdown pipe tables, HTML tables, and PDF the
way publishers print it (reportlab, CID font STSong-Light: ruled tables with header rows repeated
on page breaks, wide tables on landscape pages, long cells wrapped, page numbers in the footer).
Used by ``budget synth`` and by the tests that prove every layout yields the same facts."""

from __future__ import annotations

import html
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)

from pipeline.cleaning import is_amount
from pipeline.readers import text as text_reader
from pipeline.tables.columns import is_column_number_row
from pipeline.tables.subjects import split_subject_cells

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
BODY = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12, wordWrap="CJK")
CELL = ParagraphStyle("cell", fontName=FONT, fontSize=6.5, leading=8, wordWrap="CJK")


def row_groups(path: Path):
    """The text reader's blocks, consecutive table rows grouped into tables."""
    doc = text_reader.read(path.read_text(encoding="utf-8"))
    group: list = []
    for block in doc.blocks:
        if block.kind == "row":
            group.append(block.cells)
            continue
        if group:
            yield "table", group
            group = []
        yield "text", block.text
    if group:
        yield "table", group


def _width(text: str) -> float:
    return sum(6.5 if ord(ch) > 0x2E80 else 3.7 for ch in text) + 6


def _header_rows(rows) -> int:
    for i, row in enumerate(rows):
        code, _name, _ = split_subject_cells(row)
        if code or any(is_amount(c) for c in row) or is_column_number_row(row):
            return i
    return 0


def _table(rows, available: float, ruled: bool = True) -> Table:
    width = max(len(r) for r in rows)
    grid = [list(r) + [""] * (width - len(r)) for r in rows]
    needs = [max(_width(r[j]) for r in grid) for j in range(width)]
    numeric = [all(not r[j] or is_amount(r[j]) for r in grid[_header_rows(grid) :]) for j in range(width)]
    widths = [min(n, 60 if numeric[j] else 150) for j, n in enumerate(needs)]
    widths = [max(w, 16) for w in widths]
    if sum(widths) > available:
        fixed = sum(w for w, num in zip(widths, numeric) if num)
        flexible = sum(w for w, num in zip(widths, numeric) if not num) or 1
        scale = max((available - fixed) / flexible, 0.05)
        widths = [w if num else w * scale for w, num in zip(widths, numeric)]
    data = [[Paragraph(escape(c), CELL) if c else "" for c in r] for r in grid]
    table = Table(data, colWidths=widths, repeatRows=_header_rows(grid))
    style = [
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]
    if ruled:
        style.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
    table.setStyle(TableStyle(style))
    return table


def _footer(canvas, doc):
    canvas.setFont(FONT, 8)
    canvas.drawCentredString(doc.pagesize[0] / 2, 20, f"- {doc.page} -")


def render_pdf(source: Path, target: Path, ruled: bool = True) -> Path:
    portrait, wide = A4, landscape(A4)
    doc = BaseDocTemplate(str(target), pagesize=portrait)
    doc.addPageTemplates(
        [
            PageTemplate(
                "portrait", [Frame(40, 40, portrait[0] - 80, portrait[1] - 80)], onPage=_footer, pagesize=portrait
            ),
            PageTemplate("landscape", [Frame(40, 40, wide[0] - 80, wide[1] - 80)], onPage=_footer, pagesize=wide),
        ]
    )
    story = []
    current = "portrait"
    for kind, content in row_groups(source):
        if kind == "text":
            story.append(Paragraph(escape(content), BODY))
            continue
        is_wide = max(len(r) for r in content) > 8
        wanted = "landscape" if is_wide else "portrait"
        if wanted != current:
            story.append(NextPageTemplate(wanted))
            from reportlab.platypus import PageBreak

            story.append(PageBreak())
            current = wanted
        story.append(_table(content, (wide if is_wide else portrait)[0] - 80, ruled))
    doc.build(story)
    return target


def render_markdown(path: Path) -> str:
    out = []
    for kind, content in row_groups(path):
        if kind == "text":
            out.append(content + "\n")
            continue
        width = max(len(r) for r in content)
        for i, row in enumerate(content):
            cells = list(row) + [""] * (width - len(row))
            out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
            if i == 0:
                out.append("|" + "---|" * width)
        out.append("")
    return "\n".join(out)


def render_html(path: Path) -> str:
    out = ["<html><body>"]
    for kind, content in row_groups(path):
        if kind == "text":
            out.append(f"<p>{html.escape(content)}</p>")
            continue
        out.append("<table>")
        for row in content:
            out.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>")
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out)
