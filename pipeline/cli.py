"""``budget``: build the warehouse, query it read-only, trace figures to their page, open the UI.

Every option that has an environment variable shows it in ``--help``; errors are one line
(``--debug`` shows the traceback); long commands show progress and keep Dagster's and dbt's
logs in a log file beside the warehouse (``-v`` streams them too).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from pipeline.config import REPO_ROOT, environment_for, settings
from pipeline.display import NULL, inert, is_number, shown

app = typer.Typer(
    help=__doc__.splitlines()[0].split(": ", 1)[1],
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110},
)


@dataclass
class _Flags:
    debug: bool = False
    verbose: bool = False


FLAGS = _Flags()
LISTED = 50  # documents listed by default; `budget status --all` lists every one

RawDir = Annotated[
    Path | None,
    typer.Option(
        "--raw-dir",
        envvar="BUDGET_RAW_DIR",
        show_default="data/raw",
        help="Folder of raw disclosures (searched recursively).",
    ),
]
Warehouse = Annotated[
    Path | None,
    typer.Option(
        "--warehouse",
        envvar="BUDGET_WAREHOUSE",
        show_default="data/warehouse/budget.duckdb",
        help="The published warehouse file.",
    ),
]
Workers = Annotated[
    int | None,
    typer.Option(
        "--workers", envvar="BUDGET_PARSE_WORKERS", show_default="one per CPU", help="Parse worker processes per shard."
    ),
]


class UserError(Exception):
    """Something the user can fix: said in one line, exit code 2."""


@app.callback()
def _options(
    debug: Annotated[bool, typer.Option("--debug", help="Show the full traceback of an error.")] = False,
    verbose: Annotated[
        bool, typer.Option("-v", "--verbose", help="Stream Dagster's and dbt's logs to the terminal too.")
    ] = False,
) -> None:
    FLAGS.debug, FLAGS.verbose = debug, verbose


# ---------------------------------------------------------------- build


def run_build(raw_dir: Path | None, warehouse: Path | None, workers: int | None) -> Path:
    """Parse, build and publish; returns the published warehouse. Logs go to a file."""
    from pipeline import progress
    from pipeline.console import Progress, logs_to_file, new_log_file
    from pipeline.rebuild import nothing_new

    s = settings(raw_dir, warehouse)
    if not s.raw_dir.is_dir():
        raise UserError(f"no raw folder at {s.raw_dir}; give --raw-dir (or BUDGET_RAW_DIR) a folder of disclosures")
    # the run's resources and dbt's profile read the paths from the environment, as in a deployment
    os.environ.update(environment_for(s))
    from pipeline.build_lock import BuildAlreadyRunning, build_lock

    try:
        with build_lock(s.build_dir, f"budget build from {s.raw_dir}"):
            log_path = new_log_file(s.warehouse.parent / "logs", "build")
            progress.reset(s.build_dir)
            with logs_to_file(log_path, echo=FLAGS.verbose) as terminal:
                terminal.write(f"building {s.warehouse} from {s.raw_dir} (log: {log_path})\n")
                # decided before Dagster and dbt are imported: a night with nothing new takes seconds
                idle = nothing_new(s)
                if idle is not None:
                    print("\n".join(["nothing new: the build job is not started", *idle]))
                    outcome = _Outcome(None, published=False)
                else:
                    with Progress(terminal, lambda: progress.read(s.build_dir)) if not FLAGS.verbose else _nothing():
                        outcome = _run_build_job(workers)
    except BuildAlreadyRunning as running:
        raise UserError(str(running)) from running
    if outcome.failure:
        raise BuildFailed(failure_message(outcome.failure, s.warehouse, log_path))
    if not outcome.published:
        print("nothing changed since the last build: the published warehouse is current")
    return s.warehouse


def failure_message(failure: str, warehouse: Path, log_path: Path) -> str:
    """What the terminal says of a failed build: the steps and their errors, and what to do."""
    if "No space left on device" in failure:  # the log may not have been written either
        return (
            f"{failure}; the disk holding {warehouse.parent} is full: free space there and build again "
            "(the published warehouse is as it was; the next build removes what this one left)"
        )
    return f"{failure}; the log says which step and why: {log_path}"


class BuildFailed(Exception):
    """The build stopped (the published warehouse is yesterday's): exit code 1."""


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None


@dataclass(frozen=True)
class _Outcome:
    failure: str | None
    published: bool


def _run_build_job(workers: int | None) -> _Outcome:
    """Run the project's build job in this process (the job the schedule and the sensor start)."""
    from pipeline.defs.dbt import prepare_manifest

    prepare_manifest()
    from pipeline.definitions import defs

    job = defs.resolve_job_def("build_warehouse")
    run_config = {"resources": {"parsing": {"config": {"workers": workers if workers is not None else 0}}}}
    result = job.execute_in_process(run_config=run_config, raise_on_error=False)
    if not result.success:
        failures = [event for event in result.all_events if event.is_step_failure]
        said = "; ".join(f"{event.step_key}: {_first_error_line(event)}" for event in failures)
        return _Outcome(f"build failed at {said or 'a step'}", published=False)
    published = any(
        event.is_step_materialization and event.step_key == "published_warehouse" for event in result.all_events
    )
    return _Outcome(None, published)


def _first_error_line(event) -> str:
    """What went wrong in a failed step, in a line: dbt's own error summary where dbt failed."""
    import re

    error = event.step_failure_data.error
    # Dagster wraps an exception raised by a step's code in its own; what went wrong is the cause
    while error is not None and error.cls_name == "DagsterExecutionStepExecutionError" and error.cause is not None:
        error = error.cause
    message = error.message if error else ""  # with the exception's class, as Python prints it
    if "Errors parsed from dbt logs:" in message:
        message = message.split("Errors parsed from dbt logs:", 1)[1]
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line).strip() for line in message.splitlines()]
    useful = [line for line in lines if line and not line.startswith(">") and "ERROR creating" not in line]
    return " ".join(useful[:3])[:500] or "see the log"


