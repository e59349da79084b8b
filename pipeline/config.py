"""Every setting of the project, in one place: its environment variable, default and meaning.

Dagster reads the run's settings through resources fed by ``dg.EnvVar`` of these names
(``pipeline/defs/resources.py``); dbt's profile reads the same names (``dbt_project/profiles.yml``);
the CLI's options carry the same names (``budget build --help``). Plain modules read the
constants below. Nothing here writes the environment.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"


@dataclass(frozen=True)
class Variable:
    name: str
    default: str
    meaning: str

    def value(self) -> str:
        return os.environ.get(self.name) or self.default


RAW_DIR = Variable("BUDGET_RAW_DIR", str(REPO_ROOT / "data" / "raw"), "raw disclosures to read (searched recursively)")
WAREHOUSE = Variable(
    "BUDGET_WAREHOUSE",
    str(REPO_ROOT / "data" / "warehouse" / "budget.duckdb"),
    "the published warehouse file; the build works in .build/ beside it",
)
PARSE_WORKERS = Variable("BUDGET_PARSE_WORKERS", "0", "parse worker processes per shard (0: one per CPU)")
PARSE_SHARDS = Variable("BUDGET_PARSE_SHARDS", "4", "parse shards (each its own Dagster asset and DuckDB file)")
PDF_MAX_PAGES = Variable("BUDGET_PDF_MAX_PAGES", "400", "a PDF with more pages is too_large")
PDF_MAX_SECONDS = Variable(
    "BUDGET_PDF_MAX_SECONDS", "120", "a PDF taking longer to read is too_slow (checked between its pages)"
)
DOCUMENT_MAX_SECONDS = Variable(
    "BUDGET_DOCUMENT_MAX_SECONDS",
    "180",
    "a document of any layout still being read after this long (its time in OCR left out: OCR keeps its own "
    "limits) is too_slow: its parse worker is killed, inside a page if need be, and replaced",
)
WORKER_MEMORY = Variable(
    "BUDGET_WORKER_MAX_MEMORY_MB",
    "3072",
    "address space of each parse worker process (MB); a document needing more is too_large",
)
TEXT_MAX_BYTES = Variable(
    "BUDGET_MAX_TEXT_BYTES",
    "16000000",
    "a text, HTML or markdown file larger than this is too_large, before it is decoded (real ones are under 1 MB)",
)
TABLE_CELLS = Variable(
    "BUDGET_MAX_TABLE_CELLS", "1000000", "an HTML table spanning more cells (colspan × rowspan) is too_large"
)
PDF_ENGINE = Variable(
    "BUDGET_PDF_ENGINE",
    "pdfium",
    "what reads a PDF's characters and rulings: pdfium (fast) or pdfplumber (the reference; the same facts)",
)
OCR = Variable(
    "BUDGET_OCR",
    "on",
    "on/off: a PDF's pages without a text layer are read by OCR (RapidOCR, offline); off leaves them unread",
)
OCR_SCALE = Variable("BUDGET_OCR_SCALE", "2", "OCR renders a page at this many times 72 dpi")
OCR_PAGE_SECONDS = Variable(
    "BUDGET_OCR_PAGE_SECONDS", "60", "OCR of one page stops after this long (what was not read is named)"
)
OCR_DOCUMENT_SECONDS = Variable(
    "BUDGET_OCR_MAX_SECONDS", "600", "OCR of one document stops after this long; its other pages stay unread"
)
OCR_MAX_PAGES = Variable(
    "BUDGET_OCR_MAX_PAGES", "60", "pages OCR'd per document at most; the rest stay unread (and are named)"
)
DBT_TARGET = Variable("BUDGET_DBT_TARGET", "dev", "dbt target in dbt_project/profiles.yml")
DUCKDB_MEMORY = Variable(
    "BUDGET_DUCKDB_MEMORY_LIMIT",
    "1GB",
    "DuckDB's memory ceiling for the build, spilling to disk beyond it (a 10,000-document build needs more "
    "than 320MB since the check families: bench/RESULTS.md)",
)
DUCKDB_STORAGE = Variable(
    "BUDGET_DUCKDB_STORAGE_VERSION",
    "v1.0.0",
    "storage format of new DuckDB files: v1.0.0 is read by DuckDB 1.0 and newer clients "
    "(DuckDB 2.0's own default cannot be opened by the 1.x drivers BI tools bundle)",
)
KEEP_CLIENT_WRITES = Variable(
    "BUDGET_KEEP_CLIENT_WRITES",
    "3",
    "client-writes files kept beside the warehouse (what read-write clients wrote into a published file); "
    "older ones are removed at publishing, each named in the build log",
)
DOCUMENT_BATCH_SIZE = Variable("BUDGET_DOCUMENT_BATCH_SIZE", "1000", "documents per query where dbt builds by document")
AUTOMATION = Variable(
    "BUDGET_AUTOMATION",
    "on",
    "on/off: the nightly schedule and the raw-folder sensor start running "
    "when the code location loads (`budget ui` sets off unless --automation)",
)
NIGHTLY_CRON = Variable("BUDGET_NIGHTLY_CRON", "0 2 * * *", "the nightly build's cron, Asia/Shanghai time")

VARIABLES = [
    RAW_DIR,
    WAREHOUSE,
    PARSE_WORKERS,
    PARSE_SHARDS,
    PDF_MAX_PAGES,
    PDF_MAX_SECONDS,
    DOCUMENT_MAX_SECONDS,
    WORKER_MEMORY,
    TEXT_MAX_BYTES,
    PDF_ENGINE,
    OCR,
    OCR_SCALE,
    OCR_PAGE_SECONDS,
    OCR_DOCUMENT_SECONDS,
    OCR_MAX_PAGES,
    TABLE_CELLS,
    DBT_TARGET,
    DUCKDB_MEMORY,
    DUCKDB_STORAGE,
    KEEP_CLIENT_WRITES,
    DOCUMENT_BATCH_SIZE,
    AUTOMATION,
    NIGHTLY_CRON,
]

# Read once by the modules that need them (structure and limits, not per-run choices).
SHARDS = int(PARSE_SHARDS.value())
DUCKDB_MEMORY_LIMIT = DUCKDB_MEMORY.value()
DUCKDB_STORAGE_VERSION = DUCKDB_STORAGE.value()
MAX_PDF_PAGES = int(PDF_MAX_PAGES.value())
MAX_PDF_SECONDS = float(PDF_MAX_SECONDS.value())
MAX_TABLE_CELLS = int(TABLE_CELLS.value())


@dataclass(frozen=True)
class Settings:
    raw_dir: Path
    warehouse: Path

    @property
    def build_dir(self) -> Path:
        return self.warehouse.parent / ".build"

    @property
    def build_db(self) -> Path:
        return self.build_dir / self.warehouse.name

    @property
    def dbt_target_dir(self) -> Path:
        """dbt's artifacts of this warehouse's builds: one folder per warehouse, so two warehouses
        built at once from one checkout never share dbt's files, and its partial parse stays warm."""
        return self.build_dir / "dbt-target"


