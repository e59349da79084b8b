"""What a build must redo, decided in one place.

Rows are only as current as the code that wrote them. Each component's rows carry the
fingerprint of that code, recorded in the build database (``parsed.code_versions``):

- ``parser``: the reading code (readers, tables, narrative, staging). Other parser → every
  staged row is parsed again (the shard and build databases drop their parsed tables).
- ``geography``: the place resolver and its dictionary → every unit name is placed again.
- ``transform``: the dbt project, the parser and the place resolver together → the marts are
  rebuilt from scratch (``dbt build --full-refresh``).
- ``staging``: the staged documents the marts were last built from. Unchanged, and the
  transform unchanged, and the published warehouse is that build → dbt has nothing to do.

The dbt manifest carries the dbt project's fingerprint too (``manifest.fingerprint``): an
unchanged project reuses its manifest.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import duckdb

from pipeline.config import DBT_PROJECT_DIR

PACKAGE = Path(__file__).resolve().parent
LOG = logging.getLogger(__name__)
STAMPS = "parsed.code_versions"
# dbt writes these folders, never reads them: not part of the project's fingerprint
_DBT_GENERATED = {"target", "logs", "dbt_packages"}
# what a nightly run builds when only documents changed: seeds and views are definitions, not data
INCREMENTAL_BUILD = ["build", "--exclude", "resource_type:seed config.materialized:view"]
FULL_REFRESH = ["build", "--full-refresh"]


def source_fingerprint(root: Path, files: list[Path], *versions: str) -> str:
    """A hash of source files (names relative to ``root``, and contents) and of library versions."""
    digest = hashlib.sha256("|".join(versions).encode())
    for path in files:
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def parser_fingerprint() -> str:
    """The reading code, and the vocabulary it reads (dbt_project.yml: the table kinds)."""
    sources = [PACKAGE / "stage.py", PACKAGE / "cleaning.py", PACKAGE / "intermediate.py", PACKAGE / "vocabulary.py"]
    for folder in ("readers", "tables", "narrative"):
        sources += sorted((PACKAGE / folder).glob("*.py"))
    vocabulary = hashlib.sha256((DBT_PROJECT_DIR / "dbt_project.yml").read_bytes()).hexdigest()
    return source_fingerprint(PACKAGE, sources, f"vocabulary {vocabulary}")


def geography_fingerprint() -> str:
    return source_fingerprint(PACKAGE, [PACKAGE / "geography.py"], f"cpca {version('cpca')}")


def dbt_project_fingerprint() -> str:
    """Every source file of the dbt project, and the dbt versions that read it."""
    sources = [p for p in DBT_PROJECT_DIR.iterdir() if p.name not in _DBT_GENERATED]
    files = sorted(
        f
        for p in sources
        for f in ([p] if p.is_file() else p.rglob("*"))
        # Python's byte-code caches (sqlfluff's templater imports sqlfluff_libs/ during a lint) are
        # written, never read as source: a lint between two builds must not force a full refresh
        if f.is_file() and "__pycache__" not in f.relative_to(DBT_PROJECT_DIR).parts
    )
    return source_fingerprint(
        DBT_PROJECT_DIR, files, f"dbt-core {version('dbt-core')}", f"dbt-duckdb {version('dbt-duckdb')}"
    )


def transform_fingerprint() -> str:
    """Everything that decides a fact row besides its document: models, parser, place dictionary."""
    parts = [dbt_project_fingerprint(), parser_fingerprint(), geography_fingerprint()]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


# ---------------------------------------------------------------- stamps in a database


def _stamps(con: duckdb.DuckDBPyConnection) -> str:
    con.execute("create schema if not exists parsed").fetchall()
    con.execute(f"create table if not exists {STAMPS} (component varchar primary key, fingerprint varchar)").fetchall()
    return STAMPS


def stored_fingerprint(con: duckdb.DuckDBPyConnection, component: str) -> str | None:
    """The fingerprint recorded for a component in this database (None: none yet)."""
    rows = con.execute(f"select fingerprint from {_stamps(con)} where component = ?", [component]).fetchall()
    return rows[0][0] if rows else None


def record_fingerprint(con: duckdb.DuckDBPyConnection, component: str, fingerprint: str) -> None:
    con.execute(f"insert or replace into {_stamps(con)} values (?, ?)", [component, fingerprint]).fetchall()


def published_fingerprint(warehouse: Path, component: str) -> str | None:
    """A component's fingerprint in the published warehouse (a copy of the build that published it);
    None where there is none, or where the file cannot be read now (a client holds it read-write,
    or wrote into it): it is then published again, which frees it."""
    if not warehouse.exists():
        return None
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            present = con.execute(
                "select count(*) from duckdb_tables() where schema_name = 'parsed' and table_name = 'code_versions'"
            ).fetchone()[0]
            if not present:
                return None
            rows = con.execute(f"select fingerprint from {STAMPS} where component = ?", [component]).fetchall()
    except duckdb.Error as err:
        LOG.warning(f"{warehouse}: the published warehouse cannot be read ({err}); it will be published again")
        return None
    return rows[0][0] if rows else None


def staging_fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """The staged documents and places as dbt reads them: any document added, removed, re-read or
    placed differently changes it."""
    row = con.execute("""
        select md5(coalesce(string_agg(line, '\n' order by line), '')) from (
            select concat_ws('|', document_id, file_name, sha256, status, unit_name, year) as line from parsed.documents
            union all
            select concat_ws('|', unit_name, admin_code) from parsed.unit_geography
        )
    """).fetchone()
    return row[0]


# ---------------------------------------------------------------- the decision


@dataclass(frozen=True)
class DbtStep:
    """What dbt does in this build: ``arguments`` None means nothing (the marts are current)."""

    arguments: list[str] | None
    reason: str


def dbt_step(
    *,
    built_transform: str | None,
    current_transform: str,
    built_staging: str | None,
    current_staging: str,
    published_staging: str | None,
) -> DbtStep:
    """The dbt command for a build, from what the marts were built with and what is staged now.

    ``built_*``: recorded in the build database by the last dbt build; ``published_staging``:
    recorded in the published warehouse (None when there is none)."""
    if built_transform != current_transform:
        return DbtStep(FULL_REFRESH, "dbt project, parser or place resolver changed since the last build: full refresh")
    if built_staging == current_staging and published_staging == current_staging:
        return DbtStep(None, "no document changed since the published build: no dbt work")
    if built_staging == current_staging:
        return DbtStep(INCREMENTAL_BUILD, "the published warehouse is not the last build: building to publish it")
    return DbtStep(INCREMENTAL_BUILD, "documents changed: building the changed documents")
