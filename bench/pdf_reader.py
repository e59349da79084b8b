"""Benchmark: our PDF reader under each engine against pdfplumber's and pypdfium2's bare reads.

Usage: .venv/bin/python bench/pdf_reader.py [FOLDER ...] [--repeat N] [--no-samples] [--per-file] [--every K]
       [--readers ours-pdfium,bare-pdfium]
Renders every sample in data/raw/ to PDF (as the tests do) and reads every PDF under the
folders (default: ../shared/real/corpus and ../shared/real/final), all in one run, with:
ours under PDFium, ours under pdfplumber, pdfplumber's bare ``extract_words``, and pypdfium2's
bare text + character boxes (``--readers``: only some of them; the ratio needs the first and
the last). Prints CPU ms/page for each per corpus, the ratio ours-PDFium / bare-PDFium,
pages/s, and the peak memory of one worker reading a short and a long PDF.
Ours reads the text layer only: OCR of pages without one is off (``BUDGET_OCR``, unless set;
``bench/ocr.py`` measures OCR), so that a scan costs what opening it costs, as in the bare reads.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import pdfplumber
import pypdfium2

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("BUDGET_OCR", "off")  # before the reader reads it (here and in the memory workers)

from pipeline.intermediate import UnreadableDocument
from pipeline.readers import pdf as pdf_reader
from pipeline.synth.render import render_pdf

REAL = REPO.parent / "shared" / "real"
DEFAULT_FOLDERS = [REAL / "corpus", REAL / "final"]
ALL_READERS = ("ours-pdfium", "ours-pdfplumber", "bare-pdfplumber", "bare-pdfium")
READERS = ALL_READERS  # those measured (``--readers``)
W = 25  # column width


def _best(fn, repeat: int) -> float:
    """The least CPU time of ``repeat`` runs (CPU, not wall, time: the machine is shared)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def _ours(engine: str):
    def read(path: Path) -> None:
        with contextlib.suppress(UnreadableDocument):  # scans and damaged files cost their reading time too
            pdf_reader.read(path, path.read_bytes(), engine=engine)

    return read


def _plumber_words(path: Path) -> None:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_words()
            page.close()


def _pdfium_chars(path: Path) -> None:
    pdf = pypdfium2.PdfDocument(str(path))
    for page in pdf:
        textpage = page.get_textpage()
        textpage.get_text_range()
        for i in range(textpage.count_chars()):
            textpage.get_charbox(i)
        textpage.close()
        page.close()
    pdf.close()


MEASURES = {
    "ours-pdfium": _ours("pdfium"),
    "ours-pdfplumber": _ours("pdfplumber"),
    "bare-pdfplumber": _plumber_words,
    "bare-pdfium": _pdfium_chars,
}


def page_count(path: Path) -> int:
    try:
        pdf = pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError:
        return 0
    try:
        return len(pdf)
    finally:
        pdf.close()


def measure(paths: list[Path], repeat: int, per_file: bool) -> tuple[int, dict[str, float]]:
    pages, totals = 0, dict.fromkeys(READERS, 0.0)
    for path in paths:
        n = page_count(path)
        if not n:
            continue
        seconds = {name: _best(lambda fn=MEASURES[name], path=path: fn(path), repeat) for name in READERS}
        pages += n
        totals = {name: totals[name] + seconds[name] for name in READERS}
        if per_file:
            print(
                f"  {path.name[:40]:<42}{n:>5}"
                + "".join(f"{seconds[r] / n * 1000:>{W}.1f}" for r in READERS)
                + f"{_ratio(seconds):>9.2f}",
                flush=True,
            )
    return pages, totals


def _ratio(seconds: dict[str, float]) -> float:
    if "ours-pdfium" not in seconds or "bare-pdfium" not in seconds:
        return float("nan")
    return seconds["ours-pdfium"] / seconds["bare-pdfium"]


def report(label: str, pages: int, totals: dict[str, float]) -> None:
    if not pages:
        return
    ratio = _ratio(totals)
    print(
        f"{label:<44}{pages:>5}" + "".join(f"{totals[r] / pages * 1000:>{W}.1f}" for r in READERS) + f"{ratio:>9.2f}",
        flush=True,
    )
    print(
        f"{'':<49}pages/s:"
        + "".join(f"{pages / totals[r]:>{W}.1f}" for r in READERS if r.startswith("ours"))
        + "  (one core)",
        flush=True,
    )


def _status_kb(field: str) -> int:
    """A memory figure of this process from /proc/self/status (Linux), in kB."""
    line = next(line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith(field + ":"))
    return int(line.split()[1])


def _read(path: Path, data: bytes, engine: str):
    with contextlib.suppress(UnreadableDocument):
        return pdf_reader.read(path, data, engine=engine)