def settings(raw_dir: str | Path | None = None, warehouse: str | Path | None = None) -> Settings:
    """Paths given (CLI options) or from the environment, or the defaults."""
    return Settings(
        raw_dir=Path(raw_dir or RAW_DIR.value()).resolve(), warehouse=Path(warehouse or WAREHOUSE.value()).resolve()
    )


def environment_for(s: Settings) -> dict[str, str]:
    """The variables a run started by the CLI gets: its paths, as Dagster's resources and dbt's
    profile read them."""
    return {RAW_DIR.name: str(s.raw_dir), WAREHOUSE.name: str(s.warehouse)}


def automation_on() -> bool:
    """The nightly schedule and the raw-folder sensor run by default in a deployment."""
    value = AUTOMATION.value().strip().lower()
    if value not in ("on", "off"):
        raise ValueError(f"{AUTOMATION.name} is {value!r}: set it to on or off")
    return value == "on"


def ocr_on() -> bool:
    """Pages without a text layer are OCR'd by default."""
    value = OCR.value().strip().lower()
    if value not in ("on", "off"):
        raise ValueError(f"{OCR.name} is {value!r}: set it to on or off")
    return value == "on"


def dbt_executable() -> str:
    """The venv's own dbt, so ``.venv/bin/budget`` works without an activated venv."""
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"
