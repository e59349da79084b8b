"""Readers: one module per layout, each producing the shared intermediate form."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.intermediate import IntermediateDocument, UnreadableDocument
from pipeline.readers import html as html_reader
from pipeline.readers import markdown as markdown_reader
from pipeline.readers import pdf as pdf_reader
from pipeline.readers import text as text_reader
from pipeline.readers.encoding import decode_text

LAYOUTS = ("pdf", "html", "markdown", "text")


def is_pdf(data: bytes) -> bool:
    return data[:2048].lstrip().startswith(b"%PDF")


def detect_layout(data: bytes, text: str | None = None) -> str:
    """The layout, from the content (a ``.txt`` holding markdown tables is markdown); ``text``
    is the content already decoded, so that a large file is decoded once."""
    if is_pdf(data):
        return "pdf"
    if text is None:
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


_NOT_TEXT = re.compile(r"[\ufffd\x00-\x08\x0b\x0e-\x1f\x7f]")
NOT_TEXT_SHARE = 0.05  # of a text file's first characters: more that are not text, and it is binary


def _refuse_binary(path: Path, text: str) -> None:
    """A file whose characters are largely undecodable or control codes is binary data, not a
    disclosure (reading it as text would take minutes and find nothing)."""
    sample = text[:65536]
    share = len(_NOT_TEXT.findall(sample)) / max(len(sample), 1)
    if share > NOT_TEXT_SHARE:
        raise UnreadableDocument(
            "corrupt",
            f"{path.name}: {share:.0%} of its first characters are not text (binary data, or an encoding that "
            "cannot be told): not a text disclosure; re-export it as UTF-8 text, or as the PDF it came from",
        )


def read_document(path: Path, data: bytes | None = None, layout: str | None = None, **limits) -> IntermediateDocument:
    data = path.read_bytes() if data is None else data
    if not data.strip():
        raise UnreadableDocument("empty", f"{path.name}: the file is empty; re-export it from its source")
    if layout == "pdf" or (layout is None and is_pdf(data)):
        return pdf_reader.read(path, data, **limits)
    text = decode_text(data)[0]
    _refuse_binary(path, text)
    layout = layout or detect_layout(data, text)
    if layout == "html":
        return html_reader.read(text)
    if layout == "markdown":
        return markdown_reader.read(text)
    return text_reader.read(text)
