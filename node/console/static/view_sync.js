// PLACEHOLDER for replication (issue 3): the sync status panel and the conflicts/quarantine page.
// Both read their API endpoints, which answer {"available": false} until replication provides the
// figures; the engineer building replication replaces the two render functions' bodies.
import { h } from './dom.js';
import { t } from './i18n.js';
import { api } from './api.js';

export async function renderSyncPlaceholder(main) {
  const [status, conflicts] = await Promise.all([api.get('/api/sync/status'), api.get('/api/conflicts')]);
  main.append(
    h('section', { class: 'card placeholder', id: 'sync-status' },
      h('h1', {}, t('sync.title')),
      status.available ? h('pre', {}, JSON.stringify(status, null, 2)) : h('p', { class: 'muted' }, t('sync.unavailable'))),
    h('section', { class: 'card placeholder', id: 'conflicts' },
      h('h2', {}, t('conflicts.title')),
      conflicts.available ? h('pre', {}, JSON.stringify(conflicts, null, 2))
                          : h('p', { class: 'muted' }, t('conflicts.unavailable'))));
}
