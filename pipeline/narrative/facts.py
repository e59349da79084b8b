"""Single facts the prose states: 收支总预算, 机关运行经费, 政府采购, 国有资产占用,
预算绩效 and the “三公” sentence. Each fact keeps its source line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from pipeline.narrative.paragraphs import Paragraph

NUM = r"(\d+(?:,\d{3})*(?:\.\d+)?)"


@dataclass
class NarrativeFact:
    fact_kind: str
    fact_key: str
    value: Decimal | None  # None for a fact that is a text (unit ``text``)
    unit: str  # wan | m2 | count | year | month | day | pct | sign | text
    line: int | None
    page: int | None
    text: str | None = None  # what the sentence says, for a fact that is a text (a stated reason)


# (kind, key, pattern, unit). The first match in the document wins for each key.
_RULES: list[tuple[str, str, str, str]] = [
    ("totals", "budget_total", rf"收支总预算\s*(?:为)?\s*{NUM}\s*万元", "wan"),
    ("totals", "fiscal_budget_total", rf"财政拨款收支总预算\s*(?:为)?\s*{NUM}\s*万元", "wan"),
    ("totals", "income_total", rf"收入预算\s*(?:为)?\s*{NUM}\s*万元", "wan"),
    ("totals", "expenditure_total", rf"支出预算\s*(?:为)?\s*{NUM}\s*万元", "wan"),
    ("totals", "basic", rf"基本支出\s*(?:为)?\s*{NUM}\s*万元", "wan"),
    ("totals", "project", rf"项目支出\s*(?:为)?\s*{NUM}\s*万元", "wan"),
    ("totals", "personnel", rf"人员经费\s*(?:为)?\s*{NUM}\s*万元", "wan"),
    ("totals", "public", rf"公用经费\s*(?:为)?\s*{NUM}\s*万元", "wan"),
    (
        "operating_funds",
        "operating_funds",
        rf"(?:机关|单位|事业单位)?运行经费[^。；\d]{{0,20}}?(?:预算|为|安排|支出)\s*(?:为|数为)?\s*{NUM}\s*万元",
        "wan",
    ),
    ("procurement", "procurement_total", rf"政府采购预算\s*(?:总额)?\s*(?:为|共)?\s*{NUM}\s*万元", "wan"),
    ("procurement", "procurement_goods", rf"货物(?:类)?(?:预算)?\s*(?:为)?\s*{NUM}\s*万元", "wan"),
    ("procurement", "procurement_works", rf"工程(?:类)?(?:预算)?\s*(?:为)?\s*{NUM}\s*万元", "wan"),
    ("procurement", "procurement_services", rf"服务(?:类)?(?:预算)?\s*(?:为)?\s*{NUM}\s*万元", "wan"),
    ("procurement", "sme_reserved", rf"面向中小企业预留[^。；]*?{NUM}\s*万元", "wan"),
    ("procurement", "small_micro_reserved", rf"(?:小微企业预留|预留给小型和微型企业)[^。；]*?{NUM}\s*万元", "wan"),
    ("assets", "as_of_year", r"截至\s*(20\d\d)\s*年", "year"),
    ("assets", "as_of_month", r"截至\s*20\d\d\s*年\s*(\d{1,2})\s*月", "month"),
    ("assets", "as_of_day", r"截至\s*20\d\d\s*年\s*\d{1,2}\s*月\s*(\d{1,2})\s*日", "day"),
    ("assets", "house_area_m2", rf"房屋\s*(?:面积)?\s*{NUM}\s*平方米", "m2"),
    ("assets", "house_value", rf"房屋\s*(?:面积)?\s*{NUM}\s*平方米[，,]?\s*价值\s*{NUM}\s*万元", "wan"),
    ("assets", "vehicle_count", r"车辆\s*(?:共)?\s*(\d+)\s*辆", "count"),
    ("assets", "vehicle_value", rf"车辆\s*(?:共)?\s*\d+\s*辆[，,]?\s*价值\s*{NUM}\s*万元", "wan"),
    ("assets", "vehicle_general_count", r"一般公务用车\s*(\d+)\s*辆", "count"),
    ("assets", "vehicle_general_value", rf"一般公务用车\s*\d+\s*辆[，,]?\s*价值\s*{NUM}\s*万元", "wan"),
    ("assets", "vehicle_enforcement_count", r"执法执勤用车\s*(\d+)\s*辆", "count"),
    ("assets", "vehicle_enforcement_value", rf"执法执勤用车\s*\d+\s*辆[，,]?\s*价值\s*{NUM}\s*万元", "wan"),
    ("assets", "vehicle_other_count", r"其他(?:用车|车辆)\s*(\d+)\s*辆", "count"),
    ("assets", "vehicle_other_value", rf"其他(?:用车|车辆)\s*\d+\s*辆[，,]?\s*价值\s*{NUM}\s*万元", "wan"),
    ("assets", "vehicle_ministerial_count", r"部级领导干部用车\s*(\d+)\s*辆", "count"),
    ("assets", "vehicle_principal_leader_count", r"主要领导干部用车\s*(\d+)\s*辆", "count"),
    ("assets", "vehicle_confidential_count", r"机要通信用车\s*(\d+)\s*辆", "count"),
    ("assets", "vehicle_emergency_count", r"应急保障用车\s*(\d+)\s*辆", "count"),
    ("assets", "vehicle_special_count", r"特种专业技术用车\s*(\d+)\s*辆", "count"),
    ("assets", "vehicle_retired_cadre_count", r"离退休干部用车\s*(\d+)\s*辆", "count"),
    ("assets", "furniture_value", rf"办公家具\s*价值\s*{NUM}\s*万元", "wan"),
    ("assets", "other_assets_value", rf"其他资产\s*价值\s*{NUM}\s*万元", "wan"),
    (
        "assets",
        "equipment_over_50w_count",
        r"(?<!购置)(?<!安排)(?:单价|价值|单位价值)*\s*50\s*万元(?:[（(]含[)）])?以上[^，。；\d]{0,16}?(\d+)\s*台",
        "count",
    ),
    (
        "assets",
        "equipment_over_100w_count",
        r"(?<!购置)(?:单价|价值|单位价值)*\s*100\s*万元(?:[（(]含[)）])?以上[^，。；\d]{0,16}?(\d+)\s*台",
        "count",
    ),
    ("performance", "overall_target_count", r"整体(?:预算)?绩效目标\s*(\d+)\s*个", "count"),
    (
        "performance",
        "overall_target_amount",
        rf"整体(?:预算)?绩效目标\s*\d+\s*个[，,]?\s*涉及(?:预算)?金额\s*{NUM}\s*万元",
        "wan",
    ),
    ("performance", "project_count", r"(?:项目共|绩效目标的项目)\s*(\d+)\s*个", "count"),
    ("performance", "target_project_amount", rf"涉及项目预算资金\s*{NUM}\s*万元", "wan"),
    ("performance", "fiscal_project_amount", rf"(?<!非)财政拨款项目涉及(?:预算)?金额\s*{NUM}\s*万元", "wan"),
    ("performance", "nonfiscal_project_amount", rf"非财政拨款项目涉及(?:预算)?金额\s*{NUM}\s*万元", "wan"),
    # staff as the 部门/单位基本情况 states them: “编制数59,实有人数94人” (the totals: 行政编制/事业编制 are parts)
    (
        "staff",
        "authorized_staff",
        r"(?<!行政)(?<!事业)(?:核定)?(?:人员)?编制(?:人)?数?\s*(?:为|共|合计)?\s*(\d+)\s*(?:人|名|个)?(?![\d.万年月])",
        "count",
    ),
    ("staff", "actual_staff", r"实有(?:人数|人员)\s*(?:为|共|合计)?\s*(\d+)\s*(?:人|名)?(?![\d.万年月])", "count"),
    ("three_public", "total", rf'三公["”]?经费(?:支出)?(?:预算)?(?:支出)?数?(?:为|共|合计)?\s*{NUM}\s*万元', "wan"),
    ("three_public", "overseas", rf"三公.*?因公出国[（(]境[)）]费用?\s*{NUM}\s*万元", "wan"),
    ("three_public", "vehicle_purchase", rf"三公.*?公务用车购置费?\s*{NUM}\s*万元", "wan"),
    ("three_public", "vehicle_operation", rf"三公.*?公务用车运行(?:维护)?费\s*{NUM}\s*万元", "wan"),
    ("three_public", "reception", rf"三公.*?公务接待费\s*{NUM}\s*万元", "wan"),
]

# Facts read only from the section that states them (a 货物 figure elsewhere is no procurement).
_SECTION_OF_KIND = {
    "procurement": "procurement",
    "assets": "assets",
    "performance": "performance",
    "operating_funds": "operating_funds",
    "three_public": "three_public",
}


def extract_facts(paragraph_list: list[Paragraph]) -> list[NarrativeFact]:
    """The figures a budget's narrative states (a 决算's execution figures: ``execution.py``)."""
    facts: dict[str, NarrativeFact] = {}
    for para in paragraph_list:
        for kind, key, pattern, unit in _RULES:
            fact_id = f"{kind}.{key}"
            if fact_id in facts:
                continue
            wanted = _SECTION_OF_KIND.get(kind)
            if (
                wanted
                and para.section not in (wanted, None)
                and not (kind == "operating_funds" and "运行经费" in para.text)
            ):
                continue
            if kind == "staff" and para.section == "performance":  # 绩效 targets count people too
                continue
            if kind == "totals" and para.section not in (
                "overview",
                "income",
                "expenditure",
                "gpb",
                "gpb_basic",
                "fiscal",
            ):
                continue
            # the department's 基本/项目 split (the 支出总表's) is stated where the whole budget is,
            # not in the 一般公共预算 or 财政拨款 sections, which split a part of it
            if key in ("basic", "project") and para.section in ("gpb", "gpb_basic", "fiscal"):
                continue
            match = re.search(pattern, para.text)
            if not match:
                continue
            if kind == "procurement" and "采购" not in para.text:
                continue
            if kind == "three_public" and key != "total" and "三公" not in para.text:
                continue
            facts[fact_id] = NarrativeFact(kind, key, amount(match.group(match.lastindex)), unit, para.line, para.page)
    return list(facts.values())


def amount(raw: str) -> Decimal:
    """A figure as the sentence prints it (thousands separators allowed)."""
    return Decimal(raw.replace(",", ""))
