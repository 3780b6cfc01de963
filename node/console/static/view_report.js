// Progress (storage/report.h): the units down the tree (province, district, commune) against the
// campaign's targets — every record clean, every living resident with a CCCD application and the
// biometrics it needs — each
// with a small SVG bar per target; then the communes in a table and an inline SVG bar chart of
// the shares of clean records and of CCCD applications among the living.
import { h, svg } from './dom.js';
import { t, getLang } from './i18n.js';
import { api } from './api.js';

const number = (n) => n.toLocaleString(getLang() === 'vi' ? 'vi-VN' : 'en-US');
const share = (part, whole) => (whole > 0 ? (100 * part) / whole : 0);
const percent = (value) => `${value.toLocaleString(getLang() === 'vi' ? 'vi-VN' : 'en-US',
                                                   { maximumFractionDigits: 2 })}%`;

function chart(rows) {
  const barHeight = 14;
  const rowHeight = 2 * barHeight + 14;
  const labelWidth = 220;
  const plotWidth = 420;
  const height = rows.length * rowHeight + 30;
  const items = [];
  rows.forEach((row, i) => {
    const y = i * rowHeight + 10;
    const clean = share(row.clean, row.residents);
    const applied = share(row.applications, row.residents - row.deceased);
    items.push(svg('text', { x: 0, y: y + barHeight + 2, class: 'chart-label' }, row.label));
    items.push(svg('rect', { x: labelWidth, y, width: plotWidth, height: 2 * barHeight, class: 'bar-track' }));
    items.push(svg('rect', { x: labelWidth, y, width: (plotWidth * clean) / 100, height: barHeight,
                             class: 'bar-clean', 'data-share': clean.toFixed(2) }));
    items.push(svg('text', { x: labelWidth + (plotWidth * clean) / 100 + 4, y: y + barHeight - 3,
                             class: 'chart-value' }, percent(clean)));
    items.push(svg('rect', { x: labelWidth, y: y + barHeight, width: (plotWidth * applied) / 100,
                             height: barHeight, class: 'bar-applications' }));
    items.push(svg('text', { x: labelWidth + (plotWidth * applied) / 100 + 4, y: y + 2 * barHeight - 3,
                             class: 'chart-value' }, percent(applied)));
  });
  const legendY = rows.length * rowHeight + 22;
  items.push(svg('rect', { x: labelWidth, y: legendY - 10, width: 12, height: 12, class: 'bar-clean' }));
  items.push(svg('text', { x: labelWidth + 16, y: legendY, class: 'chart-label' }, t('report.share_clean')));
  items.push(svg('rect', { x: labelWidth + 120, y: legendY - 10, width: 12, height: 12, class: 'bar-applications' }));
  items.push(svg('text', { x: labelWidth + 136, y: legendY, class: 'chart-label' }, t('report.share_applications')));
  return svg('svg', { viewBox: `0 0 ${labelWidth + plotWidth + 80} ${height}`, role: 'img',
                      'aria-label': t('report.chart'), class: 'chart', id: 'report-chart' },
             svg('title', {}, t('report.chart')), ...items);
}

// A bar of `part` out of `target`, with the figures beside it: "85.157 / 98.713 (86,27%)".
function progressCell(part, target, kind) {
  const width = 160;
  const done = share(part, target);
  return h('td', { class: `progress-cell ${kind}` },
    svg('svg', { viewBox: `0 0 ${width} 10`, width, height: 10, class: 'progress-bar', role: 'img',
                 'aria-label': percent(done) },
      svg('rect', { x: 0, y: 0, width, height: 10, class: 'bar-track' }),
      svg('rect', { x: 0, y: 0, width: (width * Math.min(done, 100)) / 100, height: 10, class: `bar-${kind}`,
                    'data-share': done.toFixed(2) })),
    h('span', { class: 'progress-figures' }, `${number(part)} / ${number(target)} (${percent(done)})`));
}

function treeTable(tree) {
  return h('table', { class: 'report tree', id: 'progress-tree' },
    h('thead', {}, h('tr', {}, h('th', {}, t('report.unit')), h('th', {}, t('report.residents')),
      h('th', {}, t('report.target_clean')), h('th', {}, t('report.target_applications')),
      h('th', {}, t('report.target_biometrics')), h('th', {}, t('report.gap')))),
    h('tbody', {}, tree.map((u) => h('tr', { class: `level-${u.level} depth-${Math.min(u.depth, 3)}`, 'data-unit': u.unit },
      h('td', { class: 'unit-name' }, `${u.name || u.unit} (${u.unit})`),
      h('td', { class: 'num' }, number(u.residents)),
      progressCell(u.clean, u.residents, 'clean'),
      progressCell(u.applications, u.residents - u.deceased, 'applications'),
      progressCell(u.biometrics, u.residents - u.deceased, 'biometrics'),
      h('td', { class: 'num gap' }, t('report.gap_value', { clean: number(u.residents - u.clean),
                                                            applications: number(u.residents - u.deceased - u.applications) }))))));
}

export async function renderReport(main) {
  const report = await api.get('/api/report');
  const rows = report.units.map((u) => ({ ...u, label: u.name || u.unit || '—' }));
  const line = (label, r, attrs = {}) => h('tr', attrs, h('td', {}, label),
    h('td', { class: 'num' }, number(r.residents)),
    h('td', { class: 'num' }, `${number(r.clean)} (${percent(share(r.clean, r.residents))})`),
    h('td', { class: 'num' }, number(r.deceased)),
    h('td', { class: 'num' }, `${number(r.applications)} (${percent(share(r.applications, r.residents - r.deceased))})`),
    h('td', { class: 'num' }, `${number(r.biometrics)} (${percent(share(r.biometrics, r.residents - r.deceased))})`));
  main.append(h('section', { class: 'card' },
    h('h1', {}, t('report.title')),
    h('h2', {}, t('report.tree')),
    h('p', { class: 'muted' }, t('report.targets')),
    treeTable(report.tree),
    h('h2', {}, t('report.communes')),
    h('table', { class: 'report', id: 'report-table' },
      h('thead', {}, h('tr', {}, h('th', {}, t('report.unit')), h('th', {}, t('report.residents')),
        h('th', {}, t('report.clean')), h('th', {}, t('report.deceased')), h('th', {}, t('report.applications')),
        h('th', {}, t('report.biometrics')))),
      h('tbody', {}, rows.map((r) => line(`${r.label} (${r.unit})`, r))),
      h('tfoot', {}, line(t('report.total'), report.total, { class: 'total' }))),
    h('h2', {}, t('report.chart')),
    chart(rows.length ? rows : [{ ...report.total, label: t('report.total') }])));
}
