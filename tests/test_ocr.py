"""Pages without a text layer are read by OCR: a disclosure rendered to images reads back as its
text version does, every fact from such a page says so, and a figure the identities reject makes
the document partial with the one-digit correction proposed.

The sample is a synthetic disclosure (``budget synth``) rendered to PDF and then rasterised page
by page (no text layer left). The text version of the same PDF is the reference, read by the
same parser; where OCR differs, a check on that page must fail. A second disclosure carries a
total printed with one digit off (what an OCR misread produces), on a rasterised page.
"""

from __future__ import annotations

import ctypes
import io
import re
import shutil
import time
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import duckdb
import numpy as np
import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest

from pipeline.readers import read_document
from pipeline.readers.ocr import _upright
from pipeline.readers.pdfium_engine import cjk_font_installed
from pipeline.stage import stage_document
from pipeline.synth.corpus import write_corpus
from pipeline.synth.render import render_pdf
from pipeline.tables.segment import TableRegion
from pipeline.tables.subjects import SubjectRow, SubjectTable, uncode_repeated_ocr_codes
from tests.conftest import REPO, build_warehouse, run_budget

SCALE = 2  # the rasterised pages: 144 dpi, as a scanner's low setting
REAL_SCAN = REPO.parent / "shared" / "real" / "corpus" / "长沙" / "市场监督管理局_2026年部门预算_de5848.pdf"


def rasterise(
    source: Path,
    target: Path,
    pages: set[int] | None = None,
    sideways: frozenset[int] = frozenset(),
    numbered: frozenset[int] = frozenset(),
) -> Path:
    """The PDF with the given pages (all by default) replaced by images of themselves: no text layer.
    ``sideways``: of those, pages scanned turned a quarter (the image lies on its side, as from a
    scanner fed a table the long way); ``numbered``: pages whose image is stamped with its page
    number in a text layer (one character of text: the page is still an image)."""
    pdf = pypdfium2.PdfDocument(source)
    chosen = [n for n in range(1, len(pdf) + 1) if pages is None or n in pages]
    images = [pdf[n - 1].render(scale=SCALE).to_pil().convert("RGB") for n in chosen]
    images = [image.rotate(90, expand=True) if n in sideways else image for n, image in zip(chosen, images)]
    buffer = io.BytesIO()
    images[0].save(buffer, format="PDF", save_all=True, append_images=images[1:], resolution=72 * SCALE)
    scanned = pypdfium2.PdfDocument(buffer.getvalue())
    out = pypdfium2.PdfDocument.new()
    for n in range(1, len(pdf) + 1):
        if n in chosen:
            out.import_pages(scanned, [chosen.index(n)])
        else:
            out.import_pages(pdf, [n - 1])
    for n in numbered:
        _stamp(out, n, str(n))
    out.save(target)
    return target


def _stamp(pdf: pypdfium2.PdfDocument, number: int, text: str) -> None:
    """``text`` written on the page in its text layer, in its top right corner (Helvetica, 9 pt)."""
    page = pdf[number - 1]
    width, height = page.get_size()
    obj = pdfium_c.FPDFPageObj_NewTextObj(pdf.raw, b"Helvetica", 9)
    encoded = ctypes.create_string_buffer((text + "\0").encode("utf-16-le"))
    pdfium_c.FPDFText_SetText(obj, ctypes.cast(encoded, ctypes.POINTER(ctypes.c_ushort)))
    pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, width - 40, height - 30)
    pdfium_c.FPDFPage_InsertObject(page.raw, obj)
    pdfium_c.FPDFPage_GenerateContent(page.raw)
    page.close()


def _misprinted(text: str) -> str:
    """The disclosure with its 收支总表's 收入总计 printed one digit off."""
    match = re.search(r"收入总计</b>\t<b>([\d,]+\.\d\d)</b>", text)
    figure = match.group(1)
    wrong = figure[:-5] + str((int(figure[-5]) + 5) % 10) + figure[-4:]  # the units digit, 5 away
    return text[: match.start(1)] + wrong + text[match.end(1) :]


