"""``budget``: build the warehouse, query it read-only, show document status, open the UI."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

from pipeline.config import REPO_ROOT, export_to_environment, settings


def _build(args: argparse.Namespace) -> int:
    s = settings(args.raw_dir, args.warehouse)
    if not s.raw_dir.is_dir():
        print(f"budget build: no raw folder at {s.raw_dir}; give --raw-dir (or BUDGET_RAW_DIR) a folder of disclosures",
              file=sys.stderr)
        return 2
    export_to_environment(s)
    import dagster as dg

    from pipeline.defs.resources import dbt_resource, prepare_manifest

    prepare_manifest()
    from pipeline.defs.ingest import raw_documents
    from pipeline.defs.parse import parse_shards, staged_tables
    from pipeline.defs.publish import parquet_export, published_warehouse
    from pipeline.defs.transform import dbt_models

    run_config = None
    if args.workers is not None:
        run_config = {"ops": {s.op.name: {"config": {"workers": args.workers}} for s in parse_shards}}
    result = dg.materialize(
        [raw_documents, *parse_shards, staged_tables, dbt_models, published_warehouse, parquet_export],
        resources={"dbt": dbt_resource()},
        run_config=run_config,
        raise_on_error=False,
    )
    if not result.success:
        print("build failed: see the Dagster log above for the failing step", file=sys.stderr)
        return 1
    if not result.asset_materializations_for_node(published_warehouse.op.name):
        print("build failed: the warehouse was not published (a step was skipped: see the Dagster log above)", file=sys.stderr)
        return 1
    return _print_status(s.warehouse, strict=args.strict)


LISTED = 50  # documents listed by default; `budget status --all` lists every one


def _print_status(warehouse: Path, strict: bool = False, every_document: bool = False) -> int:
    """A summary, then the documents that need a look (not loaded, a reason, failing checks)."""
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select file_name, status, unit_name, year, tables_found, coalesce(reason, '') "
            "from document_status order by file_name"
        ).fetchall()
        failing = dict(con.execute(
            "select document_id, count(*) from dq_check_result where status = 'fail' group by document_id"
        ).fetchall())
        ids = dict(con.execute("select file_name, document_id from document_status").fetchall())
        unplaced = [r[0] for r in con.execute("select unit_name from dim_unit where not is_place_resolved order by 1").fetchall()]
        unit_years = con.execute("select count(*) from mart_unit_year").fetchone()[0]
    loaded = [r for r in rows if r[1] in ("loaded", "partial")]
    by_status = Counter(r[1] for r in rows)
    print(f"warehouse: {warehouse}")
    print(f"documents: {len(rows)} read, {len(loaded)} loaded, {len(rows) - len(loaded)} not loaded"
          f" ({', '.join(f'{status} {n}' for status, n in sorted(by_status.items()))})")
    print(f"unit-years in the marts: {unit_years} (a disclosure published as two files, tables and narrative, is one)")
    print(f"reconciliation checks failing: {sum(failing.values())} (query dq_check_result where status = 'fail')")
    if unplaced:
        print(f"units whose administrative division could not be resolved ({len(unplaced)}): {'、'.join(unplaced[:LISTED])}"
              + (" …" if len(unplaced) > LISTED else ""))
    listed = [r for r in rows if every_document or r[1] != "loaded" or r[5] or failing.get(ids.get(r[0]))]
    for name, status, unit, year, tables, reason in listed if every_document else listed[:LISTED]:
        checks = failing.get(ids.get(name), 0)
        line = f"  {status:<22} {name}  {unit or '?'} {year or '?'}  tables={tables}" + (f"  checks_failed={checks}" if checks else "")
        print(line + (f"  — {reason}" if reason else ""))
    if len(listed) > LISTED and not every_document:
        print(f"  … and {len(listed) - LISTED} more documents to look at: budget status --all")
    return 1 if strict and len(loaded) < len(rows) else 0


def _query(args: argparse.Namespace) -> int:
    import duckdb

    s = settings(warehouse=args.warehouse)
    if not s.warehouse.exists():
        print(f"no warehouse at {s.warehouse}: run `budget build` first", file=sys.stderr)
        return 2
    with duckdb.connect(str(s.warehouse), read_only=True) as con:
        cursor = con.execute(args.sql)
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    if args.format == "json":
        # amounts as JSON numbers (DECIMAL → float keeps every digit of a DECIMAL(20,6) up to 10^9 万元)
        as_json = lambda v: float(v) if isinstance(v, Decimal) else str(v)
        print(json.dumps([dict(zip(columns, r)) for r in rows], ensure_ascii=False, default=as_json, indent=1))
    elif args.format == "csv":
        import csv

        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
    else:
        widths = [max(len(str(c)), *(len(str(r[i])) for r in rows)) if rows else len(str(c)) for i, c in enumerate(columns)]
        print("  ".join(str(c).ljust(w) for c, w in zip(columns, widths)))
        for r in rows:
            print("  ".join(str(v).ljust(w) for v, w in zip(r, widths)))
    return 0


def _explain(args: argparse.Namespace) -> int:
    """Show fact rows with the document, table and source line (or page) each came from."""
    import duckdb

    from pipeline.readers import read_document

    s = settings(args.raw_dir, args.warehouse)
    with duckdb.connect(str(s.warehouse), read_only=True) as con:
        columns = [r[0] for r in con.execute(f"describe {args.table}").fetchall()]
        if "document_id" not in columns:
            print(f"{args.table} has no document_id column: it is not a fact table; try fct_* or dq_check_result", file=sys.stderr)
            return 2
        where = f"where {args.where}" if args.where else ""
        cursor = con.execute(
            f"select t.*, d.file_name, d.layout from {args.table} t "
            f"left join (select distinct document_id, file_name, layout from document_status where status <> 'duplicate') d "
            f"using (document_id) {where} limit {args.limit}"
        )
        names = [c[0] for c in cursor.description]
        rows = [dict(zip(names, r)) for r in cursor.fetchall()]
    if not rows:
        print("no rows match")
        return 1
    for row in rows:
        print("-" * 80)
        for key, value in row.items():
            print(f"{key:>28}: {value}")
        line = row.get("source_line")
        path = s.raw_dir / row["file_name"] if row.get("file_name") else None
        if path is not None and path.exists() and line is not None:
            doc = read_document(path)
            page = row.get("page")
            matches = [b for b in doc.blocks if b.line == line and (page is None or b.page == page)]
            where_text = f"page {matches[0].page} row {line}" if matches and matches[0].page else f"line {line}"
            for block in matches[:1]:
                print(f"{'source':>28}: {row['file_name']} {where_text}: {' | '.join(block.cells)}")
    return 0


def _report(args: argparse.Namespace) -> int:
    from pipeline.report.build import build_report

    s = settings(warehouse=args.warehouse)
    if not s.warehouse.exists():
        print(f"no warehouse at {s.warehouse}: run `budget build` first", file=sys.stderr)
        return 2
    out = build_report(s.warehouse, Path(args.out))
    print(f"report written to {out}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from pipeline.export import ExportRefused, export_parquet

    s = settings(warehouse=args.warehouse)
    out = Path(args.out) if args.out else s.warehouse.parent / "parquet"
    try:
        counts = export_parquet(s.warehouse, out)
    except ExportRefused as refused:
        print(f"export refused: {refused}", file=sys.stderr)
        return 2
    print(f"exported {len(counts)} tables ({sum(counts.values())} rows) as Parquet to {out}")
    return 0


def _synth(args: argparse.Namespace) -> int:
    from pipeline.synth.corpus import write_corpus

    years = [int(y) for y in str(args.years).split(",")] if "," in str(args.years) else list(
        range(2026 - int(args.years) + 1, 2027))
    written = write_corpus(Path(args.out), args.units, years, args.layouts.split(","), args.seed)
    print(f"wrote {len(written)} documents (and their .truth.json) to {args.out}")
    return 0


def _survey(args: argparse.Namespace) -> int:
    """Build a warehouse from a corpus, then report how well it reads (pipeline/survey.py)."""
    from pipeline.survey import failing_checks, read_headlines, report

    raw = Path(args.raw_dir).resolve()
    warehouse = Path(args.warehouse).resolve() if args.warehouse else REPO_ROOT / "data" / "survey" / raw.name / "budget.duckdb"
    if not args.no_build:
        built = _build(argparse.Namespace(raw_dir=str(raw), warehouse=str(warehouse), strict=False, workers=args.workers))
        if built != 0:
            return built
    print(report(read_headlines(warehouse), failing_checks(warehouse)))
    return 0


def _ui(args: argparse.Namespace) -> int:
    s = settings(args.raw_dir, args.warehouse)
    export_to_environment(s)
    env = dict(os.environ, DAGSTER_HOME=os.environ.get("DAGSTER_HOME", str(REPO_ROOT / ".dagster_home")))
    Path(env["DAGSTER_HOME"]).mkdir(exist_ok=True)
    exe = Path(sys.executable).parent / "dagster"
    return subprocess.call([str(exe), "dev", "-m", "pipeline.definitions", "-h", "127.0.0.1", "-p", str(args.port)], env=env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="budget", description=__doc__)
    parser.add_argument("--debug", action="store_true", help="show the full traceback of an error")
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="parse data/raw and build the warehouse")
    build.add_argument("--raw-dir")
    build.add_argument("--warehouse")
    build.add_argument("--strict", action="store_true", help="exit 1 when any document could not be loaded")
    build.add_argument("--workers", type=int, help="parse processes (default: one per CPU; 1 = no pool)")
    build.set_defaults(func=_build)
    survey = sub.add_parser("survey", help="build a corpus and report, per folder, how much of it reads and reconciles")
    survey.add_argument("raw_dir", help="the corpus: a folder of disclosures, one subfolder per city or source")
    survey.add_argument("--warehouse", help="where to build it (default: data/survey/<corpus folder name>/budget.duckdb)")
    survey.add_argument("--no-build", action="store_true", help="report on the warehouse already built there")
    survey.add_argument("--workers", type=int, help="parse processes (default: one per CPU)")
    survey.set_defaults(func=_survey)
    query = sub.add_parser("query", help="run SQL against the published warehouse (read-only)")
    query.add_argument("sql")
    query.add_argument("--format", choices=["table", "csv", "json"], default="table")
    query.add_argument("--warehouse")
    query.set_defaults(func=_query)
    status = sub.add_parser("status", help="document status of the published warehouse")
    status.add_argument("--warehouse")
    status.add_argument("--all", action="store_true", help="list every document, not only those needing a look")
    status.set_defaults(func=lambda a: _print_status(settings(warehouse=a.warehouse).warehouse, every_document=a.all))
    explain = sub.add_parser("explain", help="trace fact rows to their document, table and source line")
    explain.add_argument("table", help="a fact table, e.g. fct_appropriation or dq_check_result")
    explain.add_argument("where", nargs="?", help="SQL condition, e.g. \"subject_code = '2080109'\"")
    explain.add_argument("--limit", type=int, default=5)
    explain.add_argument("--raw-dir")
    explain.add_argument("--warehouse")
    explain.set_defaults(func=_explain)
    report = sub.add_parser("report", help="a self-contained HTML report with charts")
    report.add_argument("--out", default=str(REPO_ROOT / "data" / "warehouse" / "report.html"))
    report.add_argument("--warehouse")
    report.set_defaults(func=_report)
    export = sub.add_parser("export", help="every mart as Parquet, partitioned by year")
    export.add_argument("--format", choices=["parquet"], default="parquet")
    export.add_argument("--out")
    export.add_argument("--warehouse")
    export.set_defaults(func=_export)
    synth = sub.add_parser("synth", help="write a synthetic corpus with truth files")
    synth.add_argument("--units", type=int, default=10)
    synth.add_argument("--years", default="1", help="a count (ending 2026) or a comma list: 2025,2026")
    synth.add_argument("--layouts", default="text", help="comma list of text,pdf,markdown,html")
    synth.add_argument("--out", required=True)
    synth.add_argument("--seed", type=int, default=0)
    synth.set_defaults(func=_synth)
    ui = sub.add_parser("ui", help="the Dagster UI on localhost")
    ui.add_argument("--raw-dir")
    ui.add_argument("--warehouse")
    ui.add_argument("--port", type=int, default=3000)
    ui.set_defaults(func=_ui)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except Exception as error:  # one line that says what went wrong; the traceback behind --debug
        import duckdb

        if args.debug or not isinstance(error, (duckdb.Error, OSError, ValueError)):
            raise
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        print(f"budget {args.command}: {first_line} (run with --debug for the traceback)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
