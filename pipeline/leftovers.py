"""What a killed or failed build leaves behind, removed when the next build starts.

Only files this program writes, by their own names, are removed; anything else in the build
folder or beside the warehouse stays, whatever its name resembles:

- ``.<warehouse>.<pid>.publishing``: a publishing copy whose process is gone (``warehouse.publish``);
- ``*.writing`` in ``.build/`` and ``.build/progress/``, and ``.<warehouse>.published.writing``:
  files written then renamed into place (the hash cache, the progress files, the publish record);
- ``.build/<name>.duckdb.tmp/duckdb_temp_*``: DuckDB's spill files for a build database (DuckDB
  never removes those of a process that was killed), and the folder once empty;
- ``.build/<name>.duckdb.wal`` whose database is gone. A WAL beside its database is never
  removed: it holds committed writes DuckDB replays when the database opens.

The parse shards' and the build's databases themselves are kept: they are the cache the next
build starts from (a damaged one is set aside when opened, ``warehouse.connect_build``).
The Parquet export's ``parquet.writing`` is left to the export, which empties it before it writes
(a ``budget export`` run by hand, outside the build lock, may be writing it).
"""

from __future__ import annotations

import os
from pathlib import Path

_WRITING = ".writing"
_DUCKDB_SPILL = "duckdb_temp_"
PUBLISHING = ".publishing"  # a copy of the build being published (``warehouse.publish``)


def leftovers(build_dir: Path, warehouse: Path) -> list[Path]:
    """The files of killed or failed builds (see the module's list), none of them in use: call
    it holding the build lock."""
    found = list(stale_publishing_copies(warehouse))
    receipt_writing = warehouse.with_name(f".{warehouse.name}.published{_WRITING}")
    if receipt_writing.is_file():
        found.append(receipt_writing)
    for folder in (build_dir, build_dir / "progress"):
        if folder.is_dir():
            found += sorted(p for p in folder.glob(f"*{_WRITING}") if p.is_file() and not p.is_symlink())
    if build_dir.is_dir():
        for wal in sorted(build_dir.glob("*.duckdb.wal")):
            if wal.is_file() and not wal.is_symlink() and not wal.with_name(wal.name[: -len(".wal")]).exists():
                found.append(wal)
        for spill in sorted(build_dir.glob("*.duckdb.tmp")):
            if spill.is_dir() and not spill.is_symlink():
                found += sorted(p for p in spill.glob(f"{_DUCKDB_SPILL}*") if p.is_file() and not p.is_symlink())
    return found


def remove_leftovers(build_dir: Path, warehouse: Path) -> list[str]:
    """Remove what ``leftovers`` finds; returns a line for the log per file removed."""
    said = []
    for path in leftovers(build_dir, warehouse):
        size = path.stat().st_size if path.exists() else 0
        path.unlink(missing_ok=True)
        said.append(f"{path}: removed, left by a build that was killed or failed ({size:,} bytes)")
    for spill in build_dir.glob("*.duckdb.tmp") if build_dir.is_dir() else []:
        if spill.is_dir() and not spill.is_symlink() and not any(spill.iterdir()):
            spill.rmdir()
    return said


def stale_publishing_copies(warehouse: Path) -> list[Path]:
    """The publishing copies beside the warehouse whose process is no longer running."""
    prefix = f".{warehouse.name}."
    stale = []
    for path in warehouse.parent.glob(f"{prefix}*{PUBLISHING}"):
        pid = path.name[len(prefix) : -len(PUBLISHING)]
        if pid.isdigit() and not _running(int(pid)):
            stale.append(path)
    return stale


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True
