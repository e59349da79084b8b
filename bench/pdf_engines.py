"""Identity check: the staged facts of every PDF under each PDF engine.

Usage: .venv/bin/python bench/pdf_engines.py [FOLDER ...] [--jobs 2] [--engines pdfium,pdfplumber]
Stages every PDF under the folders (default: ../shared/real/corpus and ../shared/real/final)
with ``pipeline.stage.stage_document`` once per engine and compares the staged rows of every
frame (documents, tables, subject amounts, line items, budget changes, narrative facts, parse
problems; timing fields left out). Prints per file whether they are identical, the rows that
differ, the summary (N of M identical) and the end-to-end staging time (CPU) per page per engine.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.stage import stage_document

DEFAULT_FOLDERS = [REPO.parent / "shared" / "real" / "corpus", REPO.parent / "shared" / "real" / "final"]
TIMING_FIELDS = {"parse_seconds"}
FRAME_ORDER = [
    "documents",
    "tables",
    "parse_problems",
    "subject_amounts",
    "line_items",
    "budget_changes",
    "narrative_facts",
]


def staged_rows(path: Path, engine: str) -> tuple[dict[str, list[tuple]], float, int]:
    """(frame name → its rows without timing fields, seconds taken, page count)."""
    started = time.process_time()  # CPU time: the machine is shared
    staged = stage_document(path, engine=engine)
    seconds = time.process_time() - started
    rows = {
        name: [tuple((k, v) for k, v in row.items() if k not in TIMING_FIELDS) for row in frame.iter_rows(named=True)]
        for name, frame in staged.frames.items()
    }
    return rows, seconds, staged.status.get("page_count") or 0


def differences(a: dict[str, list[tuple]], b: dict[str, list[tuple]]) -> list[str]:
    """Rows of each frame found under one engine and not the other (as multisets)."""
    out = []
    for name in sorted(
        set(a) | set(b), key=lambda n: (FRAME_ORDER.index(n) if n in FRAME_ORDER else len(FRAME_ORDER), n)
    ):
        only_a = Counter(a.get(name, [])) - Counter(b.get(name, []))
        only_b = Counter(b.get(name, [])) - Counter(a.get(name, []))
        out += [f"{name} only in 1st: {_row(r)}" for r in only_a.elements()]
        out += [f"{name} only in 2nd: {_row(r)}" for r in only_b.elements()]
    return out


def _row(row: tuple) -> str:
    return ", ".join(
        f"{k}={v}" for k, v in row if v is not None and k not in {"document_id", "sha256", "size_bytes", "file_name"}
    )


def compare_file(path: Path, engines: tuple[str, str]) -> dict:
    first, seconds_a, pages = staged_rows(path, engines[0])
    second, seconds_b, _ = staged_rows(path, engines[1])
    return {"path": path, "pages": pages, "seconds": (seconds_a, seconds_b), "differences": differences(first, second)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path, default=DEFAULT_FOLDERS)
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (the CI machine has 2 cores)")
    parser.add_argument("--engines", default="pdfium,pdfplumber", help="the two engines to compare, comma-separated")
    parser.add_argument("--max-lines", type=int, default=20, help="differing rows shown per file")
    args = parser.parse_args()
    engines = tuple(args.engines.split(","))
    if len(engines) != 2:
        parser.error(f"--engines takes two engine names, got {args.engines!r}")
    paths = sorted(p for folder in args.folders for p in folder.rglob("*") if p.suffix.lower() == ".pdf")
    if not paths:
        parser.error(f"no PDF under {', '.join(map(str, args.folders))}")
    identical, pages, seconds = 0, 0, [0.0, 0.0]
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for result in pool.map(compare_file, paths, [engines] * len(paths)):
            diff = result["differences"]
            identical += not diff
            pages += result["pages"]
            seconds = [seconds[0] + result["seconds"][0], seconds[1] + result["seconds"][1]]
            name = result["path"].relative_to(result["path"].parents[1])
            print(f"{'identical' if not diff else 'DIFFERENT'}  {name}  ({result['pages']} pages)", flush=True)
            for line in diff[: args.max_lines]:
                print(f"    {line}")
            if len(diff) > args.max_lines:
                print(f"    … {len(diff) - args.max_lines} more")
    print(f"\n{identical} of {len(paths)} files identical ({engines[0]} = 1st, {engines[1]} = 2nd)")
    for engine, total in zip(engines, seconds):
        print(
            f"stage_document under {engine}: {total:.1f} s CPU for {pages} pages = {total / max(pages, 1) * 1000:.1f} ms/page, "
            f"{pages / total if total else 0:.1f} pages/s per core"
        )


if __name__ == "__main__":
    main()
