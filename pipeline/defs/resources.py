"""The dbt project and CLI resource (the venv's own dbt executable)."""


from dagster_dbt import DbtCliResource, DbtProject

from pipeline.config import DBT_PROJECT_DIR, dbt_executable, export_to_environment, settings

export_to_environment(settings())

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable())


def prepare_manifest() -> None:
    """Write target/manifest.json afresh (``dagster dev`` does this itself; the CLI and tests call it)."""
    dbt_project.preparer.prepare(dbt_project)
