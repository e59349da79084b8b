"""What a final-accounts (决算) narrative states about the budget against the actual.

- per 一般公共预算 item: “1、一般公共服务支出（类）财政事务（款）行政运行（项）。主要用于：…。
  年初预算为 100.00 万元，支出决算为 95.00 万元，完成年初预算的 95.00%。决算数小于预算数的主要原因：…”,
  and the same sentence for the whole 一般公共预算财政拨款支出 (the item ``total``);
- the “三公” sentence: “三公”经费财政拨款支出年初预算为 4.00 万元，支出决算为 1.00 万元，完成预算的 25.00%
  (or “支出决算为 1.00 万元，完成预算 0 万元的 0%”), each part's 决算 and 完成%, and the change on last year;
- 机关运行经费 as executed, 政府采购 as awarded (以合同签订为准), and 绩效自评 (projects, amount, score).

Facts are NarrativeFacts: ``fact_kind`` ``execution`` with ``fact_key`` ``<item>|<measure>``, the item
being ``total`` or the subject path as printed (``一般公共服务支出/财政事务/行政运行``) and the
measure ``budget`` / ``final`` / ``completion_pct`` / ``comparison`` (1 大于, −1 小于, 0 持平 or
等于: what the text says of 决算数 against 预算数) / ``reason`` (the stated 主要原因, a text fact:
unit ``text``, the words in ``text``); the other kinds ``final_three_public`` (with each item's
change on last year and the stated reasons),
``final_operating_funds``, ``final_procurement`` and ``final_performance`` (vars narrative_facts).
Paragraphs break mid-sentence in PDF text layers, so the document's prose is read as one text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from decimal import Decimal

from pipeline.narrative.facts import NUM, NarrativeFact, amount
from pipeline.narrative.paragraphs import Paragraph

_SEP = r"\s*[，,。]?\s*"
_BUDGET = re.compile(rf"(年初|全年|调整后?)?预算(?:数)?\s*为\s*{NUM}\s*万元")
_EXECUTION = re.compile(
    rf"(?P<budgets>(?:(?:年初|全年|调整后?)?预算(?:数)?\s*为\s*{NUM}\s*万元{_SEP}){{1,2}})"
    rf"(?:支出)?决算(?:数)?\s*为\s*(?P<final>{NUM})\s*万元"
    rf"(?:{_SEP}(?:完成(?:年初|全年|调整后?)?预算数?的?|(?:年初|全年|调整后?)?预算完成率为?)\s*(?P<pct>{NUM})\s*[%％])?"
)
# the subject path an item names: 一般公共服务支出（类）财政事务（款）行政运行（项）
_PATH = re.compile(
    r"([^（()）。；;、，,：:\d]{2,40})[（(]类[)）](?:([^（()）。；;、，,：:\d]{2,40})[（(]款[)）])?(?:([^（()）。；;、，,：:\d]{2,40})[（(]项[)）])?"
)
_COMPARISON = re.compile(
    r"决算数?\s*(大于|小于|等于|同|与|和)\s*(?:年初|全年|调整后?)?预算数?\s*(基本)?\s*(持平|一致|相等|相同)?"
)

_THREE_PUBLIC: list[tuple[str, str]] = [
    ("budget_total", rf"三公[”\"]?经费(?:财政拨款)?(?:支出)?(?:年初)?预算(?:数)?\s*为\s*{NUM}\s*万元"),
    (
        "final_total",
        rf"三公[”\"]?经费(?:财政拨款)?(?:支出)?(?:年初预算为\s*[\d.,]+\s*万元{_SEP})?(?:支出)?决算(?:数)?\s*为\s*{NUM}\s*万元",
    ),
    (
        "budget_total",
        rf"三公[”\"]?经费(?:财政拨款)?(?:支出)?决算(?:数)?\s*为\s*[\d.,]+\s*万元{_SEP}完成(?:年初)?预算\s*{NUM}\s*万元",
    ),
    ("completion_pct", rf"三公[”\"]?经费[^。；]{{0,60}}?完成(?:年初)?预算(?:\s*[\d.,]+\s*万元)?的\s*{NUM}\s*[%％]"),
    ("overseas_final", rf"因公出国[（(]境[)）]费(?:用)?(?:支出)?决算(?:数)?\s*为?\s*{NUM}\s*万元"),
    ("vehicle_final", rf"公务用车购置及运行(?:维护)?费(?:支出)?决算(?:数)?\s*为?\s*{NUM}\s*万元"),
    ("reception_final", rf"公务接待费(?:支出)?决算(?:数)?\s*为?\s*{NUM}\s*万元"),
    ("vehicle_purchase_final", rf"公务用车购置(?:费)?支出\s*(?:为)?\s*{NUM}\s*万元"),
    ("vehicle_operation_final", rf"公务用车运行(?:及)?维护(?:费)?支出\s*(?:为)?\s*{NUM}\s*万元"),
    (
        "change_wan",
        rf"三公[”\"]?经费(?:财政拨款)?支出决算数?比\s*(?:上年|20\d\d\s*年度?)\s*(?:决算)?(?:增加|减少)\s*{NUM}\s*万元",
    ),
    ("vehicles_held", r"公务用车保有量\s*为?\s*(\d+)\s*辆"),
]
_THREE_PUBLIC_CHANGE_SIGN = re.compile(
    r"三公[”\"]?经费(?:财政拨款)?支出决算数?比\s*(?:上年|20\d\d\s*年度?)\s*(?:决算)?(增加|减少)"
)
# the reason a statement gives: “决算数小于预算数的主要原因：人员进出及退休变化，…。” (one sentence)
_REASON = re.compile(r"主要(?:原因|情况)\s*(?:是|为|有)?\s*[:：]?\s*(?P<reason>[^。]{2,400}?)\s*(?:。|$)")
# how far after its statement (or its 大于/小于) a reason may start and still be that statement's
_REASON_REACH = 24
_THREE_PUBLIC_REASONS: list[tuple[str, str]] = [
    ("completion_reason", r"决算数?\s*(?:大于|小于|等于)\s*预算数?的主要(?:原因|情况)"),
    ("change_reason", r"(?:增加|减少|增长|下降|上升)的主要原因"),
]
# each item's change on last year, after the whole's: “其中：因公出国（境）费支出与上一年度持平；…
# 公务接待费支出决算减少 1.00 万元”
_THREE_PUBLIC_ITEMS: list[tuple[str, str]] = [
    ("overseas", r"因公出国[（(]境[)）]费(?:用)?"),
    ("vehicle", r"公务用车购置及运行(?:维护)?费"),
    ("reception", r"公务接待费(?:用)?"),
]
_ITEM_CHANGE = (
    r"(?:支出)?(?:决算数?)?\s*(?:与上一?年度?|与\s*20\d\d\s*年度?|比上一?年度?|比\s*20\d\d\s*年度?)?(?:决算数?)?(?:相比)?\s*"
    rf"(?:(?P<level>基本)?持平|(?P<direction>增加|减少)\s*{NUM}\s*万元)"
)

_OTHER: list[tuple[str, str, str, str]] = [
    ("final_operating_funds", "final", rf"机关运行经费(?:支出)?\s*(?:为)?\s*{NUM}\s*万元", "wan"),
    ("final_procurement", "total", rf"政府采购(?:支出总额|金额)[^。；\d]{{0,16}}?(?:为)?\s*{NUM}\s*万元", "wan"),
    ("final_procurement", "goods", rf"(?:政府采购)?货物(?:采购)?(?:金额|支出)\s*(?:为)?\s*{NUM}\s*万元", "wan"),
    ("final_procurement", "works", rf"(?:政府采购)?工程(?:采购)?(?:金额|支出)\s*(?:为)?\s*{NUM}\s*万元", "wan"),
    ("final_procurement", "services", rf"(?:政府采购)?服务(?:采购)?(?:金额|支出)\s*(?:为)?\s*{NUM}\s*万元", "wan"),
    ("final_procurement", "sme_reserved", rf"面向中小企业预留政府采购项目预算金额\s*{NUM}\s*万元", "wan"),
    ("final_procurement", "small_micro_reserved", rf"面向小微企业预留政府采购项目预算金额\s*{NUM}\s*万元", "wan"),
    ("final_procurement", "sme_awarded", rf"面向中小企业预留的政府采购项目中[^。；]*?采购金额\s*{NUM}\s*万元", "wan"),
    (
        "final_procurement",
        "small_micro_awarded",
        rf"面向小微企业预留(?:的)?政府采购项目中[^。；]*?采购金额\s*{NUM}\s*万元",
        "wan",
    ),
    ("final_procurement", "other_sme_awarded", rf"其他政府采购项目中[^。；]*?采购金额\s*{NUM}\s*万元", "wan"),
    ("final_performance", "target_projects", r"编报绩效目标的\s*(?:20\d\d\s*年度)?\s*项目\s*(\d+)\s*个", "count"),
    ("final_performance", "target_amount", rf"编报绩效目标的[^。；]*?涉及预算金额\s*{NUM}\s*万元", "wan"),
    (
        "final_performance",
        "evaluated_projects",
        r"(?:绩效自评的\s*(?:20\d\d\s*年度)?\s*项目|开展绩效自评[^。；\d]{0,10}?)\s*(\d+)\s*个",
        "count",
    ),
    (
        "final_performance",
        "evaluated_amount",
        rf"(?:绩效自评的[^。；]*?涉及预算金额|绩效自评[^。；]*?共涉及资金)\s*{NUM}\s*万元",
        "wan",
    ),
    ("final_performance", "average_score", rf"平均得分\s*{NUM}\s*分", "score"),
    ("final_assets", "vehicle_count", r"共有车辆\s*(\d+)\s*辆", "count"),
    (
        "final_assets",
        "equipment_over_100w_count",
        r"100\s*万元(?:[（(]含[)）])?以上(?:专用)?设备[^。；\d]{0,12}?(\d+)\s*台",
        "count",
    ),
]


def _joined(paragraph_list: list[Paragraph]) -> tuple[str, list[int]]:
    starts: list[int] = []
    parts: list[str] = []
    offset = 0
    for para in paragraph_list:
        starts.append(offset)
        parts.append(para.text)
        offset += len(para.text)
    return "".join(parts), starts


def extract_execution(paragraph_list: list[Paragraph]) -> list[NarrativeFact]:
    """The budget-against-actual facts a 决算 narrative states (nothing for a budget's prose)."""
    text, starts = _joined(paragraph_list)
    if not paragraph_list or not re.search(r"部门决算|决算情况说明", text):
        return []  # a budget's prose

    # the 三公 section's paragraphs as one text of their own (a contents line can belong to it too)
    section_paras = [p for p in paragraph_list if p.section == "three_public"]
    section, section_starts = _joined(section_paras)

    def place(position: int, within: str = "text") -> tuple[int | None, int | None]:
        paras, offsets = (paragraph_list, starts) if within == "text" else (section_paras, section_starts)
        para = paras[max(0, bisect_right(offsets, position) - 1)]
        return para.line, para.page

    facts: list[NarrativeFact] = []
    seen: set[str] = set()

    def add(
        kind: str, key: str, value: Decimal | None, unit: str, position: int, said: str | None = None, within="text"
    ) -> None:
        if f"{kind}.{key}" in seen:
            return
        seen.add(f"{kind}.{key}")
        facts.append(NarrativeFact(kind, key, value, unit, *place(position, within), text=said))

    previous_end = 0
    for match in _EXECUTION.finditer(text):
        before = text[previous_end : match.start()]
        if "三公" in before[-40:]:
            previous_end = match.end()
            continue  # the 三公 sentence, read below
        paths = list(_PATH.finditer(before))
        total_at = before.rfind("一般公共预算财政拨款支出")
        if total_at >= 0 and (not paths or total_at >= paths[-1].end()):
            item = "total"  # 一般公共预算财政拨款支出年初预算为 …: the whole, not the last 类 named before it
        elif paths:
            item = "/".join(g for g in paths[-1].groups() if g)
        else:
            previous_end = match.end()
            continue
        final, pct = match.group("final"), match.group("pct")
        budgets = {
            ("original_budget" if word == "年初" else "adjusted_budget" if word else "budget"): raw
            for word, raw in _BUDGET.findall(match.group("budgets"))
        }
        # the budget an item is measured against: 年初预算 where the text states it, else the one it states
        budget = budgets.get("original_budget") or budgets.get("budget") or budgets.get("adjusted_budget")
        add("execution", f"{item}|budget", amount(budget), "wan", match.start())
        for key in ("original_budget", "adjusted_budget"):
            if key in budgets:
                add("execution", f"{item}|{key}", amount(budgets[key]), "wan", match.start())
        add("execution", f"{item}|final", amount(final), "wan", match.start())
        if pct is not None:
            add("execution", f"{item}|completion_pct", amount(pct), "pct", match.start())
        next_item = _EXECUTION.search(text, match.end())
        following = text[match.end() : next_item.start() if next_item else match.end() + 600]
        comparison = _COMPARISON.search(following[:80])
        said_from = 0
        if comparison:
            word = comparison.group(1)
            sign = 1 if word == "大于" else -1 if word == "小于" else 0
            add("execution", f"{item}|comparison", Decimal(sign), "sign", match.end() + comparison.start())
            said_from = comparison.end()
        reason = _REASON.search(following, said_from)
        if reason and reason.start() - said_from <= _REASON_REACH:
            add("execution", f"{item}|reason", None, "text", match.end() + reason.start(), reason.group("reason"))
        previous_end = match.end()

    # the 三公 sentences: the first statement of each figure in the 三公 section's text
    for key, pattern in _THREE_PUBLIC:
        match = re.search(pattern, section)
        if match:
            unit = "count" if key == "vehicles_held" else "pct" if key == "completion_pct" else "wan"
            value = amount(match.group(match.lastindex))
            if key == "change_wan":
                sign = _THREE_PUBLIC_CHANGE_SIGN.search(section)
                value = -value if sign and sign.group(1) == "减少" else value
            add("final_three_public", key, value, unit, match.start(), within="section")
    for key, pattern in _THREE_PUBLIC_REASONS:
        match = re.search(pattern, section)
        reason = _REASON.search(section, match.start()) if match else None
        if reason and reason.start() - match.end() <= _REASON_REACH:
            add("final_three_public", key, None, "text", reason.start(), reason.group("reason"), within="section")
    whole_change = re.search(next(pattern for key, pattern in _THREE_PUBLIC if key == "change_wan"), section)
    for item, name in _THREE_PUBLIC_ITEMS:
        match = re.compile(name + _ITEM_CHANGE).search(section, whole_change.end() if whole_change else 0)
        if match:
            change = Decimal(0) if match.group("direction") is None else amount(match.group(match.lastindex))
            change = -change if match.group("direction") == "减少" else change
            add("final_three_public", f"{item}_change", change, "wan", match.start(), within="section")
    for kind, key, pattern, unit in _OTHER:
        match = re.search(pattern, text)
        if match:
            add(kind, key, amount(match.group(match.lastindex)), unit, match.start())
    return facts
