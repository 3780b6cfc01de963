// The review queue (#/conflicts) for hub and central operators: each open conflict with the
// competing values side by side and a button under each that writes the resolving change in the
// officer's name (POST /api/conflicts/{id}/resolve); duplicate citizen numbers with the two
// records; cases opened because a chip card read differed from the record (the differences, and
// a button that closes the case once the record is corrected or stands); and the quarantine of
// refused changes.
import { h } from './dom.js';
import { t } from './i18n.js';
import { api } from './api.js';
import { when } from './view_sync.js';

export function valueText(value) {
  if (value === null || value === undefined) return t('conflicts.empty_value');
  if (typeof value === 'object') return Object.values(value).join(', ');
  return String(value);
}

function residentLink(id, summary) {
  return h('a', { href: `#/resident/${encodeURIComponent(id)}` }, (summary && summary.full_name) || id);
}

function decideButton(conflict, keep, label, onDone, status) {
  const button = h('button', { type: 'button', class: 'primary', 'data-keep': keep }, label);
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await api.post(`/api/conflicts/${encodeURIComponent(conflict.id)}/resolve`, { keep });
      onDone(t('conflicts.resolved'));
    } catch (e) {
      status.hidden = false;
      status.textContent = e.code === 'permission_denied' ? t('conflicts.denied') : t('error.generic', { message: e.message });
      button.disabled = false;
    }
  });
  return button;
}

function editSide(conflict, which, onDone, status) {
  const side = conflict.sides[which];
  return h('div', { class: `side side-${which}` },
    h('div', { class: 'side-label' }, t(`conflicts.${which}`)),
    h('div', { class: 'side-value' }, valueText(side.value)),
    h('div', { class: 'muted' }, t('conflicts.by', { officer: side.officer || '—', version: side.version })),
    decideButton(conflict, which, t('conflicts.keep_this'), onDone, status));
}

// A card case's differences: field, on the card, in the record when it was read.
function cardCaseTable(conflict) {
  const card = conflict.card || {};
  return h('table', { class: 'card-case' },
    h('thead', {}, h('tr', {}, h('th', {}, t('card.field')), h('th', {}, t('card.on_card')), h('th', {}, t('card.in_record')))),
    h('tbody', {}, (card.differences || []).map((d) => h('tr', { 'data-field': d.field },
      h('td', {}, t(`field.${d.field}`)), h('td', {}, d.card), h('td', {}, d.record || '—')))));
}

function conflictLine(c) {
  if (c.kind === 'concurrent_edit') {
    return `${t(`field.${c.field}`)}: ${valueText(c.sides.kept.value)} ↔ ${valueText(c.sides.other.value)}`;
  }
  if (c.kind === 'card_differs') {
    return t('conflicts.card_differs_fields', { fields: ((c.card && c.card.differences) || []).map((d) => t(`field.${d.field}`)).join(', ') });
  }
  return t(c.kind === 'duplicate_person' ? 'conflicts.same_person_with' : 'conflicts.duplicate_with',
           { record: (c.other_record_summary && c.other_record_summary.full_name) || c.other_record });
}

// One line per open conflict of a record, for its page: "Họ và tên: A ↔ B", and the duplicates.
export function conflictSummary(conflicts) {
  return h('section', { class: 'card', id: 'resident-conflicts' },
    h('h2', {}, t('conflicts.of_record')),
    h('ul', {}, conflicts.map((c) => h('li', {}, conflictLine(c)))),
    h('a', { href: '#/conflicts' }, t('conflicts.decide')));
}

function conflictCard(conflict, onDone) {
  const status = h('div', { class: 'form-error', role: 'alert', hidden: true });
  const header = h('h3', {}, residentLink(conflict.record, conflict.record_summary), ' — ',
    t(conflict.kind === 'concurrent_edit' ? 'conflicts.field' : `conflicts.${conflict.kind}`,
      { field: t(`field.${conflict.field}`) }));
  let body;
  if (conflict.kind === 'concurrent_edit') {
    body = h('div', { class: 'sides' }, editSide(conflict, 'kept', onDone, status), editSide(conflict, 'other', onDone, status));
  } else if (conflict.kind === 'card_differs') {
    body = h('div', {}, cardCaseTable(conflict),
      h('p', { class: 'muted' }, t('conflicts.by', { officer: (conflict.card && conflict.card.officer) || '—',
                                                    version: conflict.card && conflict.card.version })),
      decideButton(conflict, 'closed', t('conflicts.close_card_case'), onDone, status));
  } else {
    const record = (id, summary) => h('div', { class: 'side' },
      h('div', { class: 'side-value' }, residentLink(id, summary)),
      h('div', { class: 'muted' }, summary ? `${summary.birth_date || ''} · ${summary.citizen_no || ''}` : id),
      decideButton(conflict, id, t('conflicts.keep_record'), onDone, status));
    body = h('div', { class: 'sides' }, record(conflict.record, conflict.record_summary),
                                        record(conflict.other_record, conflict.other_record_summary));
    // Two people after all: recorded so that no node raises the pair again.
    if (conflict.kind === 'duplicate_person') body.append(decideButton(conflict, 'distinct', t('conflicts.distinct'), onDone, status));
  }
  return h('article', { class: 'conflict', 'data-conflict': conflict.id }, header, body,
           h('p', { class: 'muted' }, t('conflicts.detected', { when: when(conflict.detected_at_ms), id: conflict.id })), status);
}

function quarantineTable(runs) {
  if (runs.length === 0) return h('p', { class: 'muted', id: 'quarantine-empty' }, t('quarantine.empty'));
  return h('table', { class: 'report', id: 'quarantine-table' },
    h('thead', {}, h('tr', {}, ['quarantine.origin', 'quarantine.seqs', 'quarantine.source', 'quarantine.received',
      'quarantine.reason'].map((key) => h('th', {}, t(key))))),
    h('tbody', {}, runs.map((q) => (q.unreadable ? h('tr', {}, h('td', { colspan: 5 }, q.unreadable)) :
      h('tr', {}, h('td', { class: 'mono' }, q.origin), h('td', { class: 'num' }, `${q.first_seq}–${q.last_seq}`),
        h('td', {}, q.source), h('td', {}, when(q.received_at_ms)), h('td', {}, q.reason))))));
}

export async function renderConflicts(main, { navigate, notice }) {
  const [{ conflicts }, { quarantine }] = await Promise.all([api.get('/api/conflicts'), api.get('/api/quarantine')]);
  const onDone = (message) => navigate('#/conflicts', message);
  if (notice) main.append(h('p', { class: 'notice', id: 'notice', role: 'status' }, notice));
  main.append(
    h('section', { class: 'card', id: 'conflicts' },
      h('h1', {}, t('conflicts.title')),
      h('p', { class: 'muted' }, t('conflicts.hint')),
      conflicts.length === 0 ? h('p', { class: 'muted', id: 'conflicts-empty' }, t('conflicts.none'))
                             : conflicts.map((c) => conflictCard(c, onDone))),
    h('section', { class: 'card', id: 'quarantine' },
      h('h2', {}, t('quarantine.title')),
      h('p', { class: 'muted' }, t('quarantine.hint')),
      quarantineTable(quarantine)));
}