def _code_misread(text: str) -> str:
    """The disclosure with the second 项 of the first 款 of its 支出总表 that holds two printed with
    the code of the 项 above it (one digit off, as OCR misreads 2 for 1): the same code on two
    rows, with other amounts."""
    table = text.index("部门支出总体情况表", text.index("部门支出总体情况表") + 1)  # past the 目录
    rows = list(re.finditer(r"^(\d{3})\t(\d{2})\t(\d{2})\t", text[table:], re.M))
    first, second = next((a, b) for a, b in pairwise(rows) if a.group(1, 2) == b.group(1, 2))
    start, end = table + second.start(3), table + second.end(3)
    return text[:start] + first.group(3) + text[end:]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    if not cjk_font_installed():  # the samples' font is not embedded: its glyphs would render blank
        pytest.skip(
            "no CJK font to render the samples' pages as images (Debian: fonts-wqy-zenhei, as .ci/run installs)"
        )
    work = tmp_path_factory.mktemp("ocr")
    texts = write_corpus(work / "synth", 2, [2026], ["text"], seed=0)
    reference = render_pdf(texts[0], work / "reference.pdf")
    misprint_text = work / "misprint.txt"
    misprint_text.write_text(_misprinted(texts[1].read_text(encoding="utf-8")), encoding="utf-8")
    (third,) = write_corpus(work / "synth_other", 1, [2026], ["text"], seed=2)
    misread_text = work / "misread_code.txt"
    misread_text.write_text(_code_misread(third.read_text(encoding="utf-8")), encoding="utf-8")
    raw = work / "raw"
    raw.mkdir()
    # page 4 stamped with its page number: an image page whose text layer holds one character
    rasterise(reference, raw / "scanned.pdf", numbered=frozenset({4}))
    rasterise(
        render_pdf(misprint_text, work / "misprint.pdf"),
        raw / "misprint_scanned_page_1.pdf",
        pages={1},
        sideways=frozenset({1}),
    )
    rasterise(render_pdf(misread_text, work / "misread_code.pdf"), raw / "misread_code_scanned_page_4.pdf", pages={4})
    return {"reference": reference, "raw": raw}


@pytest.fixture(scope="module")
def warehouse(corpus) -> Path:
    warehouse = corpus["raw"].parent / "warehouse" / "budget.duckdb"
    result = build_warehouse(corpus["raw"], warehouse)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return warehouse


@pytest.fixture(scope="module")
def sql(warehouse):
    con = duckdb.connect(str(warehouse), read_only=True)
    yield lambda text, *params: con.execute(text, list(params)).fetchall()
    con.close()


def _figures(rows, printed_only: bool = False) -> dict[tuple, Decimal]:
    """Fact key → value; ``printed_only``: the figures printed (a blank cell is no figure)."""
    return {tuple(r[:-1]): r[-1] for r in rows if r[-1] is not None or not printed_only}


FACTS = {
    "subject_amounts": "table_kind, subject_code, subject_name, project_name, row_kind, measure, page, amount_wan",
    "line_items": "table_kind, side, item_key, line_label, measure, page, amount_wan",
    "narrative_facts": "fact_kind, fact_key, page, value",
}


def test_a_rasterised_disclosure_reads_back_with_its_figures_and_every_difference_flagged(corpus, warehouse, sql):
    reference = stage_document(corpus["reference"])
    assert reference.status["status"] == "loaded" and reference.status["pages_ocr"] == 0
    scanned_id = sql("select document_id from document_status where file_name = 'scanned.pdf'")[0][0]
    total = same = 0
    differing_pages: set[int] = set()
    for table, columns in FACTS.items():
        expected = _figures(reference.frames[table].select(columns.split(", ")).rows(), printed_only=True)
        read = _figures(sql(f"select {columns} from parsed.{table} where document_id = ?", scanned_id))
        assert sql(f"select distinct read_method from parsed.{table} where document_id = ?", scanned_id) == [("ocr",)]
        total += len(expected)
        same += sum(1 for key, value in expected.items() if key in read and read[key] == value)
        differing_pages |= {key[-1] for key, value in expected.items() if read.get(key, "missing") != value}
    assert same / total >= 0.99, f"{same} of {total} figures read as printed"
    failing_pages = {
        int(page)
        for (cells,) in sql("select cells from dq_check_result where document_id = ? and status = 'fail'", scanned_id)
        for page in re.findall(r"page (\d+)", cells or "")
    }
    assert differing_pages <= failing_pages, "a figure OCR misread on a page where no check fails"


