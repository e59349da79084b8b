"""Statements as different templates word them."""

from decimal import Decimal as D

import pytest

from pipeline.intermediate import Block
from pipeline.narrative.facts import extract_facts
from pipeline.narrative.paragraphs import paragraphs
from pipeline.narrative.statements import extract_changes


def _paras(*texts):
    return paragraphs([Block("text", (t,), line=i + 1) for i, t in enumerate(texts)])


@pytest.mark.parametrize(
    "sentence, current, change, pct",
    [
        ("基本支出 573.09 万元，比上年预算增加 62.99 万元，增长 12.35%，主要原因是人员增加。", "573.09", "62.99", "12.35"),
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
