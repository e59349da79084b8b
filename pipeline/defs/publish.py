"""published_warehouse: the finished build, atomically renamed over the published file."""

from datetime import timedelta

import dagster as dg

from pipeline.defs.resources import BuildPaths
from pipeline.defs.transform import dbt_models
from pipeline.export import export_parquet
from pipeline.shards import in_child_process
from pipeline.warehouse import publish

# The tables analysts read (dbt tag `published`, dbt_project.yml). Seeds and views feed them but
# are not rebuilt every night (pipeline/rebuild.py), so publishing waits for the tables only.
PUBLISHED_TABLES = [spec.key for spec in dbt_models.specs if "published" in spec.tags]


@dg.asset(
    group_name="publish", deps=PUBLISHED_TABLES, description="The warehouse analysts and BI tools read (read-only)."
)
def published_warehouse(context: dg.AssetExecutionContext, paths: BuildPaths) -> dg.MaterializeResult:
    s = paths.settings
    with paths.step_lock("published_warehouse"):
        path = publish(s.build_db, s.warehouse)
    return dg.MaterializeResult(metadata={"path": str(path), "size_bytes": path.stat().st_size})


@dg.asset(
    group_name="publish",
    deps=[published_warehouse],
    description="Every mart as Parquet partitioned by year, beside the warehouse (parquet/).",
)
def parquet_export(context: dg.AssetExecutionContext, paths: BuildPaths) -> dg.MaterializeResult:
    s = paths.settings
    with paths.step_lock("parquet_export"):
        counts = in_child_process(export_parquet, s.warehouse, s.warehouse.parent / "parquet")
    return dg.MaterializeResult(metadata={"tables": len(counts), "rows": sum(counts.values())})


# A missed night shows up as a failed check on the published warehouse.
published_warehouse_freshness = dg.build_last_update_freshness_checks(
    assets=[published_warehouse], lower_bound_delta=timedelta(hours=26)
)
