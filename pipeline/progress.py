"""Progress of a build, written where any process can report it and the CLI can read it.

Each parse shard writes one small JSON file (documents done, total, start time) into
``<build dir>/progress/``, replaced atomically at most a few times a second, so it works the
same whichever executor runs the shard (in process, multiprocess, Dask). ``budget build``
polls the folder to show documents parsed / total with the rate.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

_INTERVAL_SECONDS = 0.5


@dataclass
class ProgressFile:
    path: Path
    total: int
    started: float = 0.0
    _written: float = 0.0

    def __post_init__(self) -> None:
        self.started = time.time()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.update(0, force=True)

    def update(self, done: int, force: bool = False) -> None:
        now = time.time()
        if not force and now - self._written < _INTERVAL_SECONDS and done < self.total:
            return
        self._written = now
        temporary = self.path.with_suffix(".writing")
        temporary.write_text(json.dumps({"done": done, "total": self.total, "started": self.started}))
        temporary.replace(self.path)


def progress_folder(build_dir: Path) -> Path:
    return build_dir / "progress"


def reset(build_dir: Path) -> None:
    """Forget the previous build's progress (only the files this module writes)."""
    folder = progress_folder(build_dir)
    for path in folder.glob("*.json") if folder.is_dir() else []:
        path.unlink(missing_ok=True)


def read(build_dir: Path) -> tuple[int, int, float | None]:
    """(documents done, documents to parse, start time) summed over every shard reporting so far."""
    done = total = 0
    started: float | None = None
    folder = progress_folder(build_dir)
    for path in folder.glob("*.json") if folder.is_dir() else []:
        try:
            entry = json.loads(path.read_text())
        except (OSError, ValueError):  # being replaced right now: read it next time
            continue
        done, total = done + entry["done"], total + entry["total"]
        started = entry["started"] if started is None else min(started, entry["started"])
    return done, total, started
