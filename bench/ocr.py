"""OCR: share of figures right on a rasterised disclosure, and pages per second on the machine's cores.

A synthetic disclosure (``budget synth``, one unit per seed) is rendered to PDF, rasterised page by
page (tests/test_ocr.py's ``rasterise``) and staged; its facts are compared with the text version's.
The rasterised documents are staged in a pool of ``--workers`` processes (one engine thread each,
as the parse runs), and the wall time gives pages per second.

    .venv/bin/python bench/ocr.py --documents 2 --workers 2
    .venv/bin/python bench/ocr.py --real      # real scanned pages against figures read by hand
    .venv/bin/python bench/ocr.py --survey    # the real PDFs' image pages with text, and pages turned

``--real`` OCRs pages of real scanned disclosures (../shared/real/corpus, no text layer) and looks
for the figures a person read from the page images (REAL below): how many are read exactly.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
import pypdfium2

from pipeline.readers.ocr import read_page
from pipeline.stage import stage_document
from pipeline.synth.corpus import write_corpus
from pipeline.synth.render import render_pdf
from tests.test_ocr import FACTS, rasterise

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "real" / "corpus"
# (file, page) → the figures printed on the page, read by hand from its image
REAL = {
    ("长沙/市场监督管理局_2026年部门预算_de5848.pdf", 1): [
        "12,954.16", "3,683.76", "9,270.40", "13,205.30", "4,209.23", "8,996.07", "12,667.08",
    ],
    ("长沙/公安局交通警察局_2026年部门预算_ec7edf.pdf", 3): [
        "12,542.74", "12,542.74", "12,542.74", "100.00%", "100.00%",
    ],
    ("北京/政务服务和数据管理局_附件1：北京市政务服务和数据管理局2026年度部门预算情况说明_2835cd.pdf", 5): [
        "101,673.03", "99,003.18", "2,669.85", "2.7%",
    ],
    ("北京/政务服务和数据管理局_附件1：北京市政务服务和数据管理局2026年度部门预算情况说明_2835cd.pdf", 6): [
        "101,673.03", "99,003.18", "2,669.85", "38,197.01", "37.59%", "63,408.16",
    ],
    ("北京/政务服务和数据管理局_附件1：北京市政务服务和数据管理局2026年度部门预算情况说明_2835cd.pdf", 7): [
        "67.86", "80.11", "8.35", "9.44%", "51.3", "7.25", "21.56",
    ],
    # scanned sideways (its table's top faces the left edge): read once turned upright
    ("长沙/财政局_长财金指〔2025〕6号--长沙市财政局关于下达2025年普惠金融发展专项资金预算的通知_7b0e27.pdf", 3): [
        "-53", "3022", "1947", "1075", "-9.0", "16.7", "-9.0", "16.7", "-12.7", "-16.5", "-12.7", "-16.5",
    ],
}  # fmt: skip


def real_pages() -> None:
    right = total = 0
    started = time.monotonic()
    for (name, number), figures in REAL.items():
        pdf = pypdfium2.PdfDocument(CORPUS / name)
        read = read_page(pdf[number - 1], number, 2, 600)
        text = "".join("".join(b.text.split()) for b in read.boxes)
        for figure in figures:
            found = text.count(figure) >= figures.count(figure)
            right += found
            total += 1
            print(f"  {name} p{number}: {figure} {'read' if found else 'NOT read'}")
        print(f"  {name} p{number}: {read.seconds:.1f} s processor, confidence {read.confidence:.3f}")
    print(f"real scanned pages: {right} of {total} hand-read figures read exactly, {time.monotonic() - started:.1f} s")


def survey() -> None:
    """Every page of the real PDFs (../shared/real) the OCR would turn, and every image page with a
    text layer (a few characters beside a large image) it would read."""
    from pipeline.intermediate import UnreadableDocument
    from pipeline.readers.ocr import DocumentOcr, _upright
    from pipeline.readers.pdfium_engine import PdfiumDocument

    image_pages = scanned = 0
    turned: list[str] = []
    started = time.process_time()
    pages = 0
    for path in sorted(CORPUS.parent.rglob("*.pdf")):
        data = path.read_bytes()
        try:
            document = PdfiumDocument(path, data)
        except UnreadableDocument:
            continue
        ocr = DocumentOcr(data)
        pdf = pypdfium2.PdfDocument(data)
        for number in range(1, document.page_count + 1):
            page = document.read_page(number)
            pages += 1
            if ocr.is_image_page(page):
                image_pages += 1
                print(f"  image page with a text layer: {path.relative_to(CORPUS.parent)} p{number}")
            if page.chars:
                continue
            scanned += 1
            image = pdf[number - 1].render(scale=2).to_pil().convert("RGB")
            _, turn, _ = _upright(np.asarray(image), time.process_time() + 600)
            if turn:
                turned.append(f"{path.relative_to(CORPUS.parent)} p{number} ({turn * 90}°)")
        pdf.close()
        ocr.close()
        document.close()
    for page in turned:
        print(f"  turned: {page}")
    print(
        f"{pages} pages: {image_pages} image pages with a text layer; {scanned} without text, {len(turned)} "
        f"of them turned upright ({time.process_time() - started:.0f} s processor)"
    )


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
    parser.add_argument("--real", action="store_true")
    parser.add_argument("--survey", action="store_true")
    args = parser.parse_args()
    if args.real:
        real_pages()
        return
    if args.survey:
        survey()
        return
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
