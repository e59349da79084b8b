"""PDF pages through pdfplumber (pdfminer): the reference engine, slower than PDFium.

pdfplumber's characters and edges are already in the engine-neutral form's coordinates; this
module only keeps the fields the reader uses and maps pdfminer's errors to the document status.
"""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psparser import PSException
from pdfplumber.utils.exceptions import PdfminerException

from pipeline.intermediate import UnreadableDocument
from pipeline.readers.pdf_page import Char, EngineDocument, PageContent, make_char, make_edge, on_grid

_PARSE_ERRORS = (PdfminerException, PDFSyntaxError, PSException, ValueError, KeyError, TypeError)


class PdfplumberDocument(EngineDocument):
    """An open PDF, read page by page (each page's parsed objects dropped before the next)."""

    def __init__(self, path: Path, data: bytes):
        self.path = path
        self._pdf = _open(path, data)
        try:
            self._pages = self._pdf.pages
        except _PARSE_ERRORS as err:
            self._pdf.close()
            raise UnreadableDocument(
                "corrupt", f"{path.name}: the PDF's page tree cannot be read ({err}); re-download it"
            ) from err
        self.page_count = len(self._pages)

    def read_page(self, number: int) -> PageContent:
        page = self._pages[number - 1]
        try:
            chars = [_char(c) for c in page.chars]
            edges = [_edge(e) for e in page.edges if e["orientation"] in ("h", "v")]
        except _PARSE_ERRORS as err:
            raise UnreadableDocument(
                "corrupt", f"{self.path.name}: page {number} cannot be read ({err}); re-download it"
            ) from err
        finally:
            page.close()
        return PageContent(
            number, on_grid(page.width), on_grid(page.height), chars, [e for e in edges if e is not None]
        )


def _char(c: dict) -> Char:
    return make_char(c["text"], c["x0"], c["top"], c["x1"], c["bottom"], c["size"], c["fontname"], c["upright"])


def _edge(e: dict) -> dict | None:
    return make_edge(e["orientation"], e["x0"], e["top"], e["x1"], e["bottom"])


def _open(path: Path, data: bytes):
    try:
        return pdfplumber.open(io.BytesIO(data))
    except (PDFPasswordIncorrect, PDFEncryptionError) as err:
        raise UnreadableDocument(
            "encrypted",
            f"{path.name}: the PDF is encrypted ({err.__class__.__name__}); ask the publisher for an unprotected copy",
        ) from err
    except _PARSE_ERRORS as err:
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
