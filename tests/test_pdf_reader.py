"""The PDF reader on a real province's template and on PDFs that cannot be read."""

from decimal import Decimal as D
from pathlib import Path

import polars as pl
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from pipeline.intermediate import UnreadableDocument
from pipeline.readers import pdf as pdf_reader
from pipeline.stage import stage_document

SHANGHAI = Path(__file__).resolve().parents[2] / "shared" / "real" / "上海市普陀区司法局_2026_部门预算.pdf"


@pytest.fixture(scope="module")
def shanghai():
    if not SHANGHAI.exists():
        pytest.skip(f"{SHANGHAI} is not beside the repository")
    return stage_document(SHANGHAI)


def _lines(staged, **where) -> dict:
    frame = staged.frames["line_items"]
    for column, value in where.items():
        frame = frame.filter(pl.col(column) == value)
    return {(r["item_key"], r["measure"]): r["amount_wan"] for r in frame.iter_rows(named=True)}


def test_shanghai_template_tables_are_recognised_by_meaning(shanghai):
    assert shanghai.status["status"] == "loaded"
    assert shanghai.status["unit_name"] == "上海市普陀区司法局" and shanghai.status["year"] == 2026
    tables = dict(shanghai.frames["tables"].select("table_kind", "published_unit").iter_rows())
    assert tables == {
        "budget_summary": "元",
        "income": "元",
        "expenditure": "元",
        "fiscal_summary": "元",
        "gpb_expenditure": "元",
        "government_fund": "元",
        "state_capital": "元",
        "basic_expenditure": "元",
        "three_public": "万元",
    }
    assert "pages without a text layer" in shanghai.status["reason"]  # its table-of-contents page 3 is a scan


def test_shanghai_amounts_in_yuan_convert_losslessly(shanghai):
    summary = _lines(shanghai, table_kind="budget_summary", side="income")
    assert summary[("income_total", "total")] == D("9628.221344")  # 96,282,213.44 元
    assert summary[("general_public_budget", "total")] == D("9628.221344")
    amounts = shanghai.frames["subject_amounts"]
    expenditure = {
        (r["subject_code"], r["measure"]): r["amount_wan"]
        for r in amounts.filter(pl.col("table_kind") == "expenditure").iter_rows(named=True)
    }
    assert expenditure[("2040604", "project")] == D("2170.3947")
    assert expenditure[("2210203", "total")] == D("243.36")
    basic_total = amounts.filter((pl.col("table_kind") == "basic_expenditure") & (pl.col("row_kind") == "total"))
    assert dict(basic_total.select("measure", "amount_wan").iter_rows()) == {
        "total": D("2574.166644"),
        "personnel": D("2356.3342"),
        "public": D("217.832444"),
    }


def test_shanghai_combined_three_public_and_operating_funds_table(shanghai):
    three = _lines(shanghai, table_kind="three_public")
    assert three[("total", "total")] == D("10.81")
    assert three[("reception", "total")] == D("0.83")
    assert three[("vehicle_operation", "total")] == D("9.98")
    assert three[("vehicle_purchase", "total")] == D(0)
    assert three[("operating_funds", "total")] == D("217.83")


def test_shanghai_narrative_execution_basis_and_facts(shanghai):
    changes = shanghai.frames["budget_changes"]
    item = changes.filter(pl.col("stated_subject_code") == "2040601").row(0, named=True)
    assert (item["current_wan"], item["change_wan"], item["change_pct"], item["prior_basis"]) == (
        D("1672.67"),
        D("-18.02"),
        D("-1.07"),
        "execution",
    )
    flat = changes.filter(pl.col("item_kind") == "three_public_reception").row(0, named=True)
    assert (flat["current_wan"], flat["change_wan"]) == (D("0.83"), D(0))
    facts = {r["fact_key"]: r["value"] for r in shanghai.frames["narrative_facts"].iter_rows(named=True)}
    assert facts["procurement_total"] == D("1486.42") and facts["small_micro_reserved"] == D("1486.42")
    assert facts["vehicle_count"] == 3 and facts["vehicle_enforcement_count"] == 3
    assert (facts["as_of_year"], facts["as_of_month"], facts["as_of_day"]) == (2025, 8, 31)
    assert "house_area_m2" not in facts  # the template states no buildings: absent, not zero


def _pdf(path: Path, draw, encrypt: str | None = None) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
    draw(c)
    c.save()
    return path


def test_scanned_pdf_needs_ocr(tmp_path):
    def draw(c):
        for _ in range(2):
            c.rect(50, 50, 400, 600, fill=1)  # an image-like page: no text layer
            c.showPage()

    staged = stage_document(_pdf(tmp_path / "scan.pdf", draw))
    assert staged.status["status"] == "needs_ocr"
    assert "OCR" in staged.status["reason"]


def test_encrypted_pdf_is_reported(tmp_path):
    from reportlab.lib import pdfencrypt

    def draw(c):
        c.drawString(100, 700, "budget")

    enc = pdfencrypt.StandardEncryption("secret-user", "secret-owner", canPrint=0)
    staged = stage_document(_pdf(tmp_path / "locked.pdf", draw, encrypt=enc))
    assert staged.status["status"] == "encrypted"


def test_corrupt_and_truncated_pdfs_are_reported(tmp_path):
    good = _pdf(tmp_path / "good.pdf", lambda c: c.drawString(100, 700, "hello"))
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(good.read_bytes()[:300])
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 20)
    for path in (truncated, garbage):
        staged = stage_document(path)
        assert staged.status["status"] in {"corrupt", "not_budget_disclosure", "needs_ocr"}, staged.status
        assert staged.status["reason"]


def test_pdf_without_tables_is_not_a_budget_disclosure(tmp_path):
    def draw(c):
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        c.setFont("STSong-Light", 12)
        c.drawString(80, 700, "关于召开年度工作会议的通知")
        c.drawString(80, 680, "各科室：定于下周一上午召开会议，请准时参加。")

    staged = stage_document(_pdf(tmp_path / "notice.pdf", draw))
    assert staged.status["status"] == "not_budget_disclosure"


def test_page_limit_stops_a_huge_pdf(tmp_path):
    def draw(c):
        for i in range(5):
            c.drawString(100, 700, f"page {i}")
            c.showPage()

    with pytest.raises(UnreadableDocument) as err:
        pdf_reader.read(tmp_path / "big.pdf", _pdf(tmp_path / "big.pdf", draw).read_bytes(), max_pages=3)
    assert err.value.status == "too_large"
