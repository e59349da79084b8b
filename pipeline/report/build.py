"""``budget report``: a single HTML file with charts (inline SVG drawn by inline JavaScript from
embedded data: no network needed to view it) and sortable tables.

Sections: budget composition by unit (basic/project and economic classes), “三公” by unit,
year-over-year changes, peer ranks, disclosure completeness, failing checks.
"""

from __future__ import annotations

import html
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb

_QUERIES = {
    "composition": """
        select unit_name, year, cast(basic_wan as double) as basic, cast(project_wan as double) as project
        from mart_unit_year order by total_budget_wan desc nulls last""",
    "economic": """
        select u.unit_name || ' ' || e.year as label, e.subject_code, cast(e.total_wan as double) as amount
        from fct_economic_spending e join dim_unit u using (unit_key)
        where e.spending_type = 'basic' and length(e.subject_code) = 3 order by 1, 2""",
    "three_public": """
        select u.unit_name || ' ' || t.year as label, cast(t.overseas_wan as double) as overseas,
               cast(t.reception_wan as double) as reception, cast(t.vehicle_total_wan as double) as vehicles,
               cast(t.total_wan as double) as total
        from fct_three_public t join dim_unit u using (unit_key) order by t.total_wan desc nulls last""",
    "yoy": """
        select unit_name || ' ' || year as label, basic_yoy, project_yoy, three_public_yoy, operating_funds_yoy
        from mart_unit_year order by unit_name""",
    "peers": """
        select u.unit_name as 单位, p.year as 年度, p.peer_level as 层级, p.peer_unit_type as 类型, p.metric as 指标,
               round(p.metric_value, 4) as 数值, p.peer_rank as 排名, p.peer_count as 同类数, round(p.peer_median, 4) as 同类中位数
        from mart_peer_comparison p join dim_unit u using (unit_key) order by p.metric, p.peer_level, p.peer_rank""",
    "completeness": """
        select u.unit_name || ' ' || c.year as label, c.completeness_score as score, c.missing_items
        from mart_disclosure_completeness c join dim_unit u using (unit_key) order by c.completeness_score desc""",
    "units": """
        select unit_name as 单位, year as 年度, doc_kind as 口径, total_budget_wan as 收入总计_万元, basic_wan as 基本支出_万元,
               project_wan as 项目支出_万元, personnel_wan as 人员经费_万元, public_wan as 公用经费_万元,
               three_public_total_wan as 三公经费_万元, operating_funds_wan as 机关运行经费_万元
        from mart_unit_year order by unit_name, year""",
    "checks": """
        select d.file_name as 文件, q.check_name as 检查, q.subject as 对象, q.expected_wan as 应为, q.actual_wan as 实际, q.cells as 位置
        from dq_check_result q join document_status d using (document_id)
        where q.status = 'fail' order by 1, 2""",
}

