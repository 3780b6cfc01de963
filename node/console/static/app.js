// The console's shell: session, navigation (#/search, #/new, #/birth, #/resident/ID, #/report,
// #/sync, #/conflicts, #/officers for a chief or an operator),
// and the language toggle. Every screen re-renders from its own data when the language changes.
import { h, clear } from './dom.js';
import { t, getLang, setLang } from './i18n.js';
import { api, setCsrfToken, setUnauthorizedHandler } from './api.js';
import { renderLogin } from './view_login.js';
import { renderSearch } from './view_search.js';
import { renderNew } from './view_new.js';
import { renderResident } from './view_resident.js';
import { renderReport } from './view_report.js';
import { renderBirth } from './view_birth.js';
import { renderSync } from './view_sync.js';
import { renderConflicts } from './view_conflicts.js';
import { renderOfficers, managesOfficers } from './view_officers.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
const logoutButton = document.getElementById('logout');
const langButton = document.getElementById('lang-toggle');

let session = null;
let pendingNotice = null;

function navigate(hash, notice) {
  pendingNotice = notice || null;
  if (location.hash === hash) route();
  else location.hash = hash;
}

function renderChrome() {
  document.title = t('app.title');
  document.documentElement.lang = getLang();
  langButton.textContent = t('lang.switch');
  logoutButton.textContent = t('logout');
  logoutButton.hidden = !session;
  nav.hidden = !session;
  clear(nav);
  clear(who);
  if (!session) return;
  const current = location.hash.split('/')[1] || 'search';
  for (const [key, target] of [['search', '#/search'], ['new', '#/new'], ['birth', '#/birth'], ['report', '#/report'],
                              ['sync', '#/sync'], ['conflicts', '#/conflicts'],
                              ...(managesOfficers(session) ? [['officers', '#/officers']] : [])]) {
    nav.append(h('a', { href: target, id: `nav-${key}`, class: current === key ? 'active' : '' }, t(`nav.${key}`)));
  }
  who.textContent = t('who', { officer: session.officer, role: t(`role.${session.role}`),
                               unit: session.node.unit_name || session.node.unit });
}

async function route() {
  renderChrome();
  clear(main);
  if (!session) {
    renderLogin(main, { notice: pendingNotice, onLoggedIn: loggedIn });
    pendingNotice = null;
    return;
  }
  const [, page, arg] = location.hash.split('/');
  const notice = pendingNotice;
  pendingNotice = null;
  try {
    if (page === 'new') renderNew(main, { session, navigate });
    else if (page === 'resident' && arg) await renderResident(main, { id: decodeURIComponent(arg), notice });
    else if (page === 'report') await renderReport(main);
    else if (page === 'birth') renderBirth(main, { session });
    else if (page === 'sync') await renderSync(main);
    else if (page === 'conflicts') await renderConflicts(main, { navigate, notice });
    else if (page === 'officers') await renderOfficers(main, { session, navigate, notice });
    else renderSearch(main);
  } catch (e) {
    if (e.status === 401) return;
    main.append(h('p', { class: 'form-error' }, t('error.generic', { message: e.message })));
  }
}

function loggedIn(newSession) {
  session = newSession;
  setCsrfToken(session.csrf_token);
  if (!location.hash || location.hash === '#/login') location.hash = '#/search';
  route();
}

setUnauthorizedHandler((error) => {
  session = null;
  setCsrfToken('');
  pendingNotice = error.code === 'session_expired' ? t('login.expired') : null;
  route();
});

logoutButton.addEventListener('click', async () => {
  try { await api.post('/api/logout'); } catch (e) { /* the session is gone either way */ }
  session = null;
  setCsrfToken('');
  route();
});

langButton.addEventListener('click', () => {
  setLang(getLang() === 'vi' ? 'en' : 'vi');
  route();
});

window.addEventListener('hashchange', route);

(async () => {
  setLang(getLang());
  try {
    loggedIn(await api.get('/api/session'));
  } catch (e) {
    if (e.status !== 401) {  // a 401 has already shown the login, with its notice
      session = null;
      route();
    }
  }
})();
