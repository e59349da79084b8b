"""The Dagster code location loads and shows one lineage: ingest → parse → dbt → publish."""

import dagster as dg

from pipeline.defs.dbt import prepare_manifest


def _defs():
    prepare_manifest()
    from pipeline.definitions import defs

    return defs


def test_definitions_load_with_every_dbt_model_as_an_asset():
    defs = _defs()
    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    for model in [
        "dim_unit",
        "dim_year",
        "dim_subject",
        "fct_appropriation",
        "fct_economic_spending",
        "fct_three_public",
        "fct_assets",
        "fct_project",
        "fct_budget_change",
        "mart_unit_year",
        "document_status",
        "stg/stg_parsed__documents",
    ]:
        assert model in keys
    assert {"raw_documents", "parsed/documents", "published_warehouse"} <= keys
    # dbt sources point at the parse assets: staging models depend on them
    parents = {k.to_user_string() for k in graph.get(dg.AssetKey(["stg", "stg_parsed__documents"])).parent_keys}
    assert parents == {"parsed/documents"}


def test_dbt_tests_are_asset_checks_and_schedule_is_nightly_in_shanghai():
    defs = _defs()
    checks = defs.resolve_asset_graph().asset_check_keys
    assert len(checks) >= 20
    schedule = defs.resolve_schedule_def("nightly_build")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone == "Asia/Shanghai"
    assert defs.resolve_sensor_def("raw_files_sensor") is not None


def test_the_dask_executor_is_dagster_dasks_imported_only_when_a_run_uses_it():
    # a fresh interpreter: this one may have imported dagster-dask for another test
    import subprocess
    import sys

    prepare_manifest()
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from pipeline.definitions import defs; "
            "defs.resolve_job_def('build_warehouse_distributed'); print('dagster_dask' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "False"
    from dagster_dask import dask_executor as dagster_dask_executor

    from pipeline.defs.schedules import dask_executor

    assert dask_executor.name == dagster_dask_executor.name
    ours, theirs = (e.config_schema.as_field().config_type.key for e in (dask_executor, dagster_dask_executor))
    assert ours == theirs  # the same config schema, descriptions and all
