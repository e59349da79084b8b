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
import json
import logging
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import duckdb

from pipeline.config import DBT_PROJECT_DIR, SHARDS, Settings
from pipeline.discover import discover_raw_files
from pipeline.leftovers import leftovers

PACKAGE = Path(__file__).resolve().parent
LOG = logging.getLogger(__name__)
STAMPS = "parsed.code_versions"
# dbt writes these folders, never reads them: not part of the project's fingerprint
_DBT_GENERATED = {"target", "logs", "dbt_packages"}
# what a nightly run builds when only documents changed: seeds and views are definitions, not data
INCREMENTAL_BUILD = ["build", "--exclude", "resource_type:seed config.materialized:view"]
FULL_REFRESH = ["build", "--full-refresh"]
# where dagster-dbt's DbtProject keeps the manifest (pipeline/defs/dbt.py; tests/test_rebuild.py holds them equal)
MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"


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


def manifest_stamp(manifest: Path) -> Path:
    """Beside the manifest: the fingerprint of the dbt project it was written from."""
    return manifest.with_name("manifest.fingerprint")


def manifest_is_current(manifest: Path, fingerprint: str | None = None) -> bool:
    """Whether the dbt manifest was written from the dbt project as it is now."""
    stamp = manifest_stamp(manifest)
    current = fingerprint or dbt_project_fingerprint()
    return manifest.exists() and stamp.exists() and stamp.read_text() == current


# ---------------------------------------------------------------- the parse shards' plan


def shard_of(sha256: str) -> int:
    return int(sha256[:8], 16) % SHARDS


def shard_db(build_dir: Path, index: int) -> Path:
    return build_dir / f"parse_shard_{index}.duckdb"


@dataclass(frozen=True)
class ShardPlan:
    """What one shard must do: documents to parse, file names whose rows go."""

    to_parse: list[dict]
    removed: list[str]
    documents: int


def plan_shard(index: int, raw_files: list[dict], staged: dict[str, str]) -> ShardPlan:
    """The shard's raw files (by content hash) against what it has staged (file name → sha256).

    A file is parsed when it is new or changed, and also when a removed file had its content: it
    was staged as that file's ``duplicate`` and now stands for the content itself, as it would
    in a build from scratch."""
    mine = [f for f in raw_files if shard_of(f["sha256"]) == index]
    present = {f["file_name"] for f in mine}
    removed = sorted(set(staged) - present)
    removed_content = {staged[name] for name in removed}
    return ShardPlan(
        to_parse=[f for f in mine if staged.get(f["file_name"]) != f["sha256"] or f["sha256"] in removed_content],
        removed=removed,
        documents=len(mine),
    )


# ---------------------------------------------------------------- stamps in a database


def sql_literal(value: str | Path) -> str:
    """``value`` as a SQL string literal (a path may hold a quote: ``it's/budget.duckdb``), for the
    statements that take no parameters (ATTACH, COPY … TO)."""
    return "'" + str(value).replace("'", "''") + "'"


def _stamps(con: duckdb.DuckDBPyConnection) -> str:
    con.execute("create schema if not exists parsed").fetchall()
    con.execute(f"create table if not exists {STAMPS} (component varchar primary key, fingerprint varchar)").fetchall()
    return STAMPS


def stored_fingerprint(con: duckdb.DuckDBPyConnection, component: str) -> str | None:
    """The fingerprint recorded for a component in this database (None: none yet); reads only,
    so a read-only connection may ask too."""
    present = con.execute(
        "select count(*) from duckdb_tables() where database_name = current_database() "
        "and schema_name = 'parsed' and table_name = 'code_versions'"
    ).fetchone()[0]
    if not present:
        return None
    rows = con.execute(f"select fingerprint from {STAMPS} where component = ?", [component]).fetchall()
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
            return stored_fingerprint(con, component)
    except duckdb.Error as err:
        LOG.warning(f"{warehouse}: the published warehouse cannot be read ({err}); it will be published again")
        return None


def publish_receipt(warehouse: Path) -> Path:
    """Where publishing records the identity of the file it published."""
    return warehouse.with_name(f".{warehouse.name}.published")


