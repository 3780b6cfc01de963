// A resident's page: details, household, CCCD application, photo and fingers, history of changes,
// the agencies that verified the citizen,
// and the forms for a correction, a death and a move.
import { h, clear } from './dom.js';
import { t, reason, has, gapLabel } from './i18n.js';
import { api } from './api.js';
import { conflictSummary } from './view_conflicts.js';
import { buildForm, SEX_OPTIONS } from './forms.js';
import { residentTable, statusLabel } from './view_search.js';
import { enrollmentSection } from './view_enrollment.js';
import { cardReader, fillMove, saveFaceControl } from './view_card.js';

function detailRows(record, unitNames) {
  const place = (p) => p && [p.address, unitNames[p.unit] || p.unit].filter(Boolean).join(', ');
  const rows = [
    ['col.citizen_no', record.citizen_no],
    ['col.birth', record.birth_date],
    ['field.sex', record.sex && t(`sex.${record.sex}`)],
    ['col.status', statusLabel(record.status) + (record.death_date ? ` (${record.death_date})` : '')],
    ['field.ethnicity', record.ethnicity],
    ['field.nationality', record.nationality],
    ['field.hometown', place(record.hometown)],
    ['field.birth_place', place(record.birth_place)],
    ['field.permanent_residence.address', place(record.permanent_residence)],
    ['field.current_residence', place(record.current_residence)],
    ['field.household.id', record.household && record.household.id],
    ['field.household.relationship', record.household && record.household.relationship &&
                                     t(`rel.${record.household.relationship}`)],
    ['field.father.name', record.father && record.father.name],
    ['field.mother.name', record.mother && record.mother.name],
  ];
  return h('dl', { class: 'details' }, rows.filter(([, v]) => v !== undefined && v !== '' && v !== null)
    .map(([label, value]) => [h('dt', {}, t(label)), h('dd', {}, String(value))]));
}

// "full_name: Nguyễn Văn Bính", "permanent_residence: 00004, Số 2"; a field set to empty shows "—";
// the biometrics summary (hashes) and a card case (listed in the review queue) only by name.
function changedValue(values, field) {
  if (field === 'biometrics' || field === 'card_review') return field;
  const value = values[field];
  if (value === undefined || value === null) return `${field}: —`;
  if (typeof value === 'object') return `${field}: ${Object.values(value).join(', ')}`;
  return `${field}: ${value}`;
}

function historyTable(changes) {
  return h('table', { class: 'history', id: 'history' },
    h('thead', {}, h('tr', {}, h('th', {}, t('history.when')), h('th', {}, t('history.what')),
      h('th', {}, t('history.who')), h('th', {}, t('history.node')), h('th', {}, t('history.fields')))),
    h('tbody', {}, changes.map((c) => h('tr', {},
      h('td', {}, new Date(c.time).toLocaleString(document.documentElement.lang)),
      h('td', {}, has(`op.${c.operation}`) ? t(`op.${c.operation}`) : c.operation),
      h('td', { class: 'officer' }, c.officer),
      h('td', { class: 'mono' }, `${c.origin} #${c.seq}`),
      h('td', { class: 'changed' }, c.fields.map((f) => h('div', {}, changedValue(c.values, f))))))));
}

