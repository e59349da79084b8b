"""Readers: one module per layout, each producing the shared intermediate form."""

from __future__ import annotations

from pathlib import Path

from pipeline.intermediate import IntermediateDocument, UnreadableDocument
from pipeline.readers import html as html_reader
from pipeline.readers import markdown as markdown_reader
from pipeline.readers import pdf as pdf_reader
from pipeline.readers import text as text_reader
from pipeline.readers.encoding import decode_text

LAYOUTS = ("pdf", "html", "markdown", "text")


def detect_layout(data: bytes) -> str:
    """The layout, from the content (a ``.txt`` holding markdown tables is markdown)."""
    head = data[:2048].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    text = decode_text(data)[0] if data else ""
    lines = text.splitlines()
    tab_rows = sum(1 for line in lines if "\t" in line)
    pipe_rows = sum(1 for line in lines if line.lstrip().startswith("|") and line.rstrip().endswith("|"))
    lowered = text[:20000].lower()
    if pipe_rows > tab_rows and pipe_rows >= 3:
        return "markdown"
    if ("<html" in lowered or "<body" in lowered) and "<tr" in lowered:
        return "html"
    if tab_rows == 0 and "<table" in lowered:
        return "markdown"  # prose with embedded HTML tables, as marker/MinerU write it
    return "text"


def read_document(path: Path, data: bytes | None = None, layout: str | None = None, **limits) -> IntermediateDocument:
    data = path.read_bytes() if data is None else data
    if not data.strip():
        raise UnreadableDocument("empty", f"{path.name}: the file is empty; re-export it from its source")
    layout = layout or detect_layout(data)
    if layout == "pdf":
        return pdf_reader.read(path, data, **limits)
    text = decode_text(data)[0]
    if layout == "html":
        return html_reader.read(text)
    if layout == "markdown":
        return markdown_reader.read(text)
    return text_reader.read(text)