def test_every_fact_of_an_ocr_page_carries_how_it_was_read_and_the_engines_confidence(sql):
    """The misprinted disclosure: page 1 (its 收支总表) rasterised, the other pages text."""
    for table in FACTS:
        rows = sql(
            f"select read_method, page = 1, min(ocr_confidence), max(ocr_confidence) from parsed.{table} "
            "join parsed.documents using (document_id) where file_name = 'misprint_scanned_page_1.pdf' group by all"
        )
        for method, on_page_1, low, high in rows:
            assert method == ("ocr" if on_page_1 else "text")
            assert (0 < low <= high <= 1) if on_page_1 else (low, high) == (None, None)
    assert ("ocr", True) in {
        r[:2]
        for r in sql(
            "select read_method, page = 1, count(*) from parsed.line_items join parsed.documents using (document_id) "
            "where file_name = 'misprint_scanned_page_1.pdf' group by all"
        )
    }


def test_every_mart_row_says_how_its_figures_were_read(sql):
    """Provenance reaches the tables analysts read: each row of a fct_* table (and the other tables
    that trace rows to a page) says whether any of its figures was read by OCR, with the lowest
    confidence among them; mart_unit_year counts the unit-year's OCR'd pages."""
    traced = [
        table
        for (table,) in sql(
            "select table_name from duckdb_columns() where schema_name = 'main' and column_name = 'read_method'"
        )
    ]
    assert {"fct_appropriation", "fct_table_line", "fct_three_public", "fct_budget_change"} <= set(traced)
    for table in traced:
        by_file = {
            file: (methods, low, high)
            for file, methods, low, high in sql(
                f"select file_name, list(distinct read_method order by read_method), min(ocr_confidence), "
                f"max(ocr_confidence) from {table} join document_status using (document_id) group by file_name"
            )
        }
        if "scanned.pdf" in by_file:  # every page of it is an image
            methods, low, high = by_file["scanned.pdf"]
            assert methods == ["ocr"] and 0 < low <= high <= 1, (table, by_file)
        if table in ("fct_table_line", "fct_document_table"):  # rows of its page 1 (OCR) and of its text pages
            assert by_file["misprint_scanned_page_1.pdf"][0] == ["ocr", "text"], table
    for table, rows in [
        (
            t,
            sql(
                f"select read_method, ocr_confidence, page from {t} join document_status using (document_id) "
                "where file_name = 'misprint_scanned_page_1.pdf'"
            ),
        )
        for t in ("fct_table_line", "fct_document_table")
    ]:
        for method, confidence, page in rows:
            assert (method, confidence is None) == (("ocr", False) if page == 1 else ("text", True)), (table, page)
    counted = dict(
        sql(
            "select file_name, u.pages_ocr = d.pages_ocr from mart_unit_year u join document_status d using (document_id)"
        )
    )
    assert {"misprint_scanned_page_1.pdf", "scanned.pdf"} <= counted.keys() and all(counted.values()), counted


