"""Real disclosures from ../shared/real/corpus through the whole build, against figures read by hand.

The expected figures in tests/real_figures/<city>.json were read from the PDFs by people (page
images and text layer), each checked against the document's own sums (``sum_checks``), never
taken from this parser. One warehouse is built from those documents, a few files that are not
budget disclosures, a final-accounts file, and one document whose table breaks an invariant.
"""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.conftest import RAW, REPO, build_warehouse, run_budget

CORPUS = REPO.parent / "shared" / "real" / "corpus"
FIGURES = Path(__file__).parent / "real_figures"

pytestmark = pytest.mark.skipif(
    not CORPUS.is_dir(), reason="the real corpus (../shared/real/corpus) is not beside the checkout"
)


def _hand_read() -> list[tuple[str, dict]]:
    documents = []
    for path in sorted(FIGURES.glob("*.json")):
        city = json.loads(path.read_text(encoding="utf-8"))
        documents += [(city["city"], doc) for doc in city["documents"]]
    return documents


HAND_READ = _hand_read()
# files that are not budget disclosures, and a final-accounts (决算) file mislabelled 部门预算
OTHER_FILES = {
    ("南宁", "财政局_2026年部门预算_f370ec.pdf"): "not_budget_disclosure",  # a website's annual statistics form
    ("宁波", "卫生健康委员会_2026年部门预算_db73bc.pdf"): "not_budget_disclosure",  # an inspection notice
    ("包头", "生态环境局_2026年部门预算_98b8e9.pdf"): "not_budget_disclosure",  # a compliance checklist
    ("佛山", "2026年佛山市交通运输局部门预算_3bffe2.pdf"): "final_accounts",  # 2019年佛山市轨道交通局部门决算
}
# A disclosure published as two files: 北京市审计局's 情况说明 (narrative) beside its 报表 (tables, hand-read above)
NARRATIVE_PART = ("北京", "2026年北京市审计局部门预算_cc6b58.pdf")
TABLES_PART = ("北京", "审计局_附件2：北京市审计局2026年度部门预算报表_d58caa.pdf")
# Regression: a document whose 支出 table prints one subject twice with different amounts once
# broke a uniqueness test and withheld the whole night's warehouse.
BROKEN = "broken_duplicate_subject.txt"


def _wan(value: str | None, unit: str) -> Decimal | None:
    if value is None:
        return None
    amount = Decimal(value)
    return amount / 10000 if unit == "元" else amount


@pytest.fixture(scope="module")
def real_build(tmp_path_factory) -> tuple[Path, Path]:
    """(raw folder, warehouse) of the hand-read documents and the other files above."""
    raw = tmp_path_factory.mktemp("real") / "raw"
    for city, doc in HAND_READ:
        (raw / city).mkdir(parents=True, exist_ok=True)
        shutil.copy(CORPUS / city / doc["file"], raw / city / doc["file"])
    for city, name in [*OTHER_FILES, NARRATIVE_PART]:
        (raw / city).mkdir(parents=True, exist_ok=True)
        shutil.copy(CORPUS / city / name, raw / city / name)
    sample = (RAW / "000_012a7a841613941f.txt").read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(sample) if line.startswith("208\t01\t09\t"))  # first: the 收入 table
    doubled = sample[row].replace("387.00", "999.99")
    (raw / "xinjiang").mkdir()
    (raw / "xinjiang" / BROKEN).write_text(
        "\n".join(sample[: row + 1] + [doubled] + sample[row + 1 :]), encoding="utf-8"
    )
    warehouse = raw.parent / "warehouse" / "budget.duckdb"
    result = build_warehouse(raw, warehouse)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return raw, warehouse


@pytest.fixture(scope="module")
def real_sql(real_build):
    con = duckdb.connect(str(real_build[1]), read_only=True)
    yield lambda text, *params: con.execute(text, list(params)).fetchall()
    con.close()


@pytest.mark.parametrize("city, doc", HAND_READ, ids=[f"{c}-{d['unit_name']}" for c, d in HAND_READ])
def test_discloser_year_and_scope_are_read_as_printed(real_sql, city, doc):
    rows = real_sql(
        "select unit_name, year, doc_kind, status from document_status where file_name = ?", f"{city}/{doc['file']}"
    )
    assert len(rows) == 1
    unit_name, year, scope, status = rows[0]
    assert status in ("loaded", "partial"), rows
    assert unit_name == doc["unit_name"].removesuffix("（汇总）")
    assert (year, scope) == (doc["year"], doc["scope"])


