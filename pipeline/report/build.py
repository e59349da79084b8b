"""``budget report``: one self-contained HTML file an analyst can send on.

Charts and tables are bokeh models with bokeh's JavaScript inlined (``bokeh.resources.INLINE``),
so the file opens offline. A filter bar (place, level, unit type, name, how many units per
chart) re-filters every chart and table on the page (``script.UPDATE_JS``); each chart shows the
top N units, the rest as one "其他 N 个单位 Other N units" bar, and a unit's years side by side.

Sections: budget composition, basic spending by economic class, “三公” by unit and per 万元 of
budget, year-over-year change, per-staff figures, disclosure completeness, unit figures, peer
ranks, failing reconciliation checks.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
from bokeh.core.templates import get_env
from bokeh.document import Document
from bokeh.embed import file_html
from bokeh.layouts import column
from bokeh.models import ColumnDataSource, CustomJS, Div, Select, TextInput
from bokeh.resources import INLINE

from pipeline.report import views
from pipeline.report.charts import (
    MAX_HEIGHT,
    Field,
    RatioOption,
    data_table,
    ratio_chart,
    stack_chart,
    table_columns,
    text_width,
)
from pipeline.report.data import ReportData, read_report_data
from pipeline.report.labels import DOC_KINDS, LEVELS, METRICS, OTHER
from pipeline.report.script import READY_JS, UPDATE_JS

TITLE = "部门预算对比报告 · Budget comparison report"
TOP_N_CHOICES = ("10", "20", "30")
DEFAULT_TOP_N = "20"

_STYLE = """
html { background: #fff; }
body { font-family: "Noto Sans CJK SC", "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC", sans-serif;
       margin: 0 auto; padding: 0 28px 48px; max-width: 1500px; color: #222; box-sizing: border-box; }
h1 { font-size: 1.6em; margin: 0.8em 0 0.2em; } h1 small { color: #555; font-weight: normal; font-size: 0.65em; }
h2 { margin: 1.8em 0 0.2em; padding-bottom: 0.15em; border-bottom: 1px solid #ccc; font-size: 1.25em; }
h2 .en { color: #555; font-weight: normal; }
p.lead { margin: 0.2em 0 0.6em; color: #333; }
p.note { color: #666; font-size: 0.9em; margin: 0.3em 0; }
nav { font-size: 0.9em; margin: 0.4em 0 0.8em; line-height: 1.8; }
nav a { color: #3b6ea5; text-decoration: none; margin-right: 1.1em; white-space: nowrap; }
.filters { position: sticky; top: 0; z-index: 20; background: rgba(255, 255, 255, 0.97);
           border-bottom: 1px solid #ddd; padding: 4px 0 6px; display: flex; flex-wrap: wrap;
           align-items: flex-end; gap: 4px 14px; }
section { margin-bottom: 0.5em; }
"""

_TEMPLATE = get_env().from_string("""{% from macros import embed %}<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title | e }}</title>
<style>{{ style }}</style>
{{ bokeh_css if bokeh_css }}
{{ bokeh_js if bokeh_js }}
</head>
<body>
<h1>部门预算对比报告 <small>Budget comparison report</small></h1>
<p class="note">数据来源 Source: {{ source | e }} · {{ counts | e }} · 金额单位 amounts in 万元 · 生成于 generated {{ today | e }}</p>
<nav>{% for s in sections %}<a href="#{{ s.id | e }}">{{ s.zh | e }} {{ s.en | e }}</a>{% endfor %}</nav>
<div class="filters">{% for name in filter_roots %}{{ embed(roots[name]) }}{% endfor %}</div>
{% for s in sections %}
<section id="{{ s.id | e }}">
<h2>{{ s.zh | e }} <span class="en">{{ s.en | e }}</span></h2>
<p class="lead">{{ s.sentence | e }}</p>
{% if s.root %}{{ embed(roots[s.root]) }}{% endif %}
{% for note in s.notes %}<p class="note">{{ note | e }}</p>{% endfor %}
</section>
{% endfor %}
{{ plot_script }}
</body>
</html>
""")


def _source(frame: pl.DataFrame, columns: list[str]) -> ColumnDataSource:
    """Numbers go to the page as typed arrays (NaN where NULL); text as strings ('' where NULL)."""
    data = {}
    for name in columns:
        series = frame[name]
        if series.dtype == pl.String:
            data[name] = series.fill_null("").to_list()
        elif series.dtype in (pl.Int8, pl.Int16, pl.Int32, pl.UInt8, pl.UInt16, pl.UInt32) and series.null_count() == 0:
            data[name] = series.cast(pl.Int32).to_numpy()
        elif series.dtype == pl.Float32:  # ranks and counts: exact, half the bytes
            data[name] = series.to_numpy().astype(np.float32)
        else:
            data[name] = series.cast(pl.Float64).to_numpy().astype(np.float64)
    return ColumnDataSource(data, name=None)


def _place_options(units: pl.DataFrame) -> dict[str, list[tuple[str, str]]]:
    """The place filter: every region, prefecture and county the units are in, with unit counts."""
    one = units.unique("unit_key")

    def options(kind: str, code: str, name: str, context: str | None = None) -> list[tuple[str, str]]:
        rows = (
            one.filter(pl.col(code).is_not_null() & (pl.col(code) != ""))
            .group_by(code)
            .agg(
                pl.col(name).drop_nulls().first(),
                *([pl.col(context).drop_nulls().first()] if context else []),
                pl.len().alias("n"),
            )
            .sort(code)
        )
        out = []
        for row in rows.iter_rows(named=True):
            label = row[name] or row[code]
            if context and row.get(context):
                label = f"{label}（{row[context]}）"
            out.append((f"{kind}:{row[code]}", f"{label} · {row['n']:,}"))
        return out

    groups = {"全部 All": [("all", f"全部地区 All places · {one.height:,}")]}
    for title, opts in (
        ("自治区/省 Region", options("region", "region_code", "region_name")),
        (
            "地州市 Prefecture",
            options("prefecture", "prefecture_code", "prefecture_name", "region_name"),
        ),
        ("县市区 County", options("county", "county_code", "county_name", "prefecture_name")),
    ):
        if opts:
            groups[title] = opts
    unresolved = one.filter(pl.col("region_code").is_null() | (pl.col("region_code") == "")).height
    if unresolved:
        groups["其他 Other"] = [("unresolved", f"未识别地区 Place not resolved · {unresolved:,}")]
    return groups


def _filters(units: pl.DataFrame) -> dict:
    one = units.unique("unit_key")
    level_counts = Counter(one["level"].to_list())
    type_counts = Counter(one["unit_type"].to_list())
    return {
        "place": Select(
            title="地区 Place",
            name="filter_place",
            value="all",
            options=_place_options(units),
            width=320,
        ),
        "level": Select(
            title="层级 Level",
            name="filter_level",
            value="all",
            width=190,
            options=[
                ("all", "全部层级 All levels"),
                *[(lv, f"{LEVELS.get(lv, lv)} · {level_counts[lv]:,}") for lv in LEVELS if level_counts.get(lv)],
            ],
        ),
        "utype": Select(
            title="单位类型 Unit type",
            name="filter_unit_type",
            value="all",
            width=260,
            options=[
                ("all", f"全部类型 All unit types · {one.height:,}"),
                *[(f"t:{t}", f"{t} · {c:,}") for t, c in sorted(type_counts.items(), key=lambda tc: (-tc[1], tc[0]))],
            ],
        ),
        "search": TextInput(
            title="单位名称 Unit name",
            name="filter_search",
            placeholder="输入名称 type part of a name",
            width=220,
        ),
        "topn": Select(
            title="每图单位数 Units per chart",
            name="filter_topn",
            value=DEFAULT_TOP_N,
            width=170,
            options=[(k, f"前 {k} 个 top {k}") for k in TOP_N_CHOICES],
        ),
    }


def _charts(data: ReportData) -> tuple[dict, list[dict]]:
    """{section id: root} and the chart specs the page script fills."""
    roots, specs = {}, []

    def add(section: str, built: tuple[object, dict]) -> None:
        root, spec = built
        root.name = section
        roots[section] = root
        specs.append(spec)

    def label(column: str) -> str:
        return METRICS[column].label

    add(
        "composition",
        stack_chart(
            "composition",
            [("basic_wan", label("basic_wan")), ("project_wan", label("project_wan"))],
        ),
    )
    if data.economic_classes:
        add(
            "economic",
            stack_chart("economic", [(c, f"{zh} {en}") for c, zh, en in data.economic_classes]),
        )
    add(
        "three_public",
        stack_chart(
            "three_public",
            [
                ("overseas_wan", label("overseas_wan")),
                ("reception_wan", label("reception_wan")),
                ("vehicle_purchase_wan", label("vehicle_purchase_wan")),
                ("vehicle_operation_wan", label("vehicle_operation_wan")),
                ("vehicle_unsplit_wan", "公务用车（未分购置、运维）Vehicles, not split (万元)"),
                ("three_public_unitemised_wan", label("three_public_unitemised_wan")),
            ],
            colours=["#8172b2", "#e08a2c", "#c44e52", "#3b6ea5", "#6f9fd8", "#bbbbbb"],
        ),
    )
    add(
        "three_public_per_wan",
        ratio_chart(
            "three_public_per_wan",
            [
                RatioOption(
                    "three_public_per_wan_of_total",
                    value="three_public_per_wan_of_total",
                    value_scale=10_000,
                    num="three_public_total_wan",
                    den="total_budget_wan",
                    scale=10_000,
                    num_label="“三公”经费 Three public",
                    den_label="收入总计 Income total",
                )
            ],
        ),
    )
    add(
        "yoy",
        ratio_chart(
            "yoy",
            [
                RatioOption(
                    f"{m}_yoy",
                    value=f"{m}_yoy",
                    num=current,
                    den=f"{m}_prior_wan",
                    offset=1.0,
                    order="abs",
                    cap=1.0,
                    diverging=True,
                    num_label="本年 This year",
                    den_label="上年 Last year",
                )
                for m, current in (
                    ("basic", "basic_wan"),
                    ("project", "project_wan"),
                    ("three_public", "three_public_total_wan"),
                    ("operating_funds", "operating_funds_wan"),
                )
            ],
        ),
    )
    if "actual_staff" in data.staff or "authorized_staff" in data.staff:
        options = []
        if "actual_staff" in data.staff:
            options += [
                RatioOption(
                    key,
                    num=num,
                    den="actual_staff",
                    num_label=METRICS[num].zh + " " + METRICS[num].en,
                    den_label="实有人数 Actual staff",
                    den_kind="count",
                )
                for key, num in (
                    ("basic_per_staff", "basic_wan"),
                    ("personnel_per_staff", "personnel_wan"),
                    ("three_public_per_staff", "three_public_total_wan"),
                )
            ]
        if "authorized_staff" in data.staff:
            options.append(
                RatioOption(
                    "basic_per_authorized_staff",
                    num="basic_wan",
                    den="authorized_staff",
                    num_label="基本支出 Basic expenditure",
                    den_label="编制数 Authorized staff",
                    den_kind="count",
                )
            )
        add("per_staff", ratio_chart("per_staff", options))
    add(
        "completeness",
        ratio_chart(
            "completeness",
            [
                RatioOption(
                    "completeness_score",
                    value="completeness_score",
                    value_scale=0.01,
                    num="items_met",
                    den="items_checked",
                    order="asc",
                    num_kind="items",
                    den_kind="items",
                    num_label="已公开 Met",
                    den_label="应公开 Checked",
                    extra="missing_items",
                )
            ],
            extra_label="缺项 Missing",
        ),
    )
    return roots, specs


def _widths(data: ReportData) -> dict[str, int]:
    """Columns as wide as their longest text, so names show in full."""
    units = data.unit_years

    def widest(values: list[str], least: int, most: int) -> int:
        return min(most, max([text_width(v or "") for v in values] + [least]))

    return {
        "unit_name": widest(units["unit_name"].to_list(), 200, 900),
        "place": widest(units["place"].to_list(), 120, 560),
        "unit_type": widest(units["unit_type"].to_list(), 140, 420),
        "file_name": widest(data.checks["file_name"].to_list(), 180, 520),
    }


def _unit_fields(data: ReportData) -> list[Field]:
    return [  # the figures first, where and what the unit is after them
        Field("unit_name", "单位 Unit"),
        Field("year", "年度 Year", "year", 90),
        *[
            Field.metric(m)
            for m in (
                "total_budget_wan",
                "basic_wan",
                "project_wan",
                "personnel_wan",
                "public_wan",
                "three_public_total_wan",
                "operating_funds_wan",
                "project_share_of_total",
                "personnel_share_of_basic",
            )
        ],
        Field("three_public_yuan_per_wan", METRICS["three_public_per_wan_of_total"].label, "per_wan"),
        *[Field.metric(s) for s in data.staff],
        Field("completeness", METRICS["completeness_score"].label, "score"),
        Field("unit_type", "单位类型 Unit type"),
        Field("place", "地区 Place"),
        Field("doc_kind_label", "口径 Scope", width=130),
    ]


_CHECK_FIELDS = [
    Field("file_name", "文件 File"),
    Field("unit_name", "单位 Unit"),
    Field("place", "地区 Place"),
    Field("year", "年度 Year", "year", 90),
    Field("check_name", "检查 Check", width=260),
    Field("subject", "对象 Subject", width=380),
    Field("expected_wan", "应为 Expected (万元)", "wan", 150),
    Field("actual_wan", "实际 Actual (万元)", "wan", 150),
    Field("difference_wan", "差额 Difference (万元)", "wan", 160),
    Field("cells", "位置 Place in file", width=300),
]


def _peer_metrics(data: ReportData) -> list[dict]:
    """The metrics mart_peer_comparison ranks, in the report's order, with the columns of ``units``
    that hold each one's value, rank, peer count, median and difference (see ``_peer_columns``)."""
    present = set(data.peers["metric"].unique().to_list())
    keys = [m for m in METRICS if m in present] + sorted(present - set(METRICS))
    metrics = []
    for key in keys:
        kind = METRICS[key].kind if key in METRICS else "wan"
        scale = 10_000 if kind == "per_wan" else 1.0
        value = key if scale == 1.0 and key in data.unit_years.columns else f"peer_value__{key}"
        metrics.append(
            {
                "key": key,
                "kind": kind,
                "scale": scale,
                "value": value,
                "rank": f"peer_rank__{key}",
                "count": f"peer_count__{key}",
                "median": f"peer_median__{key}",
                "difference": f"peer_difference__{key}",
            }
        )
    return metrics


def _peer_columns(units: pl.DataFrame, peers: pl.DataFrame, metrics: list[dict]) -> pl.DataFrame:
    """One set of peer columns per metric on the unit-year rows, so the peer table is a view of
    ``units`` (no copy of names and places per metric)."""
    for m in metrics:
        ranked = peers.filter(pl.col("metric") == m["key"]).select(
            pl.col("row"),
            pl.col("peer_rank").cast(pl.Float32).alias(m["rank"]),
            pl.col("peer_count").cast(pl.Float32).alias(m["count"]),
            (pl.col("peer_median") * m["scale"]).alias(m["median"]),
            (pl.col("metric_value") * m["scale"]).alias("peer_value"),
        )
        units = units.join(ranked, on="row", how="left")
        if m["value"] not in units.columns:
            source = pl.col(m["key"]) if m["key"] in units.columns else pl.col("peer_value")
            units = units.with_columns((source * m["scale"]).alias(m["value"]))
        units = units.with_columns((pl.col(m["value"]) - pl.col(m["median"])).alias(m["difference"])).drop("peer_value")
    return units


def _tables(
    data: ReportData,
    units_src: ColumnDataSource,
    checks_src: ColumnDataSource,
    peer_metrics: list[dict],
) -> tuple[dict, dict]:
    widths = _widths(data)
    unit_fields = _unit_fields(data)
    unit_table, _, unit_count, unit_filter = data_table(
        "units", unit_fields, widths, source=units_src, rows=data.unit_years.height
    )

    # The peer table shows one metric at a time: the same unit columns, that metric's columns.
    leading = table_columns([Field("unit_name", "单位 Unit"), Field("year", "年度 Year", "year", 90)], widths)
    trailing = table_columns(
        [
            Field("level_label", "同类层级 Peer level", width=170),
            Field("unit_type", "单位类型 Unit type"),
            Field("place", "地区 Place"),
        ],
        widths,
    )

    def metric_columns(m: dict) -> list:
        unit = {"wan": "万元", "share": "%", "per_wan": "元/万元"}.get(m["kind"], "")
        return (
            leading
            + table_columns(
                [
                    Field(m["value"], f"数值 Value ({unit})", m["kind"], 150),
                    Field(m["rank"], "排名 Rank", "int", 100),
                    Field(m["count"], "同类数 Peers", "int", 110),
                    Field(m["median"], f"同类中位数 Peer median ({unit})", m["kind"]),
                    Field(m["difference"], f"与中位数之差 Difference from median ({unit})", m["kind"]),
                ]
            )
            + trailing
        )

    column_sets = {m["key"]: metric_columns(m) for m in peer_metrics}
    first = peer_metrics[0] if peer_metrics else None
    ranked = data.unit_years[first["rank"]].is_not_null().sum() if first else 0
    peer_table, _, peer_count, peer_filter = data_table("peers", [], widths, source=units_src, rows=ranked)
    peer_table.columns = column_sets[first["key"]] if first else leading + trailing
    peer_select = Select(
        title="指标 Metric",
        value=first["key"] if first else "",
        width=420,
        options=[(m["key"], METRICS[m["key"]].label if m["key"] in METRICS else m["key"]) for m in peer_metrics],
    )

    check_table, _, check_count, check_filter = data_table(
        "checks", _CHECK_FIELDS, widths, max_height=360, source=checks_src, rows=data.checks.height
    )

    roots = {
        "units_table": column(unit_count, unit_table, sizing_mode="stretch_width", name="units_table"),
        "peers_table": column(peer_select, peer_count, peer_table, sizing_mode="stretch_width", name="peers_table"),
        "checks_table": column(check_count, check_table, sizing_mode="stretch_width", name="checks_table"),
    }
    specs = {
        "units": {
            "table": unit_table,
            "filter": unit_filter,
            "max_height": 460,
            "count": unit_count,
        },
        "peers": {
            "table": peer_table,
            "filter": peer_filter,
            "select": peer_select,
            "max_height": 460,
            "column_sets": column_sets,
            "count": peer_count,
            "metrics": peer_metrics,
        },
        "checks": {
            "table": check_table,
            "filter": check_filter,
            "max_height": 360,
            "count": check_count,
        },
    }
    return roots, specs


def _sections(data: ReportData, chart_roots: dict) -> list[dict]:
    units = data.unit_years
    staff_note = []
    if data.staff:
        stated = units.filter(pl.col("actual_staff").is_not_null()).height if "actual_staff" in data.staff else 0
        staff_note = [f"{stated:,} / {units.height:,} 个单位年度说明了实有人数 · unit-years state their actual staff"]
    else:
        staff_note = [
            (
                "本仓库尚无人数（mart_unit_year.actual_staff / authorized_staff）· "
                "this warehouse has no staff numbers yet, so there is no per-staff chart"
            )
        ]
    sections = [
        {
            "id": "composition",
            "zh": "预算构成",
            "en": "Budget composition",
            "sentence": "各单位每年的基本支出与项目支出，按两者之和排序。"
            "Basic and project expenditure of each unit and year, ranked by their sum.",
        },
        {
            "id": "economic",
            "zh": "基本支出经济分类",
            "en": "Basic expenditure by economic class",
            "sentence": "基本支出按经济分类（类）拆分，如 301 工资福利支出、302 商品和服务支出、303 对个人和家庭的补助。"
            "Basic expenditure split by economic class, e.g. 301 wages, 302 goods and services, "
            "303 household transfers.",
        },
        {
            "id": "three_public",
            "zh": "“三公”经费",
            "en": "Three public expenses by unit",
            "sentence": "各单位“三公”经费的构成：因公出国（境）、公务接待、公务用车购置及运行维护。"
            "Each unit's three public expenses by part: overseas, reception, vehicle purchase and operation.",
        },
        {
            "id": "three_public_per_wan",
            "zh": "每万元预算“三公”经费",
            "en": "Three public expenses per 万元 of budget",
            "sentence": "“三公”经费除以收入总计，即每万元预算中有多少元是“三公”经费。"
            "Three public expenses over the income total: how many 元 of every 万元 of budget they take.",
        },
        {
            "id": "yoy",
            "zh": "比上年变化",
            "en": "Year-over-year change",
            "sentence": "文件所述本年预算比上年预算的增减（红色为增加，蓝色为减少），变化最大的单位在前。"
            "Change on last year's budget as each document states it (red: increase, blue: decrease), "
            "largest changes first.",
        },
        {
            "id": "per_staff",
            "zh": "人均指标",
            "en": "Per-staff figures",
            "sentence": "说明了人员情况的单位：基本支出、人员经费、“三公”经费除以实有人数（或编制数），单位 万元/人。"
            "For units whose documents state staff numbers: basic expenditure, personnel and three public "
            "expenses per actual (or authorized) staff, in 万元 per person.",
            "notes": staff_note,
        },
        {
            "id": "completeness",
            "zh": "信息公开完整度",
            "en": "Disclosure completeness",
            "sentence": "每份文件公开了应公开项目中的多少（100% 为全部公开），完整度最低的单位在前。"
            "How many of the required items each document discloses (100% = all), least complete first.",
        },
        {
            "id": "units_table",
            "zh": "单位年度指标",
            "en": "Unit figures",
            "sentence": "所选单位每年的主要指标，可按任一列排序，单位名称完整显示。"
            "The main figures of each selected unit and year, sortable by any column, names in full.",
        },
        {
            "id": "peers_table",
            "zh": "同类比较",
            "en": "Peer ranks",
            "sentence": "单位在同层级、同类型单位中的排名（1 为最大）及与同类中位数之差。"
            "Each unit's rank among units of the same level and type (1 = largest) and its difference "
            "from their median.",
        },
        {
            "id": "checks_table",
            "zh": "未通过的核对",
            "en": "Failing reconciliation checks",
            "sentence": "未通过的表内、表间核对，附文件名和在文件中的位置。"
            "Reconciliation checks that failed, with the file and the place in it.",
        },
    ]
    for s in sections:
        s.setdefault("notes", [])
        s["root"] = s["id"] if s["id"] in chart_roots else None
        if s["root"] is None and not s["notes"]:
            s["notes"] = ["本仓库无此项数据 · this warehouse has no data for this section"]
    return sections


def _first_view(
    units: pl.DataFrame,
    columns: list[str],
    checks: int,
    chart_specs: list[dict],
    table_specs: dict,
    status: Div,
) -> None:
    """Fill every chart and table with the view the page opens with (views.py; the page script
    recomputes it when a filter changes)."""
    rows = {c: units[c].fill_null("").to_list() if units[c].dtype == pl.String else units[c].to_list() for c in columns}
    top_n = int(DEFAULT_TOP_N)
    for spec in chart_specs:
        build = views.stack_chart if spec["kind"] == "stack" else views.ratio_chart
        view = build(spec, rows, units.height, top_n, OTHER, MAX_HEIGHT)
        fig = spec["fig"]
        spec["src"].data = view["data"]
        fig.y_range.factors = view["factors"]
        fig.height = view["height"]
        fig.x_range.start, fig.x_range.end = view["start"], view["end"]
        fig.title.text = view["title"]
        if "kind" in view:
            spec["axis"].formatter = spec["formatters"][view["kind"]]
    peers = table_specs["peers"]
    if peers["metrics"]:
        ranked = [i for i, r in enumerate(units[peers["metrics"][0]["rank"]].to_list()) if r is not None]
        peers["filter"].indices = ranked
        peers["count"].text = views.count_text(len(ranked), len(ranked))
    else:
        peers["filter"].indices = []
        peers["count"].text = views.count_text(0, 0)
    table_specs["units"]["count"].text = views.count_text(units.height, units.height)
    table_specs["checks"]["count"].text = views.count_text(checks, checks)
    status.text = views.status_text(units["unit_key"].n_unique(), units.height)


def report_document(data: ReportData) -> tuple[Document, list[dict], list[str]]:
    """The bokeh document (every chart, table and filter, wired to the page script)."""
    peer_metrics = _peer_metrics(data)
    units = data.unit_years.with_columns(
        (pl.col("three_public_per_wan_of_total") * 10_000).alias("three_public_yuan_per_wan"),
        (pl.col("completeness_score") / 100).alias("completeness"),
        pl.col("doc_kind").replace_strict(DOC_KINDS, default=pl.col("doc_kind")).alias("doc_kind_label"),
        pl.col("level").replace_strict(LEVELS, default=pl.col("level")).alias("level_label"),
    )
    units = _peer_columns(units, data.peers, peer_metrics)
    data = ReportData(
        unit_years=units,
        economic_classes=data.economic_classes,
        peers=data.peers,
        checks=data.checks,
        staff=data.staff,
        source=data.source,
    )
    chart_roots, chart_specs = _charts(data)
    filters = _filters(units)
    status = Div(
        text="",
        render_as_text=True,
        disable_math=True,
        name="filter_status",
        styles={"color": "#444", "font-size": "13px", "padding-bottom": "6px"},
    )

    # What the page script and the tables read: only the columns something shows.
    used = {
        "label",
        "unit_name",
        "place",
        "unit_type",
        "level",
        "region_code",
        "prefecture_code",
        "county_code",
        "year",
        "level_label",
    }
    for spec in chart_specs:
        used.update(spec.get("series", []))
        for option in spec.get("options", []):
            used.update(c for c in (option["value"], option["num"], option["den"], option["extra"]) if c)
    used.update(f.name for f in _unit_fields(data))
    for m in peer_metrics:
        used.update(m[k] for k in ("value", "rank", "count", "median", "difference"))
    columns = sorted(used & set(units.columns))
    units_src = _source(units, columns)
    checks = data.checks.with_columns(pl.col("row").cast(pl.Int32)).join(
        units.select(pl.col("row").cast(pl.Int32), "place"), on="row", how="left"
    )
    checks_src = _source(checks, ["row", *(f.name for f in _CHECK_FIELDS)])
    table_roots, table_specs = _tables(data, units_src, checks_src, peer_metrics)
    _first_view(units, columns, checks.height, chart_specs, table_specs, status)

    update = CustomJS(
        code=UPDATE_JS,
        args={
            "units": units_src,
            "checks": checks_src,
            "filters": filters,
            "status": status,
            "charts": chart_specs,
            "tables": table_specs,
            "other_labels": OTHER,
            "max_height": MAX_HEIGHT,
        },
    )
    for name, widget in filters.items():
        widget.js_on_change("value_input" if name == "search" else "value", update)
    for spec in chart_specs:
        if spec.get("select") is not None:
            spec["select"].js_on_change("value", update)
    table_specs["peers"]["select"].js_on_change("value", update)

    doc = Document()
    doc.title = TITLE
    filter_roots = [*(widget.name for widget in filters.values()), status.name]
    with doc.models.freeze():  # one walk over the models, not one per root
        for root in (*filters.values(), status, *chart_roots.values(), *table_roots.values()):
            doc.add_root(root)
        doc.js_on_event("document_ready", CustomJS(code=READY_JS, args={"charts": len(chart_specs)}))
    sections = _sections(data, {**chart_roots, **table_roots})
    return doc, sections, filter_roots


def build_report(warehouse: Path, out: Path) -> Path:
    data = read_report_data(warehouse)
    doc, sections, filter_roots = report_document(data)
    units = data.unit_years
    counts = (
        f"{units['unit_key'].n_unique():,} 个单位 units · {units.height:,} 个单位年度 unit-years · "
        f"年度 years {', '.join(str(y) for y in data.years) or '—'}"
    )
    page = file_html(
        doc,
        INLINE,
        title=TITLE,
        template=_TEMPLATE,
        template_variables={
            "style": _STYLE,
            "source": data.source,
            "counts": counts,
            "today": date.today().isoformat(),
            "sections": sections,
            "filter_roots": filter_roots,
        },
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return out
