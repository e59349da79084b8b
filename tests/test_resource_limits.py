"""Limits and faults one document, a damaged cache or a neighbour brings, met with real processes:
each is that document's status and reason (or a line in the log), never the batch's end, and
no reader is locked out of the published warehouse. Small limits set through the settings make
each test take seconds."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from bench.hostile_attacks import assemble_pdf
from pipeline import readers
from pipeline.defs.ingest import raw_files_sensor
from pipeline.defs.resources import BuildPaths
from pipeline.discover import discover_raw_files, raw_folder_fingerprint
from pipeline.rebuild import shard_db, shard_of
from pipeline.shards import parse_shard, worker_tasks
from pipeline.stage import stage_document
from pipeline.warehouse import connect_build, publish
from tests.conftest import RAW, REPO

SAMPLE = sorted(RAW.glob("*.txt"))[0]


def _one_page_pdf(stream: bytes, filters: str) -> bytes:
    return assemble_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d /Filter [%s] >>\nstream\n" % (len(stream), filters.encode()) + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


def dense_page(characters: int) -> bytes:
    """One page of a few KB carrying ``characters`` characters in tiny type: seconds to read."""
    row = b"1 2," * 100
    lines = [b"BT /F1 1 Tf 10 %d Td (%s) Tj ET" % (10 + n % 800, row) for n in range(characters // len(row))]
    return _one_page_pdf(zlib.compress(b"\n".join(lines), 9), "/FlateDecode")


def flate_bomb(megabytes: int) -> bytes:
    """A page whose content stream, deflated twice, inflates to ``megabytes`` MB of spaces."""
    inner = zlib.compressobj(1)
    chunk = b" " * (1 << 20)
    once = b"".join(inner.compress(chunk) for _ in range(megabytes)) + inner.flush()
    return _one_page_pdf(zlib.compress(once, 9), "/FlateDecode /FlateDecode")


def _in_shard(raw: Path, name: str, data: bytes, shard: int) -> Path:
    """Write ``data`` (a text disclosure, its name and blank lines after it) so that it falls in ``shard``."""
    for pad in range(200):
        padded = data + f"\n{name}".encode() + b"\n" * pad
        if shard_of(_sha256(padded)) == shard:
            (raw / name).write_bytes(padded)
            return raw / name
    raise AssertionError("no padding puts the file in the shard")


def _slow_pdf_in_shard(path: Path, shard: int) -> None:
    """Write a ``dense_page`` of seconds' reading at ``path`` that falls in ``shard``."""
    for attempt in range(50):
        slow = dense_page(1_500_000 + 400 * attempt)  # one more line of 400 characters each attempt
        if shard_of(_sha256(slow)) == shard:
            path.write_bytes(slow)
            return
    raise AssertionError("no dense page falls in the shard")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _statuses(build: Path, shard: int) -> dict[str, tuple[str, str]]:
    with duckdb.connect(str(shard_db(build, shard)), read_only=True) as con:
        rows = con.execute("select file_name, status, coalesce(reason, '') from parsed.documents").fetchall()
    return {name: (status, reason) for name, status, reason in rows}


def test_a_text_file_over_the_byte_limit_is_too_large_and_never_decoded(tmp_path, monkeypatch):
    big = tmp_path / "big.txt"
    big.write_bytes(SAMPLE.read_bytes() * 3)
    monkeypatch.setattr(readers, "decode_text", lambda data: pytest.fail("a file over the limit was decoded"))
    staged = stage_document(big, max_text_bytes=SAMPLE.stat().st_size)
    status = staged.status
    assert status["status"] == "too_large" and "BUDGET_MAX_TEXT_BYTES" in status["reason"]
    assert str(big) in status["reason"] and status["sha256"] == _sha256(big.read_bytes())


