"""PDF reader (pdfplumber). Placeholder until the PDF layout lands; scanned/encrypted PDFs
are reported with a clear status rather than loaded silently."""

from __future__ import annotations

from pathlib import Path

from pipeline.intermediate import IntermediateDocument, UnreadableDocument


def read(path: Path, data: bytes, **limits) -> IntermediateDocument:
    raise UnreadableDocument("unsupported_layout", f"{path.name}: PDF reading is not available yet")
