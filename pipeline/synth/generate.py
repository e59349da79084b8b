"""Synthetic disclosures: realistic, internally consistent, deterministic.

A ``Disclosure`` is built first (all amounts in integer hundredths of 万元, so every total is
exactly the sum of its parts and every stated percentage is computed from the figures it
names), then rendered as tab-separated converter text in the standard 12-table template with
the quirks real converters produce (OCR spaces in numbers, ``<b>`` tags, tables split over
pages with repeated headers, missing ``表 N`` captions, empty tables with their 空表 statement).
The truth file beside each document lists the figures the warehouse must reproduce.
Places come from cpca's administrative-division list, so generated units resolve to real codes.
"""

from __future__ import annotations

import csv
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import cpca

# Functional items (7-digit code → class, section, item names) and the unit types that use them.
FUNCTION_ITEMS = {
    "2010101": ("一般公共服务支出", "人大事务", "行政运行"),
    "2010301": ("一般公共服务支出", "政府办公厅（室）及相关机构事务", "行政运行"),
    "2010350": ("一般公共服务支出", "政府办公厅（室）及相关机构事务", "事业运行"),
    "2040601": ("公共安全支出", "司法", "行政运行"),
    "2040604": ("公共安全支出", "司法", "基层司法业务"),
    "2050101": ("教育支出", "教育管理事务", "行政运行"),
    "2050201": ("教育支出", "普通教育", "学前教育"),
    "2050202": ("教育支出", "普通教育", "小学教育"),
    "2080101": ("社会保障和就业支出", "人力资源和社会保障管理事务", "行政运行"),
    "2080109": ("社会保障和就业支出", "人力资源和社会保障管理事务", "社会保险经办机构"),
    "2080199": ("社会保障和就业支出", "人力资源和社会保障管理事务", "其他人力资源和社会保障管理事务支出"),
    "2080501": ("社会保障和就业支出", "行政事业单位养老支出", "行政单位离退休"),
    "2080505": ("社会保障和就业支出", "行政事业单位养老支出", "机关事业单位基本养老保险缴费支出"),
    "2080506": ("社会保障和就业支出", "行政事业单位养老支出", "机关事业单位职业年金缴费支出"),
    "2080699": ("社会保障和就业支出", "企业改革补助", "其他企业改革发展补助"),
    "2100101": ("卫生健康支出", "卫生健康管理事务", "行政运行"),
    "2100408": ("卫生健康支出", "公共卫生", "基本公共卫生服务"),
    "2101101": ("卫生健康支出", "行政事业单位医疗", "行政单位医疗"),
    "2101102": ("卫生健康支出", "行政事业单位医疗", "事业单位医疗"),
    "2101103": ("卫生健康支出", "行政事业单位医疗", "公务员医疗补助"),
    "2130101": ("农林水支出", "农业农村", "行政运行"),
    "2130122": ("农林水支出", "农业农村", "农业生产发展"),
    "2210201": ("住房保障支出", "住房改革支出", "住房公积金"),
}
UNIT_TYPES = {
    "社会保险中心": ["2080109", "2080199", "2080699"],
    "人力资源和社会保障局": ["2080101", "2080199"],
    "司法局": ["2040601", "2040604"],
    "教育局": ["2050101", "2050201", "2050202"],
    "卫生健康委员会": ["2100101", "2100408"],
    "农业农村局": ["2130101", "2130122"],
    "人民政府办公室": ["2010301", "2010350"],
}
COMMON_ITEMS = ["2080501", "2080505", "2080506", "2101101", "2101103", "2210201"]
ECONOMIC = {
    "301": (
        "工资福利支出",
        {
            "01": "基本工资",
            "02": "津贴补贴",
            "03": "奖金",
            "08": "机关事业单位基本养老保险缴费",
            "09": "职业年金缴费",
            "10": "职工基本医疗保险缴费",
            "13": "住房公积金",
        },
    ),
    "302": (
        "商品和服务支出",
        {
            "01": "办公费",
            "05": "水费",
            "11": "差旅费",
            "17": "公务接待费",
            "28": "工会经费",
            "31": "公务用车运行维护费",
            "99": "其他商品和服务支出",
        },
    ),
    "303": ("对个人和家庭的补助", {"02": "退休费", "09": "奖励金"}),
}
PROJECT_CLASSES = [
    ("302", "商品和服务支出"),
    ("303", "对个人和家庭的补助"),
    ("310", "资本性支出"),
    ("313", "对社会保障基金补助"),
]
PROJECT_NAMES = [
    "信息化建设运行维护经费",
    "业务工作经费",
    "宣传培训经费",
    "专项补助资金",
    "设备购置经费",
    "基础性补贴资金",
    "经办服务保障经费",
    "专项审计经费",
    "线路租赁费",
    "档案数字化经费",
]
CLASS_NAMES = {
    "201": "一般公共服务支出",
    "204": "公共安全支出",
    "205": "教育支出",
    "208": "社会保障和就业支出",
    "210": "卫生健康支出",
    "213": "农林水支出",
    "221": "住房保障支出",
}


def places(region_prefix: str | None = None) -> list[tuple[str, str]]:
    """(adcode, name) of every division cpca knows (prefectures and counties)."""
    path = Path(cpca.__file__).parent / "resources" / "adcodes.csv"
    with open(path, encoding="utf-8") as handle:
        rows = [(r["adcode"][:6], r["name"]) for r in csv.DictReader(handle)]
    rows = [r for r in rows if not r[0].endswith("0000") and r[1] not in ("市辖区", "县")]
    if region_prefix:
        rows = [r for r in rows if r[0].startswith(region_prefix)]
    # homonymous divisions (several 朝阳区) would make two units of one name: keep unique names
    counts = Counter(name for _, name in rows)
    return sorted({r for r in rows if counts[r[1]] == 1})