// The three change forms, one at a time, below the actions bar.
function actions(view, reload) {
  const record = view.record;
  const slot = h('div', { id: 'action-form' });
  const open = (builder, ...args) => () => {
    clear(slot);
    slot.append(builder(...args));
    slot.querySelector('input')?.focus();
  };
  const done = async () => { clear(slot); await reload(t('action.saved')); };
  const close = () => clear(slot);
  const id = encodeURIComponent(view.id);
  // `from`: values to start from instead of the record's (the card's, after Đọc thẻ).
  const correction = (from = {}) => buildForm({
    id: 'correction', submitLabel: 'action.save', onCancel: close,
    fields: [
      { key: 'full_name', value: from.full_name ?? record.full_name },
      { key: 'birth_date', value: from.birth_date ?? record.birth_date },
      { key: 'sex', type: 'select', options: SEX_OPTIONS, value: from.sex ?? record.sex },
      { key: 'citizen_no', value: from.citizen_no ?? record.citizen_no },
      { key: 'ethnicity', type: 'number', value: record.ethnicity },
      { key: 'nationality', value: record.nationality },
      { key: 'hometown.unit', value: record.hometown && record.hometown.unit },
    ],
    // Only what the officer changed is sent, so the change log says what was corrected.
    onSubmit: async (values) => {
      const changed = {};
      for (const [key, typed] of Object.entries(values)) {
        // A struct keeps what the form does not show (a hometown's address line).
        const value = typeof typed === 'object' ? { ...record[key], ...typed } : typed;
        if (JSON.stringify(value) !== JSON.stringify(record[key])) changed[key] = value;
      }
      for (const key of ['birth_date', 'citizen_no', 'hometown', 'nationality', 'ethnicity']) {
        if (record[key] !== undefined && !(key in values)) changed[key] = null;
      }
      if (Object.keys(changed).length === 0) return close();
      await api.post(`/api/residents/${id}/correction`, changed);
      await done();
    },
  }).form;
  const death = () => buildForm({
    id: 'death', submitLabel: 'action.save', onCancel: close,
    fields: [{ key: 'death_date', inputmode: 'numeric' }],
    onSubmit: async (values) => { await api.post(`/api/residents/${id}/death`, values); await done(); },
  }).form;
  const cardPrefill = { citizen_no: record.citizen_no, birth: record.birth_date,
                        expiry: record.card && record.card.expires_on };
  // The move form; Đọc thẻ above it fills the unit and address from the card's permanent
  // residence, which the officer confirms by saving.
  const move = () => {
    const { form } = buildForm({
      id: 'move', submitLabel: 'action.save', onCancel: close,
      fields: [{ key: 'unit', inputmode: 'numeric' }, { key: 'address' }],
      onSubmit: async (values) => { await api.post(`/api/residents/${id}/move`, values); await done(); },
    });
    const cardSlot = h('div', { id: 'move-card' });
    const openReader = () => {
      clear(cardSlot);
      cardSlot.append(cardReader({ prefill: cardPrefill, onRead: (read) => fillMove(form, cardSlot, read),
                                   onCancel: () => clear(cardSlot) }));
    };
    return h('div', {}, form, h('div', { class: 'buttons' },
      h('button', { type: 'button', id: 'move-read-card', onclick: openReader }, t('action.read_card'))), cardSlot);
  };
  // Đọc thẻ: the card against this record. A difference the officer accepts opens the correction
  // form filled from the card; any difference can instead open a review case for the operators.
  const openCase = (differences) => async (event) => {
    try {
      await api.post(`/api/residents/${id}/card-case`, { differences });
    } catch (e) {
      event.target.after(h('p', { class: 'form-error', role: 'alert' }, t('error.generic', { message: e.message })));
      return;
    }
    await reload(t('card.case_opened'));
  };
  const fromCard = (read) => {
    // The card's face may become the record's photo, only by the officer's click.
    slot.append(h('div', { class: 'buttons' }, saveFaceControl(read, view.id, () => reload(t('photo.done')))));
    if (read.differences.length === 0) return;
    const fields = new Set(read.differences.map((d) => d.field));
    const from = {};
    for (const key of ['full_name', 'birth_date', 'sex', 'citizen_no']) {
      if (fields.has(key)) from[key] = read.card[key];
    }
    slot.append(h('div', { class: 'buttons' },
      Object.keys(from).length > 0 && h('button', {
        type: 'button', id: 'correct-from-card', onclick: open(correction, from),
      }, t('card.correct')),
      h('button', { type: 'button', id: 'open-card-case', onclick: openCase(read.differences) }, t('card.open_case'))));
  };
  const readCard = () => cardReader({
    prefill: cardPrefill,
    record: view.id, onRead: fromCard, onCancel: close,
  });
  // A move's errors name the residence fields; the form's fields are unit and address.
  const alive = (record.status || 'alive') === 'alive' && !record.merged_into;
  return h('section', { class: 'card' }, h('h2', {}, t('resident.actions')),
    h('div', { class: 'buttons' },
      h('button', { type: 'button', id: 'open-card', onclick: open(readCard) }, t('action.read_card')),
      h('button', { type: 'button', id: 'open-correction', onclick: open(correction) }, t('action.correction')),
      alive && h('button', { type: 'button', id: 'open-death', onclick: open(death) }, t('action.death')),
      alive && h('button', { type: 'button', id: 'open-move', onclick: open(move) }, t('action.move'))),
    slot);
}

