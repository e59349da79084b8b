"""One build at a time per warehouse: a second `budget build` is refused at once, saying who holds
the build folder since when; a scheduled run's steps and a CLI build exclude each other."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from pipeline.build_lock import BuildAlreadyRunning, build_lock, step_lock
from tests.conftest import RAW, run_budget


def _hold(build_dir, seconds: float = 60) -> subprocess.Popen:
    """Another process holding the build lock (as a running build does)."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sys, time\nfrom pathlib import Path\nfrom pipeline.build_lock import build_lock\n"
                f"with build_lock(Path({str(build_dir)!r}), 'budget build from elsewhere'):\n"
                "    print('held', flush=True)\n"
                f"    time.sleep({seconds})\n"
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_a_second_build_is_refused_at_once_naming_the_first(tmp_path):
    warehouse = tmp_path / "wh" / "budget.duckdb"
    holder = _hold(warehouse.parent / ".build")
    try:
        started = time.monotonic()
        second = run_budget("build", "--raw-dir", str(RAW), "--warehouse", str(warehouse))
        assert second.returncode == 2, second.stderr
        assert f"another build is running (pid {holder.pid}, since " in second.stderr
        assert "budget build from elsewhere" in second.stderr and time.monotonic() - started < 30
        assert not warehouse.exists()
    finally:
        holder.kill()
        holder.wait()


def test_steps_share_the_lock_and_exclude_a_whole_build(tmp_path):
    with (
        step_lock(tmp_path, "parse_shard_0"),
        step_lock(tmp_path, "parse_shard_1"),
        pytest.raises(BuildAlreadyRunning),
        build_lock(tmp_path, "budget build"),
    ):
        pass
    # the build's own in-process steps run under its lock
    with build_lock(tmp_path, "budget build"), step_lock(tmp_path, "dbt_models"):
        pass
    holder = _hold(tmp_path)
    try:
        with pytest.raises(BuildAlreadyRunning, match=f"pid {holder.pid}"), step_lock(tmp_path, "raw_documents"):
            pass
    finally:
        holder.kill()
        holder.wait()
    with build_lock(tmp_path, "after the holder died"):  # the kernel dropped its lock: nothing to clean up
        pass
