"""Column headers → measure names (GLOSSARY names), by what the header says.

Headers arrive over two or three rows with merged cells; each column's labels are read
top to bottom and the most specific (lowest) label that names a measure wins.
"""

from __future__ import annotations

import re

from pipeline.cleaning import compact_label, is_amount
from pipeline.intermediate import Block

# Economic classes (经济分类 类) named as columns of the project table.
ECONOMIC_CLASS_COLUMNS: list[tuple[str, str]] = [
    (r"工资福利", "301"),
    (r"商品和服务", "302"),
    (r"对个人和家庭", "303"),
    (r"债务利息", "307"),
    (r"资本性支出[（(]基本建设", "309"),
    (r"资本性支出", "310"),
    (r"对企业补助[（(]基本建设", "311"),
    (r"对企业补助", "312"),
    (r"对社会保障基金补助", "313"),
    (r"其他支出", "399"),
]

_MEASURE_RULES: list[tuple[str, str]] = [
    (r"^单位(编码|代码)$", "unit_code"),  # tables listed by unit (单位编码 | 单位名称 | 合计 …)
    (r"预算单位|^单位名称$|^单位[（(]项目[)）]名称$|^单位$", "unit"),
    (r"项目名称", "project_name"),
    (r"名称|内容|^项目$", "name"),
    (r"代码|编码|^[类款项]$|^科目$", "code"),
    (r"小计", "subtotal"),
    (r"合计$|总计$|^预算数?$|金额$|^本年预算数?$|^决算数?$", "total"),
    (r"人员经费|人员支出|^人员类", "personnel"),
    (r"公用经费|公用支出", "public"),
    (r"基本支出", "basic"),
    (r"项目支出|专项业务经费", "project"),
    (r"预留机动|机动经费", "reserve"),
    (r"上级补助", "upper_subsidy_income"),  # 决算 收入决算表
    (r"附属单位上缴", "affiliated_income"),
    (r"上缴上级", "upper_remittance"),
    (r"经营支出", "operating_expenditure"),
    (r"对附属单位补助", "affiliated_subsidy"),
    (r"上级一般公共预算|上级一般公共", "upper_transfer"),
    (r"一般公共预算", "general_public_budget"),
    (r"上级政府性基金", "upper_fund_transfer"),
    (r"政府性基金", "government_fund"),
    (r"上级国有资本", "upper_state_capital_transfer"),
    (r"国有资本经营", "state_capital"),
    (r"财政专户", "special_account"),
    (r"单位资金", "unit_funds"),
    (r"事业收入", "business_income"),
    (r"经营收入", "operating_income"),
    (r"其他收入", "other_income"),
    (r"非财政拨款结转", "nonfiscal_carryover"),
    (r"财政拨款结转", "fiscal_carryover"),
    (r"财政拨款", "fiscal_subtotal"),
    # 决算 政府性基金 / 国有资本经营 tables: 年初结转和结余 | 本年收入 | 本年支出 (合计 …) | 年末结转和结余
    (r"^年初.*(结转|结余)", "opening_balance"),
    (r"^年末.*(结转|结余)", "closing_balance"),
    (r"^本年收入$", "current_year_income"),
]

NON_VALUE = {"name", "project_name", "code", "unit", "unit_code"}


def measure_of(label: str) -> str | None:
    label = compact_label(label)
    if not label:
        return None
    for pattern, measure in ECONOMIC_CLASS_COLUMNS:
        if re.search(pattern, label) and "支出合计" not in label:
            return f"econ_{measure}"
    for pattern, measure in _MEASURE_RULES:
        if re.search(pattern, label):
            return measure
    return None


def is_column_number_row(cells: tuple[str, ...]) -> bool:
    """The ``* * * 1 2 3`` row some templates put under the header."""
    values = [c.strip() for c in cells if c.strip()]
    if len(values) < 2:
        return False
    if not all(v == "*" or v.isdigit() for v in values):
        return False
    numbers = [int(v) for v in values if v.isdigit()]
    return ("*" in values and numbers == list(range(1, len(numbers) + 1))) or (
        len(numbers) >= 3 and numbers == list(range(1, len(numbers) + 1))
    )


def column_measures(header_rows: list[Block]) -> list[str | None]:
    """One measure (or None) per column position, from the header rows of a segment."""
    width = max((len(r.cells) for r in header_rows), default=0)
    # A merged group cell (财政拨款 / 非财政拨款 over several columns) stands in its first
    # column; carry it right across the empty cells it spans.
    groups = [""] * width
    for r in header_rows[:-1]:
        current = ""
        for j in range(width):
            cell = r.cells[j] if j < len(r.cells) else ""
            current = cell if cell.strip() else current
            groups[j] += current
    measures: list[str | None] = []
    for j in range(width):
        labels = [
            r.cells[j] for r in header_rows if j < len(r.cells) and r.cells[j].strip() and not is_amount(r.cells[j])
        ]
        # Read the column's labels together first: a wrapped header cell continues on the
        # row below (一般公共预 / 算); fall back to the lowest label that names a measure.
        measure = measure_of("".join(labels))
        if measure is None:
            for label in reversed(labels):
                measure = measure_of(label)
                if measure is not None:
                    break
        if measure is not None and measure not in NON_VALUE:
            ancestors = compact_label(groups[j]) + "".join(compact_label(x) for x in labels)
            if "非财政" in ancestors and not measure.startswith("nonfiscal"):
                measure = f"nonfiscal_{measure}"
        measures.append(measure)
    return measures
