"""Every fact table of the built warehouse, for every sample, against figures read from the documents."""

from decimal import Decimal as D

import pytest

KIZILSU = "克孜勒苏柯尔克孜自治州社会保险中心"
BOLE = "博乐市社会保险中心"
AKTO = "阿克陶县社会保险中心"
XINJIANG = "新疆维吾尔自治区社会保险中心"
CHANGJI = "昌吉回族自治州社会保险中心"

# unit, year, doc_kind, 收入总计, 一般公共预算拨款, 基本, 项目, 人员经费, 公用经费, 三公, 机关运行经费, 政府采购
HEADLINES = [
    (KIZILSU, 2026, "部门", "633.02", "633.02", "573.09", "59.93", "545.75", "27.34", "4.80", "27.34", "6.06"),
    (BOLE, 2026, "部门", "632.63", "630.13", "557.72", "74.92", "540.84", "16.88", "0.40", "16.88", "15.02"),
    (AKTO, 2026, "部门", "1462.90", "1462.90", "582.97", "879.93", "573.43", "9.54", "3.60", "9.54", "12.74"),
    (
        XINJIANG,
        2026,
        "单位",
        "3599.74",
        "3599.74",
        "2279.34",
        "1320.40",
        "2148.88",
        "130.46",
        "6.93",
        "130.46",
        "1321.33",
    ),
    (CHANGJI, 2025, "部门", "1531.22", "1531.22", "1120.21", "411.01", "977.52", "142.69", "7.59", "142.69", "99.79"),
]


@pytest.mark.parametrize("expected", HEADLINES, ids=[h[0] for h in HEADLINES])
def test_mart_unit_year_headlines_equal_the_documents(sql, expected):
    unit, year, kind, *figures = expected
    row = sql(
        "select doc_kind, total_budget_wan, general_public_budget_wan, basic_wan, project_wan, personnel_wan, "
        "public_wan, three_public_total_wan, operating_funds_wan, procurement_total_wan "
        "from mart_unit_year where unit_name = ? and year = ?",
        unit,
        year,
    )
    assert len(row) == 1
    assert row[0][0] == kind
    assert [str(v.normalize()) if v is not None else None for v in row[0][1:]] == [
        str(D(f).normalize()) for f in figures
    ]


def test_all_five_units_and_both_years_are_loaded(sql):
    assert sql("select count(*) from dim_unit")[0][0] == 5
    assert [r[0] for r in sql("select year from dim_year order by year")] == [2025, 2026]
    statuses = sql("select file_name, status, tables_found from document_status order by file_name")
    assert [s[1] for s in statuses] == ["loaded"] * 5
    assert [s[2] for s in statuses] == [12, 12, 12, 12, 11]  # the 2025 template has no 委托业务费 table


@pytest.mark.parametrize(
    "unit, overseas, reception, purchase, operation, vehicle_total, total",
    [
        (KIZILSU, None, "0.80", None, "4.00", "4.00", "4.80"),
        (BOLE, None, "0.10", None, "0.30", "0.30", "0.40"),
        (AKTO, None, None, None, "3.60", "3.60", "3.60"),
        (XINJIANG, None, None, None, "6.93", "6.93", "6.93"),
        (CHANGJI, None, "0.60", None, "6.99", "6.99", "7.59"),
    ],
)
def test_three_public_table_items(sql, unit, overseas, reception, purchase, operation, vehicle_total, total):
    row = sql(
        "select overseas_wan, reception_wan, vehicle_purchase_wan, vehicle_operation_wan, vehicle_total_wan, "
        "total_wan, narrative_total_wan from fct_three_public join dim_unit using (unit_key) where unit_name = ?",
        unit,
    )[0]
    as_text = [None if v is None else str(v.normalize()) for v in row]
    expected = [
        None if v is None else str(D(v).normalize())
        for v in (overseas, reception, purchase, operation, vehicle_total, total, total)
    ]
    assert as_text == expected


