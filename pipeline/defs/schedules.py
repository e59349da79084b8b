"""The nightly build: 02:00 Asia/Shanghai (cron configurable with BUDGET_NIGHTLY_CRON)."""


import os

import dagster as dg
from dagster_dask import dask_executor

from pipeline.config import automation_on
from pipeline.defs.parse import parse_shards

# Dagster's default (multiprocess) executor already runs the parse shards side by side:
# one process per shard, no pool inside it.
_ONE_WORKER_PER_SHARD = {"ops": {shard.op.name: {"config": {"workers": 1}} for shard in parse_shards}}

build_warehouse = dg.define_asset_job("build_warehouse", selection=dg.AssetSelection.all(), config=_ONE_WORKER_PER_SHARD)

# The same build with every step (the parse shards side by side) on a Dask cluster:
# run config {"execution": {"config": {"cluster": {"existing": {"address": "tcp://scheduler:8786"}}}}}
# — see deploy/README.md for workers on several hosts.
build_warehouse_distributed = dg.define_asset_job(
    "build_warehouse_distributed", selection=dg.AssetSelection.all(), executor_def=dask_executor
)


@dg.schedule(
    job=build_warehouse,
    cron_schedule=os.environ.get("BUDGET_NIGHTLY_CRON", "0 2 * * *"),
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING if automation_on() else dg.DefaultScheduleStatus.STOPPED,
)
def nightly_build(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    scheduled = context.scheduled_execution_time
    return dg.RunRequest(run_key=f"nightly-{scheduled:%Y-%m-%d}")