@pytest.mark.parametrize("city, doc", HAND_READ, ids=[f"{c}-{d['unit_name']}" for c, d in HAND_READ])
def test_headline_figures_equal_the_document(real_sql, city, doc):
    figures, unit = doc["figures"], doc["published_unit"]
    row = real_sql(
        "select total_budget_wan, expenditure_total_wan, basic_wan, project_wan from mart_unit_year "
        "join document_status using (document_id) where file_name = ?",
        f"{city}/{doc['file']}",
    )
    assert len(row) == 1, f"{doc['file']} is not in mart_unit_year"
    expected = [
        _wan(figures.get("income_total"), unit),
        _wan(figures.get("expenditure_table_total", figures.get("expenditure_total")), unit),
        _wan(figures.get("basic"), unit),
        _wan(figures.get("project"), unit),
    ]
    actual = list(row[0])
    # a figure the document prints blank is NULL (an all-basic unit's 项目支出 column)
    assert actual == expected, dict(zip(["收入总计", "支出总计", "基本", "项目"], zip(actual, expected)))


@pytest.mark.parametrize("city, doc", HAND_READ, ids=[f"{c}-{d['unit_name']}" for c, d in HAND_READ])
def test_general_public_budget_personnel_and_public_funds_equal_the_document(real_sql, city, doc):
    """一般公共预算拨款 (收支总表, or 财政拨款收支总表 where the former prints only 财政拨款), and
    人员经费 / 公用经费 of the 基本支出 table (by definition from its classes where it has no such
    columns: 人员 = 301 + 303, as the readers summed them by hand)."""
    figures = doc["figures"]
    basic_unit = doc.get("figure_units", {}).get("basic_expenditure", doc["published_unit"])
    row = real_sql(
        "select general_public_budget_wan, personnel_wan, public_wan from mart_unit_year "
        "join document_status using (document_id) where file_name = ?",
        f"{city}/{doc['file']}",
    )[0]
    expected = [
        _wan(figures.get("general_public_budget"), doc["published_unit"]),
        _wan(figures.get("personnel"), basic_unit),
        _wan(figures.get("public"), basic_unit),
    ]
    compared = [(a, e) for a, e in zip(row, expected) if e is not None]
    assert compared and all(a == e for a, e in compared), compared


@pytest.mark.parametrize("city, doc", HAND_READ, ids=[f"{c}-{d['unit_name']}" for c, d in HAND_READ])
def test_three_public_figures_equal_the_document(real_sql, city, doc):
    figures = doc["figures"]
    unit = doc.get("figure_units", {}).get("three_public", doc["published_unit"])
    row = real_sql(
        "select total_wan, overseas_wan, reception_wan, vehicle_total_wan, vehicle_purchase_wan, vehicle_operation_wan "
        "from fct_three_public join document_status using (document_id) where file_name = ?",
        f"{city}/{doc['file']}",
    )
    expected = [
        _wan(figures.get(k), unit)
        for k in (
            "three_public_total",
            "three_public_overseas",
            "three_public_reception",
            "three_public_vehicle_total",
            "three_public_vehicle_purchase",
            "three_public_vehicle_operation",
        )
    ]
    if expected[3] is None and (
        figures.get("three_public_vehicle_purchase") or figures.get("three_public_vehicle_operation")
    ):
        expected[3] = sum(
            _wan(figures.get(k), unit) or 0 for k in ("three_public_vehicle_purchase", "three_public_vehicle_operation")
        )
    assert len(row) == 1
    # zero and blank are the same statement of “nothing budgeted” here; compare as amounts
    assert [v or 0 for v in row[0]] == [v or 0 for v in expected]


@pytest.mark.parametrize("key, status", OTHER_FILES.items(), ids=[k[1][:20] for k in OTHER_FILES])
def test_files_that_are_not_budget_disclosures_are_kept_out(real_sql, key, status):
    rows = real_sql("select status, reason, is_current from document_status where file_name = ?", f"{key[0]}/{key[1]}")
    assert rows[0][0] == status and rows[0][1] and not rows[0][2]