def test_random_bytes_named_txt_are_decoded_once_and_quickly(tmp_path, monkeypatch):
    # Regression: 20 MB of random bytes took 277 s, decoded twice (layout detection, then reading)
    noise = tmp_path / "noise.txt"
    noise.write_bytes(os.urandom(4 << 20))
    calls = []
    decode = readers.decode_text
    monkeypatch.setattr(readers, "decode_text", lambda data: calls.append(len(data)) or decode(data))
    started = time.perf_counter()
    staged = stage_document(noise)
    assert time.perf_counter() - started < 10
    assert calls == [4 << 20]
    status = staged.status
    assert status["status"] == "corrupt" and "not text" in status["reason"]


def test_a_figure_beyond_the_columns_range_rejects_the_document_instead_of_a_silent_null(tmp_path):
    text = SAMPLE.read_text()
    amount = re.findall(r"\t(\d[\d,]*\.\d+)", text)[0]
    huge = tmp_path / "huge.txt"
    huge.write_text(text.replace(amount, "9" * 30 + ".00", 1))
    status = stage_document(huge).status
    assert status["status"] == "rejected"
    assert "9" * 30 in status["reason"] and "DECIMAL(20, 6)" in status["reason"]


def test_a_document_still_read_at_the_deadline_is_too_slow_and_the_pool_reads_the_rest(tmp_path, monkeypatch):
    # Regression: a 2 KB one-page PDF ran for over 10 minutes: the time limit was checked between pages only
    monkeypatch.setenv("BUDGET_DOCUMENT_MAX_SECONDS", "1")
    monkeypatch.setenv("BUDGET_PDF_MAX_SECONDS", "600")  # the reader's own check between pages never fires
    raw, build = tmp_path / "raw", tmp_path / ".build"
    raw.mkdir()
    _slow_pdf_in_shard(raw / "dense.pdf", 0)
    _in_shard(raw, "after_1.txt", SAMPLE.read_bytes(), 0)
    _in_shard(raw, "after_2.txt", SAMPLE.read_bytes(), 0)
    files = sorted(discover_raw_files(raw, build), key=lambda f: f["file_name"] != "dense.pdf")
    started = time.perf_counter()
    parse_shard(0, files, 1, build)  # one worker: the documents after the slow one need its replacement
    assert time.perf_counter() - started < 30
    statuses = _statuses(build, 0)
    status, reason = statuses["dense.pdf"]
    assert status == "too_slow" and "BUDGET_DOCUMENT_MAX_SECONDS" in reason and str(raw / "dense.pdf") in reason
    assert {statuses["after_1.txt"][0], statuses["after_2.txt"][0]} == {"loaded"}


def test_a_document_stopped_inside_a_task_of_several_is_too_slow_and_the_others_are_read_again_alone(
    tmp_path, monkeypatch
):
    # small files go to a worker several to a task: the one read before the slow one lost its
    # result with the stopped worker, the ones after it were never started
    monkeypatch.setenv("BUDGET_DOCUMENT_MAX_SECONDS", "1")
    monkeypatch.setenv("BUDGET_PDF_MAX_SECONDS", "600")
    raw, build = tmp_path / "raw", tmp_path / ".build"
    raw.mkdir()
    _slow_pdf_in_shard(raw / "b_dense.pdf", 0)
    for name in ("a_before.txt", "c_after.txt", "d_after.txt"):
        _in_shard(raw, name, SAMPLE.read_bytes(), 0)
    files = discover_raw_files(raw, build)
    assert worker_tasks(files) == [[0, 1, 2, 3]]  # one task
    parse_shard(0, files, 1, build)
    statuses = _statuses(build, 0)
    assert statuses["b_dense.pdf"][0] == "too_slow" and "BUDGET_DOCUMENT_MAX_SECONDS" in statuses["b_dense.pdf"][1]
    assert {statuses[name][0] for name in ("a_before.txt", "c_after.txt", "d_after.txt")} == {"loaded"}


