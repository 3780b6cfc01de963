// The node's officer accounts (#/officers), for its chief (a commune) or an operator (a hub or
// central): the list with each officer's role (GET /api/officers) and a form that adds one
// (POST /api/officers); each row's role can be changed (PUT /api/officers/{name}) and the account
// removed after a confirmation (DELETE). The roles offered are the node's: clerk or chief at a
// commune, clerk or operator at a hub. The server keeps the node's last manager (409).
import { h } from './dom.js';
import { t } from './i18n.js';
import { api } from './api.js';
import { buildForm } from './forms.js';

export function managesOfficers(session) {
  return session.role === 'chief' || session.role === 'operator';
}

const roleOptions = (session) => (session.node.role === 'commune' ? ['clerk', 'chief'] : ['clerk', 'operator'])
  .map((r) => [r, `role.${r}`]);

// Explains the server's refusals in the officer's language.
function localError(e) {
  if (e.code === 'permission_denied') e.message = t('officers.denied');
  if (e.code === 'already_exists') e.message = t('officers.exists');
  if (e.code === 'failed_precondition') e.message = t('officers.last_manager');
  return e;
}

// One officer's row: name, a role picker that applies at once, and a remove button.
function officerRow(o, session, { navigate, fail }) {
  const role = h('select', { 'aria-label': t('officers.role'), class: 'officer-role' },
    roleOptions(session).map(([value, label]) => h('option', { value, selected: value === o.role }, t(label))));
  role.addEventListener('change', async () => {
    try {
      await api.put(`/api/officers/${encodeURIComponent(o.name)}`, { role: role.value });
      navigate('#/officers', t('officers.role_set', { officer: o.name, role: t(`role.${role.value}`) }));
    } catch (e) {
      role.value = o.role;
      fail(localError(e));
    }
  });
  const remove = h('button', { type: 'button', class: 'secondary officer-remove' }, t('officers.remove'));
  remove.addEventListener('click', async () => {
    if (!window.confirm(t('officers.remove_confirm', { officer: o.name }))) return;
    try {
      await api.del(`/api/officers/${encodeURIComponent(o.name)}`);
      navigate('#/officers', t('officers.removed', { officer: o.name }));
    } catch (e) {
      fail(localError(e));
    }
  });
  return h('tr', { 'data-officer': o.name }, h('td', {}, o.name), h('td', {}, role), h('td', {}, remove));
}

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
        throw localError(e);
      }
    },
  });
  form.querySelector('#officer-new-password').type = 'password';
  const rowError = h('p', { class: 'form-error', id: 'officers-error', role: 'alert', hidden: true });
  const fail = (e) => { rowError.textContent = e.message; rowError.hidden = false; };
  main.append(h('section', { class: 'card', id: 'officers' },
    h('h1', {}, t('officers.title')),
    h('p', { class: 'muted' }, t('officers.hint')),
    rowError,
    denied || h('table', { class: 'report', id: 'officers-table' },
      h('thead', {}, h('tr', {}, h('th', {}, t('officers.name')), h('th', {}, t('officers.role')), h('th', {}))),
      h('tbody', {}, officers.map((o) => officerRow(o, session, { navigate, fail })))),
    h('h2', {}, t('officers.add')),
    form));
}
