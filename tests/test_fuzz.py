"""No input crashes the parser or stops the batch: mutated copies of the samples (truncated,
lines deleted or shuffled, numbers garbled, bytes flipped), raw folders of any shape and file
names of any bytes, malformed HTML tables and structurally damaged PDFs each end as a document
status with a reason, or as a skipped entry named with why. Few examples each: seconds in all."""

import os
import tempfile
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import rebuild, shards
from pipeline.discover import discover_raw_files
from pipeline.stage import stage_document
from pipeline.synth.render import render_pdf
from pipeline.warehouse import connect_build, write_staged

RAW = Path(__file__).resolve().parent.parent / "data" / "raw"
SAMPLES = [p.read_bytes() for p in sorted(RAW.glob("*.txt"))]
# rejected: a garbled figure too large for its column
STATUSES = {"loaded", "partial", "not_budget_disclosure", "unidentified", "final_accounts", "empty", "rejected"}


@st.composite
def mutated(draw):
    data = draw(st.sampled_from(SAMPLES))
    lines = data.split(b"\n")
    operation = draw(st.sampled_from(["truncate", "delete", "shuffle", "garble", "flip"]))
    if operation == "truncate":
        return data[: draw(st.integers(0, len(data)))]
    if operation == "delete":
        start = draw(st.integers(0, len(lines) - 1))
        return b"\n".join(lines[:start] + lines[start + draw(st.integers(1, 200)) :])
    if operation == "shuffle":
        return b"\n".join(draw(st.permutations(lines[:400])) + lines[400:])
    if operation == "garble":
        digits = draw(st.lists(st.sampled_from(list(b"0123456789,. ")), min_size=50, max_size=50))
        out = bytearray(data)
        positions = draw(st.lists(st.integers(0, len(out) - 1), min_size=1, max_size=50))
        for position, digit in zip(positions, digits):
            if chr(out[position]).isdigit():
                out[position] = digit
        return bytes(out)
    out = bytearray(data)
    for position in draw(st.lists(st.integers(0, len(out) - 1), min_size=1, max_size=30)):
        out[position] = draw(st.integers(0, 255))
    return bytes(out)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated())
def test_mutated_disclosures_never_crash_and_always_get_a_status(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "mutated.txt"
    path.write_bytes(data)
    staged = stage_document(path)
    assert staged.status["status"] in STATUSES
    if staged.status["status"] != "loaded":
        assert staged.status["reason"]


# ---------------------------------------------------------------- raw folders, HTML and PDF structure

# every status a document can end with (README, "Bad input never stops a run")
EVERY_STATUS = STATUSES | {
    "corrupt",
    "encrypted",
    "needs_ocr",
    "too_large",
    "too_slow",
    "unreadable",
    "duplicate",
    "superseded",
    "reader_failed",
}
NAME = st.binary(min_size=1, max_size=24).filter(lambda b: b"/" not in b and b"\0" not in b and b not in (b".", b".."))


@st.composite
def raw_folder(draw):
    """A raw folder's shape: nested folders, files under any bytes, symlinks of every kind, FIFOs."""
    entries = []
    for _ in range(draw(st.integers(1, 12))):
        depth = draw(st.lists(NAME, min_size=0, max_size=3))
        kind = draw(st.sampled_from(["file", "file", "file", "link", "fifo", "folder"]))
        target = draw(st.sampled_from(["earlier", "absent", "outside", "itself", "parent", "root"]))
        content = draw(st.sampled_from([b"", b"\xff\xfe garbage \x00\x01", SAMPLES[0][:3000], b"<table><tr><td>1"]))
        entries.append((depth, draw(NAME), kind, target, content))
    return entries


def _make(raw: Path, outside: Path, entries) -> None:
    made: list[Path] = []
    for depth, name, kind, target, content in entries:
        folder = Path(os.fsdecode(os.path.join(os.fsencode(raw), *depth))) if depth else raw
        path = Path(os.fsdecode(os.path.join(os.fsencode(folder), name)))
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if path.exists() or path.is_symlink():
                continue
            if kind == "file":
                path.write_bytes(content)
            elif kind == "folder":
                path.mkdir()
            elif kind == "fifo":
                os.mkfifo(path)
            else:
                link_to = {
                    "earlier": made[-1] if made else raw / "absent",
                    "absent": raw / "absent.txt",
                    "outside": outside,
                    "itself": path,
                    "parent": folder,
                    "root": raw,
                }[target]
                path.symlink_to(link_to)
        except (FileExistsError, NotADirectoryError):
            continue  # a name drawn twice, or a folder where a file stands: the shape as far as it goes
        made.append(path)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw_folder())
def test_any_raw_folder_shape_and_name_ends_as_documents_with_a_status_or_a_named_skip(tmp_path_factory, entries):
    work = tmp_path_factory.mktemp("shape")
    raw, outside = work / "raw", work / "outside.txt"
    raw.mkdir()
    outside.write_bytes(SAMPLES[0][:2000])
    _make(raw, outside, entries)
    skipped: list[tuple[str, str]] = []
    files = discover_raw_files(raw, work / ".build", skipped)
    names = [f["file_name"] for f in files]
    assert len(names) == len(set(names))  # a path under the raw folder is one document
    assert all(why for _, why in skipped)
    for entry in files:
        assert Path(entry["path"]).resolve().is_relative_to(raw.resolve())  # never read outside it
        entry["file_name"].encode("utf-8")  # stored as text (odd bytes as escapes)
    batch = [(stage_document(Path(f["path"]), sha256=f["sha256"]), f["file_name"]) for f in files]
    for staged, name in batch:
        assert staged.status["status"] in EVERY_STATUS, (name, staged.status)
    with connect_build(work / ".build" / "shard.duckdb") as con:
        write_staged(con, batch)
        stored = con.execute("select file_name, status from parsed.documents").fetchall()
    assert sorted(n for n, _ in stored) == sorted(names) and all(s in EVERY_STATUS for _, s in stored)


