// Search as the officer types: results follow each keystroke (debounced); diacritics optional.
import { h, clear } from './dom.js';
import { t } from './i18n.js';
import { api } from './api.js';

let lastQuery = '';

export function statusLabel(status) { return t(`status.${status || 'alive'}`); }

export function residentTable(rows, { relationship = false } = {}) {
  return h('table', { class: 'results' },
    h('thead', {}, h('tr', {}, h('th', {}, t('col.name')), h('th', {}, t('col.birth')),
      h('th', {}, t('col.citizen_no')), relationship && h('th', {}, t('col.relationship')),
      h('th', {}, t('col.status')), h('th', {}, t('col.unit')))),
    h('tbody', {}, rows.map((r) => h('tr', { 'data-id': r.id },
      h('td', {}, h('a', { href: `#/resident/${encodeURIComponent(r.id)}` }, r.full_name)),
      h('td', {}, r.birth_date), h('td', {}, r.citizen_no),
      relationship && h('td', {}, r.relationship ? t(`rel.${r.relationship}`) : ''),
      h('td', {}, statusLabel(r.status)),
      h('td', {}, r.unit_name || r.unit)))));
}

export function renderSearch(main) {
  const input = h('input', { id: 'search-input', type: 'search', placeholder: t('search.placeholder'),
                             autocomplete: 'off', 'aria-label': t('search.title') });
  const summary = h('p', { class: 'muted', id: 'search-summary' }, t('search.hint'));
  const results = h('div', { id: 'search-results' });
  main.append(h('section', { class: 'card' }, h('h1', {}, t('search.title')), input, summary, results));
  let timer = null;
  let sequence = 0;
  async function run() {
    const query = input.value.trim();
    lastQuery = input.value;
    const mine = ++sequence;
    if (!query) {
      clear(results);
      summary.textContent = t('search.hint');
      return;
    }
    try {
      const found = await api.get(`/api/residents?q=${encodeURIComponent(query)}&limit=50`);
      if (mine !== sequence) return;  // a newer keystroke's answer wins
      clear(results);
      summary.textContent = found.results.length ? t('search.count', { n: found.results.length })
                                                 : t('search.none');
      if (found.results.length) results.append(residentTable(found.results));
    } catch (e) {
      if (mine === sequence) summary.textContent = t('error.generic', { message: e.message });
    }
  }
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(run, 150);
  });
  input.value = lastQuery;
  input.focus();
  if (lastQuery) run();
}
