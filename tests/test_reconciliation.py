"""Reconciliation checks: every sample passes but for the printing error it really has, and a
number garbled in a copy fails exactly the checks that read it."""

from decimal import Decimal as D


def test_samples_pass_every_check_but_the_row_the_converter_dropped(sql):
    failing = sql(
        "select file_name, check_name, subject, expected_wan, actual_wan from dq_check_result "
        "join document_status using (document_id) where dq_check_result.status = 'fail' order by subject"
    )
    # 004's class 303 prints 13.60; its rows add to 8.30 (an OCR-garbled row lost 5.30)
    assert [(f[0][:3], f[1], f[2], f[3], f[4]) for f in failing if f[1].startswith("hierarchy")] == [
        ("004", "hierarchy_basic_expenditure", "303 personnel", D("13.60"), D("8.30")),
        ("004", "hierarchy_basic_expenditure", "303 total", D("13.60"), D("8.30")),
    ]
    # 000 and 002 spell 20801 “人力资源和社会管理事务” in their project tables
    names = sorted((f[0][:3], f[2].split()[0]) for f in failing if f[1] == "subject_name_consistent")
    assert names == [("000", "20801"), ("000", "2080199"), ("002", "20801")]
    assert len(failing) == 5
    assert sql("select count(*) from dq_check_result where status = 'pass'")[0][0] > 900
    kinds = {r[0] for r in sql("select distinct check_name from dq_check_result")}
    assert {
        "summary_income_equals_expenditure",
        "hierarchy_income",
        "hierarchy_expenditure",
        "total_row_expenditure",
        "basic_plus_project_expenditure",
        "personnel_plus_public_basic_expenditure",
        "basic_table_equals_gpb_basic",
        "project_table_equals_gpb_project",
        "three_public_items_sum_to_total",
        "three_public_table_equals_narrative",
        "narrative_total_equals_summary",
        "summary_class_equals_expenditure_table",
        "stated_percentage_matches_change",
        "empty_table_has_statement",
        "discloser_matches_unit",
        "operating_funds_within_public",
    } <= kinds


def test_tag_split_numbers_are_read(sql):
    # Regression: 004's income table prints 210's subtotal as "56. <b>4</b> 6"
    assert sql(
        "select fiscal_subtotal_wan from fct_appropriation join dim_unit using (unit_key) "
        "where unit_name = '昌吉回族自治州社会保险中心' and subject_code = '210'"
    ) == [(D("56.46"),)]


def test_every_check_belongs_to_one_family(sql):
    families = dict(sql("select check_name, string_agg(distinct check_family, ',') from dq_check_result group by 1"))
    assert set(families.values()) == {"totals", "cross_table", "narrative", "text"}
    assert families["hierarchy_income"] == families["basic_plus_project_expenditure"] == "totals"
    assert (
        families["basic_table_equals_gpb_basic"] == families["summary_class_equals_expenditure_table"] == "cross_table"
    )
    assert (
        families["three_public_table_equals_narrative"] == families["stated_percentage_matches_change"] == "narrative"
    )
    assert families["discloser_matches_unit"] == families["subject_name_consistent"] == "text"


def test_the_wan_columns_hold_amounts_and_percentages_have_their_own(sql):
    # Regression: the stated-percentage check put its percentages into expected_wan / actual_wan
    [(wan, pct)] = sql(
        "select count(*) filter (where expected_wan is not null or actual_wan is not null or tolerance_wan is not null), "
        "count(*) filter (where expected_pct is null or tolerance_pct is null) "
        "from dq_check_result where check_name = 'stated_percentage_matches_change' and actual_pct is not null"
    )
    assert (wan, pct) == (0, 0)
    assert sql(
        "select count(*) from dq_check_result where check_name <> 'stated_percentage_matches_change' "
        "and (expected_pct is not null or actual_pct is not null or tolerance_pct is not null)"
    ) == [(0,)]
    # every sample prints its tables in 万元 to the cent: each figure compared allows 0.005 万元
    assert sql(
        "select distinct tolerance_wan % 0.005 from dq_check_result "
        "where check_family in ('totals', 'cross_table') and tolerance_wan is not null"
    ) == [(0,)]


def test_a_stated_percentage_is_judged_as_the_budget_changes_judge_it(sql):
    # fct_budget_change's pct_consistent (int_budget_changes_resolved) and the check apply one rule
    disagreeing = sql(
        "select checks.subject, checks.expected_pct, checks.actual_pct, checks.tolerance_pct "
        "from dq_check_result as checks join int.int_budget_changes_resolved as changes "
        "on checks.document_id = changes.document_id and checks.subject = changes.item_label "
        "and checks.cells = 'line ' || changes.source_line "
        "where checks.check_name = 'stated_percentage_matches_change' and (checks.status = 'pass') <> changes.pct_consistent"
    )
    assert disagreeing == []
    assert sql("select count(*) from dq_check_result where check_name = 'stated_percentage_matches_change'")[0][0] == 90
