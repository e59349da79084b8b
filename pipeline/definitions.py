"""The code location: every definition under pipeline/defs/, loaded by Dagster's defs-folder loader.

The dbt manifest must exist first (``budget prepare``; builds and ``budget ui`` write it)."""

import dagster as dg

from pipeline.config import REPO_ROOT

defs = dg.load_from_defs_folder(path_within_project=REPO_ROOT)


def distributed_build_job():
    """The Dask-executed build, reconstructable by worker processes (``dg.reconstructable``)."""
    return defs.resolve_job_def("build_warehouse_distributed")
