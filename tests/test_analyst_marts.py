"""Analysts' questions one query away: geography, subjects, year over year, peers, completeness."""

from decimal import Decimal as D

import duckdb

from tests.conftest import build_warehouse

KIZILSU = "克孜勒苏柯尔克孜自治州社会保险中心"


def test_units_carry_their_administrative_division(sql):
    rows = {
        r[0]: r[1:]
        for r in sql("select unit_name, admin_code, level, prefecture_name, unit_type, is_place_resolved from dim_unit")
    }
    assert rows[KIZILSU] == ("653000", "prefecture", "克孜勒苏柯尔克孜自治州", "社会保险中心", True)
    assert rows["博乐市社会保险中心"][:3] == ("652701", "county", "博尔塔拉蒙古自治州")
    assert rows["阿克陶县社会保险中心"][:3] == ("653022", "county", "克孜勒苏柯尔克孜自治州")
    assert rows["新疆维吾尔自治区社会保险中心"][:2] == ("650000", "region")
    assert rows["昌吉回族自治州社会保险中心"][:2] == ("652300", "prefecture")


def test_subject_names_are_canonical_with_variants_counted(sql):
    rows = {
        r[0]: r[1:]
        for r in sql("select subject_code, subject_name, spellings from dim_subject where classification = 'function'")
    }
    assert rows["20801"] == ("人力资源和社会保障管理事务", 2)  # also printed 人力资源和社会管理事务
    assert rows["2080199"][0] == "其他人力资源和社会保障管理事务支出"


def test_headline_ratios_and_year_over_year(sql):
    row = sql(
        "select personnel_share_of_basic, project_share_of_total, basic_prior_wan, basic_yoy, three_public_prior_wan, "
        "three_public_yoy from mart_unit_year where unit_name = ?",
        KIZILSU,
    )[0]
    assert round(row[0], 4) == 0.9523  # 545.75 / 573.09
    assert round(row[1], 4) == 0.0947  # 59.93 / 633.02
    assert row[2] == D("510.10")  # 573.09 − 62.99
    assert round(row[3], 4) == 0.1235  # the narrative's 增长 12.35%
    assert row[4] == D("4.80") and row[5] == 0


def test_staff_numbers_where_the_document_states_them(sql):
    # seed 004: “昌吉回族自治州社会保险中心编制数59,实有人数94人”; the other four state none
    rows = dict((r[0], r[1:]) for r in sql("select unit_name, authorized_staff, actual_staff from mart_unit_year"))
    assert rows.pop("昌吉回族自治州社会保险中心") == (59, 94)
    assert set(rows.values()) == {(None, None)}


def test_peer_comparison_ranks_units_of_the_same_level_and_type(sql):
    county = sql(
        "select u.unit_name, p.peer_count, p.peer_rank, p.peer_median from mart_peer_comparison p "
        "join dim_unit u using (unit_key) where metric = 'total_budget_wan' and p.peer_level = 'county' order by p.peer_rank"
    )
    assert county == [("阿克陶县社会保险中心", 2, 1, 1047.765), ("博乐市社会保险中心", 2, 2, 1047.765)]


def test_subject_comparison_answers_who_spends_what(sql):
    rows = dict(
        sql(
            "select unit_name, total_wan from mart_subject_comparison where subject_code = '2080109' and classification = 'function'"
        )
    )
    assert rows == {
        KIZILSU: D("387.00"),
        "阿克陶县社会保险中心": D("1270.40"),
        "新疆维吾尔自治区社会保险中心": D("1320.40"),
        "博乐市社会保险中心": D("404.18"),
        "昌吉回族自治州社会保险中心": D("312.27"),
    }


def test_completeness_score_lists_what_is_missing(sql):
    rows = {
        r[0]: r[1:]
        for r in sql(
            "select u.unit_name, c.completeness_score, c.missing_items from mart_disclosure_completeness c join dim_unit u using (unit_key)"
        )
    }
    assert rows["博乐市社会保险中心"] == (100.0, "")
    assert rows[KIZILSU][1] == "consistent:reconciliation_checks"  # its 20801 name variant


def test_stated_prior_is_compared_with_the_previous_years_document(raw_copy, tmp_path):
    # a 2025 document for the same unit (here: 000's text relabelled 2025) publishes basic 573.09,
    # while the 2026 document states last year's basic budget as 573.09 − 62.99 = 510.10
    original = next(raw_copy.glob("000_*"))
    (raw_copy / "000_previous_year.txt").write_text(
        original.read_text(encoding="utf-8").replace("2026", "2025"), encoding="utf-8"
    )
    warehouse = tmp_path / "budget.duckdb"
    assert build_warehouse(raw_copy, warehouse).returncode == 0
    with duckdb.connect(str(warehouse), read_only=True) as con:
        row = con.execute(
            "select stated_prior_wan, previous_document_wan, difference_wan, agrees from mart_prior_year_check "
            "where item_kind = 'basic'"
        ).fetchone()
        assert row == (D("510.10"), D("573.09"), D("-62.99"), False)
        assert (
            con.execute("select count(distinct year) from mart_unit_year where unit_name = ?", [KIZILSU]).fetchone()[0]
            == 2
        )
