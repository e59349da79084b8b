"""dbt models as Dagster assets (dbt tests become asset checks); groups follow dbt folders.

A nightly run does no more than it must. The large facts are dbt incremental models keyed on
document_id (macros/incremental_by_document.sql): only changed documents are built. Seeds and
views are definitions, not data: they are (re)built only when the dbt project changed. When the
dbt project, the parser or the place resolver changed since the marts were built, every row
could differ, so the run is a ``--full-refresh`` of everything.
"""


import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)

from pipeline.config import settings
from pipeline.defs.resources import dbt_project, dbt_project_fingerprint
from pipeline.warehouse import (
    connect,
    geography_fingerprint,
    parser_fingerprint,
    record_fingerprint,
    stored_fingerprint,
)


class BudgetDbtTranslator(DagsterDbtTranslator):
    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        if dbt_resource_props.get("resource_type") == "seed":
            return "seeds"
        return fqn[1] if len(fqn) > 2 else "marts"


def transform_fingerprint() -> str:
    """Everything that decides a fact row besides its document: models, parser, place dictionary."""
    parts = [dbt_project_fingerprint(), parser_fingerprint(), geography_fingerprint()]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


@dbt_assets(
    manifest=dbt_project.manifest_path,
    dagster_dbt_translator=BudgetDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True, enable_source_tests_as_checks=True)),
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    build_db = settings().build_db
    fingerprint = transform_fingerprint()
    with connect(build_db) as con:
        stored = stored_fingerprint(con, "transform")
    if stored != fingerprint:
        context.log.info("dbt project, parser or place resolver changed since the last build: full refresh")
        arguments = ["build", "--full-refresh"]
    else:
        arguments = ["build", "--exclude", "resource_type:seed config.materialized:view"]
    # one target folder for every run keeps dbt's partial parse warm and target/ from growing
    yield from dbt.cli(arguments, context=context, target_path=Path("target") / "build").stream()
    if context.selected_asset_keys == set(context.assets_def.keys):  # a subset leaves the rest as it was
        with connect(build_db) as con:
            record_fingerprint(con, "transform", fingerprint)
