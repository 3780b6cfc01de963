// "Đọc thẻ": reading the resident's chip citizen-ID card (POST /api/card/read). The officer types
// (or confirms) the card's number, birth and expiry dates — the card's access key — and the node
// reads the card in its reader, verifies it and answers its fields and face. Nothing is saved
// here: on the resident page the differences with the record are listed for a correction; in the
// new-resident form the card fills the fields and the officer confirms by saving the form.
import { h, clear } from './dom.js';
import { t } from './i18n.js';
import { api } from './api.js';
import { buildForm } from './forms.js';

// The record's expiry as the access key's YYYY-MM-DD, or '' (the officer types a card without
// expiry's MRZ field, e.g. <<<<<<, as printed on its back).
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
  // A read in progress is cancelled on the node when the officer cancels or leaves the page.
  let reading = false;
  const cancelRead = () => {
    if (reading) api.post('/api/card/cancel').catch(() => {});
  };
  window.addEventListener('hashchange', cancelRead, { once: true });
  const { form } = buildForm({
    id: 'card-read', submitLabel: 'card.read',
    onCancel: onCancel && (() => { cancelRead(); onCancel(); }),
    fields: [
      { key: 'citizen_no', value: prefill.citizen_no, inputmode: 'numeric' },
      { key: 'birth', label: 'card.birth', value: prefill.birth, inputmode: 'numeric' },
      { key: 'expiry', label: 'card.expiry', value: isoDate(prefill.expiry) },
    ],
    onSubmit: async (values) => {
      clear(result);
      result.append(h('p', { class: 'muted', role: 'status' }, t('card.reading')));
      let read;
      reading = true;
      try {
        read = await api.post('/api/card/read', { ...values, ...(record ? { record } : {}) });
      } catch (e) {
        clear(result);
        if (e.code === 'card_reader_busy') e.message = t('card.busy');
        throw e;
      } finally {
        reading = false;
      }
      clear(result);
      result.append(...[verdictBadge(read),
        h('div', { class: 'card-face' },
          h('figure', {}, h('img', { id: 'card-face', src: read.face, alt: t('card.face') }),
            h('figcaption', {}, t('card.face'))),
          h('dl', { class: 'details' }, ['full_name', 'birth_date', 'sex', 'citizen_no', 'permanent_residence']
            .map((k) => [h('dt', {}, t(`field.${k}`)),
              h('dd', {}, (k === 'sex' && read.card.sex ? t(`sex.${read.card.sex}`) : read.card[k]) || '—')]),
            h('dt', {}, t('card.expires')),
            h('dd', { id: 'card-expires' }, read.card.no_expiry ? t('card.no_expiry') : read.card.expires_on || read.card.expires || '—'))),
        read.differences && differencesTable(read.differences)].filter(Boolean));
      if (onRead) onRead(read);
    },
  });
  return h('div', { id: 'card-reader' }, form, result);
}

// The card's face as the record's photo: a JPEG goes to the photo upload (sealed there like any
// photo, node/photo.h) as a Blob, decoded here from the data URL; a JPEG 2000 face (which the
// photo path does not take, and browsers do not show) is refused with the reason. Returns the
// button or the notice; `onSaved` after the upload.
export function saveFaceControl(read, recordId, onSaved) {
  const [, mime, b64] = /^data:([^;]+);base64,(.*)$/.exec(read.face || '') || [];
  if (mime !== 'image/jpeg') {
    return h('p', { class: 'form-error', id: 'card-face-unsupported' }, t('card.face_unsupported', { format: mime || '?' }));
  }
  const button = h('button', { type: 'button', id: 'save-card-photo' }, t('card.save_face'));
  button.addEventListener('click', async () => {
    button.disabled = true;
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    try {
      await api.upload(`/api/residents/${encodeURIComponent(recordId)}/photo`, new Blob([bytes], { type: mime }), mime);
    } catch (e) {
      button.disabled = false;
      button.after(h('p', { class: 'form-error', role: 'alert' }, t('error.generic', { message: e.message })));
      return;
    }
    onSaved();
  });
  return button;
}

// The card's place `key` (hometown, permanent_residence) as the node mapped it to a unit:
// {unit, address} or {} when it could not, with the officer's notice saying which part.
function cardPlace(read, key) {
  const place = (read.places || {})[key] || {};
  if (!place.problem) return { unit: place.unit, address: place.address };
  const { part, reason: why, text } = place.problem;
  return { notice: t(`card.place.${why}`, { field: t(`field.${key}`), part: t(`card.part.${part}`), text }) };
}

// Fills `form`'s inputs named by `values` ({inputName: value}; empty values are skipped) and shows
// `notices` (the places not recognised) in `slot`. The officer checks the form and saves it.
function fillForm(form, slot, values, notices) {
  for (const [key, value] of Object.entries(values)) {
    const input = form.elements.namedItem(key);
    if (input && value) input.value = value;
  }
  slot.querySelector('#card-place-notices')?.remove();
  if (notices.length) {
    slot.append(h('ul', { id: 'card-place-notices', class: 'problems' }, notices.map((n) => h('li', {}, n))));
  }
}

// Đọc thẻ in the new-resident form: the card's person, hometown and permanent residence.
export function fillNewResident(form, slot, read) {
  const card = read.card;
  const hometown = cardPlace(read, 'hometown');
  const residence = cardPlace(read, 'permanent_residence');
  fillForm(form, slot, {
    full_name: card.full_name,
    birth_date: card.birth_date,
    sex: card.sex,
    citizen_no: card.citizen_no,
    'hometown.unit': hometown.unit,
    'permanent_residence.unit': residence.unit,
    'permanent_residence.address': residence.address,
    'father.name': card.father,
    'mother.name': card.mother,
  }, [hometown.notice, residence.notice].filter(Boolean));
}

// Đọc thẻ in the move form: the permanent residence the card names, as the unit moved to.
export function fillMove(form, slot, read) {
  const residence = cardPlace(read, 'permanent_residence');
  fillForm(form, slot, { unit: residence.unit, address: residence.address }, [residence.notice].filter(Boolean));
}
