"""Bokeh building blocks of the report: ranked horizontal bar charts and sortable tables.

Charts start empty; the page's script (``script.UPDATE_JS``) fills them from the ``units`` source
whenever the filters change. Each builder returns the bokeh root to place on the page and a
``spec``: the plain description of the chart the script works from (its source, figure, series or
ratio options).

Bars are horizontal, one row per unit and year (the years of a unit side by side), so a unit name
is an axis label with the room it needs: names up to ``data.LABEL_CHARS`` characters show in
full, and every tooltip and table shows the full name.
"""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass

from bokeh.core.properties import value
from bokeh.layouts import column
from bokeh.models import (
    CDSView,
    ColumnDataSource,
    DataTable,
    Div,
    FactorRange,
    HoverTool,
    IndexFilter,
    Legend,
    LegendItem,
    NumberFormatter,
    NumeralTickFormatter,
    Range1d,
    Select,
    Span,
    StringFormatter,
    TableColumn,
)
from bokeh.plotting import figure

from pipeline.report.labels import METRICS, Metric
from pipeline.report.views import RATIO_COLUMNS, STACK_COLUMNS

FONT = '"Noto Sans CJK SC", "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC", sans-serif'
MAX_HEIGHT = 1180  # px: the tallest a chart gets, whatever the top N
ROW_PX = 17  # px per bar (one unit-year)
PALETTE = ["#3b6ea5", "#e08a2c", "#5aa05a", "#c44e52", "#8172b2", "#937860", "#9a9a9a"]
UP, DOWN = "#c44e52", "#3b6ea5"  # increase / decrease

_PLACE_TOOLTIPS = [
    ("单位 Unit", "@name"),
    ("地区 Place", "@place"),
    ("单位类型 Unit type", "@utype"),
    ("年度 Year", "@year"),
]


def _figure(name: str, legend_rows: int = 0) -> tuple[figure, int]:
    fig = figure(
        name=name,
        y_range=FactorRange(factors=[("…", "—")], factor_padding=0.0, group_padding=0.6, range_padding=0.02),
        x_range=Range1d(0, 1),
        height=240,
        sizing_mode="stretch_width",
        min_width=600,
        toolbar_location=None,
        tools="",
        min_border_right=24,
    )
    fig.title.text_font = FONT
    fig.title.text_font_size = "12.5px"
    fig.title.text_font_style = "normal"
    fig.title.text_color = "#444"
    axis = fig.yaxis[0]
    axis.group_label_orientation = "horizontal"
    axis.group_text_font = FONT
    axis.group_text_font_size = "12.5px"
    axis.group_text_font_style = "normal"
    axis.group_text_color = "#222"
    axis.major_label_text_font_size = "10.5px"
    axis.major_label_text_color = "#666"
    axis.major_tick_line_color = None
    axis.axis_line_color = "#bbb"
    fig.xaxis[0].axis_label_text_font = FONT
    fig.xaxis[0].axis_label_text_font_style = "normal"
    fig.xaxis[0].major_label_text_font_size = "11px"
    fig.ygrid.grid_line_color = None
    fig.outline_line_color = None
    chrome = 78 + 26 * legend_rows  # title, legend and x axis: the height that is not bars
    return fig, chrome


