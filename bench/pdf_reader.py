"""Benchmark: our PDF reader against pdfplumber's and pypdfium2's bare text reads.

Usage: .venv/bin/python bench/pdf_reader.py [--repeat N]
Renders every sample in data/raw/ to PDF (as the tests do), adds the real Shanghai PDF from
../shared/real/ when present, and prints pages, ms/page for each reader and the ratios.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pdfplumber
import pypdfium2

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.readers import pdf as pdf_reader
from pipeline.synth.render import render_pdf


def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _plumber_words(path: Path) -> None:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_words()


def _pdfium_text(path: Path) -> None:
    pdf = pypdfium2.PdfDocument(str(path))
    for page in pdf:
        page.get_textpage().get_text_range()
    pdf.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pdfs = [render_pdf(p, Path(tmp) / (p.stem + ".pdf")) for p in sorted((REPO / "data" / "raw").glob("*.txt"))]
        shanghai = REPO.parent / "shared" / "real" / "上海市普陀区司法局_2026_部门预算.pdf"
        if shanghai.exists():
            pdfs.append(shanghai)
        print(
            f"{'document':<44}{'pages':>6}{'ours ms/p':>11}{'plumber ms/p':>14}{'pdfium ms/p':>13}{'ours/plumber':>14}{'ours/pdfium':>13}"
        )
        totals = [0, 0.0, 0.0, 0.0]
        for path in pdfs:
            data = path.read_bytes()
            with pdfplumber.open(path) as pdf:
                pages = len(pdf.pages)
            ours = _best(lambda path=path, data=data: pdf_reader.read(path, data), args.repeat)
            plumber = _best(lambda path=path: _plumber_words(path), args.repeat)
            pdfium = _best(lambda path=path: _pdfium_text(path), args.repeat)
            totals = [totals[0] + pages, totals[1] + ours, totals[2] + plumber, totals[3] + pdfium]
            print(
                f"{path.name[:42]:<44}{pages:>6}{ours / pages * 1000:>11.1f}{plumber / pages * 1000:>14.1f}"
                f"{pdfium / pages * 1000:>13.2f}{ours / plumber:>14.2f}{ours / pdfium:>13.1f}"
            )
        pages, ours, plumber, pdfium = totals
        print(
            f"{'ALL':<44}{pages:>6}{ours / pages * 1000:>11.1f}{plumber / pages * 1000:>14.1f}"
            f"{pdfium / pages * 1000:>13.2f}{ours / plumber:>14.2f}{ours / pdfium:>13.1f}"
        )


if __name__ == "__main__":
    main()
