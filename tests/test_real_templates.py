"""Template rules, each on rows as real disclosures print them (copied from ../shared/real/corpus;
the expected figures are the documents' own, checked against their sums)."""

from decimal import Decimal as D

import pytest

from pipeline.identify import identify, plausible_unit_name
from pipeline.intermediate import Block
from pipeline.tables.lines import interpret_line_table
from pipeline.tables.segment import segment_tables
from pipeline.tables.subjects import (
    code_from_other_tables,
    interpret_subject_table,
    split_subject_cells,
)


def _text(*lines: str, page: int = 1) -> list[Block]:
    return [Block("text", (line,), i, page) for i, line in enumerate(lines, start=1)]


def _rows(*rows: tuple[str, ...], page: int = 1) -> list[Block]:
    return [Block("row", row, i, page) for i, row in enumerate(rows, start=10)]


def _table(title: str, *rows: tuple[str, ...]):
    (region,) = segment_tables(_text(title, "单位：万元") + _rows(*rows))
    return region


# 深圳市水务局 2026, 支出总表 (p63): no 合计 row; the department's row is the total, then one block per unit
SHENZHEN_HEADER = ("预算单位", "科目编码", "科目名称", "支出总计", "基本支出", "项目支出", "事业单位经营支出")


def test_a_total_row_labelled_with_the_units_name_and_unit_blocks_of_a_consolidated_department():
    table = interpret_subject_table(
        _table(
            "支出总表",
            SHENZHEN_HEADER,
            ("深圳市水务局", "", "", "857,808.76", "46,138.79", "811,669.97", "0.00"),
            ("深圳市水务局（本级）", "", "", "178,214.28", "7,823.97", "170,390.31", "0.00"),
            ("", "213", "农林水支出", "100.00", "", "100.00", "0.00"),
            ("深圳市水务工程质量安全监督站", "", "", "3,687.57", "1,537.19", "2,150.38", "0.00"),
            ("", "213", "农林水支出", "50.00", "", "50.00", "0.00"),
        )
    )
    kinds = [(r.row_kind, r.subject_code) for r in table.rows]
    assert kinds == [
        ("total", None),
        ("unit_subtotal", None),
        ("unit_subject", "213"),
        ("unit_subtotal", None),
        ("unit_subject", "213"),
    ]
    total = table.rows[0].amounts_wan
    assert (total["total"], total["basic"], total["project"]) == (D("857808.76"), D("46138.79"), D("811669.97"))


def test_a_single_unit_table_keeps_its_subjects_under_the_units_total_row():
    # 深圳市信访局 2026, 支出总表 (p18)
    table = interpret_subject_table(
        _table(
            "支出总表",
            SHENZHEN_HEADER,
            ("深圳市信访局", "", "", "4,684.30", "3,072.01", "1,612.29", "0.00"),
            ("", "201", "一般公共服务支出", "3,459.13", "1,866.84", "1,592.29", "0.00"),
        )
    )
    assert [(r.row_kind, r.subject_code) for r in table.rows] == [("total", None), ("subject", "201")]


@pytest.mark.parametrize(
    "cells, code",
    [
        (("301 2", "津贴补贴", "5.00"), "30102"),  # a 款 printed without its leading zero
        (("301", "2", "津贴补贴", "5.00"), "30102"),
        (("208", "01", "09", "社会保险经办机构", "387.00"), "2080109"),
        (("1", "201", "一般公共服务支出", "5.00"), "201"),  # a 序号 column before the code
        (("2120803-城市建设支出", "50602-资本性支出（基本建设）", "4,256.00"), "2120803"),
        (("50101-工资奖金津补贴", "30101-基本工资", "3,138.09"), "30101"),  # 部门 code beside the 政府 one
        (("7", "11", "02", "行政单位医疗", "84.39"), None),  # damaged: coded from the other tables
        (("[30101]基本工资", "374.86"), "30101"),  # 广州市信访局 2026, 一般公共预算基本支出情况表 (p12)
    ],
)
def test_codes_as_tables_print_them(cells, code):
    assert split_subject_cells(cells)[0] == code


def test_a_damaged_code_takes_the_code_the_other_tables_give_its_name():
    header = ("科目编码", "", "", "科目名称", "合计")
    expenditure = interpret_subject_table(_table("支出总表", header, ("210", "11", "01", "行政单位医疗", "84.39")))
    gpb = interpret_subject_table(_table("一般公共预算支出表", header, ("7", "11", "01", "行政单位医疗", "84.39")))
    assert gpb.rows[0].row_kind == "uncoded"
    problems = code_from_other_tables({"expenditure": expenditure, "gpb_expenditure": gpb})
    assert (gpb.rows[0].row_kind, gpb.rows[0].subject_code) == ("subject", "2101101")
    assert "2101101" in problems[0]


