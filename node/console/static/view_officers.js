// The node's officer accounts (#/officers), for its chief (a commune) or an operator (a hub or
// central): the list with each officer's role (GET /api/officers) and a form that adds one
// (POST /api/officers). The roles offered are the node's: clerk or chief at a commune, clerk or
// operator at a hub.
import { h } from './dom.js';
import { t } from './i18n.js';
import { api } from './api.js';
import { buildForm } from './forms.js';

export function managesOfficers(session) {
  return session.role === 'chief' || session.role === 'operator';
}

const roleOptions = (session) => (session.node.role === 'commune' ? ['clerk', 'chief'] : ['clerk', 'operator'])
  .map((r) => [r, `role.${r}`]);

export async function renderOfficers(main, { session, navigate, notice }) {
  let officers = [];
  let denied = null;
  try {
    ({ officers } = await api.get('/api/officers'));
  } catch (e) {
    if (e.code !== 'permission_denied') throw e;
    denied = h('p', { class: 'form-error', id: 'officers-denied', role: 'alert' }, t('officers.denied'));
  }
  if (notice) main.append(h('p', { class: 'notice', id: 'notice', role: 'status' }, notice));
  const { form } = buildForm({
    id: 'officer-new',
    submitLabel: 'officers.add',
    fields: [
      { key: 'name' },
      { key: 'password' },
      { key: 'role', type: 'select', options: roleOptions(session), value: 'clerk' },
    ],
    onSubmit: async (values) => {
      try {
        const added = await api.post('/api/officers', values);
        navigate('#/officers', t('officers.added', { officer: added.officer, role: t(`role.${added.role}`) }));
      } catch (e) {
        if (e.code === 'permission_denied') e.message = t('officers.denied');
        if (e.code === 'already_exists') e.message = t('officers.exists');
        throw e;
      }
    },
  });
  form.querySelector('#officer-new-password').type = 'password';
  main.append(h('section', { class: 'card', id: 'officers' },
    h('h1', {}, t('officers.title')),
    h('p', { class: 'muted' }, t('officers.hint')),
    denied || h('table', { class: 'report', id: 'officers-table' },
      h('thead', {}, h('tr', {}, h('th', {}, t('officers.name')), h('th', {}, t('officers.role')))),
      h('tbody', {}, officers.map((o) => h('tr', { 'data-officer': o.name },
        h('td', {}, o.name), h('td', {}, t(`role.${o.role}`)))))),
    h('h2', {}, t('officers.add')),
    form));
}
