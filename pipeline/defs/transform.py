"""dbt models as Dagster assets (dbt tests become asset checks); groups follow dbt folders.

A nightly run does no more than it must (pipeline/rebuild.py decides): nothing when no document
changed since the published build; the changed documents only when some did (the large facts
are dbt incremental models keyed on document_id, macros/incremental_by_document.sql); every
row when the dbt project, the parser or the place resolver changed (``--full-refresh``).
"""

from collections.abc import Mapping
from typing import Any

import dagster as dg
import duckdb
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets
from dagster_dbt.errors import DagsterDbtCliRuntimeError

from pipeline.defs.dbt import dbt_project
from pipeline.defs.resources import BuildPaths, ParseSettings
from pipeline.heal import build_again_from_the_raw_files, damage_line, damaged_again, is_damage
from pipeline.rebuild import changed_since_published, planned_dbt_step, record_fingerprint
from pipeline.warehouse import connect


class BudgetDbtTranslator(DagsterDbtTranslator):
    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        if dbt_resource_props.get("resource_type") == "seed":
            return "seeds"
        return fqn[1] if len(fqn) > 2 else "marts"


@dbt_assets(
    manifest=dbt_project.manifest_path,
    dagster_dbt_translator=BudgetDbtTranslator(
        settings=DagsterDbtTranslatorSettings(enable_asset_checks=True, enable_source_tests_as_checks=True)
    ),
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, paths: BuildPaths, parsing: ParseSettings):
    with paths.step_lock("dbt_models"):
        yield from _build_healing(context, dbt, paths.settings, parsing.workers)


def _build_healing(context: dg.AssetExecutionContext, dbt: DbtCliResource, s, workers: int):
    """Build the models; where the build database turns out damaged once read (pipeline/heal.py),
    set it aside, build it again from the raw files and build the models again, once.

    The first attempt's events are held until dbt has finished (Dagster takes each output once,
    in dependency order, so a second attempt could not follow the first's); any failure but
    damage gives them and stops the step with dbt's own error."""
    held = []
    try:
        for event in _build_models(context, dbt, s):
            held.append(event)
    except (duckdb.Error, DagsterDbtCliRuntimeError) as err:
        if not is_damage(err):
            yield from held
            raise
        context.log.warning(
            f"{s.build_db}: the build database is damaged ({damage_line(err)}); building it again from the raw files"
        )
    else:
        yield from held
        return
    build_again_from_the_raw_files(s, workers, context.log.warning)
    try:
        yield from _build_models(context, dbt, s)
    except (duckdb.Error, DagsterDbtCliRuntimeError) as err:
        if not is_damage(err):
            raise
        raise damaged_again(s, err) from err
    context.log.warning(f"{s.build_db}: built again from the raw files; the models were built afresh")


def _build_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, s):
    changed = changed_since_published(s.warehouse)
    if changed:
        context.log.warning(
            f"{s.warehouse}: changed since it was published (a client connected read-write); it is published "
            "again, what the client wrote kept beside it"
        )
    with connect(s.build_db) as con:
        step, current = planned_dbt_step(con, s.warehouse)
    context.log.info(step.reason)
    if step.arguments is None:
        return  # no output: the publish step after it is skipped, the published warehouse stays
    yield from dbt.cli(step.arguments, context=context, target_path=s.dbt_target_dir).stream()
    if context.selected_asset_keys == set(context.assets_def.keys):  # a subset leaves the rest as it was
        with connect(s.build_db) as con:
            for component, fingerprint in current.items():
                record_fingerprint(con, component, fingerprint)