@app.command()
def build(
    raw_dir: RawDir = None,
    warehouse: Warehouse = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 when any document could not be loaded.")] = False,
    workers: Workers = None,
) -> int:
    """Parse the raw folder, build the marts and checks, publish the warehouse."""
    published = run_build(raw_dir, warehouse, workers)
    return print_status(published, strict=strict)


def print_status(warehouse: Path, strict: bool = False, every_document: bool = False) -> int:
    """A summary, then the documents that need a look (not loaded, a reason, failing checks)."""
    with _read_only(warehouse) as con:
        rows = con.execute(
            "select file_name, status, unit_name, year, tables_found, coalesce(reason, '') "
            "from document_status order by file_name"
        ).fetchall()
        failing = dict(
            con.execute(
                "select document_id, count(*) from dq_check_result where status = 'fail' group by document_id"
            ).fetchall()
        )
        ids = dict(con.execute("select file_name, document_id from document_status").fetchall())
        unplaced = [
            r[0]
            for r in con.execute("select unit_name from dim_unit where not is_place_resolved order by 1").fetchall()
        ]
        unit_years = con.execute("select count(*) from mart_unit_year").fetchone()[0]
    loaded = [r for r in rows if r[1] in ("loaded", "partial")]
    by_status = Counter(r[1] for r in rows)
    print(f"warehouse: {warehouse}")
    print(
        f"documents: {len(rows)} read, {len(loaded)} loaded, {len(rows) - len(loaded)} not loaded"
        f" ({', '.join(f'{status} {n}' for status, n in sorted(by_status.items()))})"
    )
    print(f"unit-years in the marts: {unit_years} (a disclosure published as two files, tables and narrative, is one)")
    print(f"reconciliation checks failing: {sum(failing.values())} (query dq_check_result where status = 'fail')")
    if unplaced:
        print(
            f"units whose administrative division could not be resolved ({len(unplaced)}): "
            f"{inert('、'.join(unplaced[:LISTED]))}" + (" …" if len(unplaced) > LISTED else "")
        )
    listed = [r for r in rows if every_document or r[1] != "loaded" or r[5] or failing.get(ids.get(r[0]))]
    for name, status, unit, year, tables, reason in listed if every_document else listed[:LISTED]:
        checks = failing.get(ids.get(name), 0)
        line = f"  {status:<22} {name}  {unit or '?'} {year or '?'}  tables={tables}" + (
            f"  checks_failed={checks}" if checks else ""
        )
        print(inert(line + (f"  — {reason}" if reason else "")))
    if len(listed) > LISTED and not every_document:
        print(f"  … and {len(listed) - LISTED} more documents to look at: budget status --all")
    return 1 if strict and len(loaded) < len(rows) else 0


@app.command()
def status(
    warehouse: Warehouse = None,
    every: Annotated[bool, typer.Option("--all", help="List every document, not only those needing a look.")] = False,
) -> int:
    """Document status of the published warehouse: what loaded, what did not and why."""
    return print_status(_published(warehouse), every_document=every)


