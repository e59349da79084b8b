"""One build at a time per warehouse: a lock on ``<build dir>/build.lock``.

``budget build`` holds it exclusively for the whole run; every step of a run the Dagster daemon
starts holds it shared while it works, so a CLI build and a scheduled run never write the same
build folder at once. The second one is refused at once with who holds the lock since when.
(Runs the daemon starts are also queued one at a time by deploy/dagster.yaml's run coordinator.)
The kernel drops the lock when its holder dies: a killed build leaves nothing to clean up.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = "build.lock"
# set by the process holding the lock exclusively (the CLI): its own in-process steps need no other
HOLDER_VARIABLE = "BUDGET_BUILD_LOCK_HOLDER"


class BuildAlreadyRunning(RuntimeError):
    """Another build holds the warehouse's build folder."""


def _holder(path: Path) -> str:
    try:
        held = json.loads(path.read_text() or "{}")
    except (OSError, ValueError):
        return "another build is running"
    since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(held.get("since", 0)))
    return f"another build is running (pid {held.get('pid', '?')}, since {since}, {held.get('what', 'a build')})"


@contextmanager
def build_lock(build_dir: Path, what: str, exclusive: bool = True) -> Iterator[None]:
    """Hold the build lock for the block; raise BuildAlreadyRunning at once if another holds it."""
    build_dir.mkdir(parents=True, exist_ok=True)
    path = build_dir / LOCK_NAME
    handle = open(path, "a+")  # noqa: SIM115 - the lock lives as long as the open file
    try:
        try:
            fcntl.flock(handle, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildAlreadyRunning(
                f"{_holder(path)}; the warehouse {build_dir.parent} is being built — wait for it to finish, or stop it"
            ) from None
        if exclusive:
            os.environ[HOLDER_VARIABLE] = str(os.getpid())
            handle.seek(0)
            handle.truncate()
            handle.write(json.dumps({"pid": os.getpid(), "since": time.time(), "what": what}))
            handle.flush()
        yield
    finally:
        if exclusive and os.environ.get(HOLDER_VARIABLE) == str(os.getpid()):
            del os.environ[HOLDER_VARIABLE]
        handle.close()


@contextmanager
def step_lock(build_dir: Path, what: str) -> Iterator[None]:
    """What a step of a run holds while it works: the lock shared with the run's other steps,
    unless this very process already holds it for the whole run."""
    if os.environ.get(HOLDER_VARIABLE) == str(os.getpid()):
        yield
        return
    with build_lock(build_dir, what, exclusive=False):
        yield
