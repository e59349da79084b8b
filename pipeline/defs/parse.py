"""Parsed tables: the parse shards (one asset each, side by side on any executor), then the
merge of their databases into the build's schema ``parsed`` (pipeline/shards.py does the work)."""

import dagster as dg
import duckdb

from pipeline.config import SHARDS
from pipeline.defs.resources import BuildPaths, ParseSettings
from pipeline.heal import build_again_from_the_raw_files, damage_line, is_damage
from pipeline.shards import in_child_process, parse_shard, shard_db
from pipeline.stage import SCHEMAS
from pipeline.warehouse import assemble_staging

PARSED_TABLES = [*SCHEMAS, "unit_geography"]


def _shard_asset(index: int) -> dg.AssetsDefinition:
    @dg.asset(
        name=f"parse_shard_{index}",
        key_prefix=["parse"],
        group_name="parse",
        ins={"raw_documents": dg.AssetIn()},
        description=f"Parse the raw documents of shard {index} (content hash mod {SHARDS}) into their own DuckDB file.",
    )
    def parse_one_shard(
        context: dg.AssetExecutionContext, paths: BuildPaths, parsing: ParseSettings, raw_documents: list[dict]
    ) -> dg.MaterializeResult:
        with paths.step_lock(f"parse_shard_{index}"):
            counts = parse_shard(index, raw_documents, parsing.workers, paths.settings.build_dir)
        context.log.info(f"shard {index}: {counts}")
        return dg.MaterializeResult(metadata={f"documents_{k}": v for k, v in counts.items()})

    return parse_one_shard


parse_shards = [_shard_asset(i) for i in range(SHARDS)]


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            ["parsed", name],
            group_name="parse",
            deps=[s.key for s in parse_shards],
            description=f"Parsed {name} of every raw document.",
        )
        for name in PARSED_TABLES
    ],
    can_subset=False,
)
def parsed_tables(context: dg.AssetExecutionContext, paths: BuildPaths, parsing: ParseSettings):
    s = paths.settings
    # DuckDB's working memory is returned to the OS only when its process ends: merge in a
    # short-lived child so the long-running process stays small however large the corpus.
    with paths.step_lock("parsed_tables"):
        try:
            counts = in_child_process(
                assemble_staging, str(s.build_db), [str(shard_db(s.build_dir, i)) for i in range(SHARDS)]
            )
        except duckdb.Error as err:  # damage that shows once read (pipeline/heal.py); any other error stops
            if not is_damage(err):
                raise
            context.log.warning(
                f"{s.build_db}: the build database or a parse shard's is damaged ({damage_line(err)}); "
                "building it again from the raw files"
            )
            counts = build_again_from_the_raw_files(s, parsing.workers, context.log.warning)
    context.log.info(
        f"staging: {counts['documents_changed']} documents changed, {counts['unit_names_resolved']} unit names placed"
    )
    for name in PARSED_TABLES:
        yield dg.MaterializeResult(asset_key=["parsed", name], metadata={"rows": counts[name]})
