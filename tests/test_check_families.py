"""The reconciliation checks in families, and their one tolerance rule (dbt_project/macros/tolerance.sql):
half the last printed digit of each figure compared, in its table's unit, converted to 万元.

One build of copies of sample 000, each with one planted change; every test compares a copy's
failing checks with those of the unmodified copy, so what is left is what the change caught."""

from __future__ import annotations

import re
from decimal import Decimal as D

import duckdb
import pytest

from pipeline.intermediate import Block
from pipeline.stage import printed_decimals
from pipeline.tables.segment import TableRegion
from tests.conftest import RAW, build_warehouse

SAMPLE = next(RAW.glob("000_*")).read_text(encoding="utf-8")
EXPENDITURE_TABLE = SAMPLE.index("部门支出总体情况表\n\n编制部门")  # 表 3, after its contents entry
EXPENDITURE_END = SAMPLE.index("表 4", EXPENDITURE_TABLE)


def _in_expenditure_table(old: str, new: str, text: str = SAMPLE) -> str:
    """The sample with one row of its 支出总体情况表 changed (to a figure of as many characters)."""
    assert len(old) == len(new) and len(text) == len(SAMPLE)
    assert text.count(old, EXPENDITURE_TABLE, EXPENDITURE_END) == 1, old
    table = text[EXPENDITURE_TABLE:EXPENDITURE_END].replace(old, new)
    return text[:EXPENDITURE_TABLE] + table + text[EXPENDITURE_END:]


def _expenditure_table_in_yuan(text: str) -> str:
    """The sample with its 支出总体情况表 printed in 元, adding up as a table in 元 does: each 项
    converted (387.00 万元 → 3,870,000.00 元), each 款, 类 and the 总计 the sum of its 项, and
    合计 = 基本 + 项目. (Multiplying every cell by 10,000 would keep the 万元 table's rounding:
    its 21011 prints 35.63 over 26.33 + 9.29, a cent that is 100 元.)"""
    lines = text[EXPENDITURE_TABLE:EXPENDITURE_END].replace("单位：万元", "单位：元").split("\n")
    rows = {
        i: line.split("\t")
        for i, line in enumerate(lines)
        if re.match(r"(\d{3}|\t\t\t总计)\t", line) and len(line.split("\t")) == 7
    }
    code = {i: "".join(cells[:3]) for i, cells in rows.items()}
    leaves = [[None if c == "" else D(c) * 10000 for c in cells[5:7]] for i, cells in rows.items() if len(code[i]) == 7]
    leaf_codes = [code[i] for i in rows if len(code[i]) == 7]
    for i, cells in rows.items():
        parts = [leaf for leaf, leaf_code in zip(leaves, leaf_codes) if leaf_code.startswith(code[i])]
        basic, project = ([p[k] for p in parts if p[k] is not None] for k in (0, 1))
        figures = [sum(basic + project), sum(basic) if basic else None, sum(project) if project else None]
        lines[i] = "\t".join(cells[:4] + ["" if f is None else f"{f:,.2f}" for f in figures])
    return text[:EXPENDITURE_TABLE] + "\n".join(lines) + text[EXPENDITURE_END:]