@app.command()
def survey(
    raw_dir: Annotated[
        Path, typer.Argument(help="The corpus: a folder of disclosures, one subfolder per city or source.")
    ],
    warehouse: Annotated[
        Path | None,
        typer.Option(
            "--warehouse", show_default="data/survey/<corpus folder name>/budget.duckdb", help="Where to build it."
        ),
    ] = None,
    no_build: Annotated[bool, typer.Option("--no-build", help="Report on the warehouse already built there.")] = False,
    workers: Workers = None,
) -> int:
    """Build a corpus, then report per folder how much of it reads and reconciles."""
    from pipeline.survey import failing_checks, read_headlines, report

    raw = raw_dir.resolve()
    target = warehouse.resolve() if warehouse else REPO_ROOT / "data" / "survey" / raw.name / "budget.duckdb"
    if not no_build:
        run_build(raw, target, workers)
    print(report(read_headlines(target), failing_checks(target)))
    return 0


# ---------------------------------------------------------------- reading the warehouse


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _published(warehouse: Path | None) -> Path:
    path = settings(warehouse=warehouse).warehouse
    if not path.exists():
        raise UserError(f"no warehouse at {path}: run `budget build` first (or give --warehouse / BUDGET_WAREHOUSE)")
    return path


def _read_only(warehouse: Path):
    import duckdb

    return duckdb.connect(str(warehouse), read_only=True)


def _one_statement(sql: str, what: str) -> str:
    import duckdb

    if len(duckdb.extract_statements(sql)) != 1:
        raise UserError(f"{what} must be one SQL statement (no ';' between statements)")
    return sql