_SCRIPT = r"""
const DATA = JSON.parse(document.getElementById('report-data').textContent);
const NS = 'http://www.w3.org/2000/svg';
const COLOURS = ['#3b6ea5', '#e08a2c', '#5aa05a', '#c44e52', '#8172b2', '#937860'];
function el(name, attrs, text) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}
function barChart(id, rows, labelKey, seriesKeys, names, fmt) {
  const host = document.getElementById(id);
  if (!rows.length) { host.textContent = '无数据 (no data)'; return; }
  const rowH = 26, left = 260, width = 900, top = 30;
  const svg = el('svg', {width: width, height: top + rows.length * rowH + 20, class: 'chart', role: 'img'});
  const totals = rows.map(r => seriesKeys.reduce((s, k) => s + Math.max(0, r[k] || 0), 0));
  const max = Math.max(...totals, 1e-9);
  seriesKeys.forEach((k, i) => {
    svg.appendChild(el('rect', {x: left + i * 150, y: 6, width: 12, height: 12, fill: COLOURS[i % COLOURS.length]}));
    svg.appendChild(el('text', {x: left + i * 150 + 16, y: 17, 'font-size': 12}, names[i]));
  });
  rows.forEach((r, j) => {
    const y = top + j * rowH;
    svg.appendChild(el('text', {x: left - 6, y: y + 16, 'text-anchor': 'end', 'font-size': 12}, r[labelKey]));
    let x = left;
    seriesKeys.forEach((k, i) => {
      const v = Math.max(0, r[k] || 0), w = v / max * (width - left - 90);
      const bar = el('rect', {x: x, y: y + 4, width: w, height: rowH - 8, fill: COLOURS[i % COLOURS.length], class: 'bar'});
      bar.appendChild(el('title', {}, `${r[labelKey]} ${names[i]}: ${fmt(r[k])}`));
      svg.appendChild(bar);
      x += w;
    });
    svg.appendChild(el('text', {x: x + 4, y: y + 16, 'font-size': 11}, fmt(totals[j])));
  });
  host.appendChild(svg);
}
function divergingChart(id, rows, labelKey, seriesKeys, names) {
  const host = document.getElementById(id);
  const rowH = 22 * seriesKeys.length + 8, left = 260, width = 900, mid = left + (width - left) / 2, top = 30;
  const svg = el('svg', {width: width, height: top + rows.length * rowH + 10, class: 'chart', role: 'img'});
  const values = rows.flatMap(r => seriesKeys.map(k => Math.abs(r[k] || 0)));
  const max = Math.min(Math.max(...values, 1e-9), 1.0);  // bars capped at ±100%; labels keep the true value
  svg.appendChild(el('line', {x1: mid, x2: mid, y1: top - 4, y2: top + rows.length * rowH, stroke: '#999'}));
  seriesKeys.forEach((k, i) => {
    svg.appendChild(el('rect', {x: left + i * 150, y: 6, width: 12, height: 12, fill: COLOURS[i]}));
    svg.appendChild(el('text', {x: left + i * 150 + 16, y: 17, 'font-size': 12}, names[i]));
  });
  rows.forEach((r, j) => {
    const y = top + j * rowH;
    svg.appendChild(el('text', {x: left - 6, y: y + 16, 'text-anchor': 'end', 'font-size': 12}, r[labelKey]));
    seriesKeys.forEach((k, i) => {
      const v = r[k];
      if (v === null || v === undefined) return;
      const w = Math.min(Math.abs(v), max) / max * (width - left) / 2 * 0.8;
      const bar = el('rect', {x: v >= 0 ? mid : mid - w, y: y + 4 + i * 22, width: w, height: 18, fill: COLOURS[i], class: 'bar'});
      bar.appendChild(el('title', {}, `${r[labelKey]} ${names[i]}: ${(v * 100).toFixed(2)}%`));
      svg.appendChild(bar);
      svg.appendChild(el('text', {x: v >= 0 ? mid + w + 4 : mid - w - 4, y: y + 17 + i * 22, 'font-size': 11,
        'text-anchor': v >= 0 ? 'start' : 'end'}, (v * 100).toFixed(1) + '%'));
    });
  });
  host.appendChild(svg);
}
function table(id, rows) {
  const host = document.getElementById(id);
  if (!rows.length) { host.textContent = '无 (none)'; return; }
  const t = document.createElement('table'); t.className = 'sortable';
  const cols = Object.keys(rows[0]);
  const head = t.createTHead().insertRow();
  cols.forEach((c, i) => {
    const th = document.createElement('th'); th.textContent = c; th.title = '点击排序 (click to sort)';
    th.onclick = () => sortBy(t, i); head.appendChild(th);
  });
  const body = t.createTBody();
  rows.forEach(r => { const tr = body.insertRow(); cols.forEach(c => { tr.insertCell().textContent = r[c] === null ? '' : r[c]; }); });
  host.appendChild(t);
}
function sortBy(t, i) {
  const body = t.tBodies[0], rows = Array.from(body.rows);
  const dir = t.dataset.sorted == i ? -1 : 1; t.dataset.sorted = dir === 1 ? i : -1;
  rows.sort((a, b) => {
    const x = a.cells[i].textContent, y = b.cells[i].textContent, nx = parseFloat(x), ny = parseFloat(y);
    return dir * (isNaN(nx) || isNaN(ny) ? x.localeCompare(y, 'zh') : nx - ny);
  });
  rows.forEach(r => body.appendChild(r));
}
const wan = v => (v === null || v === undefined) ? '' : Number(v).toLocaleString('zh-CN', {maximumFractionDigits: 2}) + ' 万元';
barChart('chart-composition', DATA.composition.map(r => ({...r, label: r.unit_name + ' ' + r.year})), 'label',
  ['basic', 'project'], ['基本支出 basic', '项目支出 project'], wan);
const econ = {};
DATA.economic.forEach(r => { econ[r.label] = econ[r.label] || {label: r.label}; econ[r.label]['c' + r.subject_code] = r.amount; });
barChart('chart-economic', Object.values(econ), 'label', ['c301', 'c302', 'c303'],
  ['301 工资福利支出', '302 商品和服务支出', '303 对个人和家庭的补助'], wan);
barChart('chart-three-public', DATA.three_public, 'label', ['overseas', 'reception', 'vehicles'],
  ['因公出国（境）', '公务接待', '公务用车'], wan);
divergingChart('chart-yoy', DATA.yoy, 'label', ['basic_yoy', 'project_yoy', 'operating_funds_yoy'],
  ['基本支出', '项目支出', '机关运行经费']);
barChart('chart-completeness', DATA.completeness, 'label', ['score'], ['完整度 completeness score'], v => v + '');
table('table-units', DATA.units);
table('table-peers', DATA.peers);
table('table-checks', DATA.checks);
document.body.dataset.chartsDrawn = document.querySelectorAll('svg.chart').length;
"""

