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
from pipeline.shards import parse_shard, shard_of
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
]

if __name__ == "__main__":
    folder = Path(sys.argv[1])
    chosen = sys.argv[2:] or ATTACKS
    for attack in chosen:
        run_attack(attack, folder)
