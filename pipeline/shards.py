"""The parse stage's plan and its work: documents split into shards by content hash, each shard
parsed into its own DuckDB file (one writer per file), in worker processes within a shard, each
document under the limits of ``pipeline/config.py`` (time, memory, bytes).

Incremental by content hash: a file whose sha256 is already staged in its shard is not parsed
again; a removed or changed file's old rows are deleted. A document that cannot be read is
staged with a status and reason and never stops the others. Plain functions: Dagster's parse
assets (``pipeline/defs/parse.py``) call them.
"""

from __future__ import annotations

import os
import resource
import signal
import time
from collections import deque
from concurrent.futures import CancelledError, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from functools import partial
from multiprocessing import current_process, get_context
from pathlib import Path

from pebble import ProcessExpired, ProcessPool

from pipeline.config import DOCUMENT_MAX_SECONDS, OCR_DOCUMENT_SECONDS, TEXT_MAX_BYTES, WORKER_MEMORY
from pipeline.progress import ProgressFile, progress_folder
from pipeline.readers import ocr
from pipeline.rebuild import plan_shard, shard_db
from pipeline.stage import not_read_document, stage_document
from pipeline.warehouse import connect_build, remove_documents, staged_hashes, write_staged

BATCH = 200  # documents written per transaction (each table one insert of one chunk)
AHEAD_PER_WORKER = 16  # documents parsed ahead of the writer, per worker
POOL_FROM = 20  # below that many documents, starting a second worker costs more than it saves
# a worker is replaced after so many tasks (at most DOCUMENTS_PER_TASK small files each): what it
# holds never nears its memory cap
TASKS_PER_WORKER = 100
# files up to SMALL_FILE_BYTES (every text disclosure) go to a worker several to a task, so a task's
# round trip (scheduling, the result's pickling) is paid once for them; each keeps its own deadline
SMALL_FILE_BYTES = 256 * 1024
DOCUMENTS_PER_TASK = 8
WATCH_SECONDS = 0.5  # how often the shard looks at its workers' clocks


def pool_size(workers: int, documents: int) -> int:
    """Worker processes to parse with: ``workers`` (0: one per CPU), one where more are not worth
    starting."""
    wanted = workers or os.cpu_count() or 1
    return wanted if wanted > 1 and documents >= POOL_FROM else 1


def in_child_process(function, *args):
    """Run ``function`` in a short-lived child process; inline where children are not allowed
    (a Dask worker is a daemonic process, and its own lifetime bounds its memory)."""
    if current_process().daemon:
        return function(*args)
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


@dataclass(frozen=True)
class WorkerLimits:
    """What one document may take in a parse worker (``pipeline/config.py``), read when the
    shard starts."""

    seconds: float
    memory_mb: int
    text_bytes: int
    # wall-clock seconds of OCR left out of the deadline at most: OCR stops itself at its processor
    # time limit (BUDGET_OCR_MAX_SECONDS); twice that leaves room for a busy machine
    ocr_seconds: float

    @classmethod
    def from_settings(cls) -> WorkerLimits:
        return cls(
            seconds=float(DOCUMENT_MAX_SECONDS.value()),
            memory_mb=int(WORKER_MEMORY.value()),
            text_bytes=int(TEXT_MAX_BYTES.value()),
            ocr_seconds=2 * float(OCR_DOCUMENT_SECONDS.value()),
        )


class DocumentClocks:
    """When each document of a shard's plan was started by a worker and how long it has spent in
    OCR, in memory the workers share with the shard (one slot per document, system-wide monotonic
    seconds; 0 = not yet). The shard stops a worker whose document ran past its deadline, OCR's
    time left out (OCR keeps its own limits)."""

    def __init__(self, context, documents: int):
        self.started = context.Array("d", documents, lock=False)
        self.ocr_spent = context.Array("d", documents, lock=False)
        self.ocr_since = context.Array("d", documents, lock=False)

    def start(self, index: int) -> None:
        self.started[index], self.ocr_spent[index], self.ocr_since[index] = time.monotonic(), 0.0, 0.0
        ocr.ocr_watch = partial(self._ocr, index)

    def _ocr(self, index: int, reading: bool) -> None:
        now = time.monotonic()
        if reading:
            self.ocr_since[index] = now
        elif self.ocr_since[index]:
            self.ocr_spent[index] += now - self.ocr_since[index]
            self.ocr_since[index] = 0.0

    def finish(self, index: int) -> None:
        self.started[index] = -1.0  # read: no deadline runs

    def reading(self, indexes: list[int]) -> int | None:
        """Of a task's documents, the one its worker had started and not finished."""
        return next((index for index in indexes if self.started[index] > 0), None)

    def overdue(self, index: int, limits: WorkerLimits) -> bool:
        started = self.started[index]
        if started <= 0:
            return False
        now = time.monotonic()
        in_ocr = self.ocr_spent[index] + (now - self.ocr_since[index] if self.ocr_since[index] else 0.0)
        return now - started - min(in_ocr, limits.ocr_seconds) > limits.seconds


