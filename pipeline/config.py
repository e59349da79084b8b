"""The one place that maps an environment to paths and the dbt target.

Environment variables (all optional):
  BUDGET_RAW_DIR     raw disclosures to read            (default: data/raw)
  BUDGET_WAREHOUSE   the published warehouse file        (default: data/warehouse/budget.duckdb)
  BUDGET_DBT_TARGET  dbt target in dbt_project/profiles.yml (default: dev)
  BUDGET_DUCKDB_MEMORY_LIMIT  DuckDB's memory ceiling for the build, spilling to disk beyond it (default: 320MB; a full build of 20,000 documents needs about that)
  BUDGET_DOCUMENT_BATCH_SIZE  documents per query where dbt builds by document (default: 1000)
  BUDGET_AUTOMATION  on (default) or off: whether the nightly schedule and the raw-folder sensor start
                     running when the code location loads (`budget ui` sets off unless --automation)
  BUDGET_DUCKDB_STORAGE_VERSION  storage format of new DuckDB files (default: v1.0.0, which DuckDB 1.0 and
                     newer clients read; DuckDB 2.0's own default format cannot be opened by 1.x BI drivers)
The build works in ``<warehouse dir>/.build/``; readers only ever see the published file.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"


@dataclass(frozen=True)
class Settings:
    raw_dir: Path
    warehouse: Path
    dbt_target: str

    @property
    def build_dir(self) -> Path:
        return self.warehouse.parent / ".build"

    @property
    def build_db(self) -> Path:
        return self.build_dir / self.warehouse.name


def settings(raw_dir: str | Path | None = None, warehouse: str | Path | None = None) -> Settings:
    raw = Path(raw_dir or os.environ.get("BUDGET_RAW_DIR") or REPO_ROOT / "data" / "raw").resolve()
    wh = Path(warehouse or os.environ.get("BUDGET_WAREHOUSE") or REPO_ROOT / "data" / "warehouse" / "budget.duckdb").resolve()
    return Settings(raw_dir=raw, warehouse=wh, dbt_target=os.environ.get("BUDGET_DBT_TARGET", "dev"))


def export_to_environment(s: Settings) -> None:
    """dbt's profile reads the build database path from the same variables Dagster uses."""
    os.environ["BUDGET_RAW_DIR"] = str(s.raw_dir)
    os.environ["BUDGET_WAREHOUSE"] = str(s.warehouse)
    os.environ["BUDGET_BUILD_DB"] = str(s.build_db)
    os.environ["BUDGET_DUCKDB_MEMORY_LIMIT"] = DUCKDB_MEMORY_LIMIT
    os.environ["BUDGET_DUCKDB_STORAGE_VERSION"] = DUCKDB_STORAGE_VERSION
    # dagster-dbt's manifest preparer looks for dbt on PATH: put the venv's own bin first.
    venv_bin = str(Path(sys.executable).parent)
    if venv_bin not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = venv_bin + os.pathsep + os.environ.get("PATH", "")


DUCKDB_MEMORY_LIMIT = os.environ.get("BUDGET_DUCKDB_MEMORY_LIMIT", "320MB")
DUCKDB_STORAGE_VERSION = os.environ.get("BUDGET_DUCKDB_STORAGE_VERSION", "v1.0.0")


def automation_on() -> bool:
    """The nightly schedule and the raw-folder sensor run by default in a deployment."""
    value = os.environ.get("BUDGET_AUTOMATION", "on").strip().lower()
    if value not in ("on", "off"):
        raise ValueError(f"BUDGET_AUTOMATION is {value!r}: set it to on or off")
    return value == "on"


def dbt_executable() -> str:
    """The venv's own dbt, so ``.venv/bin/budget`` works without an activated venv."""
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"
