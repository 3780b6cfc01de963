// Birth registration (#/birth): a newborn gets a citizen number from the node's leased block,
// offline (POST /api/births). The number is shown at once; a node holding no serials says that it
// must sync with its parent first.
import { h, clear } from './dom.js';
import { t } from './i18n.js';
import { api } from './api.js';
import { buildForm, SEX_OPTIONS, RELATIONSHIP_OPTIONS } from './forms.js';
import { todayInVietnam } from './dates.js';

export function renderBirth(main, { session }) {
  // A commune registers its own births; a hub's officer names the commune.
  const commune = session.node.role === 'commune' ? session.node.unit : undefined;
  const result = h('div', { id: 'birth-result', hidden: true });
  const { form } = buildForm({
    id: 'birth',
    submitLabel: 'birth.submit',
    fields: [
      { key: 'full_name' },
      { key: 'birth_date', inputmode: 'numeric', value: todayInVietnam() },
      { key: 'sex', type: 'select', options: SEX_OPTIONS },
      { key: 'ethnicity', type: 'number' },
      { key: 'nationality', value: 'VN' },
      { key: 'birth_place.unit', value: commune, inputmode: 'numeric' },
      { key: 'hometown.unit', inputmode: 'numeric' },
      { key: 'permanent_residence.unit', value: commune, inputmode: 'numeric' },
      { key: 'permanent_residence.address' },
      { key: 'household.id' },
      { key: 'household.relationship', type: 'select', options: RELATIONSHIP_OPTIONS },
      { key: 'mother.name' },
      { key: 'mother.citizen_no', inputmode: 'numeric' },
      { key: 'father.name' },
      { key: 'father.citizen_no', inputmode: 'numeric' },
    ],
    onSubmit: async (values) => {
      let born;
      try {
        born = await api.post('/api/births', values);
      } catch (e) {
        if (e.code === 'no_lease') e.message = t('birth.no_lease');
        throw e;
      }
      clear(result);
      result.hidden = false;
      result.append(h('p', { class: 'notice', role: 'status' }, t('birth.done')),
        h('p', { class: 'citizen-no' }, t('birth.citizen_no'), ' ', h('strong', { id: 'birth-citizen-no' }, born.citizen_no)),
        h('a', { href: `#/resident/${encodeURIComponent(born.id)}`, id: 'birth-resident' }, t('birth.open')));
      result.scrollIntoView();
    },
  });
  main.append(h('section', { class: 'card' }, h('h1', {}, t('birth.title')), h('p', { class: 'muted' }, t('birth.hint')),
                result, form));
  // A newborn joins a household as a child, most often: proposed once a household is named, and
  // not before (a relationship without a household is refused).
  const household = form.querySelector('#birth-household-id');
  const relationship = form.querySelector('#birth-household-relationship');
  household.addEventListener('input', () => {
    if (household.value.trim() && !relationship.value) relationship.value = 'child';
    if (!household.value.trim() && relationship.value === 'child') relationship.value = '';
  });
  form.querySelector('input').focus();
}
