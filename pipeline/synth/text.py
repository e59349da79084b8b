"""Render a synthetic ``Disclosure`` as converter text (the 2026 Xinjiang template) and its truth."""

from __future__ import annotations

from collections import defaultdict

from pipeline.synth.generate import ECONOMIC, FUNCTION_ITEMS, Disclosure

TABLE_TITLES = [
    "部门收支总体情况表",
    "部门收入总体情况表",
    "部门支出总体情况表",
    "财政拨款收支预算总体情况表",
    "一般公共预算支出情况表",
    "一般公共预算基本支出情况表",
    "一般公共预算项目支出情况表",
    "政府性基金预算支出情况表",
    "国有资本经营预算支出情况表",
    "财政拨款“三公”经费支出情况表",
    "财政拨款委托业务费支出情况表",
    "上年结转结余情况表",
]
NUMERALS = "一二三四五六七八九十"
CLASS_ORDER = [
    "201",
    "202",
    "203",
    "204",
    "205",
    "206",
    "207",
    "208",
    "209",
    "210",
    "211",
    "212",
    "213",
    "214",
    "215",
    "216",
    "217",
    "219",
    "220",
    "221",
    "222",
    "223",
    "224",
    "227",
    "229",
    "230",
    "231",
    "232",
    "233",
]
ALL_CLASS_NAMES = {
    "201": "一般公共服务支出",
    "202": "外交支出",
    "203": "国防支出",
    "204": "公共安全支出",
    "205": "教育支出",
    "206": "科学技术支出",
    "207": "文化旅游体育与传媒支出",
    "208": "社会保障和就业支出",
    "209": "社会保险基金支出",
    "210": "卫生健康支出",
    "211": "节能环保支出",
    "212": "城乡社区支出",
    "213": "农林水支出",
    "214": "交通运输支出",
    "215": "资源勘探工业信息等支出",
    "216": "商业服务业等支出",
    "217": "金融支出",
    "219": "援助其他地区支出",
    "220": "自然资源海洋气象等支出",
    "221": "住房保障支出",
    "222": "粮油物资储备支出",
    "223": "国有资本经营预算支出",
    "224": "灾害防治及应急管理支出",
    "227": "预备费",
    "229": "其他支出",
    "230": "转移性支出",
    "231": "债务还本支出",
    "232": "债务付息支出",
    "233": "债务发行费用支出",
}


def _numeral(n: int) -> str:
    return NUMERALS[n - 1] if n <= 10 else "十" + NUMERALS[n - 11]


class _Writer:
    def __init__(self, d: Disclosure):
        self.d = d
        self.lines: list[str] = []

    def _fmt(self, value: int) -> str:
        text = f"{value / 100:,.2f}"
        if self.d.quirks.get("ocr_spaces"):
            text = text.replace(",", ", ").replace(".", ". ")
        return text

    def cell(self, value: int) -> str:
        """A table cell: blank when zero, as the templates print it."""
        return self._fmt(value) if value else ""

    def add(self, *lines: str) -> None:
        for line in lines:
            self.lines.extend([line, ""])

    def row(self, cells: list[str], bold: bool = False) -> None:
        if bold and self.d.quirks.get("bold_classes"):
            cells = [f"<b>{c}</b>" if c else c for c in cells]
        self.lines.append("\t".join(cells))

    def table_header(self, number: int, title: str) -> None:
        self.lines.append("")
        if not self.d.quirks.get("missing_captions"):
            self.add(f"表 {number}")
        self.add(title, f"编制部门：{self.d.unit_name}", "单位：万元")

    def continuation(self, header: list[list[str]]) -> None:
        self.lines.append("")
        self.add(f"编制部门：{self.d.unit_name}", "单位：万元")
        for h in header:
            self.row(h)


def _hierarchy(items, value_fn):
    """Rows (code parts, name, values) for 类, 款, 项 with sums, in code order."""
    by_class: dict[str, list] = defaultdict(list)
    for item in items:
        by_class[item.code[:3]].append(item)
    rows = []
    for cls in sorted(by_class):
        members = by_class[cls]
        rows.append(
            (
                [cls, "", ""],
                FUNCTION_ITEMS[members[0].code][0],
                [sum(v) for v in zip(*(value_fn(i) for i in members))],
                True,
            )
        )
        sections: dict[str, list] = defaultdict(list)
        for item in members:
            sections[item.code[:5]].append(item)
        for sec in sorted(sections):
            group = sections[sec]
            rows.append(
                (
                    [cls, sec[3:], ""],
                    FUNCTION_ITEMS[group[0].code][1],
                    [sum(v) for v in zip(*(value_fn(i) for i in group))],
                    False,
                )
            )
            for item in group:
                rows.append(([cls, sec[3:], item.code[5:]], FUNCTION_ITEMS[item.code][2], value_fn(item), False))
    return rows


