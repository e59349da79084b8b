"""The parse stage's plan and its work: documents split into shards by content hash, each shard
parsed into its own DuckDB file (one writer per file), in parallel within a shard.

Incremental by content hash: a file whose sha256 is already staged in its shard is not parsed
again; a removed or changed file's old rows are deleted. A document that cannot be read is
staged with a status and reason and never stops the others. Plain functions: Dagster's parse
assets (``pipeline/defs/parse.py``) call them.
"""

from __future__ import annotations

import os
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from multiprocessing import current_process, get_context
from pathlib import Path

from pipeline.config import SHARDS
from pipeline.progress import ProgressFile, progress_folder
from pipeline.stage import stage_document
from pipeline.warehouse import connect_build, remove_documents, staged_hashes, write_staged

BATCH = 50  # documents written per transaction
AHEAD_PER_WORKER = 16  # documents parsed ahead of the writer, per worker
POOL_FROM = 20  # below that many documents, starting a process pool costs more than it saves


def shard_of(sha256: str) -> int:
    return int(sha256[:8], 16) % SHARDS


def shard_db(build_dir: Path, index: int) -> Path:
    return build_dir / f"parse_shard_{index}.duckdb"


@dataclass(frozen=True)
class ShardPlan:
    """What one shard must do: documents to parse, file names whose rows go."""

    to_parse: list[dict]
    removed: list[str]
    documents: int


def plan_shard(index: int, raw_files: list[dict], staged: dict[str, str]) -> ShardPlan:
    """The shard's raw files (by content hash) against what it has staged (file name → sha256).

    A file is parsed when it is new or changed, and also when a removed file had its content: it
    was staged as that file's ``duplicate`` and now stands for the content itself, as it would
    in a build from scratch."""
    mine = [f for f in raw_files if shard_of(f["sha256"]) == index]
    present = {f["file_name"] for f in mine}
    removed = sorted(set(staged) - present)
    removed_content = {staged[name] for name in removed}
    return ShardPlan(
        to_parse=[f for f in mine if staged.get(f["file_name"]) != f["sha256"] or f["sha256"] in removed_content],
        removed=removed,
        documents=len(mine),
    )


def pool_size(workers: int, documents: int) -> int:
    """Processes to parse with: ``workers`` (0: one per CPU), 1 where a pool is not worth it or
    not allowed (a Dask worker is a daemonic process)."""
    wanted = workers or os.cpu_count() or 1
    return wanted if wanted > 1 and documents >= POOL_FROM and not current_process().daemon else 1


def in_child_process(function, *args):
    """Run ``function`` in a short-lived child process; inline where children are not allowed
    (a Dask worker is a daemonic process, and its own lifetime bounds its memory)."""
    if current_process().daemon:
        return function(*args)
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def parse_shard(index: int, raw_files: list[dict], workers: int, build_dir: Path) -> dict:
    """Bring one shard's database up to date with the raw files; returns counts."""
    con = connect_build(shard_db(build_dir, index))
    try:
        plan = plan_shard(index, raw_files, staged_hashes(con))
        remove_documents(con, plan.removed)
        paths = [f["path"] for f in plan.to_parse]
        progress = ProgressFile(progress_folder(build_dir) / f"parse_shard_{index}.json", total=len(paths))
        processes = pool_size(workers, len(paths))
        if processes > 1:
            with ProcessPoolExecutor(max_workers=processes, mp_context=get_context("spawn")) as pool:
                _write_in_batches(
                    con, _parse_ahead(pool, paths, window=processes * AHEAD_PER_WORKER), plan.to_parse, progress
                )
        else:
            _write_in_batches(con, map(_stage, paths), plan.to_parse, progress)
    finally:
        con.close()
    return {"documents": plan.documents, "parsed": len(plan.to_parse), "removed": len(plan.removed)}


def _stage(path: str):
    return stage_document(Path(path))


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
