// Registering a new resident.
import { h, clear } from './dom.js';
import { t } from './i18n.js';
import { api } from './api.js';
import { buildForm, SEX_OPTIONS, RELATIONSHIP_OPTIONS } from './forms.js';
import { cardReader, fillNewResident } from './view_card.js';

export function renderNew(main, { session, navigate }) {
  const { form } = buildForm({
    id: 'new-resident',
    submitLabel: 'new.submit',
    fields: [
      { key: 'full_name' },
      { key: 'birth_date', inputmode: 'numeric' },
      { key: 'sex', type: 'select', options: SEX_OPTIONS },
      { key: 'citizen_no', inputmode: 'numeric' },
      { key: 'ethnicity', type: 'number' },
      { key: 'nationality', value: 'VN' },
      { key: 'hometown.unit', inputmode: 'numeric' },
      { key: 'permanent_residence.unit', value: session.node.unit, inputmode: 'numeric' },
      { key: 'permanent_residence.address' },
      { key: 'household.id' },
      { key: 'household.relationship', type: 'select', options: RELATIONSHIP_OPTIONS },
      { key: 'father.name' },
      { key: 'mother.name' },
    ],
    onSubmit: async (values) => {
      const created = await api.post('/api/residents', values);
      navigate(`#/resident/${encodeURIComponent(created.id)}`, t('new.done'));
    },
  });
  // Đọc thẻ: the card fills the form; the officer checks it and saves (nothing is saved before).
  const slot = h('div', { id: 'action-form' });
  const fill = (read) => fillNewResident(form, slot, read);
  const openCard = () => { clear(slot); slot.append(cardReader({ onRead: fill, onCancel: () => clear(slot) })); };
  main.append(h('section', { class: 'card' }, h('h1', {}, t('new.title')),
    h('div', { class: 'buttons' }, h('button', { type: 'button', id: 'open-card', onclick: openCard }, t('action.read_card'))),
    slot, form));
  form.querySelector('input').focus();
}
