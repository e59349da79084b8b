"""Staged tables: parse new or changed raw documents, then assemble DuckDB schema ``staging``.

Documents are split into shards by content hash. Each shard is its own asset and parses into
its own DuckDB file (one writer per file), so shards run side by side on Dagster's
multiprocess or Dask executor; within a shard an optional process pool parses in parallel.
Incremental by content hash: a file whose sha256 is already staged in its shard is not parsed
again; a removed or changed file's old rows are deleted. A document that cannot be read is
staged with a status and reason and never stops the others.
"""

import os
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
from multiprocessing import current_process, get_context
from pathlib import Path

import dagster as dg

from pipeline.config import settings
from pipeline.progress import ProgressFile, progress_folder
from pipeline.stage import SCHEMAS, stage_document
from pipeline.warehouse import (
    assemble_staging,
    connect_build,
    remove_documents,
    staged_hashes,
    write_staged,
)

SHARDS = int(os.environ.get("BUDGET_PARSE_SHARDS", "4"))
BATCH = 50
AHEAD_PER_WORKER = 16  # documents parsed ahead of the writer, per worker
STAGED_TABLES = list(SCHEMAS)
ALL_STAGED = [*STAGED_TABLES, "unit_geography"]


class ParseConfig(dg.Config):
    workers: int = int(os.environ.get("BUDGET_PARSE_WORKERS", "0"))  # 0: one per CPU


def shard_of(sha256: str) -> int:
    return int(sha256[:8], 16) % SHARDS


def shard_db(index: int) -> Path:
    return settings().build_dir / f"parse_shard_{index}.duckdb"


def in_child_process(function, *args):
    """Run ``function`` in a short-lived child process; inline where children are not allowed
    (a Dask worker is a daemonic process, and its own lifetime bounds its memory)."""
    if current_process().daemon:
        return function(*args)
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def _stage(path: str):
    return stage_document(Path(path))


def parse_shard(index: int, raw_files: list[dict], workers: int) -> dict:
    """Bring one shard's database up to date with the raw files; returns counts."""
    mine = [f for f in raw_files if shard_of(f["sha256"]) == index]
    con = connect_build(shard_db(index))
    try:
        known = staged_hashes(con)
        present = {f["file_name"] for f in mine}
        removed = sorted(set(known) - present)
        remove_documents(con, removed)
        to_parse = [f for f in mine if known.get(f["file_name"]) != f["sha256"]]
        workers = workers or os.cpu_count() or 1
        paths = [f["path"] for f in to_parse]
        progress = ProgressFile(progress_folder(settings().build_dir) / f"parse_shard_{index}.json", total=len(paths))
        if workers > 1 and len(paths) >= 20 and not current_process().daemon:  # below that, starting the pool costs more than it saves
            with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
                _write_in_batches(con, _parse_ahead(pool, paths, window=workers * AHEAD_PER_WORKER), to_parse, progress)
        else:
            _write_in_batches(con, map(_stage, paths), to_parse, progress)
    finally:
        con.close()
    return {"documents": len(mine), "parsed": len(to_parse), "removed": len(removed)}


def _parse_ahead(pool: ProcessPoolExecutor, paths: list[str], window: int):
    """Staged documents in order, with at most ``window`` parsed ahead of the writer.

    (``pool.map`` submits every path at once, and results the writer has not taken yet pile
    up in memory: memory would grow with the corpus.)"""
    pending = iter(paths)
    futures = deque(pool.submit(_stage, path) for path in islice(pending, window))
    while futures:
        staged = futures.popleft().result()
        for path in islice(pending, 1):
            futures.append(pool.submit(_stage, path))
        yield staged


def _write_in_batches(con, staged_iter, entries, progress: ProgressFile) -> None:
    batch = []
    for done, (entry, staged) in enumerate(zip(entries, staged_iter), start=1):
        progress.update(done)
        batch.append((staged, entry["file_name"]))
        if len(batch) >= BATCH:
            write_staged(con, batch)
            batch = []
    write_staged(con, batch)


def _shard_asset(index: int) -> dg.AssetsDefinition:
    @dg.asset(
        name=f"parse_shard_{index}",
        key_prefix=["parse"],
        group_name="parse",
        ins={"raw_documents": dg.AssetIn()},
        description=f"Parse the raw documents of shard {index} (content hash mod {SHARDS}) into their own DuckDB file.",
    )
    def parse_one_shard(context: dg.AssetExecutionContext, config: ParseConfig, raw_documents: list[dict]) -> dg.MaterializeResult:
        counts = parse_shard(index, raw_documents, config.workers)
        context.log.info(f"shard {index}: {counts}")
        return dg.MaterializeResult(metadata={f"documents_{k}": v for k, v in counts.items()})

    return parse_one_shard


parse_shards = [_shard_asset(i) for i in range(SHARDS)]


@dg.multi_asset(
    specs=[
        dg.AssetSpec(["staging", name], group_name="parse", deps=[s.key for s in parse_shards],
                     description=f"Staged {name} of every raw document.")
        for name in ALL_STAGED
    ],
    can_subset=False,
)
def staged_tables(context: dg.AssetExecutionContext):
    # DuckDB's working memory is returned to the OS only when its process ends: merge in a
    # short-lived child so the long-running process stays small however large the corpus.
    counts = in_child_process(assemble_staging, str(settings().build_db), [str(shard_db(i)) for i in range(SHARDS)])
    context.log.info(f"staging: {counts['documents_changed']} documents changed, {counts['unit_names_resolved']} unit names placed")
    for name in ALL_STAGED:
        yield dg.MaterializeResult(asset_key=["staging", name], metadata={"rows": counts[name]})
