"""The report's one piece of JavaScript: re-filter and re-rank on the page, offline.

Bokeh runs it (a ``CustomJS``) whenever a filter changes (the first view is computed when the
report is built, by ``views.py``, which mirrors this script). It
reads every unit-year from the ``units`` source, keeps those matching the place / level / unit
type / name filters, and for each chart ranks the units, keeps the top N, and folds the rest into
one "其他 N 个单位 Other N units" bar per year: the average per unit for amounts, the pooled ratio
(Σ numerator / Σ denominator) for ratios. Tables get every matching row (bokeh's DataTable
scrolls and sorts them). Data only ever reaches the page as bokeh model data (JSON) and is drawn
as canvas text or DataTable text cells, so a unit name is never markup.
"""

UPDATE_JS = r"""
const U = units.data, n = U.year.length;
const NF2 = new Intl.NumberFormat('en-US', {minimumFractionDigits: 2, maximumFractionDigits: 2});
const NF0 = new Intl.NumberFormat('en-US', {maximumFractionDigits: 0});
const F = {
  wan: v => NF2.format(v) + ' 万元',
  share: v => (v * 100).toFixed(1) + '%',
  score: v => (v * 100).toFixed(1) + '%',
  change: v => (v > 0 ? '+' : '') + (v * 100).toFixed(1) + '%',
  per_wan: v => NF2.format(v) + ' 元/万元',
  per_staff: v => NF2.format(v) + ' 万元/人',
  count: v => NF0.format(v) + ' 人',
  items: v => NF0.format(v) + ' 项',
};
const fmt = (kind, v) => (v === null || v === undefined || !isFinite(v)) ? '—' : F[kind](v);
const ok = v => v !== null && v !== undefined && isFinite(v);

// 1. which unit-years the filters keep
const place = filters.place.value, level = filters.level.value, utype = filters.utype.value;
const query = ((filters.search.value_input ?? filters.search.value) || '').trim().toLowerCase();
const topn = parseInt(filters.topn.value, 10) || 20;
const colon = place.indexOf(':');
const pkind = colon < 0 ? place : place.slice(0, colon), pcode = colon < 0 ? '' : place.slice(colon + 1);
const filtered = place !== 'all' || level !== 'all' || utype !== 'all' || query !== '';
const keep = new Uint8Array(n);
const keptUnits = new Set(), allUnits = new Set();
let kept = 0;
for (let i = 0; i < n; i++) {
  allUnits.add(U.label[i]);
  let k = true;
  if (pkind === 'region') k = U.region_code[i] === pcode;
  else if (pkind === 'prefecture') k = U.prefecture_code[i] === pcode;
  else if (pkind === 'county') k = U.county_code[i] === pcode;
  else if (pkind === 'unresolved') k = !U.region_code[i];
  if (k && level !== 'all') k = U.level[i] === level;
  if (k && utype !== 'all') k = 't:' + U.unit_type[i] === utype;
  if (k && query) k = U.unit_name[i].toLowerCase().includes(query) || U.place[i].toLowerCase().includes(query);
  if (k) { keep[i] = 1; kept++; keptUnits.add(U.label[i]); }
}
status.text = `已选 ${NF0.format(keptUnits.size)} / ${NF0.format(allUnits.size)} 个单位（${NF0.format(kept)} 个单位年度）` +
  ` · ${NF0.format(keptUnits.size)} of ${NF0.format(allUnits.size)} units (${NF0.format(kept)} unit-years) selected`;

// 2. ranking: rows grouped by unit, units ordered by their best score (ties by name)
function rank(rows, score) {
  const by = new Map();
  for (const r of rows) {
    const key = U.label[r.i];
    let g = by.get(key);
    if (!g) { g = {label: key, rows: [], score: -Infinity}; by.set(key, g); }
    g.rows.push(r);
    g.score = Math.max(g.score, score(r));
  }
  const groups = [...by.values()].sort((a, b) => (b.score - a.score) || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  for (const g of groups) g.rows.sort((a, b) => U.year[a.i] - U.year[b.i]);
  return groups;
}
const otherLabel = (kind, count) => other_labels[kind].split('{n}').join(NF0.format(count));
const yearsOf = rows => [...new Set(rows.map(r => U.year[r.i]))].sort((a, b) => a - b);

function layout(c, factors, hi, lo) {
  const none = factors.length === 0;
  c.fig.y_range.factors = none ? [['无数据 No data', '—']] : factors.slice().reverse();
  const groups = new Set(factors.map(f => f[0])).size;
  const units = none ? 1 : factors.length + 0.6 * Math.max(0, groups - 1);
  const height = Math.round(Math.min(max_height, c.chrome + units * c.row_px));
  if (c.fig.height !== height) c.fig.height = height;
  const span = (hi - lo) || 1;
  c.fig.x_range.setv({start: lo < 0 ? lo - span * 0.24 : 0, end: hi > 0 ? hi + span * 0.24 : (lo < 0 ? span * 0.05 : 1)});
}
function setTitle(c, text) { if (c.fig.title.text !== text) c.fig.title.text = text; }

function caption(shown, total, extra) {
  if (!total) return '无数据 No data for this selection';
  const head = shown < total ? `前 ${shown} / 共 ${NF0.format(total)} 个单位 · top ${shown} of ${NF0.format(total)} units`
                             : `全部 ${NF0.format(total)} 个单位 · all ${NF0.format(total)} units`;
  return extra ? `${head} · ${extra}` : head;
}

function stackChart(c) {
  const rows = [];
  for (let i = 0; i < n; i++) {
    if (!keep[i]) continue;
    let t = 0, any = false;
    for (const s of c.series) { const v = U[s][i]; if (ok(v)) { t += v; any = true; } }
    if (any && t > 0) rows.push({i, total: t});
  }
  const groups = rank(rows, r => r.total);
  const top = groups.slice(0, topn), rest = groups.slice(topn);
  const out = {y: [], name: [], place: [], utype: [], year: [], alpha: [], total: [], total_s: [], note: []};
  for (const s of c.series) { out[s] = []; out[s + '_s'] = []; }
  const push = (y, name, placeText, type, year, values, total, alpha, note) => {
    out.y.push(y); out.name.push(name); out.place.push(placeText); out.utype.push(type); out.year.push(String(year));
    out.alpha.push(alpha); out.total.push(total); out.total_s.push(fmt('wan', total)); out.note.push(note);
    c.series.forEach((s, k) => { out[s].push(values[k]); out[s + '_s'].push(fmt('wan', values[k])); });
  };
  let grand = 0, shownSum = 0;
  for (const r of rows) grand += r.total;
  for (const g of top) for (const r of g.rows) {
    shownSum += r.total;
    push([g.label, String(U.year[r.i])], U.unit_name[r.i], U.place[r.i], U.unit_type[r.i], U.year[r.i],
         c.series.map(s => ok(U[s][r.i]) ? U[s][r.i] : 0), r.total, 1.0, '');
  }
  if (rest.length) {
    const label = otherLabel('stack', rest.length);
    const restRows = rest.flatMap(g => g.rows);
    for (const y of yearsOf(restRows)) {
      const these = restRows.filter(r => U.year[r.i] === y);
      const sums = c.series.map(s => these.reduce((a, r) => a + (ok(U[s][r.i]) ? U[s][r.i] : 0), 0));
      const total = these.reduce((a, r) => a + r.total, 0);
      push([label, String(y)], label, '—', '—', y, sums.map(v => v / these.length), total / these.length, 0.45,
           `平均 average of ${these.length} 个单位 units；合计 sum ${fmt('wan', total)}`);
    }
  }
  const hi = Math.max(0, ...out.total);
  layout(c, out.y, hi, 0);
  c.src.data = out;
  const share = grand > 0 ? `占合计 ${(shownSum / grand * 100).toFixed(1)}% of the total` : '';
  setTitle(c, caption(top.length, groups.length, rest.length ? share : ''));
}

function ratioChart(c) {
  const key = c.select ? c.select.value : c.options[0].key;
  const o = c.options.find(x => x.key === key) || c.options[0];
  const value = i => {
    if (o.value) return U[o.value][i] * o.value_scale;
    const a = U[o.num][i], b = U[o.den][i];
    return ok(a) && ok(b) && b > 0 ? (a / b - o.offset) * o.scale : NaN;
  };
  const rows = [];
  for (let i = 0; i < n; i++) if (keep[i]) { const v = value(i); if (ok(v)) rows.push({i, v}); }
  const score = o.order === 'asc' ? r => -r.v : o.order === 'abs' ? r => Math.abs(r.v) : r => r.v;
  const groups = rank(rows, score);
  const top = groups.slice(0, topn), rest = groups.slice(topn);
  const out = {y: [], name: [], place: [], utype: [], year: [], alpha: [], v: [], bx: [], v_s: [], align: [], off: [],
               color: [], metric: [], detail: [], extra: []};
  const detail = (a, b) => `${o.num_label} ${fmt(o.num_kind, a)}；${o.den_label} ${fmt(o.den_kind, b)}`;
  const push = (y, name, placeText, type, year, v, alpha, det, extra) => {
    const bx = o.cap ? Math.max(-o.cap, Math.min(o.cap, v)) : v;
    out.y.push(y); out.name.push(name); out.place.push(placeText); out.utype.push(type); out.year.push(String(year));
    out.alpha.push(alpha); out.v.push(v); out.bx.push(bx);
    out.v_s.push(fmt(o.kind, v) + (bx !== v ? ' ▸' : ''));
    out.align.push(bx < 0 ? 'right' : 'left'); out.off.push(bx < 0 ? -4 : 4);
    out.color.push(o.diverging ? (v < 0 ? c.down : c.up) : c.color);
    out.metric.push(o.label); out.detail.push(det); out.extra.push(extra);
  };
  for (const g of top) for (const r of g.rows) {
    const i = r.i;
    push([g.label, String(U.year[i])], U.unit_name[i], U.place[i], U.unit_type[i], U.year[i], r.v, 1.0,
         detail(U[o.num][i], U[o.den][i]), o.extra ? (U[o.extra][i] || '—') : '');
  }
  if (rest.length) {
    const label = otherLabel('ratio', rest.length);
    const restRows = rest.flatMap(g => g.rows);
    for (const y of yearsOf(restRows)) {
      let sn = 0, sd = 0, k = 0;
      for (const r of restRows) {
        if (U.year[r.i] !== y) continue;
        const a = U[o.num][r.i], b = U[o.den][r.i];
        if (ok(a) && ok(b) && b > 0) { sn += a; sd += b; k++; }
      }
      if (sd > 0) push([label, String(y)], label, '—', '—', y, (sn / sd - o.offset) * o.scale, 0.45,
                       `合并 pooled over ${k} 个单位 units：` + detail(sn, sd), '');
    }
  }
  const hi = Math.max(0, ...out.bx), lo = Math.min(0, ...out.bx);
  layout(c, out.y, hi, lo);
  if (c.axis.formatter !== c.formatters[o.kind]) c.axis.formatter = c.formatters[o.kind];
  c.src.data = out;
  const capped = out.bx.some((b, k) => b !== out.v[k]) ? `柱长截至 bars cut at ±${(o.cap * 100).toFixed(0)}% ▸` : '';
  setTitle(c, `${o.label} · ` + caption(top.length, groups.length, capped));
}

for (const c of charts) (c.kind === 'stack' ? stackChart : ratioChart)(c);

// 3. tables: every matching row; DataTable scrolls, sorts and keeps the page short
function fit(t, rows) {  // a short table is short; a long one scrolls inside its box
  const height = Math.min(t.max_height, 48 + Math.max(rows, 1) * 26);
  if (t.table.height !== height) t.table.height = height;
}
function countText(shown, total) {
  return `显示 ${NF0.format(shown)} / ${NF0.format(total)} 行 · showing ${NF0.format(shown)} of ${NF0.format(total)} rows` +
    (shown ? ' · 点击列标题排序 click a column title to sort' : '');
}
{
  const t = tables.units, idx = [];
  for (let i = 0; i < n; i++) if (keep[i]) idx.push(i);
  const indices = filtered ? idx : null;
  if (filtered || t.filter.indices !== null) t.filter.indices = indices;
  fit(t, idx.length);
  t.count.text = countText(idx.length, n);
}
{
  const t = tables.peers, key = t.select.value;
  const meta = t.metrics.find(x => x.key === key) || t.metrics[0];
  if (meta) {
    const rank = U[meta.rank], idx = [];
    let total = 0;
    for (let i = 0; i < n; i++) if (ok(rank[i])) { total++; if (keep[i]) idx.push(i); }
    const columns = t.column_sets[meta.key];
    if (t.table.columns.length !== columns.length || t.table.columns.some((c, k) => c !== columns[k]))
      t.table.columns = columns;
    t.filter.indices = idx;
    fit(t, idx.length);
    t.count.text = countText(idx.length, total);
  }
}
{
  const t = tables.checks, C = checks.data, m = C.row.length, idx = [];
  for (let j = 0; j < m; j++) { const r = C.row[j]; if (r >= 0 ? keep[r] : !filtered) idx.push(j); }
  if (filtered || t.filter.indices !== null) t.filter.indices = filtered ? idx : null;
  fit(t, idx.length);
  t.count.text = countText(idx.length, m);
}

// 4. count the runs (tests wait for a filter change to be drawn)
document.body.dataset.filterRuns = String((parseInt(document.body.dataset.filterRuns || '0', 10)) + 1);
"""

# At bokeh's document-ready (every view drawn, with the first view views.py computed): tell the
# page, its tests and bench/report.py that the report is drawn, and when.
READY_JS = r"""
const body = document.body.dataset;
body.reportReady = performance.now().toFixed(0);
body.chartsDrawn = String(charts);
"""
