"""The parse stage on a real distributed engine: a Dask cluster on loopback with two worker
processes builds the same warehouse as the single-process build."""

import dagster as dg
from distributed import LocalCluster

from pipeline.defs.dbt import prepare_manifest
from pipeline.defs.parse import parse_shards
from tests.conftest import RAW
from tests.test_safe_publishing import _snapshot


def test_dask_cluster_with_two_workers_builds_the_same_warehouse(warehouse, tmp_path, monkeypatch):
    distributed_wh = tmp_path / "distributed" / "budget.duckdb"
    monkeypatch.setenv("BUDGET_RAW_DIR", str(RAW))
    monkeypatch.setenv("BUDGET_WAREHOUSE", str(distributed_wh))
    prepare_manifest()
    from pipeline import definitions

    # workers are separate processes started now: they inherit the environment set above
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None, silence_logs=40
    ) as cluster:
        assert len(cluster.workers) == 2
        (tmp_path / "dagster_home").mkdir()
        # no compute-log capture: the build is the point here, and when its `tail -F` helpers do not
        # stop on SIGTERM, dagster waits 2 × 30 s after every step (seen once in CI: a 10-minute test)
        no_capture = {
            "compute_logs": {
                "module": "dagster._core.storage.noop_compute_log_manager",
                "class": "NoOpComputeLogManager",
            }
        }
        with dg.instance_for_test(temp_dir=str(tmp_path / "dagster_home"), overrides=no_capture) as instance:
            run_config = {
                "execution": {"config": {"cluster": {"existing": {"address": cluster.scheduler_address}}}},
                "resources": {"parsing": {"config": {"workers": 1}}},
            }
            with dg.execute_job(
                dg.reconstructable(definitions.distributed_build_job), instance=instance, run_config=run_config
            ) as result:
                assert result.success
                steps = {e.step_key for e in result.all_events if e.event_type_value == "STEP_SUCCESS"}
                assert {s.op.name for s in parse_shards} <= steps
    assert _snapshot(distributed_wh) == _snapshot(warehouse)
