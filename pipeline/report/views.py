"""The report's first view (no filter, top N), computed when the report is built.

The page script (``script.UPDATE_JS``) recomputes the charts whenever a filter changes; for the
view the page opens with, this module does the same work in Python so the browser draws each
chart once, with its data, instead of drawing empty charts and then filling them (half the load
time at 1,000 units). The two must agree: tests/test_report.py changes a filter and changes it
back, and compares what the script drew with what this module drew. Keep them in step: each
function here is named after its counterpart in the script.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

# The columns of a chart's source, as this module and the page script (script.UPDATE_JS) fill them
# (a stacked chart adds one column per series and its text, ``<series>_s``).
STACK_COLUMNS = ("y", "name", "place", "utype", "year", "alpha", "total", "total_s", "note")
RATIO_COLUMNS = (
    "y",
    "name",
    "place",
    "utype",
    "year",
    "alpha",
    "v",
    "bx",
    "v_s",
    "align",
    "off",
    "color",
    "metric",
    "detail",
    "extra",
)

_NO_DATA = [("无数据 No data", "—")]


def _ok(v) -> bool:
    return v is not None and isinstance(v, (int, float)) and math.isfinite(v)


def _js_round(x: float) -> int:
    return math.floor(x + 0.5)


def _fixed(v: float, digits: int) -> str:
    return f"{v:.{digits}f}"


FORMATS = {
    "wan": lambda v: f"{v:,.2f} 万元",
    "share": lambda v: _fixed(v * 100, 1) + "%",
    "score": lambda v: _fixed(v * 100, 1) + "%",
    "change": lambda v: ("+" if v > 0 else "") + _fixed(v * 100, 1) + "%",
    "per_wan": lambda v: f"{v:,.2f} 元/万元",
    "per_staff": lambda v: f"{v:,.2f} 万元/人",
    "count": lambda v: f"{v:,.0f} 人",
    "items": lambda v: f"{v:,.0f} 项",
}


def fmt(kind: str, v) -> str:
    return FORMATS[kind](v) if _ok(v) else "—"


@dataclass
class _Group:
    label: str
    rows: list = field(default_factory=list)
    score: float = -math.inf


def rank(rows: list[tuple[int, float]], units: dict, score) -> list[_Group]:
    """Rows grouped by unit, units ordered by their best score (ties by label)."""
    groups: dict[str, _Group] = {}
    for row in rows:
        key = units["label"][row[0]]
        group = groups.setdefault(key, _Group(key))
        group.rows.append(row)
        group.score = max(group.score, score(row))
    ordered = sorted(groups.values(), key=lambda g: (-g.score, g.label))
    for group in ordered:
        group.rows.sort(key=lambda r: units["year"][r[0]])
    return ordered


def _other_label(labels: dict, kind: str, count: int) -> str:
    return labels[kind].replace("{n}", f"{count:,}")


def _years_of(rows: list, units: dict) -> list[int]:
    return sorted({int(units["year"][r[0]]) for r in rows})


def layout(spec: dict, factors: list, hi: float, lo: float, max_height: int) -> dict:
    groups = len({f[0] for f in factors})
    units = 1 if not factors else len(factors) + 0.6 * max(0, groups - 1)
    span = (hi - lo) or 1
    return {
        "factors": list(reversed(factors)) if factors else list(_NO_DATA),
        "height": _js_round(min(max_height, spec["chrome"] + units * spec["row_px"])),
        "start": lo - span * 0.24 if lo < 0 else 0,
        "end": hi + span * 0.24 if hi > 0 else (span * 0.05 if lo < 0 else 1),
    }


def caption(shown: int, total: int, extra: str) -> str:
    if not total:
        return "无数据 No data for this selection"
    head = (
        f"前 {shown} / 共 {total:,} 个单位 · top {shown} of {total:,} units"
        if shown < total
        else f"全部 {total:,} 个单位 · all {total:,} units"
    )
    return f"{head} · {extra}" if extra else head


def stack_chart(spec: dict, units: dict, n: int, top_n: int, labels: dict, max_height: int) -> dict:
    series = spec["series"]
    rows = []
    for i in range(n):
        values = [units[s][i] for s in series]
        if any(_ok(v) for v in values):
            total = sum(v for v in values if _ok(v))
            if total > 0:
                rows.append((i, total))
    groups = rank(rows, units, lambda r: r[1])
    top, rest = groups[:top_n], groups[top_n:]
    out = {k: [] for k in STACK_COLUMNS}
    for s in series:
        out[s], out[f"{s}_s"] = [], []

    def push(y, name, place, utype, year, values, total, alpha, note):
        (
            out["y"].append(y),
            out["name"].append(name),
            out["place"].append(place),
            out["utype"].append(utype),
        )
        out["year"].append(str(year)), out["alpha"].append(alpha), out["total"].append(total)
        out["total_s"].append(fmt("wan", total)), out["note"].append(note)
        for s, v in zip(series, values):
            out[s].append(v)
            out[f"{s}_s"].append(fmt("wan", v))

    grand = sum(r[1] for r in rows)
    shown = 0.0
    for g in top:
        for i, total in g.rows:
            shown += total
            push(
                (g.label, str(units["year"][i])),
                units["unit_name"][i],
                units["place"][i],
                units["unit_type"][i],
                units["year"][i],
                [units[s][i] if _ok(units[s][i]) else 0 for s in series],
                total,
                1.0,
                "",
            )
    if rest:
        label = _other_label(labels, "stack", len(rest))
        rest_rows = [r for g in rest for r in g.rows]
        for y in _years_of(rest_rows, units):
            these = [r for r in rest_rows if units["year"][r[0]] == y]
            sums = [sum(units[s][i] if _ok(units[s][i]) else 0 for i, _ in these) for s in series]
            total = sum(t for _, t in these)
            push(
                (label, str(y)),
                label,
                "—",
                "—",
                y,
                [v / len(these) for v in sums],
                total / len(these),
                0.45,
                f"平均 average of {len(these)} 个单位 units；合计 sum {fmt('wan', total)}",
            )
    view = layout(spec, out["y"], max([0.0, *out["total"]]), 0, max_height)
    share = f"占合计 {_fixed(shown / grand * 100, 1)}% of the total" if grand > 0 else ""
    view.update(data=out, title=caption(len(top), len(groups), share if rest else ""))
    return view


def ratio_chart(spec: dict, units: dict, n: int, top_n: int, labels: dict, max_height: int) -> dict:
    o = (
        spec["options"][0]
        if spec["select"] is None
        else next((x for x in spec["options"] if x["key"] == spec["select"].value), spec["options"][0])
    )

    def value(i):
        if o["value"]:
            v = units[o["value"]][i]
            return v * o["value_scale"] if _ok(v) else math.nan
        a, b = units[o["num"]][i], units[o["den"]][i]
        return (a / b - o["offset"]) * o["scale"] if _ok(a) and _ok(b) and b > 0 else math.nan

    rows = [(i, v) for i in range(n) if _ok(v := value(i))]
    score = {"asc": lambda r: -r[1], "abs": lambda r: abs(r[1])}.get(o["order"], lambda r: r[1])
    groups = rank(rows, units, score)
    top, rest = groups[:top_n], groups[top_n:]
    out = {k: [] for k in RATIO_COLUMNS}

    def detail(a, b):
        return f"{o['num_label']} {fmt(o['num_kind'], a)}；{o['den_label']} {fmt(o['den_kind'], b)}"

    def push(y, name, place, utype, year, v, alpha, det, extra):
        bx = max(-o["cap"], min(o["cap"], v)) if o["cap"] else v
        for k, x in (
            ("y", y),
            ("name", name),
            ("place", place),
            ("utype", utype),
            ("year", str(year)),
            ("alpha", alpha),
            ("v", v),
            ("bx", bx),
            ("v_s", fmt(o["kind"], v) + (" ▸" if bx != v else "")),
            ("align", "right" if bx < 0 else "left"),
            ("off", -4 if bx < 0 else 4),
            ("color", (spec["down"] if v < 0 else spec["up"]) if o["diverging"] else spec["color"]),
            ("metric", o["label"]),
            ("detail", det),
            ("extra", extra),
        ):
            out[k].append(x)

    for g in top:
        for i, v in g.rows:
            extra = (units[o["extra"]][i] or "—") if o["extra"] else ""
            push(
                (g.label, str(units["year"][i])),
                units["unit_name"][i],
                units["place"][i],
                units["unit_type"][i],
                units["year"][i],
                v,
                1.0,
                detail(units[o["num"]][i], units[o["den"]][i]),
                extra,
            )
    if rest:
        label = _other_label(labels, "ratio", len(rest))
        rest_rows = [r for g in rest for r in g.rows]
        for y in _years_of(rest_rows, units):
            sn = sd = 0.0
            k = 0
            for i, _ in rest_rows:
                if units["year"][i] != y:
                    continue
                a, b = units[o["num"]][i], units[o["den"]][i]
                if _ok(a) and _ok(b) and b > 0:
                    sn, sd, k = sn + a, sd + b, k + 1
            if sd > 0:
                push(
                    (label, str(y)),
                    label,
                    "—",
                    "—",
                    y,
                    (sn / sd - o["offset"]) * o["scale"],
                    0.45,
                    f"合并 pooled over {k} 个单位 units：" + detail(sn, sd),
                    "",
                )
    view = layout(spec, out["y"], max([0.0, *out["bx"]]), min([0.0, *out["bx"]]), max_height)
    capped = (
        f"柱长截至 bars cut at ±{_fixed(o['cap'] * 100, 0)}% ▸"
        if any(b != v for b, v in zip(out["bx"], out["v"]))
        else ""
    )
    view.update(data=out, title=f"{o['label']} · " + caption(len(top), len(groups), capped), kind=o["kind"])
    return view


def count_text(shown: int, total: int) -> str:
    return f"显示 {shown:,} / {total:,} 行 · showing {shown:,} of {total:,} rows" + (
        " · 点击列标题排序 click a column title to sort" if shown else ""
    )


def status_text(units: int, unit_years: int) -> str:
    return (
        f"已选 {units:,} / {units:,} 个单位（{unit_years:,} 个单位年度）"
        f" · {units:,} of {units:,} units ({unit_years:,} unit-years) selected"
    )
