"""Year-over-year statements: “X 2026 年预算数为 A 万元，比上年预算增加/减少 B 万元，增长/下降 C%”.

Each gives last year's figure A − B. Statements name income sources, total/basic/project
spending, each functional 项, the 三公 items and 机关运行经费; ``与上年持平`` is a change of 0.
Templates compare with last year's budget (上年预算) or its execution (上年预算执行数):
``prior_basis`` keeps which.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from pipeline.cleaning import tidy_name
from pipeline.narrative.paragraphs import Paragraph
from pipeline.tables.lines import income_item, three_public_item

NUM = r"(\d+(?:,\d{3})*(?:\.\d+)?)"
_CHANGE = re.compile(
    rf"(?:比|较|同比)(?:上年|上一年|20\d\d\s*年)?\s*(?P<basis>预算执行数|执行数|预算数|预算)?\s*(?P<dir>增加|减少)\s*{NUM}\s*万元"
    rf"(?:[，,、]?\s*(?P<pdir>增长|下降|减少|增加)\s*(?P<pct>-?\d+(?:,\d{{3}})*(?:\.\d+)?)\s*%)?"
    rf"|(?P<flat>[与比较](?:上年|上一年|20\d\d\s*年)\s*(?P<fbasis>预算执行数|执行数|预算数|预算)?\s*持平)"
    rf"|(?<=[\u4e00-\u9fff）)])(?P<dir2>增加|减少)\s*{NUM}\s*万元[，,]\s*(?P<pdir2>增长|下降)\s*(?P<pct2>\d+(?:,\d{{3}})*(?:\.\d+)?)\s*%"
)
_AMOUNT = re.compile(rf"{NUM}\s*万元")
_BOUNDARY = re.compile(r"[。；;]|其中[:：]|主要原因[^，。；,;]*[，,]?")
_ITEM_PATH = re.compile(r"(?P<name>[^（(）)]+?)\s*[（(](?P<digits>\d*)\s*(?P<level>类|款|项)[)）]")
# Shanghai style: “N、X（204类）Y（06款）Z（01项）A万元。…上年预算执行数为P万元，本年预算安排A万元，比上年预算执行数增加/减少C%”
_EXECUTION_ITEM = re.compile(
    rf"(?:\d+[、.．])\s*(?P<label>[^。；、]*?[（(]\d*\s*项[)）])\s*{NUM}\s*万元。"
    rf"(?:(?!\d+[、.．][^。]*?[（(]\d*\s*类[)）]).)*?"
    rf"预算执行数为\s*(?P<prior>\d+(?:,\d{{3}})*(?:\.\d+)?)\s*万元[，,]\s*20\d\d\s*年预算安排\s*(?P<current>\d+(?:,\d{{3}})*(?:\.\d+)?)\s*万元[，,]\s*"
    rf"比20\d\d\s*年预算执行数\s*(?P<dir>增加|减少|增长|下降)\s*(?P<pct>\d+(?:,\d{{3}})*(?:\.\d+)?)\s*%"
)


@dataclass
class BudgetChange:
    section: str | None
    item_kind: str
    item_label: str
    subject_path: tuple[str, ...]
    subject_code: str | None
    current_wan: Decimal | None
    change_wan: Decimal
    change_pct: Decimal | None
    prior_basis: str
    sentence: str
    line: int | None
    page: int | None


def _item_kind(label: str, section: str | None) -> str:
    if _ITEM_PATH.search(label):
        return "function_item"
    if "运行经费" in label:
        return "operating_funds"
    if "三公" in label:
        return "three_public_total"
    item = three_public_item(label)  # the 三公 table's own item rules
    if item and item not in ("total", "operating_funds"):
        return f"three_public_{item}"
    if "基本支出" in label:
        return "basic"
    if "项目支出" in label:
        return "project"
    if re.search(r"收入预算|收入总", label):
        return "income_total"
    if re.search(r"支出预算|支出总", label):
        return "expenditure_total"
    key = income_item(label)
    if key and section in (None, "income", "overview", "fiscal"):
        return f"income_{key}"
    return "other"


def extract_changes(paragraph_list: list[Paragraph]) -> list[BudgetChange]:
    changes: list[BudgetChange] = []
    for para in paragraph_list:
        text = para.text
        last_end = 0
        for match in _CHANGE.finditer(text):
            window_start = last_end
            for boundary in _BOUNDARY.finditer(text, last_end, match.start()):
                window_start = boundary.end()
            window = text[window_start : match.start()]
            if match.group("flat") and not re.search(r"[\u4e00-\u9fff]{2}", window) and window_start > 0:
                # “公务接待费0.83万元。与2025年预算持平”: the item stands in the previous clause
                previous = [b.end() for b in _BOUNDARY.finditer(text, 0, max(window_start - 1, 0))]
                window_start = previous[-1] if previous else 0
                window = text[window_start : match.start()]
            last_end = match.end()
            amount = _AMOUNT.search(window)
            label = window[: amount.start()] if amount else window
            label = re.sub(
                r"^[\s，,、]*(?:[-*•]\s*)?(?:\d+[.、．]|[（(]?[一二三四五六七八九十\d]+[)）、])?\s*", "", label
            )
            label = re.sub(r"[:：]?\s*(?:20\d\d\s*年)?\s*(?:预算数为|预算为|为)?\s*$", "", label).strip(" ，,：:")
            label = tidy_name(label)
            if match.group("flat"):
                change, pct, basis_text = Decimal(0), Decimal(0), match.group("fbasis") or ""
            elif match.group("dir2"):
                sign = -1 if match.group("dir2") == "减少" else 1
                change = sign * Decimal(_num(match, "dir2"))
                pct = sign * Decimal(match.group("pct2").replace(",", ""))
                basis_text = ""
            else:
                sign = -1 if match.group("dir") == "减少" else 1
                change = sign * Decimal(_num(match, "dir"))
                pct = None
                if match.group("pct") is not None:
                    psign = -1 if match.group("pdir") in ("下降", "减少") else 1
                    pct = psign * Decimal(match.group("pct").replace(",", ""))
                basis_text = match.group("basis") or ""
            current = Decimal(amount.group(1).replace(",", "")) if amount else None
            if not label and current is None:
                continue
            if (
                "预算执行数为" in text[window_start : match.start()]
                and "预算安排" in text[window_start : match.start()]
            ):
                continue  # an execution-based item statement: read by extract_execution_items
            changes.append(
                BudgetChange(
                    section=para.section,
                    item_kind=_item_kind(label, para.section),
                    item_label=label,
                    subject_path=tuple(m.group("name").strip() for m in _ITEM_PATH.finditer(label)),
                    subject_code=stated_code(label),
                    current_wan=current,
                    change_wan=change,
                    change_pct=pct,
                    prior_basis="execution" if "执行" in basis_text else "budget",
                    sentence=text[window_start : match.end()][:500],
                    line=para.line,
                    page=para.page,
                )
            )
    return changes + extract_execution_items(paragraph_list)


def stated_code(label: str) -> str | None:
    """The functional code a label spells out (（204类）…（06款）…（01项） → 2040601)."""
    parts = [m.group("digits") for m in _ITEM_PATH.finditer(label)]
    if parts and all(parts):
        code = "".join(parts)
        return code if len(code) in (3, 5, 7) else None
    return None


def extract_execution_items(paragraph_list: list[Paragraph]) -> list[BudgetChange]:
    """Statements that give last year's execution and only a percentage change."""
    joined = ""
    starts: list[tuple[int, Paragraph]] = []
    for para in paragraph_list:
        starts.append((len(joined), para))
        joined += para.text
    changes = []
    for match in _EXECUTION_ITEM.finditer(joined):
        para = max((p for p in starts if p[0] <= match.start()), key=lambda p: p[0])[1]
        current = Decimal(match.group("current").replace(",", ""))
        prior = Decimal(match.group("prior").replace(",", ""))
        sign = -1 if match.group("dir") in ("减少", "下降") else 1
        label = tidy_name(match.group("label"))
        changes.append(
            BudgetChange(
                section=para.section,
                item_kind="function_item",
                item_label=label,
                subject_path=tuple(m.group("name").strip() for m in _ITEM_PATH.finditer(label)),
                subject_code=stated_code(label),
                current_wan=current,
                change_wan=current - prior,
                change_pct=sign * Decimal(match.group("pct").replace(",", "")),
                prior_basis="execution",
                sentence=match.group(0)[:500],
                line=para.line,
                page=para.page,
            )
        )
    return changes


def _num(match: re.Match, direction_group: str) -> str:
    """The change amount: the number right after the direction word."""
    tail = match.string[match.end(direction_group) : match.end()]
    return re.search(NUM, tail).group(1).replace(",", "")
