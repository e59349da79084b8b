"""OCR: share of figures right on a rasterised disclosure, and pages per second on the machine's cores.

A synthetic disclosure (``budget synth``, one unit per seed) is rendered to PDF, rasterised page by
page (tests/test_ocr.py's ``rasterise``) and staged; its facts are compared with the text version's.
The rasterised documents are staged in a pool of ``--workers`` processes (one engine thread each,
as the parse runs), and the wall time gives pages per second.

    .venv/bin/python bench/ocr.py --documents 2 --workers 2
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.stage import stage_document
from pipeline.synth.corpus import write_corpus
from pipeline.synth.render import render_pdf
from tests.test_ocr import FACTS, rasterise


def _figures(staged, table: str, columns: str) -> dict[tuple, object]:
    """The figures printed (a blank cell is no figure): fact key → value."""
    rows = staged.frames[table].select(columns.split(", ")).rows()
    return {tuple(r[:-1]): r[-1] for r in rows if r[-1] is not None}


def _stage(path: Path):
    return stage_document(path)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ocr-bench-"))
    texts = write_corpus(work / "synth", args.documents, [2026], ["text"], seed=1)
    references = [render_pdf(t, work / f"{t.stem}.pdf") for t in texts]
    scans = [rasterise(r, work / f"{r.stem}.scanned.pdf") for r in references]
    started = time.monotonic()
    with ProcessPoolExecutor(args.workers) as pool:
        read = list(pool.map(_stage, scans))
    wall = time.monotonic() - started
    pages = sum(s.status["pages_ocr"] for s in read)
    cpu = sum(s.status["parse_seconds"] for s in read)
    total = same = 0
    for reference_path, scanned in zip(references, read):
        reference = stage_document(reference_path)
        for table, columns in FACTS.items():
            expected, got = _figures(reference, table, columns), _figures(scanned, table, columns)
            total += len(expected)
            same += sum(1 for key, value in expected.items() if got.get(key, "missing") == value)
            for key, value in expected.items():
                if got.get(key, "missing") != value:
                    print(f"  differs: {table} {key}: {value} read as {got.get(key, 'missing')}")
    print(f"{pages} pages OCR'd in {wall:.1f} s on {args.workers} workers: {pages / wall:.2f} pages/s")
    print(f"parse time per page (wall, in its worker): {cpu / pages:.1f} s")
    print(f"figures right: {same} of {total} ({100 * same / total:.2f} %)")
    for s in read:
        print(s.status["file_name"], s.status["status"], s.status["reason"])


if __name__ == "__main__":
    main()
