"""Statements as different templates word them."""

from decimal import Decimal as D

import pytest

from pipeline.intermediate import Block
from pipeline.narrative.execution import extract_execution
from pipeline.narrative.facts import extract_facts
from pipeline.narrative.paragraphs import paragraphs
from pipeline.narrative.statements import extract_changes


def _paras(*texts):
    return paragraphs([Block("text", (t,), line=i + 1) for i, t in enumerate(texts)])


@pytest.mark.parametrize(
    "sentence, current, change, pct",
    [
        (
            "基本支出 573.09 万元，比上年预算增加 62.99 万元，增长 12.35%，主要原因是人员增加。",
            "573.09",
            "62.99",
            "12.35",
        ),
        ("基本支出573.09万元，较上年预算减少62.99万元，下降9.90%。", "573.09", "-62.99", "-9.90"),
        ("基本支出 573.09 万元，同比增加 62.99 万元，增长 12.35%。", "573.09", "62.99", "12.35"),
        ("基本支出 1,120.21 万元，比上年减少 45.74 万元，下降 3.92%。", "1120.21", "-45.74", "-3.92"),
        ("基本支出 0.00 万元，与上年预算持平。", "0.00", "0", "0"),
    ],
)
def test_year_over_year_wordings(sentence, current, change, pct):
    [statement] = extract_changes(_paras(sentence))
    assert statement.item_kind == "basic"
    assert (statement.current_wan, statement.change_wan, statement.change_pct) == (D(current), D(change), D(pct))


@pytest.mark.parametrize(
    "sentence, kind, key, value",
    [
        ("2026年机关运行经费支出 27.34 万元。", "operating_funds", "operating_funds", "27.34"),
        ("本单位2026年“三公”经费支出预算 4.80 万元，其中：公务接待费 0.80 万元。", "three_public", "total", "4.80"),
        ("2026年“三公”经费预算数为10.81万元，比2025年预算持平。", "three_public", "total", "10.81"),
        ("政府采购预算总额 6.06 万元，其中：货物 1.12 万元。", "procurement", "procurement_total", "6.06"),
    ],
)
def test_fact_wordings(sentence, kind, key, value):
    facts = {(f.fact_kind, f.fact_key): f.value for f in extract_facts(_paras(sentence))}
    assert facts[(kind, key)] == D(value)


@pytest.mark.parametrize(
    "sentence, authorized, actual",
    [
        # 新疆 seed 004 (昌吉回族自治州社会保险中心 2025)
        ("昌吉回族自治州社会保险中心编制数59,实有人数94人,其中:在职53人,减少6人;退休41人,增加6人。", 59, 94),
        # 西安 template: the total first, then its 行政/事业 parts
        ("截至上年底，本部门人员编制145人，其中行政编制59人，事业编制86人；实有人员131人，其中行政49人。", 145, 131),
        ("本部门人员编制 1053 人，其中行政编制 197 人、事业编制 856 人；实有人员1089 人。", 1053, 1089),
        ("核定编制45名，实有人员40人。", 45, 40),
        # not staff: a regulation's title, a year, a wage rise
        ("《职能配置、内设机构和人员编制规定》；编制2026年部门预算；在职人员工资调增。", None, None),
    ],
)
def test_staff_numbers(sentence, authorized, actual):
    facts = {f.fact_key: f.value for f in extract_facts(_paras(sentence)) if f.fact_kind == "staff"}
    assert facts.get("authorized_staff") == authorized and facts.get("actual_staff") == actual


@pytest.mark.parametrize(
    "sentence, pct, comparison, reason",
    [
        (
            "一般公共服务支出（类）财政事务（款）行政运行（项）。年初预算为 100.00 万元，支出决算为 90.00 万元，"
            "完成年初预算的 90.00%。决算数小于预算数的主要原因：人员减少。",
            "90.00",
            -1,
            "人员减少",
        ),
        (
            "一般公共服务支出（类）财政事务（款）行政运行（项）。年初预算为100.00万元，支出决算为90.00万元，"
            "完成年初预算90%，决算数小于年初预算数的主要原因是：人员减少，公用经费压减。",
            "90",
            -1,
            "人员减少,公用经费压减",  # the prose is read with half-width punctuation
        ),
        (
            "一般公共服务支出（类）财政事务（款）行政运行（项）。年初预算为100.00万元，支出决算为90.00万元，"
            "预算完成率为90.00%。决算数与年初预算数基本持平。主要用于：人员经费。",
            "90.00",
            0,
            None,
        ),
    ],
)
def test_final_accounts_item_wordings(sentence, pct, comparison, reason):
    """决算 items as templates word them: the 完成% with or without 的 (or as 预算完成率), the stated
    大于 / 小于 / 持平, and the reason to its full stop (none for 持平; 主要用于 is not a reason)."""
    facts = {f.fact_key.split("|")[1]: f for f in extract_execution(_paras("2024年度部门决算", sentence))}
    assert facts["budget"].value == D("100.00") and facts["final"].value == D("90.00")
    assert facts["completion_pct"].value == D(pct)
    assert facts["comparison"].value == D(comparison)
    assert (facts["reason"].text if "reason" in facts else None) == reason