// Who verified the citizen (agencies asking yes or no, never the record), newest first.
function verificationsSection(verifications) {
  const body = verifications.length === 0
    ? h('p', { class: 'muted' }, t('verifications.none'))
    : h('table', { class: 'history', id: 'verifications' },
      h('thead', {}, h('tr', {}, h('th', {}, t('history.when')), h('th', {}, t('verifications.agency')),
        h('th', {}, t('verifications.procedure')), h('th', {}, t('verifications.answer')))),
      h('tbody', {}, verifications.map((v) => h('tr', {},
        h('td', {}, new Date(v.at).toLocaleString(document.documentElement.lang)),
        h('td', {}, v.agency), h('td', { class: 'mono' }, v.procedure),
        h('td', {}, t(`verifications.${v.decision}`))))));
  return h('section', { class: 'card' }, h('h2', {}, t('verifications.title')), body);
}

export async function renderResident(main, { id, notice }) {
  main.append(h('p', { class: 'muted' }, t('loading')));
  const reload = async (message) => { clear(main); await renderResident(main, { id, notice: message }); };
  let view;
  let history;
  try {
    [view, history] = await Promise.all([
      api.get(`/api/residents/${encodeURIComponent(id)}`),
      api.get(`/api/residents/${encodeURIComponent(id)}/history`),
    ]);
  } catch (e) {
    clear(main);
    main.append(h('p', { class: 'form-error' }, e.status === 404 ? t('error.not_found')
                                                                 : t('error.generic', { message: e.message })));
    return;
  }
  // Open conflicts of this record (for review), if this node may list them.
  const { conflicts } = await api.get(`/api/conflicts?record=${encodeURIComponent(view.id)}`)
    .catch(() => ({ conflicts: [] }));
  const { verifications } = await api.get(`/api/residents/${encodeURIComponent(view.id)}/verifications`)
    .catch(() => ({ verifications: [] }));
  clear(main);
  const record = view.record;
  main.append(...[
    notice && h('p', { class: 'notice', role: 'status', id: 'notice' }, notice),
    h('section', { class: 'card' },
      h('h1', { id: 'resident-name' }, record.full_name || view.id),
      h('p', {}, h('span', { class: view.clean ? 'badge ok' : 'badge warn', id: 'clean-badge' },
                   view.clean ? t('resident.clean') : t('resident.not_clean')),
        ' ', h('span', { class: 'mono muted' }, view.id)),
      view.errors.length > 0 && h('ul', { class: 'problems' },
        view.errors.map((e) => h('li', {}, `${t(`field.${e.field}`)}: ${reason(e.reason)}`))),
      view.gaps.length > 0 && h('ul', { class: 'gaps' }, view.gaps.map((g) => h('li', {}, t('gap', { gap: gapLabel(g) })))),
      detailRows(record, view.unit_names)),
    conflicts.length > 0 && conflictSummary(conflicts),
    h('section', { class: 'card' }, h('h2', {}, t('resident.household')),
      view.household.length ? residentTable(view.household, { relationship: true })
                            : h('p', { class: 'muted' }, t('resident.no_household'))),
    actions(view, reload),
    enrollmentSection(view, reload),
    h('section', { class: 'card' }, h('h2', {}, t('resident.history')), historyTable(history.changes)),
    verificationsSection(verifications),
  ].filter(Boolean));
}
