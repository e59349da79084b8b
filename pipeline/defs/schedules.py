"""The build job, its Dask-executed twin, and the nightly schedule (02:00 Asia/Shanghai,
``BUDGET_NIGHTLY_CRON``). `budget build` runs the same job in process."""

import dagster as dg

from pipeline.config import NIGHTLY_CRON, automation_on
from pipeline.defs.resources import BuildPaths
from pipeline.rebuild import nothing_new

# dagster-dask's cluster kinds besides `existing`, as its documentation names them (their settings
# are passed to the cluster as given)
_DASK_CLUSTERS = {
    "local": "Local",
    "yarn": "YARN",
    "ssh": "SSH",
    "pbs": "PBS",
    "moab": "Moab",
    "sge": "SGE",
    "lsf": "LSF",
    "slurm": "SLURM",
    "oar": "OAR",
    "kube": "Kubernetes",
}


@dg.executor(
    name="dask",
    requirements=dg.multiple_process_executor_requirements(),
    config_schema={
        "cluster": dg.Field(
            dg.Selector(
                {
                    "existing": dg.Field({"address": dg.StringSource}, description="Connect to an existing scheduler."),
                    **{
                        kind: dg.Field(dg.Permissive(), is_required=False, description=f"{name} cluster configuration.")
                        for kind, name in _DASK_CLUSTERS.items()
                    },
                }
            )
        )
    },
)
def dask_executor(init_context):
    """dagster-dask's executor, imported when a run uses it: dask and distributed take about a
    second to import, and every other run (``budget build``, the nightly schedule) would pay it.
    Its config schema is dagster-dask's (tests/test_definitions.py holds them equal)."""
    from dagster_dask import dask_executor as dagster_dask_executor

    return dagster_dask_executor.executor_creation_fn(init_context)


# Dagster's default (multiprocess) executor already runs the parse shards side by side:
# one process per shard, one parse worker inside it. (`budget build` runs in process and passes its own.)
_ONE_WORKER_PER_SHARD = {"resources": {"parsing": {"config": {"workers": 1}}}}

build_warehouse = dg.define_asset_job(
    "build_warehouse", selection=dg.AssetSelection.all(), config=_ONE_WORKER_PER_SHARD
)

# The same build with every step (the parse shards side by side) on a Dask cluster:
# run config {"execution": {"config": {"cluster": {"existing": {"address": "tcp://scheduler:8786"}}}}}
# — see deploy/README.md for workers on several hosts.
build_warehouse_distributed = dg.define_asset_job(
    "build_warehouse_distributed", selection=dg.AssetSelection.all(), executor_def=dask_executor
)


@dg.schedule(
    job=build_warehouse,
    cron_schedule=NIGHTLY_CRON.value(),
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING if automation_on() else dg.DefaultScheduleStatus.STOPPED,
)
def nightly_build(context: dg.ScheduleEvaluationContext, paths: BuildPaths) -> dg.RunRequest | dg.SkipReason:
    """The night's build; no run at all when it would find nothing to do (``nothing_new``, the
    check `budget build` makes first): such a night costs the check, a second or so."""
    done = nothing_new(paths.settings)
    if done is not None:
        return dg.SkipReason("; ".join(done))
    scheduled = context.scheduled_execution_time
    return dg.RunRequest(run_key=f"nightly-{scheduled:%Y-%m-%d}")
