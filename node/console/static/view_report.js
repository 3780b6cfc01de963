// Progress per unit (storage/report.h): a table and an inline SVG bar chart of the shares of clean
// records and of CCCD applications among the living.
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

export async function renderReport(main) {
  const report = await api.get('/api/report');
  const rows = report.units.map((u) => ({ ...u, label: u.name || u.unit || '—' }));
  const line = (label, r, attrs = {}) => h('tr', attrs, h('td', {}, label),
    h('td', { class: 'num' }, number(r.residents)),
    h('td', { class: 'num' }, `${number(r.clean)} (${percent(share(r.clean, r.residents))})`),
    h('td', { class: 'num' }, number(r.deceased)),
    h('td', { class: 'num' }, `${number(r.applications)} (${percent(share(r.applications, r.residents - r.deceased))})`));
  main.append(h('section', { class: 'card' },
    h('h1', {}, t('report.title')),
    h('table', { class: 'report', id: 'report-table' },
      h('thead', {}, h('tr', {}, h('th', {}, t('report.unit')), h('th', {}, t('report.residents')),
        h('th', {}, t('report.clean')), h('th', {}, t('report.deceased')), h('th', {}, t('report.applications')))),
      h('tbody', {}, rows.map((r) => line(`${r.label} (${r.unit})`, r))),
      h('tfoot', {}, line(t('report.total'), report.total, { class: 'total' }))),
    h('h2', {}, t('report.chart')),
    chart(rows.length ? rows : [{ ...report.total, label: t('report.total') }])));
}