_clocks: DocumentClocks | None = None  # a worker's view of its shard's clocks


def parse_shard(index: int, raw_files: list[dict], workers: int, build_dir: Path) -> dict:
    """Bring one shard's database up to date with the raw files; returns counts.

    Each document is read in a worker process under the limits: a worker still reading at the
    deadline is killed (inside a page if need be) and replaced, and the document is ``too_slow``;
    a worker that dies is replaced and its document is ``too_large`` (an abort at its memory cap)
    or ``reader_failed`` (a crash). Inline (no deadline and no memory cap but
    the PDF reader's own between pages) only where no child process may start (a Dask worker)."""
    con = connect_build(shard_db(build_dir, index))
    try:
        plan = plan_shard(index, raw_files, staged_hashes(con))
        remove_documents(con, plan.removed)
        progress = ProgressFile(progress_folder(build_dir) / f"parse_shard_{index}.json", total=len(plan.to_parse))
        limits = WorkerLimits.from_settings()
        if not plan.to_parse or current_process().daemon:
            staged = (_stage(entry["path"], entry["sha256"], limits.text_bytes) for entry in plan.to_parse)
            _write_in_batches(con, staged, plan.to_parse, progress)
        else:
            processes = pool_size(workers, len(plan.to_parse))
            context = get_context("spawn")
            clocks = DocumentClocks(context, len(plan.to_parse))
            pool = ProcessPool(
                max_workers=processes,
                max_tasks=TASKS_PER_WORKER,
                context=context,
                initializer=_start_worker,
                initargs=(limits.memory_mb, clocks),
            )
            try:
                staged = _parse_ahead(pool, plan.to_parse, processes * AHEAD_PER_WORKER, limits, clocks)
                _write_in_batches(con, staged, plan.to_parse, progress)
            finally:
                pool.stop()  # nothing is left to parse, or the writer failed: no worker outlives the shard
                pool.join()
    finally:
        con.close()
    return {"documents": plan.documents, "parsed": len(plan.to_parse), "removed": len(plan.removed)}


def _start_worker(memory_mb: int, clocks: DocumentClocks) -> None:
    """A worker's address space is capped: a document needing more fails with MemoryError
    (``too_large``) instead of taking the machine's memory. It keeps its shard's clocks."""
    global _clocks
    limit = memory_mb * (1 << 20)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    _clocks = clocks


def worker_tasks(entries: list[dict]) -> list[list[int]]:
    """The plan's documents (by position) as worker tasks: runs of up to DOCUMENTS_PER_TASK small
    files, each larger file alone (its reading takes long enough to pay for its round trip)."""
    tasks: list[list[int]] = []
    run: list[int] = []
    for index, entry in enumerate(entries):
        if (entry.get("size_bytes") or 0) > SMALL_FILE_BYTES:
            tasks += [run, [index]] if run else [[index]]
            run = []
            continue
        run.append(index)
        if len(run) == DOCUMENTS_PER_TASK:
            tasks.append(run)
            run = []
    return tasks + [run] if run else tasks


def _stage_in_worker(indexes: list[int], paths: list[str], sha256s: list[str], text_bytes: int) -> list:
    staged = []
    for index, path, sha256 in zip(indexes, paths, sha256s):
        _clocks.start(index)
        staged.append(_stage(path, sha256, text_bytes))
        _clocks.finish(index)
    return staged


def _stage(path: str, sha256: str, text_bytes: int):
    return stage_document(Path(path), sha256=sha256, max_text_bytes=text_bytes)


@dataclass
class _Task:
    """Documents (positions in the plan) read by one worker task; ``staged`` once known."""

    indexes: list[int]
    future: object | None = None
    staged: list | None = None


