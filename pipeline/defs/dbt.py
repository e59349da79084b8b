"""The dbt project, its manifest, and the CLI resource (the venv's own dbt executable).

The manifest must exist before the definitions load (dagster-dbt reads it to make the assets):
``budget prepare`` (or any ``budget build`` / ``budget ui``) writes it, and a deployment runs
``budget prepare`` once after installing, as ``dagster-dbt project prepare-and-package`` would.
"""

from __future__ import annotations

from functools import cached_property
from importlib.metadata import version

from dagster_dbt import DbtCliResource, DbtProject
from packaging.version import Version

from pipeline.config import DBT_PROJECT_DIR, dbt_executable
from pipeline.rebuild import dbt_project_fingerprint, manifest_is_current, manifest_stamp

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


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


def prepare_manifest() -> bool:
    """Write target/manifest.json (``dbt parse``) when the dbt project changed since it was last
    written; returns whether it did. An unchanged project reuses its manifest."""
    fingerprint = dbt_project_fingerprint()
    if manifest_is_current(dbt_project.manifest_path, fingerprint):
        return False
    dbt_resource().cli(["parse", "--quiet"], target_path=dbt_project.target_path).wait()
    manifest_stamp(dbt_project.manifest_path).write_text(fingerprint)
    return True