def test_a_document_breaking_an_invariant_is_rejected_and_the_rest_publishes(real_sql):
    status, reason, current = real_sql(
        "select status, reason, is_current from document_status where file_name = ?", f"xinjiang/{BROKEN}"
    )[0]
    assert status == "rejected" and not current
    assert "subject_code_once_per_table" in reason and "2080109" in reason
    assert real_sql("select count(*) from mart_unit_year")[0][0] == len(HAND_READ)


def test_every_loaded_document_is_in_the_marts(real_sql):
    """No silent drops: every current loaded document's unit-year is a row of mart_unit_year."""
    loaded = real_sql(
        "select count(distinct (unit_key, year)) from document_status where status in ('loaded', 'partial') and is_current"
    )[0][0]
    in_marts = real_sql("select count(*) from mart_unit_year")[0][0]
    assert loaded == in_marts == len(HAND_READ)
    missing = real_sql(
        "select file_name from document_status where status in ('loaded', 'partial') and is_current "
        "and (unit_key, year) not in (select (unit_key, year) from mart_unit_year)"
    )
    assert missing == []


def test_a_disclosure_in_two_files_is_one_unit_year_with_tables_from_one_and_narrative_from_the_other(real_sql):
    parts = dict(
        real_sql(
            "select content, status from document_status where file_name in (?, ?)",
            "/".join(NARRATIVE_PART),
            "/".join(TABLES_PART),
        )
    )
    assert parts == {"narrative": "loaded", "tables": "loaded"}  # neither supersedes the other
    # 收入总计 from the 报表; 机关运行经费 1637.76 and 政府采购 4988.73 (= 238.78 + 0 + 4749.95) from the 情况说明
    row = real_sql(
        "select total_budget_wan, operating_funds_wan, procurement_total_wan from mart_unit_year "
        "where unit_name = '北京市审计局' and year = 2026"
    )
    assert row == [(Decimal("32852.053832"), Decimal("1637.760000"), Decimal("4988.730000"))]


CORE_CHECKS = (
    "summary_income_equals_expenditure",
    "basic_plus_project_expenditure",
    "total_row_expenditure",
    "hierarchy_expenditure",
    "three_public_items_sum_to_total",
    "three_public_vehicle_sum",
)


@pytest.mark.parametrize("city, doc", HAND_READ, ids=[f"{c}-{d['unit_name']}" for c, d in HAND_READ])
def test_the_core_checks_pass_on_documents_whose_own_sums_hold(real_sql, city, doc):
    """A check that fails on a correct document is a defect of the check (the hand-read sums hold
    in these documents, except where a figure is printed blank)."""
    if doc["figures"].get("income_total") is None:
        pytest.skip("the document prints its 收入总计 blank: its summary check rightly fails")
    failing = real_sql(
        "select check_name, subject, expected_wan, actual_wan from dq_check_result join document_status using (document_id) "
        f"where file_name = ? and dq_check_result.status = 'fail' and check_name in {CORE_CHECKS}",
        f"{city}/{doc['file']}",
    )
    assert failing == []


def test_explain_names_the_page_and_row_of_a_pdf_figure(real_build):
    """广州市信访局 (hand-read, tests/real_figures/广州.json): “三公” 4.80 on page 15, the 支出总表 on page 8
    with 社会保障和就业支出 (208) 419.35."""
    raw, warehouse = real_build
    unit = "unit_key in (select unit_key from dim_unit where unit_name = '广州市信访局')"

    def explain(*args):
        result = run_budget("explain", *args, "--raw-dir", str(raw), "--warehouse", str(warehouse))
        assert result.returncode == 0, result.stderr
        return [line.strip() for line in result.stdout.splitlines() if line.strip().startswith("source:")]

    [three_public] = explain("fct_three_public", unit)
    assert "信访局_2026年部门预算_58417d.pdf page 15 row" in three_public and "“三公”经费 | 4.80" in three_public
    [social_security] = explain("fct_appropriation", f"{unit} and subject_code = '208'")
    assert "page 8 row" in social_security and "社会保障和就业支出 | 419.35" in social_security
    # the checks name the page too
    [(cells,)] = (
        duckdb.connect(str(warehouse), read_only=True)
        .execute(
            "select cells from dq_check_result join document_status using (document_id) "
            "where unit_name = '广州市信访局' and check_name = 'three_public_items_sum_to_total'"
        )
        .fetchall()
    )
    assert cells.startswith("page 15 row ")