def _parse_ahead(pool: ProcessPool, entries: list[dict], window: int, limits: WorkerLimits, clocks: DocumentClocks):
    """Staged documents in order, with at most ``window`` parsed ahead of the writer.

    (Submitting every path at once would pile up results the writer has not taken yet: memory
    would grow with the corpus.) A document's deadline runs from when a worker starts it, its time
    in OCR left out; a worker past its document's deadline is stopped (its future cancelled). A
    task of several documents whose worker was stopped or died gives the document it was reading
    its status (``_result``); the task's other documents are read again, each in a task of its own."""
    pending = iter(worker_tasks(entries))
    tasks: deque[_Task] = deque()

    def submit(indexes: list[int]) -> _Task:
        paths, sha256s = [entries[i]["path"] for i in indexes], [entries[i]["sha256"] for i in indexes]
        return _Task(indexes, pool.schedule(_stage_in_worker, args=(indexes, paths, sha256s, limits.text_bytes)))

    def fill() -> None:
        ahead = sum(len(task.indexes) for task in tasks)
        while ahead < window and (indexes := next(pending, None)) is not None:
            tasks.append(submit(indexes))
            ahead += len(indexes)

    fill()
    while tasks:
        task = tasks[0]
        if task.staged is None:
            _wait(task.future, tasks, limits, clocks)
            staged = _results(task, entries, limits, clocks)
            if None in staged:  # read again, one by one, in their place
                tasks.popleft()
                again = [_Task([i], staged=[s]) if s is not None else submit([i]) for i, s in zip(task.indexes, staged)]
                tasks.extendleft(reversed(again))
                continue
            task.staged = staged
        tasks.popleft()
        yield from task.staged
        fill()


def _wait(future, tasks: deque[_Task], limits: WorkerLimits, clocks: DocumentClocks) -> None:
    """Until ``future`` is done, stopping meanwhile every worker whose document is past its deadline."""
    while not future.done():
        try:
            future.result(timeout=WATCH_SECONDS)
        except (FutureTimeout, CancelledError):
            pass
        except Exception:  # the document's own failure: _result says what it was
            return
        for task in tasks:
            running = task.future
            if running is not None and not running.done() and any(clocks.overdue(i, limits) for i in task.indexes):
                running.cancel()  # pebble stops the worker reading it, and starts another


def _results(task: _Task, entries: list[dict], limits: WorkerLimits, clocks: DocumentClocks) -> list:
    """A task's staged documents; where its worker did not finish, the status of the document it
    was reading and None for each of the others (to be read again)."""
    if len(task.indexes) == 1:
        return [_result(entries[task.indexes[0]], task.future, limits)]
    try:
        return task.future.result()
    except (FutureTimeout, CancelledError, ProcessExpired):
        reading = clocks.reading(task.indexes)
        return [_result(entries[i], task.future, limits) if i == reading else None for i in task.indexes]


def _result(entry: dict, future, limits: WorkerLimits):
    """The worker's staged document, or the document's status when the worker did not finish."""
    path = Path(entry["path"])
    seconds = 0.0
    try:
        [staged] = future.result()  # a task of this one document
        return staged
    except (FutureTimeout, CancelledError):
        status, seconds = "too_slow", limits.seconds
        reason = (
            f"{path}: still being read after {limits.seconds:g} s (BUDGET_DOCUMENT_MAX_SECONDS): its worker was "
            "stopped; check the file (no page of a disclosure takes minutes), or raise the limit"
        )
    except ProcessExpired as err:
        died = _exit(err.exitcode)
        if err.exitcode in (-signal.SIGABRT, -signal.SIGKILL):
            # an allocation refused at the worker's memory cap aborts the engine (C++ and Rust abort)
            status = "too_large"
            reason = (
                f"{path}: the parse worker reading it died ({died}), as it does when it needs more memory "
                f"than a worker may take ({limits.memory_mb} MB, BUDGET_WORKER_MAX_MEMORY_MB); check the file "
                "(a compression bomb?), or raise the limit. The rest of the batch was read"
            )
        else:
            status = "reader_failed"
            reason = (
                f"{path}: the parse worker reading it crashed ({died}); the rest of the batch was read. "
                "This is a fault of the reader: report it with the file"
            )
    return not_read_document(path, entry["sha256"], entry.get("size_bytes") or 0, status, reason, seconds=seconds)


def _exit(code: int | None) -> str:
    if code is not None and code < 0:
        return f"signal {signal.Signals(-code).name}"
    return f"exit code {code}"


def _write_in_batches(con, staged_iter, entries, progress: ProgressFile) -> None:
    batch = []
    for done, (entry, staged) in enumerate(zip(entries, staged_iter), start=1):
        progress.update(done)
        batch.append((staged, entry["file_name"]))
        if len(batch) >= BATCH:
            write_staged(con, batch)
            batch = []
    write_staged(con, batch)
