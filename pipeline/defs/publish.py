"""published_warehouse: the finished build, atomically renamed over the published file."""


import dagster as dg

from pipeline.config import settings
from pipeline.defs.transform import dbt_models
from pipeline.warehouse import publish


@dg.asset(group_name="publish", deps=[dbt_models], description="The warehouse analysts and BI tools read (read-only).")
def published_warehouse(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    s = settings()
    path = publish(s.build_db, s.warehouse)
    return dg.MaterializeResult(metadata={"path": str(path), "size_bytes": path.stat().st_size})