@pytest.mark.parametrize(
    "unit, house_m2, house_value, vehicles, vehicle_value, furniture, other, eq50, eq100, as_of",
    [
        (KIZILSU, "0", "0", 2, "67.36", "34.73", "0", 0, 0, 2025),
        (BOLE, "3224.26", "168.20", 1, "21.47", "28.44", "60.30", 0, 0, 2025),
        (AKTO, "0", "0", 2, "26.81", "17.44", "0", 0, 0, 2025),
        (XINJIANG, "3299", "317.75", 6, "207.20", "75.80", "1825.20", 4, 1, 2025),
        (CHANGJI, "14129.78", "280.58", 2, "59.11", "105.54", "930.15", 0, 0, 2024),
    ],
)
def test_assets_statement(
    sql, unit, house_m2, house_value, vehicles, vehicle_value, furniture, other, eq50, eq100, as_of
):
    row = sql(
        "select house_area_m2, house_value_wan, vehicle_count, vehicle_value_wan, furniture_value_wan, "
        "other_assets_value_wan, equipment_over_50w_count, equipment_over_100w_count, as_of_year "
        "from fct_assets join dim_unit using (unit_key) where unit_name = ?",
        unit,
    )[0]
    assert row[0] == D(house_m2) and row[1] == D(house_value)
    assert row[2] == vehicles and row[3] == D(vehicle_value)
    assert row[4] == D(furniture) and row[5] == D(other)
    assert (row[6], row[7], row[8]) == (eq50, eq100, as_of)


def test_appropriation_by_functional_subject(sql):
    rows = dict(
        (r[0], r[1:])
        for r in sql(
            "select subject_code, total_wan, basic_wan, project_wan, general_public_budget_wan, upper_transfer_wan "
            "from fct_appropriation join dim_unit using (unit_key) where unit_name = ?",
            KIZILSU,
        )
    )
    assert len(rows) == 17
    assert rows["2080109"][:3] == (D("387.00"), D("387.00"), None)
    assert rows["2080199"] == (D("34.93"), None, D("34.93"), D("17.60"), D("17.33"))
    assert rows["208"][:3] == (D("557.41"), D("497.48"), D("59.93"))


def test_shifted_expenditure_table_is_realigned_from_the_tables_that_restate_it(sql):
    # Regression: sample 003's 支出总体情况表 lost its 科目名称 header and its empty cells.
    rows = dict(
        (r[0], r[1:])
        for r in sql(
            "select subject_code, total_wan, basic_wan, project_wan from fct_appropriation "
            "join dim_unit using (unit_key) where unit_name = ?",
            XINJIANG,
        )
    )
    assert rows["208"] == (D("3245.06"), D("1924.66"), D("1320.40"))
    assert rows["2080109"] == (D("1320.40"), None, D("1320.40"))
    assert rows["2080101"] == (D("1094.67"), D("1094.67"), None)


def test_ocr_spaced_numbers_and_fund_sources(sql):
    rows = dict(
        (r[0], r[1:])
        for r in sql(
            "select subject_code, total_wan, general_public_budget_wan, upper_transfer_wan from fct_appropriation "
            "join dim_unit using (unit_key) where unit_name = ?",
            CHANGJI,
        )
    )
    assert rows["208"] == (D("1389.25"), D("1372.02"), D("17.24"))
    assert rows["2101101"] == (D("52.60"), D("52.60"), None)


def test_economic_spending_basic_and_project(sql):
    basic = dict(
        (r[0], r[1:])
        for r in sql(
            "select subject_code, total_wan, personnel_wan, public_wan from fct_economic_spending "
            "join dim_unit using (unit_key) where unit_name = ? and spending_type = 'basic'",
            KIZILSU,
        )
    )
    assert basic["301"] == (D("511.66"), D("511.66"), None)
    assert basic["30217"] == (D("0.80"), None, D("0.80"))
    project = dict(
        sql(
            "select subject_code, total_wan from fct_economic_spending join dim_unit using (unit_key) "
            "where unit_name = ? and spending_type = 'project'",
            CHANGJI,
        )
    )
    assert project == {"302": D("211.00"), "303": D("17.24"), "312": D("182.77")}


def test_projects(sql):
    projects = sql(
        "select project_name, subject_code, amount_wan, social_security_fund_wan from fct_project "
        "join dim_unit using (unit_key) where unit_name = ? order by project_key",
        AKTO,
    )
    assert len(projects) == 12  # the table continues on a second page with its header repeated
    assert ("2026年城乡居民养老基础性养老金补贴（县级）", "2080109", D("459.81"), D("459.81")) in projects
    assert sum(p[2] for p in projects) == D("879.93")
    kizilsu = sql(
        "select project_name, amount_wan from fct_project join dim_unit using (unit_key) where unit_name = ?", KIZILSU
    )
    assert ("线路租赁费", D("9.60")) in kizilsu and len(kizilsu) == 4


