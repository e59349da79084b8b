"""The resources every asset gets: where the build reads and writes, how it parses, a read-only
connection to the published warehouse, and dbt. Fed by ``dg.EnvVar`` of the variables
``pipeline/config.py`` lists (the names dbt's profile reads too); unset, the defaults there."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from pipeline import config
from pipeline.build_lock import step_lock
from pipeline.defs.dbt import dbt_resource


def _from_environment(variable: config.Variable, as_int: bool = False):
    """``dg.EnvVar`` of the variable where it is set (Dagster resolves it when a run starts), else its default."""
    import os

    if os.environ.get(variable.name):
        return dg.EnvVar.int(variable.name) if as_int else dg.EnvVar(variable.name)
    return int(variable.default) if as_int else variable.default


class BuildPaths(dg.ConfigurableResource):
    """The raw folder read and the warehouse published; the build works in ``.build/`` beside it."""

    raw_dir: str
    warehouse: str

    @property
    def settings(self) -> config.Settings:
        return config.settings(self.raw_dir, self.warehouse)

    def step_lock(self, step: str):
        """Held while a step works: a second build on the same warehouse is refused meanwhile."""
        return step_lock(self.settings.build_dir, step)


class ParseSettings(dg.ConfigurableResource):
    """Parse worker processes per shard (0: one per CPU)."""

    workers: int = 0


class PublishedWarehouse(dg.ConfigurableResource):
    """A read-only connection to the published warehouse (what analysts see)."""

    warehouse: str

    @contextmanager
    def connect(self):
        with duckdb.connect(str(Path(self.warehouse).resolve()), read_only=True) as con:
            yield con


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(
        resources={
            "paths": BuildPaths(
                raw_dir=_from_environment(config.RAW_DIR), warehouse=_from_environment(config.WAREHOUSE)
            ),
            "parsing": ParseSettings(workers=_from_environment(config.PARSE_WORKERS, as_int=True)),
            "published": PublishedWarehouse(warehouse=_from_environment(config.WAREHOUSE)),
            "dbt": dbt_resource(),
        }
    )