def test_a_figure_failing_its_sums_on_an_ocr_page_makes_the_document_partial_with_a_correction_proposed(sql):
    status, reason, pages_ocr = sql(
        "select status, reason, pages_ocr from document_status where file_name = 'misprint_scanned_page_1.pdf'"
    )[0]
    assert (status, pages_ocr) == ("partial", 1)
    assert "figures read by OCR fail their checks" in reason and "one misread digit fixes every one" in reason
    proposals = sql(
        "select check_name, proposed_correction from dq_check_result "
        "where status = 'fail' and proposed_correction is not null and document_id = "
        "(select document_id from document_status where file_name = 'misprint_scanned_page_1.pdf')"
    )
    assert proposals and all(name in reason for name, _ in proposals)
    assert any("read as" in text for _, text in proposals), proposals
    # the warehouse keeps the figure as printed: nothing is corrected silently
    printed = sql(
        "select amount_wan from fct_table_line join document_status using (document_id) "
        "where file_name = 'misprint_scanned_page_1.pdf' and table_kind = 'budget_summary' and side = 'income' "
        "and item_key = 'income_total' and measure = 'total'"
    )
    assert printed


def _document(sql, file_name: str) -> str:
    return sql("select document_id from document_status where file_name = ?", file_name)[0][0]


def test_an_image_page_whose_text_layer_holds_only_its_page_number_is_read_by_ocr(sql):
    """scanned.pdf's page 4 carries its page number in a text layer over the image. Read by hand
    from the page image: its 支出总表 rows (合计 | 基本支出 | 项目支出)."""
    document_id = _document(sql, "scanned.pdf")
    rows = sql(
        "select subject_code, measure, amount_wan, read_method from parsed.subject_amounts "
        "where document_id = ? and table_kind = 'expenditure' and page = 4 and amount_wan is not null",
        document_id,
    )
    read = {(code, measure): amount for code, measure, amount, _ in rows}
    assert {method for *_, method in rows} == {"ocr"}
    printed = {
        ("2080501", "total"): "1867.20",
        ("2080501", "basic"): "1867.20",
        ("2080506", "total"): "378.72",
        ("2101103", "total"): "537.51",
        ("2130101", "total"): "725.09",
        ("2130101", "basic"): "543.81",
        ("2130101", "project"): "181.28",
        ("2130122", "total"): "599.20",
        ("2210201", "total"): "426.68",
    }
    assert {key: read.get(key) for key in printed} == {key: Decimal(v) for key, v in printed.items()}
    pages_ocr, reason = sql("select pages_ocr, reason from document_status where document_id = ?", document_id)[0]
    assert pages_ocr == 9 and "pages read by OCR: 1, 2, 3, 4, 5" in reason


def test_a_page_scanned_sideways_is_turned_upright_and_read(sql):
    """misprint_scanned_page_1.pdf's page 1 is an image lying on its side. Read by hand from the
    page image (its 收支总表, 预算数): the income lines and the expenditure classes with figures."""
    document_id = _document(sql, "misprint_scanned_page_1.pdf")
    assert (
        "turned upright for OCR: 1 (90° clockwise)"
        in sql("select reason from document_status where document_id = ?", document_id)[0][0]
    )
    read = dict(
        sql(
            "select coalesce(item_key, line_label), amount_wan from parsed.line_items where document_id = ? "
            "and table_kind = 'budget_summary' and page = 1 and measure = 'total' and amount_wan is not null",
            document_id,
        )
    )
    printed = {
        "current_year_income": "10358.43",
        "general_public_budget": "10358.43",
        "general_fiscal": "9231.46",
        "upper_transfer": "1126.97",
        "教育支出": "4329.76",
        "社会保障和就业支出": "1267.70",
        "卫生健康支出": "2928.75",
        "住房保障支出": "1832.22",
    }
    assert read == {key: Decimal(v) for key, v in printed.items()}


def test_a_page_scanned_upside_down_is_turned_half_round(corpus):
    """The direction classifier decides a half turn: the boxes of an upside-down page are as wide
    as an upright page's. (Detection only, at 108 dpi: no recognition.)"""
    image = pypdfium2.PdfDocument(corpus["reference"])[0].render(scale=1.5).to_pil().convert("RGB")
    _, turns, found = _upright(np.asarray(image.rotate(180)), time.process_time() + 60)
    assert turns == 2 and found is not None