@dataclass
class Item:
    code: str
    basic: int  # hundredths of 万元
    project: int
    upper: int  # 上级转移支付 part of the total

    @property
    def total(self) -> int:
        return self.basic + self.project


@dataclass
class Project:
    code: str
    name: str
    amount: int
    economic_class: str


@dataclass
class Disclosure:
    unit_name: str
    year: int
    items: list[Item]
    economic: dict[str, int]  # 5-digit economic code → amount (basic spending)
    projects: list[Project]
    three_public: dict[str, int]
    prior: dict[str, int]  # last year's budget of statement items
    procurement: dict[str, int]
    assets: dict[str, int]
    quirks: dict[str, bool] = field(default_factory=dict)

    # totals -----------------------------------------------------------------
    def total(self, attr: str = "total", prefix: str = "") -> int:
        return sum(getattr(i, attr) for i in self.items if i.code.startswith(prefix))

    @property
    def personnel(self) -> int:
        return sum(v for k, v in self.economic.items() if k[:3] in ("301", "303"))

    @property
    def public(self) -> int:
        return sum(v for k, v in self.economic.items() if k[:3] == "302")


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """``parts`` positive integers summing to ``total``."""
    if parts <= 1 or total < parts:
        return [total] + [0] * (parts - 1)
    cuts = sorted(rng.sample(range(1, total), parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total])]


def build(seed: int, unit_index: int, year: int, place: tuple[str, str], unit_type: str) -> Disclosure:
    rng = random.Random(f"{seed}-{unit_index}-{year}")
    code, place_name = place
    scale = 3.0 if code.endswith("00") else 1.0
    codes = UNIT_TYPES[unit_type] + rng.sample(COMMON_ITEMS, k=rng.randint(3, len(COMMON_ITEMS)))
    items = []
    for c in sorted(set(codes)):
        amount = int(rng.lognormvariate(10.5, 0.9) * scale) + 100
        if c in UNIT_TYPES[unit_type][1:] and rng.random() < 0.7:
            basic, project = 0, amount
        elif rng.random() < 0.2:
            basic, project = amount * 3 // 4, amount - amount * 3 // 4
        else:
            basic, project = amount, 0
        upper = project // 2 if project and rng.random() < 0.4 else 0
        items.append(Item(c, basic, project, upper))
    basic_total = sum(i.basic for i in items)
    if basic_total == 0:
        items[0].basic, basic_total = 5000, 5000
    # economic breakdown of basic spending: 301 ≈ 80%, 302 ≈ 12%, 303 the rest
    e301 = basic_total * rng.randint(75, 85) // 100
    e302 = basic_total * rng.randint(8, 15) // 100
    e303 = basic_total - e301 - e302
    economic: dict[str, int] = {}
    for cls, amount in (("301", e301), ("302", e302), ("303", e303)):
        subs = sorted(ECONOMIC[cls][1])
        chosen = sorted(rng.sample(subs, k=min(len(subs), rng.randint(2, len(subs)))))
        for sub, part in zip(chosen, _split(rng, amount, len(chosen))):
            economic[cls + sub] = part
    projects: list[Project] = []
    names = rng.sample(PROJECT_NAMES, k=len(PROJECT_NAMES))
    for item in items:
        if item.project:
            count = rng.randint(1, 3)
            for part in _split(rng, item.project, count):
                cls = rng.choice(PROJECT_CLASSES)[0]
                projects.append(Project(item.code, f"{year}年{names[len(projects) % len(names)]}", part, cls))
    reception = economic.get("30217", 0)
    operation = economic.get("30231", 0)
    three_public = {"overseas": 0, "reception": reception, "vehicle_purchase": 0, "vehicle_operation": operation}
    prior = {}
    for key, current in [
        ("general_public_budget", sum(i.total - i.upper for i in items)),
        ("upper_transfer", sum(i.upper for i in items)),
        ("basic", basic_total),
        ("project", sum(i.project for i in items)),
        ("operating_funds", e302),
        ("three_public", reception + operation),
    ] + [(i.code, i.total) for i in items]:
        prior[key] = max(0, int(current / rng.uniform(0.85, 1.2))) if current else 0
    goods, works, services = (int(rng.lognormvariate(6, 1)) for _ in range(3))
    procurement = {"goods": goods, "works": works if rng.random() < 0.3 else 0, "services": services}
    vehicles = rng.randint(0, 6)
    assets = {
        "house_area_m2": rng.randint(0, 500000) if rng.random() < 0.7 else 0,  # hundredths of m²
        "house_value": rng.randint(0, 40000),
        "vehicle_count": vehicles,
        "vehicle_value": vehicles * rng.randint(1500, 3500),
        "furniture_value": rng.randint(100, 20000),
        "other_assets_value": rng.randint(0, 100000),
        "equipment_over_50w_count": rng.randint(0, 3),
        "equipment_over_100w_count": rng.randint(0, 1),
    }
    quirks = {
        "ocr_spaces": rng.random() < 0.3,
        "bold_classes": rng.random() < 0.3,
        "split_tables": rng.random() < 0.5,
        "missing_captions": rng.random() < 0.2,
    }
    return Disclosure(
        f"{place_name}{unit_type}", year, items, economic, projects, three_public, prior, procurement, assets, quirks
    )
