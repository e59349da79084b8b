"""The dbt project and CLI resource (the venv's own dbt executable)."""


from functools import cached_property
from importlib.metadata import version

from dagster_dbt import DbtCliResource, DbtProject
from packaging.version import Version

from pipeline.config import DBT_PROJECT_DIR, dbt_executable, export_to_environment, settings
from pipeline.warehouse import source_fingerprint

export_to_environment(settings())

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()

# dbt writes here, never reads: not part of the project's fingerprint
_GENERATED = {"target", "logs", "dbt_packages"}


class VenvDbtCliResource(DbtCliResource):
    """dagster-dbt's resource for the dbt-core installed beside this Python.

    Two start-up costs of every dbt step are skipped (about 3 s a build): the dbt version is read
    from the package metadata instead of by running ``dbt --version``, and no in-process dbt
    adapter is opened (dagster-dbt uses it only to fetch row counts and column metadata, which
    this project does not request). Both override dagster-dbt internals of the pinned version
    (requirements.lock); tests/test_definitions.py runs a build through this resource.
    """

    @cached_property
    def _cli_version(self) -> Version:
        return Version(version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):
        return None


def dbt_resource() -> DbtCliResource:
    return VenvDbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable())


def dbt_project_fingerprint() -> str:
    """A hash of every source file of the dbt project and of the dbt version that reads it."""
    sources = [p for p in DBT_PROJECT_DIR.iterdir() if p.name not in _GENERATED]
    files = sorted(f for p in sources for f in ([p] if p.is_file() else p.rglob("*")) if f.is_file())
    return source_fingerprint(DBT_PROJECT_DIR, files, f"dbt-core {version('dbt-core')}", f"dbt-duckdb {version('dbt-duckdb')}")


def prepare_manifest() -> None:
    """Write target/manifest.json when the dbt project changed since it was last written.

    ``dbt parse`` costs seconds on every start; an unchanged project reuses its manifest.
    (``dagster dev`` prepares the manifest itself on every load.)
    """
    stamp = dbt_project.manifest_path.with_name("manifest.fingerprint")
    fingerprint = dbt_project_fingerprint()
    if dbt_project.manifest_path.exists() and stamp.exists() and stamp.read_text() == fingerprint:
        return
    dbt_project.preparer.prepare(dbt_project)
    stamp.write_text(fingerprint)
