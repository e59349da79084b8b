"""For sqlfluff only (.sqlfluff library_path): dbt's ``var()`` with the project's real vars, so
models that pivot the vocabulary (dbt_project.yml vars) render as dbt renders them."""

from pathlib import Path

import yaml

_VARS = yaml.safe_load((Path(__file__).resolve().parent.parent / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]
_VARS["document_batch_size"] = 1000


def var(name, default=None):
    return _VARS.get(name, default)


class _Relation:
    """``api.Relation.create`` as macros/incremental_by_document.sql calls it."""

    @staticmethod
    def create(database=None, schema=None, identifier=None):
        return ".".join(part for part in (schema, identifier) if part)


class api:  # noqa: N801 - dbt's name
    Relation = _Relation