def _peak_of_one_read(path: Path, warmup: Path, engine: str, queue) -> None:
    """In a fresh process, after a warm-up read (library set-up, font caches): the peak RSS growth
    while reading (VmHWM reset through /proc/self/clear_refs), then, in a second read, the peak
    Python heap (tracemalloc) and what of it the result still holds."""
    _read(warmup, warmup.read_bytes(), engine)
    data = path.read_bytes()
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS
    before = _status_kb("VmRSS")
    doc = _read(path, data, engine)
    rss_growth = _status_kb("VmHWM") - before
    del doc
    tracemalloc.start()
    doc = _read(path, data, engine)
    retained, peak = tracemalloc.get_traced_memory()  # while the result (its blocks) is still held
    tracemalloc.stop()
    queue.put((rss_growth / 1024, peak / 2**20, retained / 2**20, len(doc.blocks) if doc else 0))


def peak_memory(path: Path, warmup: Path, engine: str) -> tuple[float, float, float, int]:
    """(peak RSS growth MB, peak Python heap MB, heap MB the result holds, its blocks) of one worker reading the PDF."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    worker = context.Process(target=_peak_of_one_read, args=(path, warmup, engine, queue))
    worker.start()
    figures = queue.get()
    worker.join()
    return figures


def report_memory(paths: list[Path]) -> None:
    sized = sorted((page_count(p), p) for p in paths)
    sized = [(n, p) for n, p in sized if n]
    if len(sized) < 3:
        return
    (_, warmup), (short_n, short), (long_n, long_) = sized[0], sized[1], sized[-1]
    print("\nPeak memory of one worker reading one PDF (fresh process, after a warm-up read):")
    for engine in ("pdfium", "pdfplumber"):
        for n, path in ((short_n, short), (long_n, long_)):
            rss, heap, retained, blocks = peak_memory(path, warmup, engine)
            print(
                f"  {engine:<11} {n:>4} pages ({path.name[:36]}): RSS +{rss:6.1f} MB, Python heap peak {heap:6.1f} MB"
                f" of which the result ({blocks} blocks) {retained:5.1f} MB",
                flush=True,
            )


def _load(label: str) -> str:
    """The machine's load (1, 5, 15 min): CPU times grow when other work shares the cores."""
    return f"{label}: " + " ".join(f"{value:.2f}" for value in os.getloadavg()) + f" ({os.cpu_count()} CPUs)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path, default=DEFAULT_FOLDERS)
    parser.add_argument("--repeat", type=int, default=1, help="best of N runs per file and reader")
    parser.add_argument("--no-samples", action="store_true", help="skip the PDFs rendered from data/raw/")
    parser.add_argument("--per-file", action="store_true", help="print every file's figures")
    parser.add_argument("--every", type=int, default=1, help="read every K-th real PDF only (a quicker sample)")
    parser.add_argument("--readers", default=",".join(ALL_READERS), help="the readers to measure, comma-separated")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-memory measurement")
    args = parser.parse_args()
    global READERS
    READERS = tuple(args.readers.split(","))
    unknown = [r for r in READERS if r not in MEASURES]
    if unknown:
        parser.error(f"unknown reader(s) {', '.join(unknown)}: use some of {', '.join(ALL_READERS)}")
    print(_load("load average at the start"))
    print(f"{'corpus':<44}{'pages':>5}" + "".join(f"{r + ' ms/page':>{W}}" for r in READERS) + f"{'ratio':>9}")
    print(f"{'':<49}(ratio = ours-pdfium / bare-pdfium)")
    real = [p for folder in args.folders for p in sorted(folder.rglob("*")) if p.suffix.lower() == ".pdf"][
        :: args.every
    ]
    with tempfile.TemporaryDirectory() as tmp:
        rendered = (
            []
            if args.no_samples
            else [render_pdf(p, Path(tmp) / (p.stem + ".pdf")) for p in sorted((REPO / "data" / "raw").glob("*.txt"))]
        )
        grand_pages, grand = 0, dict.fromkeys(READERS, 0.0)
        for label, paths in [("rendered samples (data/raw)", rendered)] + [
            (str(f.relative_to(f.parents[1])), [p for p in real if f in p.parents]) for f in args.folders
        ]:
            pages, totals = measure(paths, args.repeat, args.per_file)
            report(label, pages, totals)
            grand_pages += pages
            grand = {r: grand[r] + totals[r] for r in READERS}
        report("ALL", grand_pages, grand)
        print(_load("load average after the readers"), flush=True)
        if not args.no_memory:
            report_memory(real or rendered)


if __name__ == "__main__":
    main()
