// The sync screen (#/sync): what this node knows of its parent, children and peers — last contact,
// last finished session, changes refused, the last error, and the changes each still lacks (for
// the parent: the changes waiting to go up) — with a button per peer that downloads a signed
// bundle for it (POST /api/bundles), for a link that is a USB stick.
import { h } from './dom.js';
import { t, getLang } from './i18n.js';
import { api } from './api.js';

const locale = () => (getLang() === 'vi' ? 'vi-VN' : 'en-US');
const number = (n) => n.toLocaleString(locale());
export const when = (ms) => (ms ? new Date(ms).toLocaleString(locale()) : t('sync.never'));

function peerName(peer) {
  if (peer.unit_name) return peer.unit_name;  // "Xã Lũng Cú", "Huyện Đồng Văn"
  return `${peer.role ? t(`role.${peer.role}`) : t('sync.unknown_node')} ${peer.unit || ''}`.trim();
}

function backlogText(backlog) {
  if (backlog.error) return t('sync.backlog_unknown', { reason: backlog.error });
  return t('sync.backlog', { changes: number(backlog.changes), origins: number(backlog.origins) });
}

function bundleButton(peer, status) {
  const button = h('button', { type: 'button', class: 'bundle-export', 'data-node': peer.node }, t('sync.export'));
  button.addEventListener('click', async () => {
    button.disabled = true;
    status.textContent = t('sync.exporting');
    try {
      const { blob, filename } = await api.download('/api/bundles', { for: peer.node });
      const link = h('a', { href: URL.createObjectURL(blob), download: filename, id: 'bundle-download' }, filename);
      status.textContent = t('sync.exported', { bytes: number(blob.size) });
      status.append(' ', link);
      link.click();
    } catch (e) {
      status.textContent = t('error.generic', { message: e.message });
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

function peerRow(peer) {
  const link = peer.link;
  const status = h('div', { class: 'bundle-status', role: 'status' });
  return h('tr', { 'data-node': peer.node, class: peer.is_parent ? 'parent' : '' },
    h('td', {}, peerName(peer), peer.is_parent ? h('span', { class: 'tag' }, t('sync.parent')) : null,
      h('div', { class: 'muted mono' }, peer.node)),
    h('td', { class: 'last-seen' }, link ? when(link.last_seen_ms) : t('sync.no_link')),
    h('td', { class: 'last-synced' }, link ? when(link.last_synced_ms) : '—'),
    h('td', { class: 'num' }, link ? number(link.sessions) : '—'),
    h('td', { class: 'num refused' }, link ? number(link.refused) : '—'),
    h('td', { class: 'last-error' }, link && link.last_error ? link.last_error : '—'),
    h('td', { class: 'backlog' }, backlogText(peer.backlog)),
    h('td', {}, bundleButton(peer, status), status));
}

export async function renderSync(main) {
  const status = await api.get('/api/sync/status');
  const parent = status.peers.find((p) => p.is_parent);
  const up = status.waiting_up;
  main.append(h('section', { class: 'card', id: 'sync-status' },
    h('h1', {}, t('sync.title')),
    h('p', { id: 'sync-summary' },
      parent ? t('sync.parent_contact', { when: parent.link ? when(parent.link.last_seen_ms) : t('sync.no_link') })
             : t('sync.no_parent'),
      ' ',
      up ? h('strong', { id: 'waiting-up' }, up.error ? backlogText(up) : t('sync.waiting_up', { changes: number(up.changes) }))
         : null),
    h('p', { class: 'muted' }, status.replicating ? t('sync.replicating') : t('sync.not_replicating')),
    status.peers.length === 0 ? h('p', { class: 'muted' }, t('sync.no_peers')) :
      h('table', { class: 'report', id: 'peers' },
        h('thead', {}, h('tr', {}, ['sync.node', 'sync.last_seen', 'sync.last_synced', 'sync.sessions', 'sync.refused',
          'sync.last_error', 'sync.lacks', 'sync.bundle'].map((key) => h('th', {}, t(key))))),
        h('tbody', {}, status.peers.map(peerRow)))));
}
