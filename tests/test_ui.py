"""`budget ui`: the code location is named for the project, the schedule and the sensor start
off (nothing builds on its own), and SIGTERM stops every process it started."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import BUDGET, free_port

_AUTOMATION = """
{ repositoriesOrError { ... on RepositoryConnection { nodes { name location { name }
    schedules { name scheduleState { status } } sensors { name sensorState { status } } } } } }
"""


def _graphql(port: int, query: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_ui_starts_with_automation_off_and_stops_everything_on_sigterm(warehouse, tmp_path):
    port = free_port()
    env = dict(os.environ, DAGSTER_HOME=str(tmp_path / "dagster_home"))
    ui = subprocess.Popen(
        [str(BUDGET), "ui", "--port", str(port), "--warehouse", str(warehouse)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline, answer = time.monotonic() + 180, None
        while time.monotonic() < deadline and ui.poll() is None:
            try:
                answer = _graphql(port, _AUTOMATION)
                if answer.get("data", {}).get("repositoriesOrError", {}).get("nodes"):
                    break
            except OSError:
                pass
            time.sleep(2)
        assert answer and answer["data"]["repositoriesOrError"]["nodes"], (answer, ui.poll())
        [repository] = answer["data"]["repositoriesOrError"]["nodes"]
        assert repository["location"]["name"] == "budget_warehouse"
        assert {s["name"]: s["scheduleState"]["status"] for s in repository["schedules"]} == {
            "nightly_build": "STOPPED"
        }
        assert {s["name"]: s["sensorState"]["status"] for s in repository["sensors"]}["raw_files_sensor"] == "STOPPED"
    finally:
        ui.send_signal(signal.SIGTERM)
        try:
            output, _ = ui.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(ui.pid, signal.SIGKILL)
            pytest.fail("budget ui did not stop within 60 s of SIGTERM")
    assert ui.returncode == 0 and "Dagster UI stopped" in output
    assert "schedule and sensor are off" in output
    # the webserver, the daemon and the code server are gone with it (they ran in its process group's child group)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and _children_of_the_ui_remain(tmp_path):
        time.sleep(1)
    assert not _children_of_the_ui_remain(tmp_path)


def _children_of_the_ui_remain(dagster_home: Path) -> bool:
    """Any process whose environment names this test's DAGSTER_HOME (webserver, daemon, code server)."""
    marker = f"DAGSTER_HOME={dagster_home / 'dagster_home'}".encode()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            if marker in (proc / "environ").read_bytes().split(b"\0"):
                return True
        except OSError:
            continue
    return False
