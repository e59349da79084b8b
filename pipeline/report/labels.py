"""Chinese + English names for what the report shows: one name per term, the glossary's English.

A report never shows a column name (``basic_wan``); it shows ``基本支出 Basic expenditure (万元)``.
Each metric also says how its value is written: ``wan`` (万元, two decimals, thousands
separators), ``share`` (a ratio 0..1 shown as a percentage), ``change`` (a ratio of change shown
as a signed percentage), ``per_wan`` (万元 per 万元 of budget shown as 元 per 万元), ``count``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    zh: str
    en: str
    kind: str  # wan | share | change | per_wan | per_staff | count | score

    @property
    def unit(self) -> str:
        return {
            "wan": "万元",
            "share": "%",
            "change": "%",
            "per_wan": "元/万元",
            "per_staff": "万元/人",
            "count": "人",
            "score": "%",
        }[self.kind]

    @property
    def label(self) -> str:
        """``基本支出 Basic expenditure (万元)``."""
        return f"{self.zh} {self.en} ({self.unit})"


METRICS: dict[str, Metric] = {
    "total_budget_wan": Metric("收入总计", "Income total", "wan"),
    "current_year_income_wan": Metric("本年收入", "Current-year income", "wan"),
    "general_public_budget_wan": Metric("一般公共预算拨款", "General public budget", "wan"),
    "upper_transfer_wan": Metric("上级转移支付", "Upper transfer", "wan"),
    "carryover_wan": Metric("上年结转结余", "Carryover", "wan"),
    "expenditure_total_wan": Metric("支出总计", "Expenditure total", "wan"),
    "basic_wan": Metric("基本支出", "Basic expenditure", "wan"),
    "project_wan": Metric("项目支出", "Project expenditure", "wan"),
    "personnel_wan": Metric("人员经费", "Personnel", "wan"),
    "public_wan": Metric("公用经费", "Public (routine operating costs)", "wan"),
    "three_public_total_wan": Metric("“三公”经费合计", "Three public total", "wan"),
    "overseas_wan": Metric("因公出国（境）费用", "Overseas", "wan"),
    "reception_wan": Metric("公务接待费", "Reception", "wan"),
    "vehicle_purchase_wan": Metric("公务用车购置", "Vehicle purchase", "wan"),
    "vehicle_operation_wan": Metric("公务用车运行维护费", "Vehicle operation", "wan"),
    "vehicle_total_wan": Metric("公务用车购置及运行维护费", "Vehicle total", "wan"),
    "three_public_unitemised_wan": Metric("未分项", "Not itemised", "wan"),
    "operating_funds_wan": Metric("机关运行经费", "Operating funds", "wan"),
    "procurement_total_wan": Metric("政府采购预算", "Procurement total", "wan"),
    "personnel_share_of_basic": Metric("人员经费占基本支出", "Personnel share of basic", "share"),
    "project_share_of_total": Metric("项目支出占支出总计", "Project share of total", "share"),
    "three_public_per_wan_of_total": Metric("每万元预算“三公”经费", "Three public per 万元 of budget", "per_wan"),
    "operating_funds_share_of_total": Metric("机关运行经费占收入总计", "Operating funds share of total", "share"),
    "upper_transfer_share_of_income": Metric("上级转移支付占本年收入", "Upper transfer share of income", "share"),
    "basic_yoy": Metric("基本支出比上年变化", "Basic expenditure change on last year", "change"),
    "project_yoy": Metric("项目支出比上年变化", "Project expenditure change on last year", "change"),
    "three_public_yoy": Metric("“三公”经费比上年变化", "Three public change on last year", "change"),
    "operating_funds_yoy": Metric("机关运行经费比上年变化", "Operating funds change on last year", "change"),
    "authorized_staff": Metric("编制数", "Authorized staff", "count"),
    "actual_staff": Metric("实有人数", "Actual staff", "count"),
    "basic_per_staff": Metric("人均基本支出", "Basic expenditure per actual staff", "per_staff"),
    "personnel_per_staff": Metric("人均人员经费", "Personnel per actual staff", "per_staff"),
    "three_public_per_staff": Metric("人均“三公”经费", "Three public per actual staff", "per_staff"),
    "basic_per_authorized_staff": Metric("每个编制基本支出", "Basic expenditure per authorized staff", "per_staff"),
    "completeness_score": Metric("公开完整度", "Disclosure completeness", "score"),
}

# 经济分类 类 (3-digit economic subjects): the glossary's names where it has one, the rest in the
# same spirit. The Chinese name comes from dim_subject (the seed); this adds the English.
ECONOMIC_EN: dict[str, str] = {
    "301": "Wages",
    "302": "Goods and services",
    "303": "Household transfers",
    "307": "Debt interest",
    "309": "Capital expenditure (infrastructure)",
    "310": "Capital expenditure",
    "311": "Enterprise subsidies (infrastructure)",
    "312": "Enterprise subsidies",
    "313": "Social security fund subsidies",
    "399": "Other expenditure",
}

LEVELS: dict[str, str] = {
    "region": "自治区/省 Region",
    "prefecture": "地州市 Prefecture",
    "county": "县市区 County",
    "unknown": "未识别 Unknown",
}

DOC_KINDS: dict[str, str] = {"部门": "部门 Department", "单位": "单位 Unit"}

# The bar that stands for every unit beyond the top N (``{n}`` = how many): for amounts the
# average per unit, for ratios the ratio of the sums.
OTHER = {
    "stack": "其他 {n} 个单位（平均）Other {n} units (average)",
    "ratio": "其他 {n} 个单位（合并）Other {n} units (pooled)",
}
