// "Đọc thẻ": reading the resident's chip citizen-ID card (POST /api/card/read). The officer types
// (or confirms) the card's number, birth and expiry dates — the card's access key — and the node
// reads the card in its reader, verifies it and answers its fields and face. Nothing is saved
// here: on the resident page the differences with the record are listed for a correction; in the
// new-resident form the card fills the fields and the officer confirms by saving the form.
import { h, clear } from './dom.js';
import { t } from './i18n.js';
import { api } from './api.js';
import { buildForm } from './forms.js';

// The card's dd/mm/yyyy "expires" text as YYYY-MM-DD, or '' (e.g. "Không thời hạn").
const isoDate = (text) => (/^\d{4}-\d{2}-\d{2}$/.test(text || '') ? text : '');

function verdictBadge(read) {
  const cls = read.authentic ? 'badge ok' : 'badge warn';
  const label = read.authentic ? t('card.genuine')
    : read.verdict === 'unknown signer' ? t('card.unknown_signer') : t('card.not_genuine');
  return h('p', {}, h('span', { class: cls, id: 'card-verdict' }, label),
    read.reason ? ` ${read.reason}` : '');
}

function differencesTable(differences) {
  if (!differences.length) return h('p', { id: 'card-differences', class: 'notice' }, t('card.agrees'));
  return h('table', { id: 'card-differences' },
    h('thead', {}, h('tr', {}, h('th', {}, t('card.field')), h('th', {}, t('card.on_card')),
      h('th', {}, t('card.in_record')))),
    h('tbody', {}, differences.map((d) => h('tr', { 'data-field': d.field },
      h('td', {}, t(`field.${d.field}`)), h('td', {}, d.card), h('td', {}, d.record || '—')))));
}

// The access-key form and, below it, what the card said. `prefill`: {citizen_no, birth, expiry};
// `record`: the record id to compare with, if any; `onRead(read)` after a successful read.
export function cardReader({ prefill = {}, record, onRead, onCancel }) {
  const result = h('div', { id: 'card-result' });
  const { form } = buildForm({
    id: 'card-read', submitLabel: 'card.read', onCancel,
    fields: [
      { key: 'citizen_no', value: prefill.citizen_no, inputmode: 'numeric' },
      { key: 'birth', label: 'card.birth', value: prefill.birth, inputmode: 'numeric' },
      { key: 'expiry', label: 'card.expiry', value: isoDate(prefill.expiry), inputmode: 'numeric' },
    ],
    onSubmit: async (values) => {
      clear(result);
      result.append(h('p', { class: 'muted', role: 'status' }, t('card.reading')));
      let read;
      try {
        read = await api.post('/api/card/read', { ...values, ...(record ? { record } : {}) });
      } catch (e) {
        clear(result);
        throw e;
      }
      clear(result);
      result.append(...[verdictBadge(read),
        h('div', { class: 'card-face' },
          h('figure', {}, h('img', { id: 'card-face', src: read.face, alt: t('card.face') }),
            h('figcaption', {}, t('card.face'))),
          h('dl', { class: 'details' }, ['full_name', 'birth_date', 'sex', 'citizen_no', 'permanent_residence']
            .map((k) => [h('dt', {}, t(`field.${k}`)),
              h('dd', {}, (k === 'sex' && read.card.sex ? t(`sex.${read.card.sex}`) : read.card[k]) || '—')]))),
        read.differences && differencesTable(read.differences)].filter(Boolean));
      if (onRead) onRead(read);
    },
  });
  return h('div', { id: 'card-reader' }, form, result);
}

// The new-resident form's fields that a card fills: {formKey: value}.
export function formValuesFromCard(card) {
  return {
    full_name: card.full_name,
    birth_date: card.birth_date,
    sex: card.sex,
    citizen_no: card.citizen_no,
    'father.name': card.father,
    'mother.name': card.mother,
  };
}
