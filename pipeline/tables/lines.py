"""Tables whose rows are labelled lines rather than subject codes: 收支总表 and
财政拨款收支总表 (income lines beside expenditure by 类), “三公”经费, 委托业务费, 上年结转结余.

Each label is mapped to one GLOSSARY name by what it says; amounts are mapped to measures
by the header above them (合计, 一般公共预算, 政府性基金 …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from pipeline.cleaning import compact_label, is_amount, parse_amount, tidy_name, to_wan
from pipeline.tables.columns import NON_VALUE, column_measures, is_column_number_row, measure_of
from pipeline.tables.segment import TableRegion


@dataclass
class LineItem:
    side: str  # income | expenditure | item
    line_label: str
    item_key: str | None
    subject_code: str | None
    measure: str
    amount_wan: Decimal | None
    line: int | None
    page: int | None


# Income-side labels of the 收支总表 / 财政拨款收支总表 (ordered: specific first).
_INCOME_ITEMS: list[tuple[str, str]] = [
    # final accounts (决算): the balances at the start and end of the year, and their movements
    (r"^年初.*结转和?结余", "opening_balance"),
    (r"^年末.*结转和?结余", "closing_balance"),
    (r"使用非财政拨款结余", "nonfiscal_balance_used"),
    (r"用事业基金弥补", "business_fund_used"),
    (r"结余分配", "balance_distributed"),
    (r"本年收入", "current_year_income"),  # 本年收入合计 is this year's, not the 收入总计
    (r"本年支出", "current_year_expenditure"),
    (r"收入总计|收入合计", "income_total"),
    (r"支出总计|支出合计", "expenditure_total"),
    (r"一般财力", "general_fiscal"),
    (r"上级一般公共预算.*转移支付", "upper_transfer"),
    (r"上级政府性基金.*转移支付", "upper_fund_transfer"),
    (r"上级国有资本经营.*转移支付", "upper_state_capital_transfer"),
    (r"政府性基金收入", "government_fund_own"),
    (r"国有资本经营收入", "state_capital_own"),
    (r"一般公共预算", "general_public_budget"),
    (r"政府性基金", "government_fund"),
    (r"国有资本经营", "state_capital"),
    (r"财政专户", "special_account"),
    (r"事业单位经营收入|经营收入", "operating_income"),
    (r"事业收入", "business_income"),
    (r"上级补助收入", "upper_subsidy_income"),
    (r"附属单位上缴", "affiliated_income"),
    (r"其他收入", "other_income"),
    (r"单位资金|单位自有资金", "unit_funds"),
    (r"非财政拨款结转", "nonfiscal_carryover"),
    (r"财政拨款结转", "fiscal_carryover"),
    (r"上年结转|结转结余", "carryover"),
    (r"财政拨款[（(]?补助[)）]?$|^财政拨款(收入)?$", "fiscal_subtotal"),
]
# Expenditure-side lines that split the total by purpose (a block of 收支总表 in some templates).
_EXPENDITURE_ITEMS: list[tuple[str, str]] = [
    (r"^年末.*结转和?结余", "closing_balance"),
    (r"结余分配", "balance_distributed"),
    (r"本年支出", "current_year_expenditure"),
    (r"支出总计|支出合计|^合计$|^总计$", "expenditure_total"),
    (r"^基本支出$|人员经费和公用经费", "basic"),
    (r"^项目支出$|专项业务经费", "project"),
    (r"上缴上级", "upper_remittance"),
    (r"事业单位经营支出", "operating_expenditure"),
    (r"对附属单位补助", "affiliated_subsidy"),
]
_CARRYOVER_SCOPED = {"general_public_budget", "government_fund", "state_capital", "special_account", "unit_funds"}

_THREE_PUBLIC_ITEMS: list[tuple[str, str]] = [
    (r"机关运行经费", "operating_funds"),
    (r"^行政经费", "administrative_funds"),  # printed beside 三公 in some templates; not part of it
    (r"会议费", "meeting_funds"),
    (r"培训费", "training_funds"),
    (r"^(合计|总计)$|三公.*(合计|总计)", "total"),
    (r"出国", "overseas"),
    (r"接待", "reception"),
    (r"购置及运行|购置和运行", "vehicle_total"),
    (r"购置", "vehicle_purchase"),
    (r"运行", "vehicle_operation"),
    (r"三公", "total"),  # “三公”经费 / “三公”经费财政拨款预算总额: the 三公 line itself
]

_HEADER_WORDS = re.compile(
    r"^(项目|收入|支出|科目|科目名称|功能分类|预算数|合计|资金来源|财政拨款收入|财政拨款支出|.*内容|项目名称)$"
)
_EXPENDITURE_LABEL = re.compile(r"^(\d{3})\s*(\S.*)$")
_ENUMERATOR = re.compile(r"^(?:[一二三四五六七八九十]+、|\d+[.、．]|其中[:：]|[（(][一二三四五六七八九十\d]+[)）])\s*")


def _first_match(rules: list[tuple[str, str]], label: str) -> str | None:
    for pattern, key in rules:
        if re.search(pattern, label):
            return key
    return None


def income_item(label: str) -> str | None:
    return _first_match(_INCOME_ITEMS, _ENUMERATOR.sub("", compact_label(label)))


def three_public_item(label: str) -> str | None:
    label = _ENUMERATOR.sub("", compact_label(label))
    if label.endswith("内容"):
        return None
    return _first_match(_THREE_PUBLIC_ITEMS, label)


def _header_and_data(region: TableRegion, is_item) -> tuple[list, list]:
    header, data = [], []
    for row in region.rows:
        if is_column_number_row(row.cells):
            continue
        labels = [c for c in row.cells if c and not is_amount(c)]
        looks_like_data = any(is_amount(c) for c in row.cells) or bool(labels and is_item(labels[0]))
        if not data and not looks_like_data:
            header.append(row)
        elif data and (
            row.cells in {h.cells for h in header}
            or (
                not looks_like_data
                and all(_HEADER_WORDS.match(compact_label(x)) or x.startswith("编制") for x in labels)
            )
        ):
            continue  # header repeated on a continuation page
        else:
            data.append(row)
    return header, data


_SPILLED = re.compile(r"^([\u4e00-\u9fff（）()]{1,4})\s+(\S+)$")


def _rejoin_spilled_labels(cells: tuple[str, ...]) -> tuple[str, ...]:
    """“1、人员经费和公用经费支 | 出 2,022.39”: the end of a wrapped label fell into the amount's
    column; it goes back to its label."""
    out = list(cells)
    for j in range(1, len(out)):
        match = _SPILLED.match(out[j])
        if match and is_amount(match.group(2)) and out[j - 1] and not is_amount(out[j - 1]):
            out[j - 1] += match.group(1)
            out[j] = match.group(2)
    return tuple(out)


def interpret_two_sided(region: TableRegion) -> list[LineItem]:
    """收支总表 / 财政拨款收支总表: label/amount pairs, income on the left, expenditure on the right."""
    header, data = _header_and_data(region, lambda x: False)
    measures = column_measures(header)
    # where the header says 支出, the expenditure side starts (labels there need not say 支出)
    expenditure_from = next(
        (j for r in header for j, c in enumerate(r.cells) if j > 0 and compact_label(c) in ("支出", "支出项目")), None
    )
    # 行次 columns (决算 templates number every line) hold line numbers, not amounts
    line_number_columns = {j for r in header for j, c in enumerate(r.cells) if compact_label(c) in ("行次", "栏次")}
    items: list[LineItem] = []
    in_carryover = False
    balance_prefix = "carryover"
    for row in data:
        if compact_label(next((c for c in row.cells if c), "")) == "栏次":
            continue  # 栏次 | | 1 | 栏次 | | 2: the column numbers
        cells = tuple("" if j in line_number_columns else c for j, c in enumerate(_rejoin_spilled_labels(row.cells)))
        k = 0
        while k < len(cells):
            label = cells[k]
            if not label or is_amount(label):
                k += 1
                continue
            j = k + 1
            values: list[tuple[int, str]] = []
            while j < len(cells) and (not cells[j] or is_amount(cells[j])):
                if j not in line_number_columns:
                    values.append((j, cells[j]))
                j += 1
            label_text = tidy_name(label)
            code_match = _EXPENDITURE_LABEL.match(label_text)
            key = None if code_match else income_item(label_text)
            if key is None and compact_label(label_text) in ("合计", "总计"):
                # a bare 合计 closes the income side when it comes first in the row, else the expenditure side
                key = (
                    "income_total"
                    if not any(i.line == row.line and i.page == row.page for i in items)
                    else "expenditure_total"
                )
            on_expenditure_side = expenditure_from is not None and k >= expenditure_from
            side = (
                "expenditure"
                if on_expenditure_side
                or code_match
                or key in ("expenditure_total", "current_year_expenditure")
                or "支出" in label_text
                else "income"
            )
            if side == "expenditure" and key not in ("expenditure_total", "current_year_expenditure"):
                key = _first_match(_EXPENDITURE_ITEMS, _ENUMERATOR.sub("", compact_label(label_text)))
            if side == "income" and key in {"carryover", "fiscal_carryover", "opening_balance"}:
                in_carryover = True
                balance_prefix = "opening_balance" if key == "opening_balance" else "carryover"
            elif side == "income" and key in {"current_year_income", "income_total"}:
                in_carryover = False
            if side == "income" and in_carryover and key in _CARRYOVER_SCOPED:
                key = f"{balance_prefix}_{key}"
            if side == "expenditure" and key is None and not code_match:
                key = "expenditure_line"
            if side == "expenditure" and key in ("income_total", "current_year_income"):  # a bare 合计 on the right
                key = {"income_total": "expenditure_total", "current_year_income": "current_year_expenditure"}[key]
            if _HEADER_WORDS.match(compact_label(label_text)) and not any(is_amount(v) for _, v in values):
                k = j
                continue
            filled = [(pos, v) for pos, v in values]
            if not filled:
                filled = [(k + 1, "")]
            for pos, raw in filled:
                measure = measures[pos] if pos < len(measures) and measures[pos] not in (None, *NON_VALUE) else "total"
                if side == "income" and measure != "total":
                    measure = "total"
                items.append(
                    LineItem(
                        side=side,
                        line_label=code_match.group(2) if code_match else label_text,
                        item_key=key,
                        subject_code=code_match.group(1) if code_match else None,
                        measure=measure,
                        amount_wan=to_wan(parse_amount(raw), region.unit),
                        line=row.line,
                        page=row.page,
                    )
                )
                if side == "income":
                    break  # an income label has one amount; the rest belongs to the other side
            k = j
    return items


def interpret_labelled(region: TableRegion, classify) -> list[LineItem]:
    """One label per row, amounts by header (“三公”经费, 委托业务费, 上年结转结余)."""
    if classify is three_public_item:
        rows = [r for r in region.rows if not is_column_number_row(r.cells)]
        # the first row of figures (a lone 2026 above the header is a year, not a figure)
        first_numeric = next((i for i, r in enumerate(rows) if sum(is_amount(c) for c in r.cells) >= 2), None)
        if first_numeric is not None:
            head = rows[:first_numeric]
            named = {three_public_item(c) for r in head for c in r.cells if c} - {None}
            row_labels = [c for c in rows[first_numeric].cells if c and not is_amount(c)]
            # items named across the header, and the data row not itself an item (合计 / unit / year labels)
            if len(named) >= 3 and not any(three_public_item(c) not in (None, "total") for c in row_labels):
                return _interpret_horizontal_three_public(region, head, rows[first_numeric:])
    header, data = _header_and_data(region, classify)
    measures = column_measures(header)
    items: list[LineItem] = []
    for row in data:
        label_idx = next((i for i, c in enumerate(row.cells) if c and not is_amount(c)), None)
        if label_idx is None:
            continue
        label = tidy_name(row.cells[label_idx])
        key = classify(label)
        for pos in range(label_idx + 1, len(row.cells)):
            measure = measures[pos] if pos < len(measures) else None
            if measure in (None, *NON_VALUE):
                continue
            items.append(
                LineItem(
                    "item",
                    label,
                    key,
                    None,
                    measure,
                    to_wan(parse_amount(row.cells[pos]), region.unit),
                    row.line,
                    row.page,
                )
            )
    return items


def _carried_header(header) -> list[list[str]]:
    """Header labels per column, top to bottom, a merged cell carried right over the empty
    cells it spans (never past the start of a group in the row above)."""
    width = max(len(r.cells) for r in header)
    carried: list[list[str]] = [[] for _ in range(width)]
    group_starts: set[int] = set()  # the rows above open a group at these columns
    for r in header:
        cells = [r.cells[j] if j < len(r.cells) else "" for j in range(width)]
        current = ""
        for j in range(width):
            if cells[j].strip():
                current = cells[j]
            elif j in group_starts or j >= len(r.cells):  # nor past the end of its own row
                current = ""
            if current:
                carried[j].append(current)
        group_starts = {j for j in range(width) if cells[j].strip()} | group_starts
    return carried


def _period(label: str) -> str | None:
    """Which year a column group of a side-by-side 三公 table stands for."""
    label = compact_label(label)
    if re.search(r"上年|增减|变化|比上年|差额", label):
        return "other"
    year = _YEAR_LABEL.search(label)
    if year and len(label) <= 10:  # 2025年预算数 | 2026年预算数: the later year is the budget
        return year.group(1)
    return "current" if re.search(r"当年|本年|预算数$", label) else None


_FUND_MEASURES = {"general_public_budget", "government_fund", "state_capital"}


def _stage(labels: list[str]) -> str | None:
    """``budget`` / ``final`` for a column a header labels 预算数 / 决算数 (决算 三公 tables)."""
    for label in labels:
        label = compact_label(label)
        if re.fullmatch(r"(?:年初)?预算数?", label):
            return "budget"
        if re.fullmatch(r"决算数?", label):
            return "final"
    return None


_YEAR_LABEL = re.compile(r"(20\d\d)\s*年")
_CHANGE_LABEL = re.compile(r"增减|变化|比上年|增长|差额")


def _interpret_horizontal_three_public(region: TableRegion, header, data) -> list[LineItem]:
    """A “三公” table whose items are columns, as many provinces print it.

    An item may be split into per-fund columns (一般公共预算 / 政府性基金 / 国有资本经营) with no
    合计 of its own: its total is then the sum of its fund columns. Where rows give years side by
    side (2025年 / 2026年 / 增减变化), the latest year's row is the budget.
    """
    columns = _carried_header(header)
    keys: list[str | None] = []
    measures: list[str] = []
    named_by: list[str] = []
    # 上年 | 当年 | 增减变化 side by side: only the budget year's columns
    periods = [_period(labels[0]) if labels else None for labels in columns]
    current = "current" if "current" in periods else max((p for p in periods if p and p.isdigit()), default=None)
    for labels, period in zip(columns, periods):
        key, label_used = None, ""
        if current is None or (period in (current, None) and period != "other"):
            for label in reversed(labels):
                key = three_public_item(label)
                if key:
                    label_used = label
                    break
        fund = measure_of(labels[-1]) if labels else None
        keys.append(key)
        named_by.append(label_used)
        measures.append(fund if fund in _FUND_MEASURES else "total")
    # a 决算 三公 table prints each item's 预算数 beside its 决算数: the measures are the two figures
    stages = [_stage(labels) for labels in columns]
    if {"budget", "final"} <= set(stages):
        measures = [stage or measure for stage, measure in zip(stages, measures)]
    # beside 会议费 / 培训费 the bare 合计 adds them in; the 三公 total is the column the header names 三公
    if any(k == "total" and "三公" in n for k, n in zip(keys, named_by)):
        keys = [None if k == "total" and "三公" not in n else k for k, n in zip(keys, named_by)]
    total_columns = [(k, m) for k, m in zip(keys, measures) if k and m in ("total", "budget", "final")]
    if len(total_columns) != len(set(total_columns)):
        return []  # an item named over several columns: the header did not come through; read nothing rather than guess
    rows = [r for r in data if any(is_amount(c) for c in r.cells)]
    dated = [
        (int(m.group(1)), r)
        for r in rows
        for c in r.cells[:3]
        for m in [_YEAR_LABEL.search(c)]
        if m and not is_amount(c)
    ]
    if dated:
        row = max(dated, key=lambda pair: pair[0])[1]
    else:
        undated = [r for r in rows if not any(_CHANGE_LABEL.search(c) for c in r.cells if not is_amount(c))]
        if not undated:
            return []
        row = undated[0]
    items: list[LineItem] = []
    fund_sums: dict[str, Decimal] = {}
    has_total = {k for k, m in zip(keys, measures) if k and m == "total"}
    for j, raw in enumerate(row.cells):
        if j >= len(keys) or not keys[j] or not (is_amount(raw) or not raw):
            continue
        amount = to_wan(parse_amount(raw), region.unit)
        items.append(LineItem("item", keys[j], keys[j], None, measures[j], amount, row.line, row.page))
        if measures[j] in _FUND_MEASURES and keys[j] not in has_total and amount is not None:
            fund_sums[keys[j]] = fund_sums.get(keys[j], Decimal(0)) + amount
    for key, amount in fund_sums.items():
        items.append(LineItem("item", key, key, None, "total", amount, row.line, row.page))
    return items


def interpret_line_table(region: TableRegion) -> list[LineItem]:
    if region.kind in {"budget_summary", "fiscal_summary"}:
        return interpret_two_sided(region)
    if region.kind == "three_public":
        return interpret_labelled(region, three_public_item)
    return interpret_labelled(
        region, lambda label: "total" if re.fullmatch(r"(合计|总计)", compact_label(label)) else None
    )
