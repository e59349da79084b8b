"""Staged tables: parse new or changed raw documents into DuckDB schema ``staging``.

Incremental by content hash: a file whose sha256 is already staged is not parsed again; a
removed file's rows are deleted. One document that cannot be read never stops the others:
it is staged with a status and reason.
"""


from pathlib import Path

import dagster as dg

from pipeline.config import settings
from pipeline.geography import resolve
from pipeline.stage import SCHEMAS, stage_document
from pipeline.warehouse import run, replace_geography, connect_build, remove_documents, staged_hashes, write_staged

STAGED_TABLES = list(SCHEMAS)
ALL_STAGED = [*STAGED_TABLES, "unit_geography"]


@dg.multi_asset(
    specs=[
        dg.AssetSpec(["staging", name], group_name="parse", deps=["raw_documents"], description=f"Staged {name} of every raw document.")
        for name in ALL_STAGED
    ],
    ins={"raw_documents": dg.AssetIn()},
    can_subset=False,
)
def staged_tables(context: dg.AssetExecutionContext, raw_documents: list[dict]):
    s = settings()
    con = connect_build(s.build_db)
    try:
        known = staged_hashes(con)
        present = {f["file_name"] for f in raw_documents}
        removed = sorted(set(known) - present)
        remove_documents(con, removed)
        to_parse = [f for f in raw_documents if known.get(f["file_name"]) != f["sha256"]]
        for entry in to_parse:
            staged = stage_document(Path(entry["path"]))
            write_staged(con, staged, entry["file_name"])
            context.log.info(f"{entry['file_name']}: {staged.status['status']} {staged.status['reason'] or ''}")
        names = [r[0] for r in run(con, "select distinct unit_name from staging.documents where unit_name is not null")]
        replace_geography(con, resolve(names))
        counts = {name: run(con, f"select count(*) from staging.{name}")[0][0] for name in ALL_STAGED}
    finally:
        con.close()
    context.log.info(f"parsed {len(to_parse)} new or changed, removed {len(removed)}, unchanged {len(raw_documents) - len(to_parse)}")
    for name in ALL_STAGED:
        yield dg.MaterializeResult(
            asset_key=["staging", name],
            metadata={"rows": counts[name], "documents_parsed": len(to_parse), "documents_removed": len(removed)},
        )