def render_text(d: Disclosure) -> str:
    w = _Writer(d)
    unit, year = d.unit_name, d.year
    total = d.total()
    gpb = total - d.total("upper")
    upper = d.total("upper")
    w.add(f"{year} 年{unit}", "部门预算公开", "目 录", f"第二部分 {year} 年部门预算公开表")
    for i, title in enumerate(TABLE_TITLES, 1):
        w.lines.append(f"- {_numeral(i)}、 {title}")
    w.lines.append("")
    w.add(f"第二部分 {year} 年部门预算公开表")

    # 表1 收支总表
    w.table_header(1, TABLE_TITLES[0])
    w.row(["收入", "", "支出", ""])
    w.row(["项目", "预算数", "科目名称", "预算数"])
    class_totals = defaultdict(int)
    for item in d.items:
        class_totals[item.code[:3]] += item.total
    income = [
        ("一、本年收入", total),
        ("1. 一般公共预算拨款", total),
        ("其中：一般财力", gpb),
        ("上级一般公共预算安排转移支付", upper),
        ("2. 政府性基金预算拨款", 0),
        ("3. 国有资本经营预算拨款", 0),
        ("4. 财政专户核拨", 0),
        ("5. 单位资金", 0),
        ("二、上年结转结余", 0),
        ("1. 财政拨款结转", 0),
        ("2. 非财政拨款结转结余", 0),
    ]
    for i, cls in enumerate(CLASS_ORDER):
        label, value = income[i] if i < len(income) else ("", 0)
        w.row([label, w.cell(value), f"{cls} {ALL_CLASS_NAMES[cls]}", w.cell(class_totals.get(cls, 0))], bold=i < 2)
    w.row(["收入总计", w._fmt(total), "支出总计", w._fmt(total)], bold=True)

    # 表2 收入总表 (split over pages when long)
    income_header = [
        [
            "科目代码",
            "",
            "",
            "科目名称",
            "总计",
            "财政拨款（补助）",
            "",
            "",
            "",
            "",
            "",
            "财政专户 （教育收 费）",
            "单位资金",
            "财政拨款 结转",
            "非财政拨 款结转结 余",
        ],
        [
            "类",
            "款",
            "项",
            "",
            "",
            "财政拨款 （补助）小 计",
            "一般公共 预算",
            "上级一般 公共预算 安排的转 移支付",
            "政府性基 金预算",
            "上级政府 性基金安 排的转移 支付",
            "国有资本 经营预算",
            "",
            "",
            "",
            "",
        ],
    ]
    w.table_header(2, TABLE_TITLES[1])
    for h in income_header:
        w.row(h)
    rows = _hierarchy(d.items, lambda i: [i.total, i.total, i.total - i.upper, i.upper])
    for n, (parts, name, (t, sub, g, u), is_class) in enumerate(rows):
        if d.quirks.get("split_tables") and n == 10:
            w.continuation(income_header)
        w.row([*parts, name, w.cell(t), w.cell(sub), w.cell(g), w.cell(u), "", "", "", "", "", "", ""], bold=is_class)
    w.row(
        ["", "", "", "总计", w._fmt(total), w._fmt(total), w.cell(gpb), w.cell(upper), "", "", "", "", "", "", ""],
        bold=True,
    )

    # 表3 支出总表 and 表5 一般公共预算支出 (all funds are general public budget here)
    for number, title, group in ((3, TABLE_TITLES[2], "支出预算"), (5, TABLE_TITLES[4], "一般公共预算支出")):
        w.table_header(number, title)
        w.row(["科目", "", "", group, "", ""])
        w.row(["科目代码", "", "", "科目名称", "合计", "基本支出", "项目支出"])
        w.row(["类", "款", "项", "", "", "", ""])
        for parts, name, (t, b, p), is_class in _hierarchy(d.items, lambda i: [i.total, i.basic, i.project]):
            w.row([*parts, name, w.cell(t), w.cell(b), w.cell(p)], bold=is_class)
        w.row(["", "", "", "总计", w._fmt(total), w.cell(d.total("basic")), w.cell(d.total("project"))], bold=True)
        if number == 3:
            # 表4 财政拨款收支总表
            w.table_header(4, TABLE_TITLES[3])
            w.row(["财政拨款收入", "", "财政拨款支出", "", "", ""])
            w.row(["项目", "合计", "科目名称", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"])
            fiscal_income = [
                ("一、财政拨款（补助）", total),
                ("一般公共预算", total),
                ("政府性基金预算", 0),
                ("国有资本经营预算", 0),
            ]
            for i, cls in enumerate(CLASS_ORDER):
                label, value = fiscal_income[i] if i < len(fiscal_income) else ("", 0)
                amount = class_totals.get(cls, 0)
                w.row([label, w.cell(value), f"{cls} {ALL_CLASS_NAMES[cls]}", w.cell(amount), w.cell(amount), "", ""])
            w.row(["收入总计", w._fmt(total), "支出总计", w._fmt(total), w._fmt(total), "", ""], bold=True)

    # 表6 基本支出 by economic class
    w.table_header(6, TABLE_TITLES[5])
    w.row(["科目", "", "一般公共预算基本支出", "", ""])
    w.row(["科目代码", "", "科目名称", "合计", "人员经费", "公用经费"])
    w.row(["类", "款", "", "", "", ""])
    for cls in ("301", "302", "303"):
        subs = {k: v for k, v in d.economic.items() if k[:3] == cls}
        cls_total = sum(subs.values())
        personnel = cls != "302"
        w.row(
            [
                cls,
                "",
                ECONOMIC[cls][0],
                w.cell(cls_total),
                w.cell(cls_total) if personnel else "",
                "" if personnel else w.cell(cls_total),
            ],
            bold=True,
        )
        for code, value in sorted(subs.items()):
            w.row(
                [
                    cls,
                    code[3:],
                    ECONOMIC[cls][1][code[3:]],
                    w.cell(value),
                    w.cell(value) if personnel else "",
                    "" if personnel else w.cell(value),
                ]
            )
    w.row(["", "", "总计", w._fmt(d.total("basic")), w.cell(d.personnel), w.cell(d.public)], bold=True)

    # 表7 项目支出
    econ_columns = ["301", "302", "303", "307", "309", "310", "311", "312", "313", "399"]
    project_header = [
        [
            "科目代码",
            "",
            "",
            "科目名称",
            "项目名称",
            "项目支出 合计",
            "工资福利 支出",
            "商品和服 务支出",
            "对个人和 家庭的补 助",
            "债务利息 及费用支 出",
            "资本性支 出（基本 建设）",
            "资本性支 出",
            "对企业补 助（基本 建设）",
            "对企业补 助",
            "对社会保 障基金补 助",
            "其他支出",
        ],
        ["类", "款", "项", "", "", "", "", "", "", "", "", "", "", "", "", ""],
    ]
    w.table_header(7, TABLE_TITLES[6])
    for h in project_header:
        w.row(h)

    def econ_cells(projects) -> list[str]:
        return [w.cell(sum(p.amount for p in projects if p.economic_class == c)) for c in econ_columns]

    project_total = sum(p.amount for p in d.projects)
    w.row(["", "", "", unit, "", w.cell(project_total), *econ_cells(d.projects)])
    for n, p in enumerate(d.projects):
        if d.quirks.get("split_tables") and n == 8:
            w.continuation(project_header)
        names = FUNCTION_ITEMS[p.code]
        w.row([p.code[:3], p.code[3:5], p.code[5:], names[2], p.name, w.cell(p.amount), *econ_cells([p])])
    w.row(["", "", "", "总计", "", w.cell(project_total), *econ_cells(d.projects)], bold=True)

    # 表8, 表9: empty, with their statements
    for number, title, source in (
        (8, TABLE_TITLES[7], "政府性基金预算拨款"),
        (9, TABLE_TITLES[8], "国有资本经营预算拨款"),
    ):
        w.table_header(number, title)
        w.row(["科目", "", "", title.replace("情况表", ""), "", "", ""])
        w.row(["科目代码", "", "", "科目名称", "合计", "基本支出", "", "项目支出"])
        w.row(["类", "款", "项", "", "", "人员经费", "公用经费", ""])
        w.row(["", "", "", "总计", "", "", "", ""])
        w.add(f"{unit} {year} 年没有使用{source}安排的支出，{title}为空表。")

    # 表10 三公
    tp = d.three_public
    vehicle_total = tp["vehicle_purchase"] + tp["vehicle_operation"]
    tp_total = tp["overseas"] + tp["reception"] + vehicle_total
    w.table_header(10, TABLE_TITLES[9])
    w.row(["“三公”经费支出内容", "合计", "资金来源", "", ""])
    w.row(["", "", "一般公共预算", "政府性基金", "国有资本经营预算"])
    for label, value in (
        ("因公出国（境）费用", tp["overseas"]),
        ("公务接待费", tp["reception"]),
        ("公务用车购置及运行维护费（小计）", vehicle_total),
        ("其中：公务用车购置", tp["vehicle_purchase"]),
        ("公务用车运行维护费", tp["vehicle_operation"]),
        ("总计", tp_total),
    ):
        w.row([label, w.cell(value), w.cell(value), "", ""])

    # 表11 委托业务费, 表12 结转结余: empty
    for number, title, text in (
        (11, TABLE_TITLES[10], "没有委托业务费预算的支出"),
        (12, TABLE_TITLES[11], "没有上年结转结余预算安排的支出"),
    ):
        w.table_header(number, title)
        w.row(["项目名称", "合计", "资金来源", "", ""])
        w.row(["", "", "一般公共预算", "政府性基金", "国有资本经营 预算"])
        w.row(["总计", "", "", "", ""])
        w.add(f"{unit} {year} 年{text}，{title}为空表。")

    # 第三部分 narrative
    def change(current: int, prior: int, reason: str = "工作需要") -> str:
        diff = current - prior
        word, pct_word = ("增加", "增长") if diff >= 0 else ("减少", "下降")
        pct = abs(diff) / prior * 100 if prior else (100.0 if diff else 0.0)
        return f"比上年预算{word} {abs(diff) / 100:.2f} 万元，{pct_word} {pct:.2f}%，主要原因是{reason}。"

    w.add(f"第三部分 {year} 年部门预算情况说明")
    w.add(f"一、关于{unit} {year} 年收支预算情况总体说明")
    w.add(
        f"按照全口径预算的原则，{unit} {year} 年所有收入和支出均纳入部门预算管理。收支总预算 {total / 100:.2f} 万元。"
    )
    w.add(f"二、关于{unit} {year} 年收入预算情况说明")
    w.add(
        f"{unit}部门收入预算 {total / 100:.2f} 万元，其中：一般公共预算 {gpb / 100:.2f} 万元，占 {gpb / total * 100:.2f}%，"
        + change(gpb, d.prior["general_public_budget"])
    )
    if upper:
        w.add(
            f"上级一般公共预算安排的转移支付资金 {upper / 100:.2f} 万元，占 {upper / total * 100:.2f}%，"
            + change(upper, d.prior["upper_transfer"])
        )
    basic, project = d.total("basic"), d.total("project")
    w.add(f"三、关于{unit} {year} 年支出预算情况说明")
    w.add(f"{unit} {year} 年支出预算 {total / 100:.2f} 万元，其中：")
    w.add(f"基本支出 {basic / 100:.2f} 万元，占 {basic / total * 100:.2f}%，" + change(basic, d.prior["basic"]))
    w.add(f"项目支出 {project / 100:.2f} 万元，占 {project / total * 100:.2f}%，" + change(project, d.prior["project"]))
    w.add(f"五、关于{unit} {year} 年一般公共预算当年拨款情况说明", "（三）一般公共预算当年拨款具体使用情况")
    for n, item in enumerate(d.items, 1):
        cls, sec, name = FUNCTION_ITEMS[item.code]
        w.add(
            f"{n}. {cls}（类）{sec}（款）{name}（项）：{year} 年预算数为 {item.total / 100:.2f} 万元，"
            + change(item.total, d.prior[item.code])
        )
    w.add(f"六、关于{unit} {year} 年一般公共预算基本支出情况说明")
    w.add(f"{unit} {year} 年一般公共预算基本支出 {basic / 100:.2f} 万元，其中：")
    w.add(f"人员经费 {d.personnel / 100:.2f} 万元，主要包括：基本工资、津贴补贴、奖金。")
    w.add(f"公用经费 {d.public / 100:.2f} 万元，主要包括：办公费、差旅费。")
    w.add(f"十、关于{unit} {year} 年财政拨款“三公”经费预算情况说明")
    w.add(
        f"{unit} {year} 年财政拨款“三公”经费数为 {tp_total / 100:.2f} 万元，其中：因公出国（境）费用 {tp['overseas'] / 100:.2f} 万元，"
        f"公务用车购置 {tp['vehicle_purchase'] / 100:.2f} 万元，公务用车运行维护费 {tp['vehicle_operation'] / 100:.2f} 万元，"
        f"公务接待费 {tp['reception'] / 100:.2f} 万元。"
    )
    w.add(f"{year} 年财政拨款“三公”经费预算" + change(tp_total, d.prior["three_public"], "严格控制“三公”经费"))
    w.add("十三、其他重要事项的情况说明", "(一) 单位运行经费情况")
    w.add(
        f"{unit} {year} 年的机关运行经费财政拨款预算 {d.public / 100:.2f} 万元，"
        + change(d.public, d.prior["operating_funds"])
    )
    pr = d.procurement
    pr_total = pr["goods"] + pr["works"] + pr["services"]
    w.add("(二) 政府采购情况")
    w.add(
        f"{year} 年，{unit}政府采购预算 {pr_total / 100:.2f} 万元，其中：政府采购货物预算 {pr['goods'] / 100:.2f} 万元，"
        f"政府采购工程预算 {pr['works'] / 100:.2f} 万元，政府采购服务预算 {pr['services'] / 100:.2f} 万元。"
    )
    a = d.assets
    w.add("(三) 国有资产占用使用情况", f"截至 {year - 1} 年底，{unit}占用使用国有资产总体情况为：")
    w.add(f"1. 房屋 {a['house_area_m2'] / 100:.2f} 平方米，价值 {a['house_value'] / 100:.2f} 万元。")
    w.add(
        f"2. 车辆 {a['vehicle_count']} 辆，价值 {a['vehicle_value'] / 100:.2f} 万元；其中：一般公务用车 {a['vehicle_count']} 辆，"
        f"价值 {a['vehicle_value'] / 100:.2f} 万元。"
    )
    w.add(
        f"3. 办公家具价值 {a['furniture_value'] / 100:.2f} 万元。",
        f"4. 其他资产价值 {a['other_assets_value'] / 100:.2f} 万元。",
    )
    w.add(
        f"部门价值单价 50 万元以上大型设备 {a['equipment_over_50w_count']} 台，部门价值单价 100 万元以上大型设备 {a['equipment_over_100w_count']} 台。"
    )
    w.add("(四) 预算绩效情况")
    w.add(
        f"{year} 年，本部门预算绩效管理整体预算绩效目标 1 个，涉及预算金额 {total / 100:.2f} 万元；当年预算安排项目共 "
        f"{len(d.projects)} 个，其中：财政拨款项目涉及预算金额 {project / 100:.2f} 万元；非财政拨款项目涉及预算金额 0.00 万元。"
    )
    return "\n".join(w.lines) + "\n"


def truth(d: Disclosure) -> dict:
    """The figures the warehouse must reproduce for this document (万元 as strings, exact)."""

    def wan(v: int) -> str:
        return f"{v / 100:.2f}"

    total, basic, project = d.total(), d.total("basic"), d.total("project")
    tp = d.three_public
    pr = d.procurement
    return {
        "unit_name": d.unit_name,
        "year": d.year,
        "doc_kind": "部门",
        "mart_unit_year": {
            # table cells print a zero as blank: NULL
            "total_budget_wan": wan(total),
            "general_public_budget_wan": wan(total),
            "basic_wan": wan(basic),
            "project_wan": wan(project) if project else None,
            "personnel_wan": wan(d.personnel) if d.personnel else None,
            "public_wan": wan(d.public) if d.public else None,
            # the 三公 table prints a zero total as a blank cell: NULL
            "three_public_total_wan": wan(sum(tp.values())) if sum(tp.values()) else None,
            "operating_funds_wan": wan(d.public),
            "procurement_total_wan": wan(pr["goods"] + pr["works"] + pr["services"]),
        },
        "fct_appropriation": {
            i.code: {
                "total_wan": wan(i.total),
                "basic_wan": wan(i.basic) if i.basic else None,
                "project_wan": wan(i.project) if i.project else None,
            }
            for i in d.items
        },
        "fct_economic_spending": {code: wan(v) for code, v in d.economic.items() if v},
        "fct_project": [[p.code, p.name, wan(p.amount)] for p in d.projects],
        "fct_three_public": {
            "reception_wan": wan(tp["reception"]) if tp["reception"] else None,
            "vehicle_operation_wan": wan(tp["vehicle_operation"]) if tp["vehicle_operation"] else None,
        },
        "fct_assets": {
            "vehicle_count": d.assets["vehicle_count"],
            "furniture_value_wan": wan(d.assets["furniture_value"]),
            "house_area_m2": wan(d.assets["house_area_m2"]),
        },
    }