def test_economic_subjects_printed_by_name_only_are_coded_from_the_classification():
    # 深圳市信访局 2026, 基本支出总表 (p21): names only, no codes
    table = interpret_subject_table(
        _table(
            "基本支出总表",
            ("预算单位", "科目名称", "合计", "一般公共预算"),
            ("深圳市信访局", "", "3,072.01", "3,072.01"),
            ("", "工资福利支出", "2,522.02", "2,522.02"),
            ("", "基本工资", "356.33", "356.33"),
            ("", "商品和服务支出", "357.43", "357.43"),
            ("", "办公费", "12.00", "12.00"),
        )
    )
    assert [r.subject_code for r in table.rows] == [None, "301", "30101", "302", "30201"]


def test_a_listing_by_functional_and_economic_subject_sums_per_functional_subject():
    # 北京市气象局 2026, 预算03表 支出总表 (p4)
    table = interpret_subject_table(
        _table(
            "预算03表支出总表",
            ("支出功能分类科目", "政府支出经济分类科目", "部门支出经济分类科目", "合计", "基本支出", "项目支出"),
            ("2139899-其他农林水支出", "50601-资本性支出", "31003-专用设备购置", "5,067.374900", "", "5,067.374900"),
            (
                "2139899-其他农林水支出",
                "50601-资本性支出",
                "31007-信息网络及软件购置更新",
                "280.350000",
                "",
                "280.350000",
            ),
            ("合 计", "", "", "5,347.724900", "", "5,347.724900"),
        )
    )
    subjects = [r for r in table.rows if r.row_kind == "subject"]
    assert [(r.subject_code, r.amounts_wan["total"]) for r in subjects] == [("2139899", D("5347.724900"))]


def test_three_public_items_as_columns_with_per_fund_columns_and_two_years():
    # 深圳市信访局 2026, 财政拨款“三公”经费支出表 (p31): the 2026年 row is the budget
    funds = ("一般公共预算", "政府性基金预算", "国有资本经营预算")
    items = interpret_line_table(
        _table(
            "财政拨款“三公”经费支出表",
            (
                "预算单位",
                "年度",
                "总计",
                "",
                "",
                "因公出国(境)费",
                "",
                "",
                "公务接待费",
                "",
                "",
                "公务用车购置及运行维护费",
                "",
                "",
            ),
            ("", "", *funds, *funds, *funds, *funds),
            (
                "深圳市信访局",
                "2025年",
                "5.58",
                "0.00",
                "0.00",
                "0.00",
                "0.00",
                "0.00",
                "2.98",
                "0.00",
                "0.00",
                "2.60",
                "0.00",
                "0.00",
            ),
            (
                "",
                "2026年",
                "5.50",
                "0.00",
                "0.00",
                "0.00",
                "0.00",
                "0.00",
                "2.90",
                "0.00",
                "0.00",
                "2.60",
                "0.00",
                "0.00",
            ),
            (
                "",
                "增减变化金额",
                "-0.08",
                "0.00",
                "0.00",
                "0.00",
                "0.00",
                "0.00",
                "-0.08",
                "0.00",
                "0.00",
                "0.00",
                "0.00",
                "0.00",
            ),
        )
    )
    totals = {i.item_key: i.amount_wan for i in items if i.measure == "total"}
    assert totals == {"total": D("5.50"), "overseas": D("0.00"), "reception": D("2.90"), "vehicle_total": D("2.60")}


def test_three_public_with_last_years_and_this_years_budget_side_by_side():
    # 重庆市规划和自然资源局 2026, 表八 财政拨款“三公”经费支出情况表 (p26)
    items = interpret_line_table(
        _table(
            "表八2026年财政拨款“三公”经费支出情况表",
            ("2025年预算数", "", "", "", "", "", "2026年预算数", "", "", "", "", ""),
            ("合计", "因公出国（境）费", "公务用车购置及运行费", "", "", "公务接待费") * 2,
            ("", "", "小计", "公务用车购置费", "公务用车运行费", "") * 2,
            (
                "2,552.50",
                "343.41",
                "1,726.00",
                "458.00",
                "1,268.00",
                "483.09",
                "2,171.85",
                "321.91",
                "1,570.75",
                "342.25",
                "1,228.50",
                "279.19",
            ),
        )
    )
    totals = {i.item_key: i.amount_wan for i in items if i.measure == "total"}
    assert totals == {
        "total": D("2171.85"),
        "overseas": D("321.91"),
        "vehicle_total": D("1570.75"),
        "vehicle_purchase": D("342.25"),
        "vehicle_operation": D("1228.50"),
        "reception": D("279.19"),
    }
    assert totals["overseas"] + totals["vehicle_total"] + totals["reception"] == totals["total"]