def stack_chart(name: str, series: list[tuple[str, str]], colours: list[str] | None = None) -> tuple[object, dict]:
    """Stacked 万元 bars: ``series`` = (column, label) parts of one total, ranked by that total."""
    colours = colours or PALETTE
    columns = [c for c, _ in series]
    empty = {k: [] for k in STACK_COLUMNS}
    empty.update({c: [] for c in columns})
    empty.update({f"{c}_s": [] for c in columns})
    src = ColumnDataSource(empty)
    legend_cols = min(len(series), 3)
    legend_rows = -(-len(series) // legend_cols)
    fig, chrome = _figure(name, legend_rows)
    renderers = fig.hbar_stack(
        columns,
        y="y",
        height=0.82,
        source=src,
        color=colours[: len(columns)],
        fill_alpha="alpha",
        line_color=None,
    )
    legend = Legend(
        items=[LegendItem(label=label, renderers=[r]) for r, (_, label) in zip(renderers, series)],
        orientation="horizontal",
        ncols=legend_cols,
        label_text_font=FONT,
        label_text_font_size="12px",
        location="top_left",
        border_line_color=None,
        padding=2,
        margin=4,
    )
    fig.add_layout(legend, "above")
    for renderer, (col, label) in zip(renderers, series):
        fig.add_tools(
            HoverTool(
                renderers=[renderer],
                tooltips=[
                    *_PLACE_TOOLTIPS,
                    (label, f"@{{{col}_s}}"),
                    ("合计 Total", "@total_s"),
                    ("", "@note"),
                ],
            )
        )
    fig.text(
        x="total",
        y="y",
        text="total_s",
        source=src,
        x_offset=4,
        text_baseline="middle",
        text_font_size="10px",
        text_color="#444",
        text_font=value(FONT),
    )
    fig.xaxis[0].formatter = NumeralTickFormatter(format="0,0")
    fig.xaxis[0].axis_label = "万元"
    spec = {
        "kind": "stack",
        "fig": fig,
        "src": src,
        "series": columns,
        "chrome": chrome,
        "row_px": ROW_PX,
    }
    return fig, spec


@dataclass(frozen=True)
class RatioOption:
    """One value a ratio chart can show: a mart column (``value`` × ``value_scale``) or, where
    there is none, (``num`` / ``den`` − ``offset``) × ``scale``; the "other units" bar always
    pools ``num`` and ``den``."""

    key: str
    num: str
    den: str
    num_label: str
    den_label: str
    value: str | None = None
    value_scale: float = 1.0
    offset: float = 0.0
    scale: float = 1.0
    order: str = "desc"  # desc | asc | abs (largest change either way first)
    cap: float | None = None  # bars cut at ±cap (labels keep the true value)
    diverging: bool = False
    num_kind: str = "wan"
    den_kind: str = "wan"
    extra: str | None = None  # a column shown in the tooltip (e.g. the missing items)

    def to_spec(self) -> dict:
        metric = METRICS[self.key]
        return {**asdict(self), "label": metric.label, "kind": metric.kind}


_TICKS = {
    "share": "0%",
    "score": "0%",
    "change": "+0%",
    "per_wan": "0,0.[00]",
    "per_staff": "0,0.[00]",
    "wan": "0,0",
}


def ratio_chart(name: str, options: list[RatioOption], extra_label: str = "") -> tuple[object, dict]:
    """One bar per unit-year of a ratio; with several options a "指标 Metric" select picks one."""
    src = ColumnDataSource({k: [] for k in RATIO_COLUMNS})
    fig, chrome = _figure(name)
    fig.hbar(
        y="y",
        left=0,
        right="bx",
        height=0.82,
        source=src,
        fill_color="color",
        fill_alpha="alpha",
        line_color=None,
    )
    fig.text(
        x="bx",
        y="y",
        text="v_s",
        source=src,
        x_offset="off",
        text_align="align",
        text_baseline="middle",
        text_font_size="10px",
        text_color="#444",
        text_font=value(FONT),
    )
    fig.add_layout(Span(location=0, dimension="height", line_color="#888", line_width=1))
    tooltips = [
        *_PLACE_TOOLTIPS,
        ("指标 Metric", "@metric"),
        ("数值 Value", "@v_s"),
        ("依据 Basis", "@detail"),
    ]
    if extra_label:
        tooltips.append((extra_label, "@extra"))
    fig.add_tools(HoverTool(tooltips=tooltips))
    formatters = {kind: NumeralTickFormatter(format=f) for kind, f in _TICKS.items()}
    fig.xaxis[0].formatter = formatters[METRICS[options[0].key].kind]
    select = None
    root = fig
    if len(options) > 1:
        select = Select(
            title="指标 Metric",
            value=options[0].key,
            width=420,
            options=[(o.key, METRICS[o.key].label) for o in options],
        )
        root = column(select, fig, sizing_mode="stretch_width", name=name)
        fig.name = f"{name}_figure"
    spec = {
        "kind": "ratio",
        "fig": fig,
        "src": src,
        "axis": fig.xaxis[0],
        "formatters": formatters,
        "select": select,
        "options": [o.to_spec() for o in options],
        "chrome": chrome,
        "row_px": ROW_PX,
        "color": PALETTE[0],
        "up": UP,
        "down": DOWN,
    }
    return root, spec


# Tables ---------------------------------------------------------------------------------------


def text_width(text: str) -> int:
    """Pixels a 13-px label needs: wide (CJK) characters count double."""
    return sum(13 if unicodedata.east_asian_width(c) in "WF" else 7 for c in text) + 18


_FORMATS = {
    "wan": "0,0.00",
    "share": "0.0%",
    "score": "0.0%",
    "change": "+0.0%",
    "per_wan": "0,0.00",
    "per_staff": "0,0.00",
    "count": "0,0",
    "year": "0",
    "int": "0,0",
}


def formatter(kind: str):
    if kind == "text":
        return StringFormatter()
    return NumberFormatter(format=_FORMATS[kind], text_align="right", nan_format="—", null_format="—")


@dataclass(frozen=True)
class Field:
    name: str
    title: str
    kind: str = "text"  # text | year | int | a Metric kind
    width: int | None = None

    @classmethod
    def metric(cls, name: str, metric: Metric | None = None) -> Field:
        metric = metric or METRICS[name]
        return cls(name, metric.label, metric.kind)


def table_columns(fields: list[Field], widths: dict[str, int] | None = None) -> list[TableColumn]:
    widths = widths or {}
    return [
        TableColumn(
            field=f.name,
            title=f.title,
            formatter=formatter(f.kind),
            width=widths.get(f.name) or f.width or max(text_width(f.title), 80),
            sortable=True,
        )
        for f in fields
    ]


def table_height(rows: int, max_height: int) -> int:
    """A short table is short; a long one scrolls inside this height (the page script agrees)."""
    return min(max_height, 48 + max(rows, 1) * 26)


def data_table(
    name: str,
    fields: list[Field],
    widths: dict[str, int] | None = None,
    max_height: int = 460,
    source: ColumnDataSource | None = None,
    rows: int = 0,
) -> tuple[DataTable, ColumnDataSource, Div, IndexFilter]:
    """A sortable, scrolling table and the line counting its rows.

    With ``source`` the table shows that source's rows through an ``IndexFilter`` the page script
    sets (no copy of the data); without, the script fills an empty source of its own.
    """
    src = source if source is not None else ColumnDataSource({f.name: [] for f in fields})
    row_filter = IndexFilter(indices=None)
    table = DataTable(
        name=f"table_{name}",
        source=src,
        view=CDSView(filter=row_filter),
        columns=table_columns(fields, widths),
        height=table_height(rows, max_height),
        sizing_mode="stretch_width",
        index_position=None,
        fit_columns=False,
        sortable=True,
        frozen_columns=1,
        row_height=26,
        reorderable=False,
    )
    count = Div(
        text="",
        render_as_text=True,
        disable_math=True,
        styles={"color": "#555", "font-size": "13px"},
    )
    return table, src, count, row_filter