def file_identity(path: Path) -> dict[str, int]:
    """What any write to the file changes: a checkpoint rewrites blocks (size, modification time);
    a file put in its place is another inode."""
    stat = path.stat()
    return {"inode": stat.st_ino, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def changed_since_published(warehouse: Path) -> bool:
    """True when the published file is not as this program published it: a client connected
    read-write wrote into it and checkpointed (no WAL left), or another file was put in its place.
    False where there is no file, or no record of publishing it (a warehouse published by an
    older version of this program: nothing can be told)."""
    receipt = publish_receipt(warehouse)
    if not warehouse.exists() or not receipt.exists():
        return False
    try:
        recorded = json.loads(receipt.read_text())
    except (OSError, ValueError):
        return False  # a damaged record tells nothing; the next publish writes it again
    return recorded != file_identity(warehouse)


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


def planned_dbt_step(con: duckdb.DuckDBPyConnection, warehouse: Path) -> tuple[DbtStep, dict[str, str]]:
    """This build's dbt step, from the build database ``con`` (read-only will do) and the published
    warehouse; and the fingerprints to record once dbt has built (``dbt_models`` records them)."""
    current = {"transform": transform_fingerprint(), "staging": staging_fingerprint(con)}
    step = dbt_step(
        built_transform=stored_fingerprint(con, "transform"),
        current_transform=current["transform"],
        built_staging=stored_fingerprint(con, "staging"),
        current_staging=current["staging"],
        published_staging=None if changed_since_published(warehouse) else published_fingerprint(warehouse, "staging"),
    )
    return step, current


# ---------------------------------------------------------------- a night with nothing new


def nothing_new(s: Settings) -> list[str] | None:
    """None when the build has work to do; else the lines its log says (nothing is to be done).

    Nothing is to be done when every step of the build job would find its work done: no file a
    killed build left (``leftovers``); the dbt manifest current; in every parse shard the parser
    that wrote it and nothing to parse or remove (``plan_shard``: no raw file added, changed or
    removed, nor the shard count changed); the build database staging what the shards hold (no
    merge pending), placed by the current resolver with no unit name to place or drop; and no
    dbt step (``planned_dbt_step``). Decided from the files and read-only connections before
    Dagster is imported, so such a night takes seconds. Where anything is in doubt, a database
    that does not open or read included, the answer is None: the build job has the code for it
    (healing a damaged database among it)."""
    shards = [shard_db(s.build_dir, index) for index in range(SHARDS)]
    if (
        leftovers(s.build_dir, s.warehouse)
        or not manifest_is_current(MANIFEST)
        or not all(path.exists() for path in [s.build_db, s.warehouse, *shards])
    ):
        return None
    skipped: list[tuple[str, str]] = []
    files = discover_raw_files(s.raw_dir, s.build_dir, skipped)
    parser = parser_fingerprint()
    try:
        for index, path in enumerate(shards):
            with duckdb.connect(str(path), read_only=True) as con:
                if stored_fingerprint(con, "parser") != parser:
                    return None
                _read_staging(con)
                plan = plan_shard(
                    index, files, dict(con.execute("select file_name, sha256 from parsed.documents").fetchall())
                )
                if plan.to_parse or plan.removed:
                    return None
        with duckdb.connect(str(s.build_db), read_only=True) as con:
            if (
                stored_fingerprint(con, "parser") != parser
                or stored_fingerprint(con, "geography") != geography_fingerprint()
            ):
                return None
            _read_staging(con)
            if _merge_pending(con, shards) or _places_pending(con):
                return None
            step, _ = planned_dbt_step(con, s.warehouse)
    except duckdb.Error:
        return None
    if step.arguments is not None:
        return None
    return [
        *(f"not read: {name}: {why}" for name, why in skipped),
        f"{len(files)} raw documents, none added, changed or removed; staging current in {SHARDS} parse shards",
        step.reason,
    ]


def _read_staging(con: duckdb.DuckDBPyConnection) -> None:
    """Count every staged table's rows, as opening a build database does: damage to a table's metadata shows here."""
    tables = con.execute(
        "select table_name from duckdb_tables() where database_name = current_database() and schema_name = 'parsed'"
    ).fetchall()
    for (table,) in tables:
        con.execute(f'select count(*) from parsed."{table}"').fetchall()


def _merge_pending(con: duckdb.DuckDBPyConnection, shards: list[Path]) -> bool:
    """Whether the staged documents differ from the shards' (``warehouse.merge_shards`` would copy some)."""
    for index, path in enumerate(shards):
        con.execute(f"attach {sql_literal(path)} as shard_{index} (read_only)").fetchall()
    in_shards = " union all ".join(f"select * from shard_{index}.parsed.documents" for index in range(len(shards)))
    differing = con.execute(f"""
        select count(*) from (
            (select * from parsed.documents except select * from ({in_shards}))
            union all
            (select * from ({in_shards}) except select * from parsed.documents)
        )
    """).fetchone()[0]
    return differing > 0


def _places_pending(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether a staged unit name is not placed yet, or a placed one is no longer staged (``update_geography``)."""
    names = "select distinct unit_name from parsed.documents where unit_name is not null"
    pending = con.execute(f"""
        select count(*) from (
            (select unit_name from parsed.unit_geography where unit_name not in ({names}))
            union all
            ({names} except select unit_name from parsed.unit_geography)
        )
    """).fetchone()[0]
    return pending > 0
