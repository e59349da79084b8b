"""Scale benchmark: how cost grows with the corpus.

Usage: .venv/bin/python bench/scale.py [--sizes 1000,10000] [--pdfs 100] [--work DIR]
Prints, for corpora written by ``budget synth``:
  - parse throughput per layout (documents/s; pages/s for PDF) with 1 and 2 workers;
  - full build time and peak RSS (the build process tree) per text corpus size, and for the PDFs;
  - per text corpus size, a nightly run after adding one document, and one where nothing changed;
  - field accuracy against the truth files.
Results are recorded by hand in bench/RESULTS.md with the command that produced them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.stage import stage_document
from pipeline.synth.accuracy import field_accuracy
from pipeline.synth.corpus import write_corpus

BUDGET = str(Path(sys.executable).parent / "budget")


def _build(raw: Path, warehouse: Path, workers: int | None = None) -> tuple[float, float]:
    """(seconds, peak RSS MB of the build's process tree) of one ``budget build``."""
    command = [BUDGET, "build", "--raw-dir", str(raw), "--warehouse", str(warehouse)]
    if workers:
        command += ["--workers", str(workers)]
    wrapper = [
        sys.executable,
        "-c",
        (
            "import resource, subprocess, sys;"
            "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL);"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(r.returncode)"
        ),
        *command,
    ]
    # the venv's `budget` imports this checkout's code, whichever checkout the venv was installed from
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    start = time.perf_counter()
    result = subprocess.run(wrapper, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"build of {raw} failed: {result.stderr[-2000:]}")
    return elapsed, int(result.stdout.strip().splitlines()[-1]) / 1024


def _throughput(files: list[Path], workers: int) -> tuple[float, float]:
    """(steady-state documents/s, pool start-up seconds): start-up is paid once per build."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    if workers == 1:
        stage_document(files[0])  # warm imports, as a long-running worker is
        start = time.perf_counter()
        for f in files:
            stage_document(f)
        return len(files) / (time.perf_counter() - start), 0.0
    started = time.perf_counter()
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        list(pool.map(stage_document, files[:workers]))  # start and warm every worker
        startup = time.perf_counter() - started
        start = time.perf_counter()
        list(pool.map(stage_document, files, chunksize=4))
        return len(files) / (time.perf_counter() - start), startup


def _incremental(work: Path, corpus: Path, warehouse: Path, full: float) -> None:
    """A nightly run after one document was added, then one where nothing changed."""
    extra = work / "one_more"
    if not extra.exists():
        write_corpus(extra, 1, [2026], ["text"], seed=99)
    for path in extra.iterdir():
        shutil.copy(path, corpus / f"added_{path.name}")
    try:
        seconds, rss = _build(corpus, warehouse)
        print(
            f"    incremental (+1 document): {seconds:.1f} s = {seconds / full * 100:.1f}% of the full build"
            f"  peak RSS {rss:.0f} MB",
            flush=True,
        )
        seconds, _ = _build(corpus, warehouse)
        print(
            f"    nothing changed (the same documents again): {seconds:.1f} s = {seconds / full * 100:.1f}% of the full build",
            flush=True,
        )
    finally:
        for path in corpus.glob("added_*"):
            path.unlink()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--pdfs", type=int, default=100)
    parser.add_argument("--work", default=None)
    parser.add_argument("--throughput-only", action="store_true")
    args = parser.parse_args()
    work = Path(args.work or tempfile.mkdtemp(prefix="budget-bench-"))
    print(f"machine: {os.cpu_count()} cores; work dir {work}")

    print("\n## parse throughput (documents/s), 1 vs 2 workers")
    for layout in ("text", "markdown", "html", "pdf"):
        corpus = work / f"throughput_{layout}"
        if not corpus.exists():
            write_corpus(corpus, 30 if layout == "pdf" else 200, [2026], [layout], seed=5)
        files = sorted(p for p in corpus.iterdir() if not p.name.endswith(".truth.json"))
        (one, _), (two, startup) = _throughput(files, 1), _throughput(files, 2)
        extra = ""
        if layout == "pdf":
            import pdfplumber

            pages = sum(len(pdfplumber.open(f).pages) for f in files)
            extra = f"  ({pages / len(files) * one:.1f} / {pages / len(files) * two:.1f} pages/s)"
        print(
            f"{layout:<9} {len(files)} docs: 1 worker {one:7.1f}/s   2 workers {two:7.1f}/s   speed-up {two / one:4.2f}x"
            f"   (pool start-up {startup:.1f} s, once per build){extra}"
        )

    if args.throughput_only:
        return
    results = []
    sizes = [int(s) for s in args.sizes.split(",")]
    for size in sizes:
        corpus = work / f"text_{size}"
        if not corpus.exists():
            started = time.perf_counter()
            write_corpus(corpus, size, [2026], ["text"], seed=1)
            print(f"\n(synth {size} text documents: {time.perf_counter() - started:.0f} s)")
        warehouse = work / f"wh_{size}" / "budget.duckdb"
        shutil.rmtree(warehouse.parent, ignore_errors=True)
        seconds, rss = _build(corpus, warehouse)
        print(f"text {size:>6} docs: full build {seconds:7.1f} s  peak RSS {rss:7.0f} MB", flush=True)
        accuracy = field_accuracy(warehouse, corpus)
        results.append((size, seconds, rss, accuracy))
        print(
            f"    accuracy {accuracy['accuracy'] * 100:.3f}% ({accuracy['matched']}/{accuracy['fields']} fields)",
            flush=True,
        )
        _incremental(work, corpus, warehouse, seconds)

    if args.pdfs:
        pdfs = work / f"pdf_{args.pdfs}"
        if not pdfs.exists():
            write_corpus(pdfs, args.pdfs, [2026], ["pdf"], seed=2)
        warehouse = work / "wh_pdf" / "budget.duckdb"
        shutil.rmtree(warehouse.parent, ignore_errors=True)
        seconds, rss = _build(pdfs, warehouse)
        accuracy = field_accuracy(warehouse, pdfs)
        print(
            f"pdf  {args.pdfs:>6} docs: full build {seconds:7.1f} s  peak RSS {rss:7.0f} MB  "
            f"accuracy {accuracy['accuracy'] * 100:.3f}% ({accuracy['matched']}/{accuracy['fields']})"
        )

    (s1, t1, r1, _), *larger = results
    for s2, t2, r2, _ in larger:
        print(f"\nRSS ratio {s2}/{s1} docs: {r2 / r1:.2f}x   time ratio: {t2 / t1:.2f}x")


if __name__ == "__main__":
    main()