_yuan = _expenditure_table_in_yuan(SAMPLE)
PLANTED = {
    "control": SAMPLE,
    "yuan": _yuan,
    # 社会保险经办机构's 合计 printed 1 元 above its 基本支出 (3,870,000.00)
    "yuan_off_by_one": _yuan.replace(
        "社会保险经办机构\t3,870,000.00\t3,870,000.00", "社会保险经办机构\t3,870,001.00\t3,870,000.00", 1
    ),
    # 208's 项目 59.94 where its 款 add to 59.93 (rounding), 公务员医疗补助's 合计 9.31 beside its 基本 9.29 (an error)
    "wan_rounding": _in_expenditure_table(
        "公务员医疗补助\t9.29\t9.29",
        "公务员医疗补助\t9.31\t9.29",
        _in_expenditure_table("社会保障和就业支出\t557.41\t497.48\t59.93", "社会保障和就业支出\t557.41\t497.48\t59.94"),
    ),
    # the 收支总表 says 元 where its figures are 万元
    "summary_in_yuan": SAMPLE.replace("单位：万元", "单位：元", 1),
    # the narrative states “三公” 4.90 where the table prints 4.80
    "narrative_three_public": SAMPLE.replace("“三公”经费数为 4.80 万元", "“三公”经费数为 4.90 万元", 1),
    # a printing error: 社会保险经办机构 387.00 → 378.00 in the 支出总体情况表 only
    "garbled_number": _in_expenditure_table(
        "208\t01\t09\t社会保险经办机构\t387.00\t387.00", "208\t01\t09\t社会保险经办机构\t378.00\t387.00"
    ),
    # the 基本支出 table names another discloser
    "other_discloser": SAMPLE.replace(
        "一般公共预算基本支出情况表\n\n编制部门：克孜勒苏柯尔克孜自治州社会保险中心",
        "一般公共预算基本支出情况表\n\n编制部门：阿克陶县社会保险中心",
        1,
    ),
}


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """(read-only connection, file name of each copy) of one build of every planted copy."""
    raw = tmp_path_factory.mktemp("planted") / "raw"
    raw.mkdir()
    file_names = {name: f"{number:03d}_{name}.txt" for number, name in enumerate(PLANTED)}
    for name, text in PLANTED.items():
        assert name == "control" or text != SAMPLE, name
        (raw / file_names[name]).write_text(text, encoding="utf-8")
    # a quote in the warehouse's path (once interpolated into ATTACH and COPY statements)
    warehouse = raw.parent / "analyst's warehouse" / "budget.duckdb"
    result = build_warehouse(raw, warehouse)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    con = duckdb.connect(str(warehouse), read_only=True)
    yield con, file_names
    con.close()


@pytest.fixture(scope="module")
def checks(planted):
    """query(copy) → that copy's rows of dq_check_result: {(check_name, subject): row}."""
    con, file_names = planted

    def query(copy: str) -> dict[tuple[str, str], dict]:
        cursor = con.execute(
            "select dq_check_result.* from dq_check_result join document_status using (document_id) where file_name = ?",
            [file_names[copy]],
        )
        columns = [c[0] for c in cursor.description]
        rows = [dict(zip(columns, row)) for row in cursor.fetchall()]
        assert rows, copy
        return {(r["check_name"], r["subject"]): r for r in rows}

    return query


@pytest.fixture(scope="module")
def planted_status(planted):
    """status(copy) → that copy's status in document_status."""
    con, file_names = planted
    return lambda copy: con.execute(
        "select status from document_status where file_name = ?", [file_names[copy]]
    ).fetchone()[0]


def caught(checks, copy: str, control: str = "control") -> set[tuple[str, str, str]]:
    """(family, check, subject) failing in the copy but not in its control (the unmodified sample)."""

    def failing(name):
        return {(r["check_family"], *key) for key, r in checks(name).items() if r["status"] == "fail"}

    return failing(copy) - failing(control)


def test_printed_decimals_are_the_most_any_amount_cell_shows():
    def region(*rows):
        return TableRegion("expenditure", "支出总表", 3, 0, 1, None, rows=[Block("row", r) for r in rows])

    # the codes (208 | 01) and the column numbers (1 2 3) print no decimals; the amounts do
    header = ("*", "*", "1", "2", "3")
    assert printed_decimals(region(("208", "01", "社会保障和就业支出", "1,234.56", "34.9"), header)) == 2
    assert printed_decimals(region(("208", "社会保障和就业支出", "178,830,483", "0"))) == 0
    # Beijing prints 万元 to the cent of a 元
    assert printed_decimals(region(("208", "社会保障和就业支出", "32,365.090089", "1.5"))) == 6
    assert printed_decimals(region(("208", "社会保障和就业支出", "", "-"))) == 0
    assert printed_decimals(region(("科目名称", "合计"))) is None


def test_a_table_in_yuan_that_adds_up_to_the_yuan_passes_its_sums_and_is_held_to_the_cent(checks):
    rows = checks("yuan")
    assert not [f for f in caught(checks, "yuan") if f[0] == "totals"]
    row = rows[("basic_plus_project_expenditure", "2080109")]
    assert (row["status"], row["difference_wan"], row["tolerance_wan"]) == ("pass", D(0), D("0.000001"))  # 2 × 0.005 元
    # its 210 is 356,200.00 元 = 35.62 万元, where the 收支总表 (万元, to the cent) prints 35.63: that
    # figure stands for 35.625–35.635, so the tables disagree (allowance 0.005 + 0.0000005 万元)
    assert caught(checks, "yuan") == {("cross_table", "summary_class_equals_expenditure_table", "210")}
    restated = rows[("summary_class_equals_expenditure_table", "208")]
    assert (restated["status"], restated["expected_wan"], restated["actual_wan"]) == ("pass", D("557.41"), D("557.41"))