_STYLE = """
body { font-family: "Noto Sans CJK SC", "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC", sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.6em; } h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
table.sortable { border-collapse: collapse; font-size: 13px; } th, td { border: 1px solid #ddd; padding: 3px 8px; }
th { background: #f2f2f2; cursor: pointer; } td { text-align: right; } td:first-child { text-align: left; }
.note { color: #666; font-size: 0.9em; }
"""


def _default(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def build_report(warehouse: Path, out: Path) -> Path:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        data = {}
        for key, query in _QUERIES.items():
            cursor = con.execute(query)
            names = [d[0] for d in cursor.description]
            data[key] = [dict(zip(names, row)) for row in cursor.fetchall()]
    payload = json.dumps(data, ensure_ascii=False, default=_default).replace("</", "<\\/")
    page = f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>部门预算对比报告 · Budget comparison report</title>
<style>{_STYLE}</style></head>
<body>
<h1>部门预算对比报告 <small>Budget comparison report</small></h1>
<p class="note">数据来源 Source: {html.escape(str(warehouse.name))} · 单位 amounts in 万元 · 生成于 generated {date.today().isoformat()}</p>
<h2>预算构成 Budget composition by unit (基本/项目)</h2><div id="chart-composition"></div>
<h2>基本支出经济分类 Basic spending by economic class</h2><div id="chart-economic"></div>
<h2>“三公”经费 Three public expenses by unit</h2><div id="chart-three-public"></div>
<h2>比上年变化 Year-over-year change (on last year's budget)</h2><div id="chart-yoy"></div>
<h2>信息公开完整度 Disclosure completeness</h2><div id="chart-completeness"></div>
<h2>单位年度指标 Unit figures</h2><div id="table-units"></div>
<h2>同类比较 Peer ranks (same level and unit type)</h2><div id="table-peers"></div>
<h2>未通过的核对 Failing reconciliation checks</h2><div id="table-checks"></div>
<script type="application/json" id="report-data">{payload}</script>
<script>{_SCRIPT}</script>
</body></html>
"""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return out