def test_three_public_beside_administrative_funds_takes_the_three_public_line():
    # 广州市统计局 2026, 财政拨款安排的行政经费及“三公”经费预算表 (p17)
    items = interpret_line_table(
        _table(
            "财政拨款安排的行政经费及“三公”经费预算表",
            ("项目", "合计", "一般公共预算"),
            ("行政经费", "839.21", "839.21"),
            ("“三公”经费", "19.86", "19.86"),
            ("其中：（一）因公出国（境）支出", "5.00", "5.00"),
            ("（二）公务用车购置及运行维护支出", "6.70", "6.70"),
            ("（三）公务接待费支出", "8.16", "8.16"),
        )
    )
    totals = {i.item_key: i.amount_wan for i in items if i.measure == "total"}
    assert totals["total"] == D("19.86") and totals["administrative_funds"] == D("839.21")
    assert totals["overseas"] + totals["vehicle_total"] + totals["reception"] == totals["total"]


def test_a_budget_summary_with_a_block_of_expenditure_by_purpose():
    # 西安市统计局 2026, 表1 部门综合预算收支总表 (p26), in 元
    items = interpret_line_table(
        _table(
            "部门综合预算收支总表",
            ("收入", "", "支出", "", "", ""),
            ("项目", "预算数", "支出功能分类科目（按大类）", "预算数", "部门预算支出经济分类科目（按大类）", "预算数"),
            ("一、部门预算", "62,109,297.20", "一、部门预算", "62,109,297.20", "一、部门预算", "62,109,297.20"),
            (
                "1、财政拨款",
                "62,109,297.20",
                "1、一般公共服务支出",
                "50,037,708.13",
                "1、人员经费和公用经费支出",
                "36,701,197.20",
            ),
            ("2、上级补助收入", "", "2、外交支出", "", "2、专项业务经费支出", "25,408,100.00"),
            ("收入总计", "62,109,297.20", "支出总计", "62,109,297.20", "支出总计", "62,109,297.20"),
        )
    )
    keys = {(i.side, i.item_key): i.amount_wan for i in items if i.amount_wan is not None}
    assert keys[("expenditure", "basic")] + keys[("expenditure", "project")] == keys[("income", "income_total")]
    assert ("income", "expenditure_line") not in keys  # “一、部门预算” on the right is expenditure


def test_a_title_repeated_over_pages_continues_and_a_same_titled_table_with_its_own_header_does_not():
    title = "2021年部门综合预算一般公共预算基本支出明细表"
    blocks = (
        _text(title, page=1)
        + _rows(("功能科目编码", "功能科目名称", "合计"), ("201", "一般公共服务支出", "1.00"), page=1)
        + _text(title, page=2)
        + _rows(("功能科目编码", "功能科目名称", "合计"), ("205", "教育支出", "2.00"), page=2)
        + _text(title, page=3)
        + _rows(("部门经济科目编码", "部门经济科目名称", "合计"), ("301", "工资福利支出", "3.00"), page=3)
    )
    tables = segment_tables(blocks)
    assert [len(t.rows) for t in tables] == [4, 2]


def test_a_title_wrapped_over_two_lines_is_one_title():
    blocks = _text("2026年部门综合预算一般公共预算拨款“三公”经费及会议费、培训费支出预", "算表") + _rows(
        ("项目", "合计")
    )
    assert [t.kind for t in segment_tables(blocks)] == ["three_public"]


@pytest.mark.parametrize(
    "lines, unit, year, scope",
    [
        (["上海市2026年市级单位预算", "预算单位：上海市审计局", "目 录"], "上海市审计局", 2026, "单位"),
        (
            ["2026年", "广州市人民政府国有资产监督管理委员会部", "门预算", "目 录"],
            "广州市人民政府国有资产监督管理委员会",
            2026,
            "部门",
        ),
        (["北京市信访办公室部门 2026年度部门预算", "信息公开", "目 录"], "北京市信访办公室", 2026, "部门"),
        (["2019 年佛山市轨道交通局部门决算", "目 录"], "佛山市轨道交通局", 2019, "部门"),
        # no cover: the first heading dates it, the 部门情况说明 introduces the unit
        (
            [
                "第一部分2026年度部门预算情况说明",
                "一、部门情况说明",
                "（一）本部门职责情况",
                "北京市气象局属于公益性事业单位，职责是制定地方气",
            ],
            "北京市气象局",
            2026,
            "部门",
        ),
    ],
)
def test_the_discloser_and_year_as_documents_print_them(lines, unit, year, scope):
    identity = identify(_text(*lines), [], [])
    assert (identity.unit_name, identity.year, identity.scope) == (unit, year, scope)


def test_final_accounts_are_recognised():
    assert identify(_text("2019 年佛山市轨道交通局部门决算", "目 录"), [], []).phase == "final"


@pytest.mark.parametrize("fragment", ["度", "部门预算信息公开目录第一部分2026年度", "第一部分", "单位：万元", "2026年"])
def test_contents_lines_and_fragments_are_never_a_discloser(fragment):
    assert plausible_unit_name(fragment) is None
