"""Report benchmark: build time, file size and page load of ``budget report`` at 1,000 units.

Usage: .venv/bin/python bench/report.py [--units 1000] [--warehouse data/warehouse/budget.duckdb]
                                        [--runs 5] [--work DIR] [--screenshot FILE.png]
Copies a built warehouse, adds ``--units`` synthetic units × 2 years to the copy the same way the
tests do (pipeline/synth/report_units.py), builds the report and opens it in headless Chromium
``--runs`` times (after one warm-up run). Prints:
  - report build seconds (read the warehouse, build the bokeh document, write the file);
  - the file size;
  - page load: ``performance.now()`` at bokeh's document-ready, when every chart and table is
    drawn (``data-report-ready``), in real time (no virtual time), median over the runs.
Target: the page ready in under 2 s. Results are recorded by hand in bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import duckdb

from pipeline.report.build import build_report
from pipeline.synth.report_units import add_synthetic_units

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _chromium(profile: Path) -> list[str]:
    return [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--window-size=1280,1000",
    ]


def load_times(report: Path, work: Path, runs: int) -> list[dict]:
    """One dict per run: ready ms (page clock) and the browser's wall seconds.

    All runs share one browser profile, after one run not counted: a fresh profile makes
    Chromium set itself up while the page loads, which an analyst's browser does not do."""
    profile = work / "profile"
    subprocess.run(
        [*_chromium(profile), "--dump-dom", report.as_uri()],
        check=False,
        capture_output=True,
        timeout=300,
    )
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        dom = subprocess.run(
            [*_chromium(profile), "--dump-dom", report.as_uri()],
            check=False,
            capture_output=True,
            text=True,
            timeout=300,
        ).stdout
        wall = time.perf_counter() - start
        ready = re.search(r'data-report-ready="(\d+)"', dom)
        out.append({"ready_ms": int(ready.group(1)) if ready else None, "wall_s": wall})
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument(
        "--warehouse",
        default=str(REPO / "data" / "warehouse" / "budget.duckdb"),
        help="a built warehouse to copy (not changed)",
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--work", help="where to write the copy and the report (default: a temporary folder)")
    parser.add_argument("--screenshot", help="also save a full-page screenshot of the report here")
    args = parser.parse_args()

    base = Path(args.warehouse)
    if not base.exists():
        print(f"no warehouse at {base}: run `budget build` first", file=sys.stderr)
        return 2
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="bench-report-"))
    work.mkdir(parents=True, exist_ok=True)
    copy = work / "budget.duckdb"
    shutil.copy(base, copy)
    start = time.perf_counter()
    with duckdb.connect(str(copy)) as con:
        add_synthetic_units(con, args.units)
        [(units,)] = con.execute("select count(distinct unit_key) from mart_unit_year").fetchall()
        [(unit_years,)] = con.execute("select count(*) from mart_unit_year").fetchall()
    print(
        f"warehouse: {units:,} units, {unit_years:,} unit-years (synthetic rows added in {time.perf_counter() - start:.2f} s)"
    )

    start = time.perf_counter()
    report = build_report(copy, work / "report.html")
    print(f"report build: {time.perf_counter() - start:.2f} s")
    print(f"file size: {report.stat().st_size / 1e6:.2f} MB ({report})")

    if CHROMIUM is None:
        print("chromium is not installed: no page load figures")
        return 0
    runs = load_times(report, work, args.runs)
    for i, r in enumerate(runs, 1):
        print(f"  run {i}: ready {r['ready_ms']} ms, browser wall {r['wall_s']:.2f} s")
    ready = [r["ready_ms"] for r in runs if r["ready_ms"] is not None]
    if ready:
        print(
            f"page load (median of {len(ready)}): ready {statistics.median(ready):.0f} ms"
            f" (min {min(ready)}, max {max(ready)}) — target < 2000 ms: "
            f"{'met' if statistics.median(ready) < 2000 else 'NOT met'}"
        )
    else:
        print("the page never said it was ready: open it in a browser and look at the console")
    print(f"browser wall (start, load, dump, exit; median): {statistics.median(r['wall_s'] for r in runs):.2f} s")
    if args.screenshot:
        subprocess.run(
            [
                *_chromium(work / "profile-shot")[:-1],
                "--window-size=1280,11000",
                "--virtual-time-budget=20000",
                "--run-all-compositor-stages-before-draw",
                f"--screenshot={args.screenshot}",
                report.as_uri(),
            ],
            check=False,
            capture_output=True,
            timeout=300,
        )
        print(f"screenshot: {args.screenshot}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