@app.command()
def query(
    sql: Annotated[str, typer.Argument(help='One SQL statement, e.g. "select * from mart_unit_year".')],
    output: Annotated[
        OutputFormat,
        typer.Option(
            "--format",
            help="table: aligned, amounts with two decimals, ratios as %; "
            "csv and json: every digit, numbers as numbers.",
        ),
    ] = OutputFormat.table,
    warehouse: Warehouse = None,
) -> int:
    """Run SQL against the published warehouse (read-only)."""
    with _read_only(_published(warehouse)) as con:
        cursor = con.execute(_one_statement(sql, "the query"))
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    if output is OutputFormat.json:
        # amounts as JSON numbers (a DECIMAL(20,6) keeps every digit as a float up to 10^9 万元)
        as_json = lambda v: float(v) if isinstance(v, Decimal) else str(v)  # noqa: E731
        print(json.dumps([dict(zip(columns, r)) for r in rows], ensure_ascii=False, default=as_json, indent=1))
    elif output is OutputFormat.csv:
        import csv

        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows([["" if v is None else v for v in r] for r in rows])
    else:
        _print_table(columns, rows)
        print(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return 0


def _print_table(columns: list[str], rows: list[tuple]) -> None:
    """Aligned whatever the script (rich measures CJK characters as two columns)."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    numeric = [any(is_number(r[i]) for r in rows) for i in range(len(columns))]
    for name, is_numeric in zip(columns, numeric):
        table.add_column(inert(name), justify="right" if is_numeric else "left", overflow="fold")
    for r in rows:
        table.add_row(*[f"[dim]{NULL}[/dim]" if v is None else _escaped(shown(v, c)) for v, c in zip(r, columns)])
    if sys.stdout.isatty():
        Console(highlight=False).print(table)
        return
    # a pipe or a file: lines as long as the table needs, never folded, no trailing blanks
    import io

    console = Console(file=io.StringIO(), highlight=False, width=100_000, color_system=None)
    console.width = console.measure(table).maximum
    console.print(table)
    print("\n".join(line.rstrip() for line in console.file.getvalue().splitlines()))


def _escaped(text: str) -> str:
    from rich.markup import escape

    return escape(text)


@app.command()
def tables(
    table: Annotated[str | None, typer.Argument(help="A table: list its columns, types and descriptions.")] = None,
    warehouse: Warehouse = None,
) -> int:
    """List the warehouse's tables with their descriptions and row counts, or one table's columns."""
    with _read_only(_published(warehouse)) as con:
        if table is None:
            listed = con.execute(
                "select table_name, estimated_size, comment from duckdb_tables() where schema_name = 'main' order by 1"
            ).fetchall()
            _print_table(
                ["table", "rows", "description"], [(n, rows, (comment or "").strip()) for n, rows, comment in listed]
            )
            return 0
        columns = con.execute(
            "select column_name, data_type, comment from duckdb_columns() where schema_name = 'main' and table_name = ? "
            "order by column_index",
            [table],
        ).fetchall()
    if not columns:
        raise UserError(f"no table {table} in the warehouse; `budget tables` lists them")
    _print_table(["column", "type", "description"], [(n, t, (c or "").strip()) for n, t, c in columns])
    return 0


@app.command()
def explain(
    table: Annotated[str, typer.Argument(help="A fact table, e.g. fct_appropriation, or dq_check_result.")],
    where: Annotated[str | None, typer.Argument(help="SQL condition, e.g. \"subject_code = '2080109'\".")] = None,
    limit: Annotated[int, typer.Option("--limit", help="Rows shown.")] = 5,
    raw_dir: RawDir = None,
    warehouse: Warehouse = None,
) -> int:
    """Trace fact rows to their file and page and row (PDF) or line (text), printed as the document prints it
    (a page without a text layer is read again by OCR, and says so with the engine's confidence)."""
    from pipeline.readers import read_document

    s = settings(raw_dir, warehouse)
    condition = where or "true"
    _one_statement(f"select 1 where {condition}", "the condition")
    with _read_only(_published(warehouse)) as con:
        columns = [
            r[0]
            for r in con.execute(
                "select column_name from duckdb_columns() where schema_name = 'main' and table_name = ?", [table]
            ).fetchall()
        ]
        if not columns:
            raise UserError(f"no table {table} in the warehouse; `budget tables` lists them")
        if "document_id" not in columns:
            raise UserError(
                f"{table} has no document_id column, so its rows do not come from one document; "
                "try a fct_* table or dq_check_result"
            )
        cursor = con.execute(
            f'select t.*, d.file_name, d.layout from "{table}" t '
            "left join (select distinct document_id, file_name, layout from document_status where status <> 'duplicate') d "
            f"using (document_id) where {condition} limit {int(limit)}"
        )
        names = [c[0] for c in cursor.description]
        rows = [dict(zip(names, r)) for r in cursor.fetchall()]
    if not rows:
        print("no rows match")
        return 1
    documents: dict[Path, object] = {}
    for row in rows:
        print("-" * 80)
        for key, value in row.items():
            print(f"{key:>28}: {shown(value, key)}")
        line, page = row.get("source_line"), row.get("page")
        if row.get("file_name") is None or line is None:
            continue
        place = f"page {page} row {line}" if page is not None else f"line {line}"
        path = s.raw_dir / row["file_name"]
        if not path.exists():
            printed = f" (the file is not under {s.raw_dir}: give --raw-dir the folder the warehouse was built from)"
        else:
            if path not in documents:
                documents[path] = read_document(path)
            block = next((b for b in documents[path].blocks if b.line == line and b.page == page), None)
            printed = f": {' | '.join(c for c in block.cells if c)}" if block else ""
            confidence = row.get("ocr_confidence") if row.get("read_method") == "ocr" else None
            if confidence is None and block is not None:
                confidence = block.confidence
            if confidence is not None:
                place += f" (read by OCR, confidence {confidence:.2f})"
        print(inert(f"{'source':>28}: {row['file_name']} {place}{printed}"))
    return 0


@app.command()
def report(
    out: Annotated[Path, typer.Option("--out", help="The HTML file to write.")] = REPO_ROOT
    / "data"
    / "warehouse"
    / "report.html",
    warehouse: Warehouse = None,
) -> int:
    """A self-contained HTML report with charts (works offline)."""
    from pipeline.report.build import build_report

    written = build_report(_published(warehouse), out)
    print(f"report written to {written}")
    return 0


class ExportFormat(StrEnum):
    parquet = "parquet"


@app.command()
def export(
    output: Annotated[ExportFormat, typer.Option("--format", help="File format.")] = ExportFormat.parquet,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            show_default="parquet/ beside the warehouse",
            help="Folder to write (a non-empty folder this command did not write is refused).",
        ),
    ] = None,
    warehouse: Warehouse = None,
) -> int:
    """Every mart as Parquet, partitioned by year."""
    from pipeline.export import ExportRefused, export_parquet

    published = _published(warehouse)
    target = out or published.parent / "parquet"
    try:
        counts = export_parquet(published, target)
    except ExportRefused as refused:
        raise UserError(f"export refused: {refused}") from refused
    print(f"exported {len(counts)} tables ({sum(counts.values())} rows) as Parquet to {target}")
    return 0