def test_a_worker_dying_inside_a_task_of_several_fails_only_the_document_it_was_reading(tmp_path, monkeypatch):
    monkeypatch.setenv("BUDGET_WORKER_MAX_MEMORY_MB", "1024")
    raw, build = tmp_path / "raw", tmp_path / ".build"
    raw.mkdir()
    (raw / "b_bomb.pdf").write_bytes(flate_bomb(1536))
    shard = shard_of(_sha256((raw / "b_bomb.pdf").read_bytes()))
    for name in ("a_before.txt", "c_after.txt"):
        _in_shard(raw, name, SAMPLE.read_bytes(), shard)
    files = discover_raw_files(raw, build)
    assert worker_tasks(files) == [[0, 1, 2]]
    parse_shard(shard, files, 1, build)
    statuses = _statuses(build, shard)
    assert statuses["b_bomb.pdf"][0] == "too_large"
    assert statuses["a_before.txt"][0] == statuses["c_after.txt"][0] == "loaded"


SCAN = REPO.parent / "shared" / "real" / "corpus" / "长沙" / "市场监督管理局_2026年部门预算_de5848.pdf"


@pytest.mark.skipif(not SCAN.exists(), reason="the real corpus (../shared/real/corpus) is not beside the checkout")
def test_time_in_ocr_is_left_out_of_the_documents_deadline(tmp_path, monkeypatch):
    """A scan is OCR'd for far longer than a document may take to read otherwise: OCR keeps its own
    limits (processor time per page and per document), so the watchdog does not count its time."""
    monkeypatch.setenv("BUDGET_DOCUMENT_MAX_SECONDS", "1")
    monkeypatch.setenv("BUDGET_OCR_MAX_PAGES", "1")  # one page of OCR: several seconds
    raw, build = tmp_path / "raw", tmp_path / ".build"
    raw.mkdir()
    shutil.copy(SCAN, raw / "scan.pdf")
    files = discover_raw_files(raw, build)
    shard = shard_of(files[0]["sha256"])
    parse_shard(shard, files, 1, build)
    with duckdb.connect(str(shard_db(build, shard)), read_only=True) as con:
        status, pages_ocr = con.execute("select status, pages_ocr from parsed.documents").fetchone()
    assert status != "too_slow" and pages_ocr == 1


def test_a_document_needing_more_memory_than_a_worker_may_take_is_too_large(tmp_path, monkeypatch):
    # Regression: a 4 KB flate bomb took 4.2 GB of memory
    monkeypatch.setenv("BUDGET_WORKER_MAX_MEMORY_MB", "1024")
    raw, build = tmp_path / "raw", tmp_path / ".build"
    raw.mkdir()
    (raw / "bomb.pdf").write_bytes(flate_bomb(1536))
    shard = shard_of(_sha256((raw / "bomb.pdf").read_bytes()))
    _in_shard(raw, "after.txt", SAMPLE.read_bytes(), shard)
    files = sorted(discover_raw_files(raw, build), key=lambda f: f["file_name"] != "bomb.pdf")
    parse_shard(shard, files, 1, build)
    statuses = _statuses(build, shard)
    status, reason = statuses["bomb.pdf"]
    assert status == "too_large" and "BUDGET_WORKER_MAX_MEMORY_MB" in reason
    assert statuses["after.txt"][0] == "loaded"


def test_a_file_that_vanishes_between_discovery_and_parse_is_its_status(tmp_path):
    raw, build = tmp_path / "raw", tmp_path / ".build"
    raw.mkdir()
    gone = _in_shard(raw, "gone.txt", SAMPLE.read_bytes(), 0)
    _in_shard(raw, "stays.txt", SAMPLE.read_bytes(), 0)
    files = discover_raw_files(raw, build)
    gone.unlink()
    parse_shard(0, files, 1, build)
    statuses = _statuses(build, 0)
    assert statuses["gone.txt"][0] == "unreadable" and str(gone) in statuses["gone.txt"][1]
    assert statuses["stays.txt"][0] == "loaded"


