"""`budget report` writes one self-contained HTML file that draws offline and stays readable at
1,000 units: top-N charts with the rest as one bar, a place / unit-type filter, names in full."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipeline.report.build import build_report, report_document
from pipeline.report.data import read_report_data
from pipeline.synth.report_units import add_synthetic_units, rename_unit

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian package chromium is not installed (.ci/run installs it)"
)
WINDOW_WIDTH = 1280
HOSTILE = "</script><!--<script>alert(1)\x1b[31m社会保险中心"
SNAKE_CASE = re.compile(r"\b[a-z]+_[a-z0-9_]+\b")  # a column name (basic_wan), never a label

# Injected into a copy of the page: once the report says it is drawn, it records what a reader
# would see (every chart's bars, size and caption, the filters' options, table rows), then applies
# each step of filter changes and records again, into <body data-probe="…">.
PROBE = """
<script>
window.addEventListener('load', () => {
  const t0 = performance.now();
  const deepAll = (root, selector, out = []) => {
    root.querySelectorAll(selector).forEach(e => out.push(e));
    root.querySelectorAll('*').forEach(e => { if (e.shadowRoot) deepAll(e.shadowRoot, selector, out); });
    return out;
  };
  const canvas = document.createElement('canvas').getContext('2d');
  const measure = () => {
    const doc = Bokeh.documents[0];
    const models = [...doc.all_models];
    const figures = models.filter(m => m.y_range && m.title && m.renderers).map(m => {
      const view = Bokeh.index.find_one(m);
      const axis = m.left[0];
      canvas.font = `${axis.group_text_font_size} ${axis.group_text_font}`;
      const groups = [...new Set(m.y_range.factors.map(f => f[0]))].reverse();
      const data = m.renderers[0].data_source.data;
      return {name: m.name, title: m.title.text, height: m.height, groups, bars: m.y_range.factors.length,
              factors: m.y_range.factors.map(f => [...f]), values: Array.from(data.total || data.v || []),
              frame_left: view ? view.frame.bbox.left : null,
              widest_label: Math.max(...groups.map(g => canvas.measureText(g).width)),
              tooltip_names: [...new Set(m.renderers.flatMap(r => r.data_source.data.name || []))]};
    });
    const rects = deepAll(document, '.bk-Figure').map(e => {
      const r = e.getBoundingClientRect();
      return {width: r.width, height: r.height, right: r.right};
    });
    const labels = [];
    for (const m of models) {
      if (m.items) m.items.forEach(i => labels.push(i.label.value));
      if (m.field && typeof m.title === 'string') labels.push(m.title);  // table columns
      if (m.options && typeof m.title === 'string') {
        labels.push(m.title);
        const options = Array.isArray(m.options) ? m.options : Object.values(m.options).flat();
        options.forEach(o => labels.push(Array.isArray(o) ? o[1] : o));
      }
      if (typeof m.axis_label === 'string' && m.axis_label) labels.push(m.axis_label);
    }
    const tables = {};
    for (const m of models) if (m.name && m.name.startsWith('table_')) {  // the rows its view shows
      const data = m.source.data, all = data[Object.keys(data)[0]].length;
      const rows = m.view.filter.indices ? Array.from(m.view.filter.indices) : [...Array(all).keys()];
      const view = Bokeh.index.find_one(m);
      tables[m.name] = {rows: rows.length, unit_names: [...new Set(rows.map(i => (data.unit_name || [])[i]))],
                        first_column: view ? deepAll(view.el.shadowRoot || view.el, '.slick-cell.l0').map(c => c.textContent) : []};
    }
    return {innerWidth, scrollWidth: document.documentElement.scrollWidth, figures, rects, labels, tables,
            fetched: performance.getEntriesByType('resource').map(e => e.name),
            selects: deepAll(document, 'select').map(s => [...s.options].map(o => o.textContent)),
            status: doc.get_model_by_name('filter_status').text};
  };
  const steps = PROBE_STEPS, result = {steps: []};
  const next = () => {
    if (!steps.length) { result.charts_drawn = document.body.dataset.chartsDrawn; document.body.dataset.probe = JSON.stringify(result); return; }
    const doc = Bokeh.documents[0];
    for (const [name, property, value] of steps.shift()) doc.get_model_by_name(name)[property] = value;
    setTimeout(() => { result.steps.push(measure()); next(); }, 400);
  };
  const wait = () => {
    if (document.body.dataset.reportReady) { setTimeout(() => { result.initial = measure(); next(); }, 400); }
    else if (performance.now() - t0 < 30000) setTimeout(wait, 100);
    else document.body.dataset.probe = JSON.stringify({error: 'the report never said it was drawn'});
  };
  wait();
});
</script>
"""


def _flags(tmp_path: Path) -> list[str]:
    return [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        f"--window-size={WINDOW_WIDTH},1000",
    ]


def probe(report: Path, tmp_path: Path, steps: list[list[list]] = ()) -> dict:
    """Open the report in headless Chromium and return what the probe recorded."""
    page = report.read_text(encoding="utf-8")
    head, body_end, tail = page.rpartition("</body>")
    probed = tmp_path / f"{report.stem}-probe.html"
    probed.write_text(
        head + PROBE.replace("PROBE_STEPS", json.dumps(list(steps))) + body_end + tail,
        encoding="utf-8",
    )
    dom = subprocess.run(
        [
            CHROMIUM,
            *_flags(tmp_path),
            "--virtual-time-budget=60000",
            "--run-all-compositor-stages-before-draw",
            "--dump-dom",
            probed.as_uri(),
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=180,
    ).stdout
    found = re.search(r'data-probe="([^"]*)"', dom)
    assert found, "the probe did not run: the page's scripts failed"
    result = json.loads(html.unescape(found.group(1)))
    assert "error" not in result, result
    return result


def screenshot(report: Path, tmp_path: Path, png: Path, height: int) -> Path:
    subprocess.run(
        [
            CHROMIUM,
            *_flags(tmp_path)[:-1],
            f"--window-size={WINDOW_WIDTH},{height}",
            "--virtual-time-budget=20000",
            "--run-all-compositor-stages-before-draw",
            f"--screenshot={png}",
            report.as_uri(),
        ],
        check=False,
        capture_output=True,
        timeout=180,
    )
    return png


# The sample warehouse (tests/conftest.py builds it from data/raw through the pipeline) -----------


@pytest.fixture(scope="module")
def report(warehouse, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    budget = Path(sys.executable).parent / "budget"
    result = subprocess.run(
        [str(budget), "report", "--warehouse", str(warehouse), "--out", str(out)],
        check=False,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def has_staff(warehouse) -> bool:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return "actual_staff" in {row[0] for row in con.execute("describe mart_unit_year").fetchall()}


def test_report_is_self_contained(report):
    page = report.read_text(encoding="utf-8")
    # Bokeh's inlined JavaScript names a MathJax CDN it would load for TeX labels (the report has
    # none): look at the markup, not inside scripts; Chromium's own record is checked below.
    markup = re.sub(r"<script\b[^>]*>.*?</script>", "<script></script>", page, flags=re.DOTALL)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", markup)  # nothing fetched from the network
    assert not [tag for tag in re.findall(r"<script\b[^>]*>", page) if "src=" in tag]  # every script inline
    assert "<link" not in markup  # every style inline
    name = "克孜勒苏柯尔克孜自治州社会保险中心"  # bokeh's JSON writes it \u-escaped
    assert (name in page or name.encode("unicode_escape").decode() in page) and "“三公”经费" in page


@pytest.fixture(scope="module")
def seen(report, tmp_path_factory) -> dict:
    return probe(report, tmp_path_factory.mktemp("probe"))


@needs_chromium
def test_report_charts_and_tables_draw_in_headless_chromium(report, seen, sql, has_staff, tmp_path):
    first = seen["initial"]
    assert seen["charts_drawn"] == ("7" if has_staff else "6")  # the page script ran and filled every chart
    assert first["fetched"] == []  # the page loaded nothing but itself
    assert len(first["rects"]) == int(seen["charts_drawn"]) and all(r["height"] > 60 for r in first["rects"])
    composition = next(f for f in first["figures"] if f["name"] == "composition")
    assert "阿克陶县社会保险中心" in composition["groups"]  # Chinese names label the bars
    [(unit_years,)] = sql("select count(*) from mart_unit_year")
    [(failing,)] = sql("select count(*) from dq_check_result where status = 'fail'")
    assert first["tables"]["table_units"]["rows"] == unit_years
    assert first["tables"]["table_checks"]["rows"] == failing
    assert first["tables"]["table_peers"]["rows"] > 0
    png = screenshot(report, tmp_path, tmp_path / "report.png", 1600)
    assert png.exists() and png.stat().st_size > 20_000


@needs_chromium
def test_every_label_a_reader_sees_is_in_chinese_and_english(seen):
    labels = seen["initial"]["labels"]
    assert "基本支出 Basic expenditure (万元)" in labels and "人员经费占基本支出 Personnel share of basic (%)" in labels
    assert [label for label in labels if SNAKE_CASE.search(label)] == []  # never `basic_wan`


def test_report_without_staff_numbers_says_so_instead_of_a_per_staff_chart(warehouse, tmp_path):
    copy = tmp_path / "budget.duckdb"
    shutil.copy(warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        for column in ("actual_staff", "authorized_staff"):
            if column in {row[0] for row in con.execute("describe mart_unit_year").fetchall()}:
                con.execute(f"alter table mart_unit_year drop column {column}")
    data = read_report_data(copy)
    assert data.staff == ()
    doc, sections, _ = report_document(data)
    per_staff = next(s for s in sections if s["id"] == "per_staff")
    assert per_staff["root"] is None and doc.get_model_by_name("per_staff") is None
    assert "this warehouse has no staff numbers yet" in per_staff["notes"][0]


@needs_chromium
def test_hostile_unit_name_is_shown_as_text_and_the_page_still_draws(warehouse, has_staff, tmp_path):
    copy = tmp_path / "budget.duckdb"
    shutil.copy(warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        [(key,)] = con.execute("select unit_key from dim_unit where unit_name = '阿克陶县社会保险中心'").fetchall()
        rename_unit(con, key, HOSTILE)
    report = build_report(copy, tmp_path / "report.html")
    page = report.read_text(encoding="utf-8")
    assert "</script><!--<script>alert(1)" not in page and "\x1b" not in page  # embedded as data, escaped
    seen = probe(report, tmp_path)
    assert seen["charts_drawn"] == ("7" if has_staff else "6")
    first = seen["initial"]
    assert all(r["height"] > 60 for r in first["rects"])
    assert HOSTILE in first["tables"]["table_units"]["unit_names"]  # the table shows the name as it is
    composition = next(f for f in first["figures"] if f["name"] == "composition")
    # on the axis: the escape made visible, the name cut at 32 characters; the tooltip has it in full
    assert "</script><!--<script>alert(1)␛[…" in composition["groups"]
    assert HOSTILE in composition["tooltip_names"]


# 1,000 synthetic units (pipeline/synth/report_units.py) in a copy of that warehouse -------------------


@pytest.fixture(scope="module")
def warehouse_of_1000_units(warehouse, tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("warehouse_1000") / "budget.duckdb"
    shutil.copy(warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        add_synthetic_units(con, 1000)
    return copy


@pytest.fixture(scope="module")
def report_of_1000_units(warehouse_of_1000_units, tmp_path_factory) -> Path:
    report = build_report(warehouse_of_1000_units, tmp_path_factory.mktemp("report_1000") / "report.html")
    print(f"\n1,000-unit report: {report.stat().st_size / 1e6:.2f} MB at {report}")
    return report


CHANGJI = "prefecture:652300"  # 昌吉回族自治州
LONGEST = "塔什库尔干塔吉克自治县人力资源和社会保障局社会保险事业管理中心"  # 31 characters


@pytest.fixture(scope="module")
def seen_1000(report_of_1000_units, tmp_path_factory) -> dict:
    return probe(
        report_of_1000_units,
        tmp_path_factory.mktemp("probe_1000"),
        steps=[
            [["filter_place", "value", CHANGJI]],
            [
                ["filter_place", "value", "all"],
                ["filter_search", "value_input", "塔什库尔干"],
                ["filter_topn", "value", "10"],
            ],
            [
                ["filter_search", "value_input", ""],
                ["filter_topn", "value", "20"],
            ],  # back to the first view
        ],
    )


def test_report_of_1000_units_stays_a_reasonable_size(report_of_1000_units):
    assert report_of_1000_units.stat().st_size < 8_000_000


@needs_chromium
def test_report_of_1000_units_fits_a_1280_px_window(seen_1000):
    first = seen_1000["initial"]
    assert first["innerWidth"] == WINDOW_WIDTH
    assert first["scrollWidth"] <= first["innerWidth"]  # nothing overflows sideways
    assert len(first["rects"]) == 7
    for rect in first["rects"]:
        assert rect["right"] <= first["innerWidth"] and rect["height"] <= 1200
    for figure in first["figures"]:
        assert figure["widest_label"] < figure["frame_left"], figure["name"]  # axis labels have the room they need


@needs_chromium
def test_report_of_1000_units_shows_the_top_20_and_one_bar_for_the_rest(seen_1000, warehouse_of_1000_units):
    with duckdb.connect(str(warehouse_of_1000_units), read_only=True) as con:
        [(units,)] = con.execute("select count(distinct unit_key) from mart_unit_year").fetchall()
    composition = next(f for f in seen_1000["initial"]["figures"] if f["name"] == "composition")
    assert len(composition["groups"]) == 21
    assert composition["groups"][-1] == f"其他 {units - 20:,} 个单位（平均）Other {units - 20:,} units (average)"
    assert f"top 20 of {units:,} units" in composition["title"]
    per_wan = next(f for f in seen_1000["initial"]["figures"] if f["name"] == "three_public_per_wan")
    assert per_wan["groups"][-1].startswith(f"其他 {units - 20:,} 个单位（合并）")  # ratios pool the rest


@needs_chromium
def test_place_filter_lists_the_places_and_refilters_every_chart_and_table(seen_1000, warehouse_of_1000_units):
    places = seen_1000["initial"]["selects"][0]
    assert places[0].startswith("全部地区 All places")
    assert any(p.startswith("昌吉回族自治州（新疆维吾尔自治区）") for p in places)
    assert any(p.startswith("塔什库尔干塔吉克自治县（喀什地区）") for p in places)
    with duckdb.connect(str(warehouse_of_1000_units), read_only=True) as con:
        units = con.execute("select unit_key, unit_name from dim_unit where prefecture_code = '652300'").fetchall()
        names = {name for _, name in units}
        [(unit_years,)] = con.execute(
            "select count(*) from mart_unit_year join dim_unit using (unit_key) where prefecture_code = '652300'"
        ).fetchall()
        [(failing,)] = con.execute(
            "select count(*) from dq_check_result q join dim_unit using (unit_key) "
            "where q.status = 'fail' and prefecture_code = '652300'"
        ).fetchall()
    changji = seen_1000["steps"][0]
    for figure in changji["figures"]:  # every bar but the last ("其他 … Other …") is a unit there
        assert set(figure["tooltip_names"]) - {figure["groups"][-1]} <= names, figure["name"]
    assert changji["tables"]["table_units"]["rows"] == unit_years
    assert set(changji["tables"]["table_units"]["unit_names"]) <= names
    drawn = changji["tables"]["table_units"]["first_column"]
    assert drawn and set(drawn) <= names  # the table drew those rows, not the first view's
    assert changji["tables"]["table_checks"]["rows"] == failing
    composition = next(f for f in changji["figures"] if f["name"] == "composition")
    assert f"top 20 of {len(units):,} units" in composition["title"]


@needs_chromium
def test_long_names_show_in_full_and_top_n_follows_the_selection(seen_1000):
    searched = seen_1000["steps"][1]
    composition = next(f for f in searched["figures"] if f["name"] == "composition")
    assert LONGEST in composition["groups"]  # 31 characters: no "…"
    assert len(composition["groups"]) <= 11  # top 10, then the rest
    assert all("塔什库尔干" in name for name in searched["tables"]["table_units"]["unit_names"])


@needs_chromium
def test_screenshot_of_the_1000_unit_report(report_of_1000_units, tmp_path):
    png = screenshot(report_of_1000_units, tmp_path, report_of_1000_units.with_suffix(".png"), 9000)
    print(f"\nscreenshot: {png}")
    assert png.stat().st_size > 200_000


@needs_chromium
def test_first_view_built_in_python_is_what_the_page_script_draws(seen_1000):
    # views.py computes the view the page opens with; the page script recomputes it on every
    # filter change. After changing the filters and changing them back, the two must agree.
    first, again = seen_1000["initial"], seen_1000["steps"][2]
    assert again["status"] == first["status"]
    for built, redrawn in zip(first["figures"], again["figures"], strict=True):
        assert (redrawn["name"], redrawn["title"], redrawn["height"]) == (
            built["name"],
            built["title"],
            built["height"],
        )
        assert redrawn["factors"] == built["factors"]
        assert redrawn["values"] == pytest.approx(built["values"], rel=1e-12)
    for name, table in first["tables"].items():
        assert again["tables"][name] == table, name