def test_a_subject_code_misread_on_an_ocr_page_fails_a_check_on_its_rows_rather_than_reject_the_document(sql):
    """misread_code_scanned_page_4.pdf prints, on its rasterised page 4 (支出总表), the code of its
    学前教育 row on the 小学教育 row below it too (what OCR reading a 2 as 1 gives): the code on two
    rows. The document is partial, not rejected; the check names the code and the page; the rows
    keep their figures, coded again from the names the document's other tables give them. Read by
    hand from the page image: 学前教育 354.89 (项目), 小学教育 91.98 (项目)."""
    document_id = _document(sql, "misread_code_scanned_page_4.pdf")
    status, reason = sql("select status, reason from document_status where document_id = ?", document_id)[0]
    assert status == "partial", reason
    assert "ocr_subject_code_once_per_table (2050201)" in reason and "subject 2050201 read by OCR" in reason
    assert sql(
        "select cells from dq_check_result where document_id = ? and check_name = 'ocr_subject_code_once_per_table' "
        "and subject = '2050201' and status = 'fail'",
        document_id,
    ) == [("page 4 line 8, page 4 line 9",)]
    read = dict(
        sql(
            "select subject_name, amount_wan from parsed.subject_amounts where document_id = ? "
            "and table_kind = 'expenditure' and page = 4 and measure = 'project' and subject_code in ('2050201', '2050202')",
            document_id,
        )
    )
    assert read == {"学前教育": Decimal("354.89"), "小学教育": Decimal("91.98")}


def _subject_table(kind: str, rows: list[tuple[str, str, int]]) -> SubjectTable:
    """A staged subject table of (code, name, page) rows, each with one figure."""
    region = TableRegion(kind, "支出总表", 3, 1, 1, rows[0][2])
    return SubjectTable(
        region,
        [
            SubjectRow("subject", code, name, None, {"total": Decimal(i)}, i, page)
            for i, (code, name, page) in enumerate(rows)
        ],
        ["total"],
    )


def test_a_code_repeated_only_on_text_layer_rows_is_left_to_the_invariant_and_one_on_an_ocr_page_is_uncoded():
    """Only rows read by OCR are taken for misread: a text layer printing one code twice is a
    table that breaks the invariant (the document is rejected, as before)."""
    table = _subject_table("expenditure", [("2010101", "行政运行", 2), ("2010101", "一般行政管理事务", 2)])
    assert uncode_repeated_ocr_codes({"expenditure": table}, ocr_pages={3}) == []
    assert [r.subject_code for r in table.rows] == ["2010101", "2010101"]
    rows = [("2010101", "行政运行", 2), ("2010101", "一般行政管理事务", 3), ("2010102", "机关服务", 3)]
    table = _subject_table("expenditure", rows)
    (problem,) = uncode_repeated_ocr_codes({"expenditure": table}, ocr_pages={3})
    assert "subject 2010101 read by OCR on more than one row (page 2 line 0, page 3 line 1)" in problem
    assert [(r.row_kind, r.subject_code) for r in table.rows] == [
        ("subject", "2010101"),
        ("uncoded", None),
        ("subject", "2010102"),
    ]