SPAN = st.sampled_from(["1", "2", "0", "-3", "abc", "", "1e9", "３", "2.5", "99999999999", " 4 ", "1000"])
CELL_TEXT = st.sampled_from(
    ["收入总计", "201", "一般公共服务支出", "1,234.56", "", "—", "<b>合计</b>", "&nbsp;", "单位：万元"]
)


def _cell(draw) -> str:
    tag = draw(st.sampled_from(["td", "th", "td", "span", "p"]))
    attributes = "".join(
        f" {name}='{draw(SPAN)}'" for name in draw(st.lists(st.sampled_from(["rowspan", "colspan"]), max_size=2))
    )
    close = draw(st.booleans())  # unclosed cells, as converters leave them
    return f"<{tag}{attributes}>{draw(CELL_TEXT)}" + (f"</{tag}>" if close else "")


@st.composite
def malformed_html(draw):
    parts = ["<html><body>", draw(st.sampled_from(["", "<h1>2026年部门预算</h1>", "<p>部门收支总体情况表"]))]
    for _ in range(draw(st.integers(0, 4))):
        rows = []
        for _ in range(draw(st.integers(0, 6))):
            cells = "".join(_cell(draw) for _ in range(draw(st.integers(0, 6))))
            rows.append(f"<tr>{cells}" + ("</tr>" if draw(st.booleans()) else ""))
        nested = draw(st.booleans())
        table = "<table>" + "".join(rows) + ("</table>" if draw(st.booleans()) else "")
        parts.append(f"<table><tr><td>{table}</td></tr></table>" if nested else table)
        parts.append(draw(st.sampled_from(["", "</td></tr>", "<tbody>", "</table></table>", "<!--", "<![CDATA["])))
    return "".join(parts)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(malformed_html())
def test_malformed_html_tables_always_end_as_a_status(tmp_path_factory, html):
    path = tmp_path_factory.mktemp("html") / "table.html"
    path.write_text(html, encoding="utf-8")
    staged = stage_document(path)
    assert staged.status["status"] in EVERY_STATUS
    if staged.status["status"] != "loaded":
        assert staged.status["reason"]


_PDF: list[bytes] = []


def _sample_pdf() -> bytes:
    """A rendering of the head of a sample disclosure (seven of its tables, a few pages), made once."""
    if not _PDF:
        work = Path(tempfile.mkdtemp())
        source = work / "head.txt"
        source.write_bytes(b"\n".join(SAMPLES[0].split(b"\n")[:300]))
        _PDF.append(render_pdf(source, work / "head.pdf").read_bytes())
    return _PDF[0]


@st.composite
def mutated_pdf(draw):
    data = _sample_pdf()
    operation = draw(st.sampled_from(["truncate", "flip", "delete", "token"]))
    if operation == "truncate":
        return data[: draw(st.integers(0, len(data)))]
    if operation == "delete":
        start = draw(st.integers(0, len(data) - 1))
        return data[:start] + data[start + draw(st.integers(1, 4000)) :]
    if operation == "token":  # the structure itself: counts, kids, lengths, offsets
        old = draw(st.sampled_from([b"/Count ", b"/Kids [", b"/Length ", b"obj", b"endstream", b"xref", b"/Root "]))
        new = draw(st.sampled_from([b"/Count 999999999 ", b"/Kids [1 0 R ", b"/Length -1 ", b"", b"[[[[", b"0 0 R "]))
        return data.replace(old, new, draw(st.integers(1, 3)))
    out = bytearray(data)
    for position in draw(st.lists(st.integers(0, len(out) - 1), min_size=1, max_size=40)):
        out[position] = draw(st.integers(0, 255))
    return bytes(out)


@settings(
    max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(st.lists(mutated_pdf(), min_size=6, max_size=6))
def test_truncated_or_mutated_pdfs_each_end_as_a_status_and_the_batch_goes_on(tmp_path_factory, monkeypatch, pdfs):
    # parsed as a build parses them, in worker processes: a crash of the PDF engine is one document's status
    monkeypatch.setenv("BUDGET_OCR", "off")  # pages left without text are needs_ocr, not seconds of OCR each
    monkeypatch.setenv("BUDGET_DOCUMENT_MAX_SECONDS", "30")
    monkeypatch.setattr(rebuild, "SHARDS", 1)
    work = tmp_path_factory.mktemp("pdf")
    raw = work / "raw"
    raw.mkdir()
    for index, data in enumerate(pdfs):
        (raw / f"{index}.pdf").write_bytes(data)
    files = discover_raw_files(raw, work / ".build")
    shards.parse_shard(0, files, 2, work / ".build")
    with duckdb.connect(str(shards.shard_db(work / ".build", 0)), read_only=True) as con:
        rows = con.execute("select file_name, status, reason from parsed.documents").fetchall()
    assert sorted(name for name, *_ in rows) == sorted(f["file_name"] for f in files)
    for name, status, reason in rows:
        assert status in EVERY_STATUS and (status == "loaded" or reason), (name, status, reason)
