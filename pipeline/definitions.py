"""The code location: assemble the Definitions from pipeline/defs/."""

import dagster as dg

from pipeline.defs.ingest import raw_documents, raw_files_sensor
from pipeline.defs.parse import parse_shards, staged_tables
from pipeline.defs.publish import parquet_export, published_warehouse, published_warehouse_freshness
from pipeline.defs.resources import dbt_resource
from pipeline.defs.schedules import build_warehouse, build_warehouse_distributed, nightly_build
from pipeline.defs.transform import dbt_models

defs = dg.Definitions(
    assets=[raw_documents, *parse_shards, staged_tables, dbt_models, published_warehouse, parquet_export],
    asset_checks=published_warehouse_freshness,
    jobs=[build_warehouse, build_warehouse_distributed],
    schedules=[nightly_build],
    sensors=[raw_files_sensor],
    resources={"dbt": dbt_resource()},
)


def distributed_build_job():
    """The Dask-executed build, reconstructable by worker processes (``dg.reconstructable``)."""
    return defs.resolve_job_def("build_warehouse_distributed")