@pytest.mark.parametrize("damage", ["garbage", "truncated", "wal"])
def test_a_damaged_build_database_is_set_aside_and_built_again(tmp_path, caplog, damage):
    database = tmp_path / ".build" / "parse_shard_0.duckdb"
    con = connect_build(database)
    con.execute("insert into parsed.documents (document_id, file_name) values ('a', 'a.txt')")
    con.close()
    if damage == "garbage":
        database.write_bytes(os.urandom(8192))
    elif damage == "truncated":
        with open(database, "r+b") as handle:
            handle.truncate(5000)
    else:
        database.with_name(database.name + ".wal").write_bytes(os.urandom(3000))
    with connect_build(database) as con:
        assert con.execute("select count(*) from parsed.documents").fetchone()[0] in (0, 1)
    if damage != "wal":  # DuckDB ignores a WAL that is not its own: nothing to set aside
        assert (tmp_path / ".build" / "parse_shard_0.duckdb.damaged").exists()
        assert "set aside as parse_shard_0.duckdb.damaged" in caplog.text


_CLIENT = """
import duckdb, sys
con = duckdb.connect(sys.argv[1])  # read-write, as a BI tool configured wrongly connects
con.execute("create table my_notes as select 42 as answer")
print("holding", flush=True)
sys.stdin.readline()
con.execute("insert into my_notes values (43)")
con.close()
"""


def _warehouse_build(path: Path, value: int) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute(f"create or replace table answer as select {value} as v")
    return path