def test_budget_changes_give_last_years_budget(sql):
    row = sql(
        "select current_wan, change_wan, prior_wan, change_pct, pct_consistent, prior_basis from fct_budget_change "
        "join dim_unit using (unit_key) where unit_name = ? and item_kind = 'income_general_public_budget'",
        KIZILSU,
    )[0]
    assert row == (D("590.69"), D("62.99"), D("527.70"), D("11.94"), True, "budget")
    three_public = sql(
        "select change_wan from fct_budget_change join dim_unit using (unit_key) "
        "where unit_name = ? and item_kind = 'three_public_total'",
        KIZILSU,
    )
    assert three_public == [(D(0),)]
    item = sql(
        "select subject_code, current_wan, change_wan from fct_budget_change join dim_unit using (unit_key) "
        "where unit_name = ? and item_kind = 'function_item' and subject_code = '2080109'",
        KIZILSU,
    )
    assert item == [("2080109", D("387.00"), D("25.23"))]
    decrease = sql(
        "select change_wan, change_pct from fct_budget_change join dim_unit using (unit_key) "
        "where unit_name = ? and item_kind = 'basic' and section = 'expenditure'",
        CHANGJI,
    )
    assert decrease == [(D("-45.74"), D("-3.92"))]


def test_dim_subject_hierarchy(sql):
    rows = dict((r[0], r[1:]) for r in sql("select subject_code, classification, level, parent_code from dim_subject"))
    assert rows["2080109"] == ("function", 3, "20801")
    assert rows["20801"] == ("function", 2, "208")
    assert rows["30101"] == ("economic", 2, "301")


def test_budget_summary_lines_income_and_expenditure_by_class(sql):
    lines = {
        (r[0], r[1], r[2]): r[3]
        for r in sql(
            "select side, coalesce(item_key, ''), coalesce(subject_code, ''), amount_wan from fct_table_line "
            "join dim_unit using (unit_key) where unit_name = ? and table_kind = 'budget_summary' and measure = 'total'",
            BOLE,
        )
    }
    assert lines[("income", "general_fiscal", "")] == D("618.13")
    assert lines[("income", "carryover", "")] == D("2.50")
    assert lines[("income", "carryover_special_account", "")] == D("1.71")
    assert lines[("expenditure", "", "208")] == D("554.36")
    assert lines[("income", "government_fund", "")] is None  # blank cell: NULL, not 0


def test_entrusted_services_carryover_procurement_and_performance(sql):
    entrusted = sql(
        "select amount_wan from fct_table_line join dim_unit using (unit_key) where unit_name = ? "
        "and table_kind = 'entrusted_services' and item_key = 'total' and measure = 'total'",
        XINJIANG,
    )
    assert entrusted == [(D("104.80"),)]
    procurement = sql(
        "select total_wan, goods_wan, works_wan, services_wan, sme_reserved_wan, small_micro_reserved_wan "
        "from fct_procurement join dim_unit using (unit_key) where unit_name = ?",
        XINJIANG,
    )
    assert procurement == [(D("1321.33"), D("3.00"), D(0), D("1318.33"), D("836.23"), D("30.83"))]
    performance = sql(
        "select overall_target_count, project_count, fiscal_project_amount_wan from fct_performance "
        "join dim_unit using (unit_key) where unit_name = ?",
        AKTO,
    )
    assert performance == [(1, 12, D("879.93"))]


def test_empty_tables_are_present_and_empty_not_missing(sql):
    rows = sql(
        "select table_kind, is_empty, has_empty_statement from fct_document_table join dim_unit using (unit_key) "
        "where unit_name = ? order by ordinal",
        KIZILSU,
    )
    assert len(rows) == 12
    empty = {r[0] for r in rows if r[1]}
    assert empty == {"government_fund", "state_capital", "entrusted_services", "carryover"}
    assert all(r[2] for r in rows if r[1])
