// The login screen.
import { h } from './dom.js';
import { t } from './i18n.js';
import { api } from './api.js';

export function renderLogin(main, { onLoggedIn, notice }) {
  const officer = h('input', { id: 'login-officer', name: 'officer', autocomplete: 'username', required: true });
  const password = h('input', { id: 'login-password', name: 'password', type: 'password',
                                autocomplete: 'current-password', required: true });
  const error = h('div', { class: 'form-error', role: 'alert', hidden: !notice, 'data-testid': 'login-error' },
                  notice || '');
  const unit = h('p', { id: 'login-node', class: 'muted' });
  const form = h('form', { id: 'login-form', class: 'card narrow' },
    h('h1', {}, t('login.title')),
    unit,
    error,
    h('div', { class: 'field' }, h('label', { for: 'login-officer' }, t('login.officer')), officer),
    h('div', { class: 'field' }, h('label', { for: 'login-password' }, t('login.password')), password),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, t('login.submit'))));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    try {
      const session = await api.post('/api/login', { officer: officer.value.trim(), password: password.value });
      password.value = '';
      onLoggedIn(session);
    } catch (e) {
      error.hidden = false;
      const known = ['bad_credentials', 'too_many_attempts', 'too_many_sessions'];
      error.textContent = known.includes(e.code) ? t(`login.${e.code}`)
                                                 : t('error.generic', { message: e.message });
    }
  });
  main.append(form);
  officer.focus();
  api.get('/api/node').then((node) => {
    unit.textContent = t('login.node', { unit: node.unit_name || node.unit, level: t(`level.${node.role}`) });
    document.title = `${node.unit_name || node.unit} — ${t('app.title')}`;
  }).catch(() => {});  // the form works without it
}
