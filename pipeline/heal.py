"""A build database whose damage shows only once it is read (a block failing its checksum while
the parse shards are merged into it, or in the middle of the dbt step) is set aside and built
again from the raw files, once.

DuckDB checks a block's checksum when it reads the block: a database whose header and catalog
are sound opens (``warehouse.connect_build`` sets aside one that does not), and the damage
shows later, when dbt or the build reads a table (``Corrupt database file: computed checksum …
does not match stored checksum …``). Only DuckDB's own words for a damaged file count as
damage (``is_damage``): any other error, a bug in a model or in this code, a full disk, stops
the build as it is, never swallowed. Dagster's ``parsed_tables`` and ``dbt_models`` steps call
``build_again_from_the_raw_files`` where they meet it.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from pipeline.config import SHARDS, Settings
from pipeline.discover import discover_raw_files
from pipeline.shards import in_child_process, parse_shard, shard_db
from pipeline.warehouse import assemble_staging, set_aside_damaged

# DuckDB's own messages for a file whose bytes are not what it wrote (DuckDB 1.x and 2.0), as
# patterns with their figures, so that a document's text quoted in an error is not taken for them
DAMAGE = re.compile(
    r"corrupt database file: computed checksum \d+ does not match stored checksum \d+"  # a block overwritten
    r"|could not read (?:enough|all) bytes from file"  # a file cut short
    r"|invalid hyperloglog register value \d+",  # a statistics block overwritten (Serialization Error)
    re.IGNORECASE,
)


class BuildDatabaseDamaged(RuntimeError):
    """The build database was damaged again right after it was built anew: the disk is suspect."""


def is_damage(error: BaseException | str) -> bool:
    """Whether an error (DuckDB's own, or dbt's report quoting it) says a database file is damaged."""
    return DAMAGE.search(str(error)) is not None


def damage_line(error: BaseException | str) -> str:
    """The line of an error that names the damage (dbt's report carries it among others)."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return next((line for line in lines if is_damage(line)), lines[0] if lines else "")


def reads_whole(database: Path) -> str | None:
    """Read every table of a database in full (so every block's checksum is checked); None where
    all of it reads, else what failed."""
    try:
        with duckdb.connect(str(database), read_only=True) as con:
            tables = con.execute(
                "select schema_name, table_name from duckdb_tables() where database_name = current_database()"
            ).fetchall()
            for schema, table in tables:
                # every column of every row hashed: each block is read (a count alone reads none)
                con.execute(f'select min(hash(columns(*))) from "{schema}"."{table}"').fetchall()
    except duckdb.Error as err:
        if is_damage(err):
            return damage_line(err)
        raise
    return None


def build_again_from_the_raw_files(s: Settings, workers: int, warn) -> dict[str, int]:
    """Set the damaged build database aside and build its staging again from the raw files, each
    step said through ``warn``; returns the staging's counts (``warehouse.assemble_staging``).

    The parse shards' databases hold the raw files as parsed: each one that reads whole is kept,
    each one that does not is set aside too and its raw files are parsed again. The new build
    database has no record of a dbt build, so dbt then builds every model afresh. Damaged again
    at once: ``BuildDatabaseDamaged``, naming the disk to check."""
    warn(f"{s.build_db}: set aside as {set_aside_damaged(s.build_db).name}")
    shards = [shard_db(s.build_dir, i) for i in range(SHARDS)]
    damaged = []
    for index, shard in enumerate(shards):
        problem = reads_whole(shard) if shard.exists() else None
        if problem:
            warn(f"{shard}: damaged too ({problem}); set aside as {set_aside_damaged(shard).name}")
            damaged.append(index)
    if damaged:
        files = discover_raw_files(s.raw_dir, s.build_dir)
        for index in damaged:
            parse_shard(index, files, workers, s.build_dir)
        warn(f"parse shards {damaged}: their raw files parsed again")
    try:
        # DuckDB returns its working memory to the OS only when its process ends: a short-lived child
        return in_child_process(assemble_staging, str(s.build_db), [str(p) for p in shards])
    except duckdb.Error as err:
        if not is_damage(err):
            raise
        raise damaged_again(s, err) from err


def damaged_again(s: Settings, err: BaseException) -> BuildDatabaseDamaged:
    return BuildDatabaseDamaged(
        f"{s.build_db}: damaged again right after it was built anew from the raw files ({damage_line(err)}); "
        f"the disk under {s.build_dir} may be failing: check it (dmesg, smartctl) before the next build"
    )