def test_explain_says_a_figure_was_read_by_ocr_and_with_what_confidence(corpus, warehouse):
    result = run_budget(
        "explain",
        "fct_table_line",
        "table_kind = 'budget_summary' and read_method = 'ocr'",  # a row of a scan (rows come in no set order)
        "--limit",
        "1",
        "--raw-dir",
        str(corpus["raw"]),
        "--warehouse",
        str(warehouse),
        BUDGET_OCR_MAX_PAGES="1",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert re.search(r"read by OCR, confidence 0\.\d\d", result.stdout), result.stdout


def test_ocr_off_leaves_image_pages_unread_and_names_them(corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("BUDGET_OCR", "off")
    one_scanned = rasterise(corpus["reference"], tmp_path / "one_scanned.pdf", pages={2})
    staged = stage_document(one_scanned)
    assert staged.status["pages_ocr"] == 0
    assert "pages without a text layer (scanned, not read): 2" in staged.status["reason"]


@pytest.mark.skipif(not REAL_SCAN.exists(), reason="the real corpus (../shared/real/corpus) is not beside the checkout")
def test_a_real_scanned_page_reads_the_figures_printed_on_it(monkeypatch):
    """长沙市市场监督管理局's 2022 project evaluation, published as a scan (6 pages, no text layer).
    Figures read by hand from the image of page 1: 年初预算 12,954.16 万元 (部门预算 3,683.76, 公共项目
    9,270.40), 调整后 13,205.30 (4,209.23 + 8,996.07), 实际支出 12,667.08. Only page 1 is OCR'd here.
    (It was needs_ocr; read now, it is what it is: an evaluation report, not a budget disclosure.)"""
    monkeypatch.setenv("BUDGET_OCR_MAX_PAGES", "1")
    doc = read_document(REAL_SCAN)
    assert doc.ocr_pages.keys() == {1} and "not OCR'd" in " ".join(doc.problems)
    text = "".join("".join(b.text.split()) for b in doc.blocks)
    for figure in ("12,954.16", "3,683.76", "9,270.40", "13,205.30", "4,209.23", "8,996.07", "12,667.08"):
        assert figure in text
    assert all(b.confidence is not None and 0 < b.confidence <= 1 for b in doc.blocks)


def test_a_copy_of_the_sample_is_not_ocrd_twice(corpus, tmp_path):
    """Only pages without a text layer are OCR'd: the text version reads in well under a second."""
    copy = tmp_path / "reference.pdf"
    shutil.copy(corpus["reference"], copy)
    staged = stage_document(copy)
    assert staged.status["pages_ocr"] == 0 and staged.status["parse_seconds"] < 5


REAL_NARRATIVE = (
    REPO.parent
    / "shared"
    / "real"
    / "corpus"
    / "北京"
    / "政务服务和数据管理局_附件1：北京市政务服务和数据管理局2026年度部门预算情况说明_2835cd.pdf"
)


@pytest.mark.skipif(not REAL_NARRATIVE.exists(), reason="the real corpus is not beside the checkout")
def test_a_real_scanned_budget_narrative_states_its_headline_figures(monkeypatch):
    """北京市政务服务和数据管理局's 2026 情况说明, published as a scan (8 pages, no text layer; its
    tables are the other file, 附件2). Read by hand from the page images: p5 收入预算 101,673.03 万元,
    比 2025 年 99,003.18 增加 2,669.85, 增长 2.7%; p6 支出预算 101,673.03 (基本 38,197.01 + 项目
    63,408.16 + 年终结转结余 67.86); p7 “三公” 80.11 (出国 51.3 + 接待 7.25 + 公车 21.56), 减少 8.35."""
    monkeypatch.setenv("BUDGET_OCR_SCALE", "1.5")  # its print is large: 108 dpi reads it as well, in less time
    staged = stage_document(REAL_NARRATIVE)
    status = staged.status
    assert (status["status"], status["unit_name"], status["year"], status["content"]) == (
        "loaded",
        "北京市政务服务和数据管理局",
        2026,
        "narrative",
    )
    assert status["pages_ocr"] == 8
    facts = {
        (r["fact_kind"], r["fact_key"]): r["value"] for r in staged.frames["narrative_facts"].iter_rows(named=True)
    }
    assert facts[("totals", "income_total")] == Decimal("101673.03")
    assert facts[("totals", "expenditure_total")] == Decimal("101673.03")
    assert facts[("three_public", "total")] == Decimal("80.11")
    changes = {r["item_kind"]: r for r in staged.frames["budget_changes"].iter_rows(named=True)}
    assert changes["income_total"]["change_wan"] == Decimal("2669.85")
    assert changes["three_public_total"]["change_wan"] == Decimal("-8.35")
    assert set(staged.frames["narrative_facts"]["read_method"]) == {"ocr"}
