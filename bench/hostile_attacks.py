"""Reproduce the attacks of issue 16 against ``budget build``: each attack gets its own raw folder
(one good disclosure plus the attack) and warehouse, is built with a wall-clock cap, and reports
how long the build took, its peak memory (the build and its children), its exit code and the
status the attack's document got. Not a test: a measurement to run before and after a change.

    python bench/hostile_attacks.py /tmp/attacks [attack ...]   # all attacks when none is named
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import sys
import time
import zlib
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parent.parent
GOOD = sorted((REPO / "data" / "raw").glob("*.txt"))[0]
CAP_SECONDS = int(os.environ.get("ATTACK_CAP_SECONDS", "600"))


def pdf(content: bytes, pages_tree: bytes | None = None, filters: int = 1) -> bytes:
    """A one-page PDF (Helvetica) whose content stream is ``content`` deflated ``filters`` times."""
    stream = content
    for _ in range(filters):
        stream = zlib.compress(stream, 9)
    names = " ".join(["/FlateDecode"] * filters)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        pages_tree or b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter [%s] >>\nstream\n" % (len(stream), names.encode()) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return assemble_pdf(objects)


def assemble_pdf(objects: list[bytes]) -> bytes:
    """A PDF file of these numbered objects (object 1 the catalogue), with its cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def deep_page_tree(depth: int) -> bytes:
    """A page tree nested ``depth`` levels deep above its one page."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(depth):
        kid = 3 + level
        objects.append(b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % kid)
    page_number = 2 + depth
    objects.append(
        b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R >>"
        % (page_number - 1, page_number + 1)
    )
    text = b"BT /F1 12 Tf 72 700 Td (deep) Tj ET"
    objects.append(b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream")
    return assemble_pdf(objects)


def flate_bomb(decompressed: int) -> bytes:
    """A page whose content stream inflates (twice deflated) to ``decompressed`` bytes of spaces."""
    inner = zlib.compressobj(9)
    chunk = b" " * (1 << 24)
    parts = [inner.compress(chunk) for _ in range(decompressed // len(chunk))] + [inner.flush()]
    once = b"".join(parts)
    stream = zlib.compress(once, 9)
    body = b"<< /Length %d /Filter [/FlateDecode /FlateDecode] >>\nstream\n" % len(stream) + stream + b"\nendstream"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        body,
    ]
    return assemble_pdf(objects)


def dense_page(characters: int) -> bytes:
    """One page carrying ``characters`` characters in tiny type (a couple of KB deflated)."""
    lines = []
    per_line = 400
    for row in range(characters // per_line):
        lines.append(b"BT /F1 1 Tf %d %d Td (%s) Tj ET" % (10, 10 + row % 800, b"1 2," * (per_line // 4)))
    return pdf(b"\n".join(lines))


def write_attack(name: str, raw: Path) -> str:
    """Write the attack's file(s) into ``raw``; the file name whose status to report."""
    good = GOOD.read_bytes()
    if name == "big_text":
        line = "一般公共服务支出\t201\t1,234.56\t说明文字\n".encode() * 1000
        with open(raw / "big.txt", "wb") as out:
            for _ in range(500 * (1 << 20) // len(line)):
                out.write(line)
        return "big.txt"
    if name == "random_txt":
        (raw / "random.txt").write_bytes(os.urandom(20 << 20))
        return "random.txt"
    if name == "dense_pdf":
        (raw / "dense.pdf").write_bytes(dense_page(236_000))
        return "dense.pdf"
    if name == "flate_bomb":
        (raw / "bomb.pdf").write_bytes(flate_bomb(4 << 30))
        return "bomb.pdf"
    if name == "deep_tree":
        (raw / "deep.pdf").write_bytes(deep_page_tree(5000))
        return "deep.pdf"
    if name == "written_twice":
        (raw / "twice.txt").write_bytes(good + b"\n" + good)
        return "twice.txt"
    if name == "huge_amount":
        text = good.decode()
        amounts = re.findall(r"\t(\d[\d,]*\.\d+)", text)
        (raw / "huge.txt").write_text(text.replace(amounts[0], "9" * 30 + ".00", 1))
        return "huge.txt"
    if name == "worse_later_copy":
        lines = good.decode().splitlines(keepends=True)
        rows = [i for i, line in enumerate(lines) if "\t" in line]
        # the later upload lost the second half of its table rows (pages rotated): it reads worse
        lost = set(rows[len(rows) // 2 :])
        (raw / "zz_reupload.txt").write_text("".join(line for i, line in enumerate(lines) if i not in lost))
        return "zz_reupload.txt"
    raise ValueError(name)


def build(raw: Path, warehouse: Path, env: dict | None = None) -> tuple[int, float, str]:
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [str(REPO / ".venv" / "bin" / "budget"), "build", "--raw-dir", str(raw), "--warehouse", str(warehouse)],
            capture_output=True,
            text=True,
            timeout=CAP_SECONDS,
            env={**os.environ, **(env or {})},
        )
        said = done.stdout + done.stderr
        notes = [line.strip() for line in said.splitlines() if "set aside" in line or "client wrote" in line]
        code, tail = done.returncode, "\n".join([*notes[:3], said[-600:] if done.returncode else ""])
    except subprocess.TimeoutExpired:
        code, tail = -1, f"killed after {CAP_SECONDS} s"
    return code, time.perf_counter() - started, tail


def status_of(warehouse: Path, file_name: str) -> str:
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            rows = con.execute(
                "select status, left(coalesce(reason, ''), 160) from document_status where file_name = ?", [file_name]
            ).fetchall()
    except duckdb.Error as err:
        return f"(warehouse unreadable: {err})"
    return str(rows)


def run_attack(name: str, folder: Path) -> None:
    raw, warehouse = folder / name / "raw", folder / name / "wh" / "budget.duckdb"
    shutil.rmtree(folder / name, ignore_errors=True)
    raw.mkdir(parents=True)
    shutil.copy(GOOD, raw / GOOD.name)
    if name == "damaged_build_db":
        build(raw, warehouse)
        for database in (warehouse.parent / ".build").glob("*.duckdb"):
            database.write_bytes(os.urandom(4096))
        target = GOOD.name
    elif name == "vanished_file":
        return vanished_file(raw, warehouse)
    elif name == "rw_client":
        return rw_client(raw, warehouse)
    elif name in ("checkpointed_client", "damaged_block", "killed_leftovers"):
        return globals()[name](raw, warehouse)
    else:
        target = write_attack(name, raw)
    code, seconds, tail = build(raw, warehouse)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    print(f"== {name}: exit {code}, {seconds:.0f} s, peak child RSS so far {peak} MB")
    print(f"   status of {target}: {status_of(warehouse, target)}")
    if tail.strip():
        print("   " + tail.strip().replace("\n", "\n   "))


def vanished_file(raw: Path, warehouse: Path) -> None:
    """A file deleted between discovery and parse (the parse shard called as Dagster calls it)."""
    code = f"""
from pathlib import Path
from pipeline.discover import discover_raw_files
from pipeline.rebuild import shard_of
from pipeline.shards import parse_shard
raw = Path({str(raw)!r}); build = Path({str(warehouse.parent / ".build")!r})
(raw / "gone.txt").write_bytes((raw / {GOOD.name!r}).read_bytes() + b"\\n")
files = discover_raw_files(raw, build)
(raw / "gone.txt").unlink()
shard = shard_of(next(f for f in files if f["file_name"] == "gone.txt")["sha256"])
print(parse_shard(shard, files, 1, build))
import duckdb
con = duckdb.connect(str(build / f"parse_shard_{{shard}}.duckdb"), read_only=True)
print(con.execute("select file_name, status, reason from parsed.documents").fetchall())
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ})
    print(f"== vanished_file: exit {done.returncode}")
    print("   " + (done.stdout + done.stderr)[-800:].replace("\n", "\n   "))


def rw_client(raw: Path, warehouse: Path) -> None:
    """A BI client holds a read-write connection that created a table, through a rebuild."""
    build(raw, warehouse)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time\n"
            f"con = duckdb.connect({str(warehouse)!r})\n"
            "con.execute('create table my_notes as select 42 as answer')\n"
            "print('holding', flush=True)\n"
            "sys.stdin.read()\n"
            "print(con.execute('select * from my_notes').fetchall(), flush=True)\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    holder.stdout.readline()
    (raw / "new.txt").write_bytes(GOOD.read_bytes() + b"\n")
    code, seconds, tail = build(raw, warehouse)
    print(f"== rw_client: rebuild exit {code}, {seconds:.0f} s")
    if tail.strip():
        print("   " + tail.strip().replace("\n", "\n   "))
    print(f"   a new reader: {status_of(warehouse, 'new.txt')}")
    out, _ = holder.communicate("", timeout=60)
    print(f"   the client's own table after the rebuild: {out.strip()}")
    print(f"   a reader after the client left: {status_of(warehouse, 'new.txt')}")


def checkpointed_client(raw: Path, warehouse: Path) -> None:
    """A read-write client that wrote and checkpointed (no WAL left), then disconnected; the
    next build, with no document changed."""
    build(raw, warehouse)
    with duckdb.connect(str(warehouse)) as client:
        client.execute("create table my_notes as select 42 as answer")
        client.execute("checkpoint")
    code, seconds, _ = build(raw, warehouse)
    print(f"== checkpointed_client: rebuild exit {code}, {seconds:.0f} s")
    print("   " + "\n   ".join(log_notes(warehouse, "client")))
    for kept in sorted(warehouse.parent.glob(f"{warehouse.stem}.client-writes-*{warehouse.suffix}")):
        with duckdb.connect(str(kept), read_only=True) as con:
            print(f"   kept {kept.name}: my_notes = {con.execute('select * from my_notes').fetchall()}")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        left = con.execute("select count(*) from duckdb_tables() where table_name = 'my_notes'").fetchone()[0]
    print(f"   the client's table in the published warehouse: {'still there' if left else 'gone (republished)'}")


def damage_a_block(database: Path, table: str) -> int:
    """Overwrite one block of ``table``'s data (the database still opens); returns its number."""
    pristine = database.read_bytes()
    for index in reversed(range((len(pristine) - 12_288) // 262_144)):
        at = 12_288 + index * 262_144 + 64
        database.write_bytes(pristine[:at] + b"\xff" * 64 + pristine[at + 64 :])
        try:
            with duckdb.connect(str(database)) as con:
                con.execute("select count(*) from parsed.documents").fetchall()
                con.execute(f"select min(hash(columns(*))) from {table}").fetchall()
        except duckdb.Error as err:
            if "Corrupt database file" in str(err):
                return index
    database.write_bytes(pristine)
    raise RuntimeError(f"no block of {database} holds {table}'s data alone")


def damaged_block(raw: Path, warehouse: Path) -> None:
    """A bad sector in a mart's data: the build database opens, the dbt step meets the damage."""
    build(raw, warehouse)
    block = damage_a_block(warehouse.parent / ".build" / warehouse.name, "fct_table_line")
    (raw / "new.txt").write_bytes(GOOD.read_bytes() + b"\n")  # a change, so dbt reads the damaged mart
    code, seconds, tail = build(raw, warehouse)
    print(f"== damaged_block (block {block} of fct_table_line): rebuild exit {code}, {seconds:.0f} s")
    print(f"   status of new.txt: {status_of(warehouse, 'new.txt')}")
    print("   " + "\n   ".join(log_notes(warehouse, "damaged", "built again", "set aside", "parsed again")))
    if code and tail.strip():
        print("   " + tail.strip().replace("\n", "\n   "))


def killed_leftovers(raw: Path, warehouse: Path) -> None:
    """What a build killed at its worst moment leaves: a publishing copy, a spill file, temporaries."""
    build(raw, warehouse)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    spill = warehouse.parent / ".build" / f"{warehouse.name}.tmp"
    spill.mkdir(exist_ok=True)
    left = [
        warehouse.with_name(f".{warehouse.name}.{dead.pid}.publishing"),
        spill / "duckdb_temp_storage_S32K-0.tmp",
        warehouse.parent / ".build" / "raw_files.writing",
    ]
    for path in left:
        path.write_bytes(b"\0" * (50 << 20))
    code, seconds, _ = build(raw, warehouse)
    print(
        f"== killed_leftovers: rebuild exit {code}, {seconds:.0f} s; still there: {[p.name for p in left if p.exists()]}"
    )
    print("   " + "\n   ".join(log_notes(warehouse, "left by a build")))


def log_notes(warehouse: Path, *words: str) -> list[str]:
    """The last build log's lines saying any of ``words`` (from the message on: no time stamps)."""
    logs = sorted((warehouse.parent / "logs").glob("build-*.log"))
    lines = logs[-1].read_text(errors="replace").splitlines() if logs else []
    return [line.split(" - ")[-1][:300] for line in lines if any(w in line for w in words)][:8]


ATTACKS = [
    "big_text",
    "random_txt",
    "dense_pdf",
    "flate_bomb",
    "deep_tree",
    "written_twice",
    "vanished_file",
    "damaged_build_db",
    "huge_amount",
    "worse_later_copy",
    "rw_client",
    "checkpointed_client",
    "damaged_block",
    "killed_leftovers",
]

if __name__ == "__main__":
    folder = Path(sys.argv[1])
    chosen = sys.argv[2:] or ATTACKS
    for attack in chosen:
        run_attack(attack, folder)