def test_a_table_in_yuan_off_by_one_yuan_fails_the_sums_that_read_the_cell(checks):
    row = checks("yuan_off_by_one")[("basic_plus_project_expenditure", "2080109")]
    # two figures of a table in 元 printed to the cent: 2 × 0.005 元 = 0.000001 万元 (the old fixed
    # 0.015 万元 was 150 元 and let this pass)
    assert (row["status"], row["difference_wan"], row["tolerance_wan"]) == ("fail", D("-0.0001"), D("0.000001"))
    assert caught(checks, "yuan_off_by_one", control="yuan") == {
        ("totals", "basic_plus_project_expenditure", "2080109"),
        ("totals", "hierarchy_expenditure", "20801 total"),  # 421.93 ≠ 387.0001 + 34.93
    }


def test_rounding_passes_and_an_error_of_two_printed_digits_fails_in_a_wan_table(checks):
    rows = checks("wan_rounding")

    def verdict(check, subject):
        row = rows[(check, subject)]
        return row["status"], abs(row["difference_wan"]), row["tolerance_wan"]

    # 59.94 against 34.93 + 25.00 and 497.48 + 59.94 against 557.41: one cent over 3 figures of 0.005
    assert verdict("hierarchy_expenditure", "208 project") == ("pass", D("0.01"), D("0.015"))
    assert verdict("basic_plus_project_expenditure", "208") == ("pass", D("0.01"), D("0.015"))
    # 总计 59.93 against the one 类 that has 项目 (59.94): two figures allow exactly the cent
    assert verdict("total_row_expenditure", "project") == ("pass", D("0.01"), D("0.010"))
    # 9.31 against 9.29: two cents over two figures is no rounding …
    assert verdict("basic_plus_project_expenditure", "2101103") == ("fail", D("0.02"), D("0.010"))
    # … while its 款 (35.63 against 26.33 + 9.31) is a cent off over three figures
    assert verdict("hierarchy_expenditure", "21011 total") == ("pass", D("0.01"), D("0.015"))
    assert caught(checks, "wan_rounding") == {("totals", "basic_plus_project_expenditure", "2101103")}


def test_a_summary_table_printed_in_yuan_is_caught_across_tables_not_by_its_own_sums(checks):
    found = caught(checks, "summary_in_yuan")
    assert ("cross_table", "no_factor_10000_between_tables", "收支总表 vs 支出总体情况表") in found
    assert {("cross_table", "summary_class_equals_expenditure_table", code) for code in ("208", "210", "221")} <= found
    # its 收入总计 = 支出总计 still holds, in either unit
    assert not [f for f in found if f[0] == "totals"]
    assert {f[0] for f in found} == {"cross_table", "narrative"}  # and the 收支总预算 sentence disagrees with it
    factor = checks("summary_in_yuan")[("no_factor_10000_between_tables", "收支总表 vs 支出总体情况表")]
    assert (factor["expected_wan"], factor["actual_wan"], factor["tolerance_wan"]) == (D("0.063302"), D("633.02"), None)


def test_a_narrative_figure_off_the_table_is_caught_by_the_narrative_family(checks):
    assert caught(checks, "narrative_three_public") == {
        ("narrative", "three_public_table_equals_narrative", "“三公”经费")
    }
    row = checks("narrative_three_public")[("three_public_table_equals_narrative", "“三公”经费")]
    # the table's figure (0.005 万元) and the sentence's (0.005 万元)
    assert (row["difference_wan"], row["tolerance_wan"]) == (D("0.10"), D("0.010"))


def test_a_table_naming_another_discloser_is_caught_by_the_text_family(checks):
    assert caught(checks, "other_discloser") == {("text", "discloser_matches_unit", "basic_expenditure")}
    row = checks("other_discloser")[("discloser_matches_unit", "basic_expenditure")]
    assert (row["expected_wan"], row["difference_wan"], row["tolerance_wan"]) == (None, None, None)


def test_a_garbled_number_fails_its_checks_and_the_document_still_loads(checks, planted_status):
    row = checks("garbled_number")[("basic_plus_project_expenditure", "2080109")]
    assert (row["status"], row["difference_wan"]) == ("fail", D("9.00"))
    assert checks("garbled_number")[("hierarchy_expenditure", "20801 total")]["difference_wan"] == D("-9.00")
    # the document is read all the same (here superseded by an equally read copy of its unit-year)
    assert planted_status("garbled_number") in ("loaded", "superseded")