def test_a_client_writing_into_the_published_file_never_locks_readers_out_and_keeps_its_writes(tmp_path, caplog):
    # Regression: a read-write client that wrote anything made every new reader fail replaying its
    # WAL until it disconnected, the export failed, and the client's own table was silently dropped
    warehouse = tmp_path / "wh" / "budget.duckdb"
    publish(_warehouse_build(tmp_path / "build_1.duckdb", 1), warehouse)
    assert warehouse.stat().st_mode & 0o777 == 0o444  # clients are to connect read-only
    client = subprocess.Popen(
        [sys.executable, "-c", _CLIENT, str(warehouse)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert client.stdout.readline().strip() == "holding"
        publish(_warehouse_build(tmp_path / "build_2.duckdb", 2), warehouse)
        with duckdb.connect(str(warehouse), read_only=True) as reader:
            assert reader.execute("select v from answer").fetchall() == [(2,)]
        client.stdin.write("\n")
        client.stdin.flush()
        assert client.wait(timeout=30) == 0
    finally:
        client.kill()
    with duckdb.connect(str(warehouse), read_only=True) as reader:
        assert reader.execute("select v from answer").fetchall() == [(2,)]
    [kept] = (tmp_path / "wh").glob("budget.client-writes-*.duckdb")
    with duckdb.connect(str(kept), read_only=True) as con:
        assert con.execute("select answer from my_notes order by 1").fetchall() == [(42,), (43,)]
    assert "a client wrote into the published warehouse" in caplog.text


def test_a_client_that_wrote_and_checkpointed_keeps_its_writes_when_the_next_build_publishes(tmp_path, caplog):
    # Regression: a read-write client that checkpointed (no WAL left) lost its tables at the next publish
    warehouse = tmp_path / "wh" / "budget.duckdb"
    publish(_warehouse_build(tmp_path / "build_1.duckdb", 1), warehouse)
    with duckdb.connect(str(warehouse)) as client:  # root ignores the file's 0444
        client.execute("create table my_notes as select 42 as answer from range(100000)")
        client.execute("checkpoint")
    assert not warehouse.with_name("budget.duckdb.wal").exists()
    publish(_warehouse_build(tmp_path / "build_2.duckdb", 2), warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as reader:
        assert reader.execute("select v from answer").fetchall() == [(2,)]
    [kept] = (tmp_path / "wh").glob("budget.client-writes-*.duckdb")
    with duckdb.connect(str(kept), read_only=True) as con:
        assert con.execute("select count(*) from my_notes").fetchone() == (100000,)
    assert "changed the file since it was published" in caplog.text and str(kept) in caplog.text
    # a file nobody wrote into is replaced without a copy
    publish(_warehouse_build(tmp_path / "build_3.duckdb", 3), warehouse)
    assert list((tmp_path / "wh").glob("budget.client-writes-*.duckdb")) == [kept]


def test_only_the_newest_client_writes_files_are_kept_and_nothing_else_is_removed(tmp_path, caplog, monkeypatch):
    monkeypatch.setenv("BUDGET_KEEP_CLIENT_WRITES", "2")
    folder = tmp_path / "wh"
    folder.mkdir()
    ours = [
        folder / "budget.client-writes-20260101T020000-11.duckdb",  # the format of earlier versions
        folder / "budget.client-writes-20260102T020000.000001-12.duckdb",
        folder / "budget.client-writes-20260103T020000.500000-13.duckdb",
    ]
    not_ours = [
        folder / "budget.client-writes-notes.duckdb",
        folder / "other.client-writes-20250101T020000-1.duckdb",
        folder / "budget.client-writes-20250101T020000-1.duckdb.bak",
    ]
    for path in ours + not_ours:
        path.write_bytes(b"x")
    ours[0].with_name(ours[0].name + ".wal").write_bytes(b"w")
    warehouse = folder / "budget.duckdb"
    publish(_warehouse_build(tmp_path / "build_1.duckdb", 1), warehouse)
    duckdb.connect(str(warehouse)).execute("create table my_notes as select 1").close()  # a client writes
    publish(_warehouse_build(tmp_path / "build_2.duckdb", 2), warehouse)
    [newest] = [p for p in folder.glob("budget.client-writes-2026*.duckdb") if p not in ours]
    assert sorted(folder.glob("*client-writes-*")) == sorted([ours[2], newest, *not_ours])
    assert not ours[0].with_name(ours[0].name + ".wal").exists()
    assert f"{ours[0]}: removed" in caplog.text and f"{ours[1]}: removed" in caplog.text


_READ_WRITE = """
import duckdb, sys
try:
    duckdb.connect(sys.argv[1])
except duckdb.Error as err:
    print(err)
with duckdb.connect(sys.argv[1], read_only=True) as con:
    print(con.execute("select v from answer").fetchall())
"""


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root to run a client as nobody")
def test_a_client_that_is_not_root_is_refused_read_write_and_reads_read_only(tmp_path):
    # the README's BI section: what a client configured read-write gets
    folder = Path(tempfile.mkdtemp(prefix="published-"))  # pytest's own folders are closed to other users
    try:
        folder.chmod(0o755)
        warehouse = publish(_warehouse_build(tmp_path / "build.duckdb", 1), folder / "budget.duckdb")
        nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-c", _READ_WRITE]
        result = subprocess.run([*nobody, str(warehouse)], capture_output=True, text=True, timeout=60, check=False)
        assert result.stdout.splitlines() == [f'IO Error: Cannot open file "{warehouse}": Permission denied', "[(1,)]"]
    finally:
        shutil.rmtree(folder)


def test_a_client_holding_the_published_file_read_write_starts_a_build_that_frees_new_readers(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    warehouse = publish(_warehouse_build(tmp_path / "build_1.duckdb", 1), tmp_path / "wh" / "budget.duckdb")
    paths = BuildPaths(raw_dir=str(raw), warehouse=str(warehouse))

    def evaluate():
        context = dg.build_sensor_context(cursor=raw_folder_fingerprint(raw), resources={"paths": paths})
        return raw_files_sensor(context)

    assert isinstance(evaluate(), dg.SkipReason)  # nothing changed, readers get in
    client = subprocess.Popen(
        [sys.executable, "-c", _CLIENT, str(warehouse)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert client.stdout.readline().strip() == "holding"
        request = evaluate()
        assert isinstance(request, dg.RunRequest)
        assert request.run_key == f"readers-blocked-{warehouse.stat().st_ino}"  # once per published file
        publish(_warehouse_build(tmp_path / "build_2.duckdb", 2), warehouse)  # what the run does
        assert isinstance(evaluate(), dg.SkipReason)  # new readers open the new file
    finally:
        client.kill()
        client.wait()