@app.command()
def synth(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the corpus into.")],
    units: Annotated[int, typer.Option("--units", help="Units per year.")] = 10,
    years: Annotated[str, typer.Option("--years", help="A count (ending 2026) or a comma list: 2025,2026.")] = "1",
    layouts: Annotated[str, typer.Option("--layouts", help="Comma list of text,pdf,markdown,html.")] = "text",
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
) -> int:
    """Write a synthetic corpus with truth files (for tests and benchmarks; needs the `synth` extra)."""
    try:
        from pipeline.synth.corpus import write_corpus
    except ModuleNotFoundError as missing:
        raise UserError(
            f"budget synth needs {missing.name}: pip install 'budget-warehouse[synth]' (requirements.lock has it)"
        ) from missing

    year_list = [int(y) for y in years.split(",")] if "," in years else list(range(2026 - int(years) + 1, 2027))
    written = write_corpus(out, units, year_list, layouts.split(","), seed)
    print(f"wrote {len(written)} documents (and their .truth.json) to {out}")
    return 0


@app.command()
def prepare() -> int:
    """Write the dbt manifest the Dagster definitions load from (run once after installing or
    deploying; builds and the UI do it themselves)."""
    from pipeline.defs.dbt import dbt_project, prepare_manifest

    wrote = prepare_manifest()
    print(f"dbt manifest {'written' if wrote else 'already current'}: {dbt_project.manifest_path}")
    return 0


# ---------------------------------------------------------------- the Dagster UI


@app.command()
def ui(
    raw_dir: RawDir = None,
    warehouse: Warehouse = None,
    port: Annotated[int, typer.Option("--port", help="Port of the web UI on 127.0.0.1.")] = 3000,
    automation: Annotated[
        bool,
        typer.Option(
            "--automation/--no-automation",
            help="Start with the nightly schedule and the raw-folder sensor running (they build the warehouse on their own).",
        ),
    ] = False,
) -> int:
    """The Dagster UI on localhost. Ctrl-C (or SIGTERM) stops everything it started."""
    s = settings(raw_dir, warehouse)
    home = Path(os.environ.get("DAGSTER_HOME", str(REPO_ROOT / ".dagster_home")))
    home.mkdir(exist_ok=True)
    env = dict(
        os.environ, **environment_for(s), DAGSTER_HOME=str(home), BUDGET_AUTOMATION="on" if automation else "off"
    )
    print(
        f"Dagster UI on http://127.0.0.1:{port} (code location budget_warehouse); "
        + (
            "the nightly schedule and the raw-folder sensor are ON: they will build on their own"
            if automation
            else "schedule and sensor are off (--automation starts them); materialize from the UI to build"
        )
    )
    from pipeline.defs.dbt import prepare_manifest

    prepare_manifest()
    dagster = Path(sys.executable).parent / "dagster"
    child = subprocess.Popen(
        [str(dagster), "dev", "-w", str(REPO_ROOT / "workspace.yaml"), "-h", "127.0.0.1", "-p", str(port)],
        env=env,
        start_new_session=True,  # its own process group: stopped as a whole below
    )

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        return child.wait()
    except KeyboardInterrupt:
        return _stop_group(child)


def _stop_group(child: subprocess.Popen) -> int:
    """SIGTERM to the UI's whole process group (webserver, daemon, code server), SIGKILL after 20 s."""
    for sent, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 5)):
        try:
            os.killpg(child.pid, sent)
        except ProcessLookupError:
            break
        try:
            child.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    print("Dagster UI stopped")
    return 0


# ---------------------------------------------------------------- entry point


def main(argv: list[str] | None = None) -> int:
    import click
    import duckdb

    try:
        result = app(args=argv, standalone_mode=False, prog_name="budget")
        return result if isinstance(result, int) else 0
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.ClickException as usage:
        usage.show()
        return usage.exit_code
    except click.exceptions.Abort:
        print("aborted", file=sys.stderr)
        return 130
    except (UserError, BuildFailed, duckdb.Error, OSError, ValueError) as error:
        if FLAGS.debug:
            raise
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        hint = "" if isinstance(error, (UserError, BuildFailed)) else " (run with --debug for the traceback)"
        print(inert(f"budget: {first_line}{hint}"), file=sys.stderr)
        return 2 if isinstance(error, UserError) else 1


if __name__ == "__main__":
    sys.exit(main())
