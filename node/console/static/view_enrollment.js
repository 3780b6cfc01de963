// The CCCD application with what it still lacks, the photo upload, and the fingers: captured
// through the node's reader with the reader's prompts shown as they happen (polled), or recorded
// as missing or unreadable.
import { h, clear } from './dom.js';
import { t, reason } from './i18n.js';
import { api } from './api.js';
import { todayInVietnam } from './dates.js';

const FINGERS = ['right_thumb', 'right_index', 'right_middle', 'right_ring', 'right_little',
  'left_thumb', 'left_index', 'left_middle', 'left_ring', 'left_little'];

function missingLabel(field) {
  const part = field.startsWith('biometrics.') ? field.slice('biometrics.'.length) : null;
  if (part) return t(`fingers.${part}`);
  return t(`field.${field}`);
}

function applicationCard(view, reload) {
  const app = view.application;
  const id = encodeURIComponent(view.id);
  const message = h('div', { class: 'form-error', role: 'alert', hidden: true });
  const canApply = app.status === 'none' && app.ready;
  const apply = async () => {
    message.hidden = true;
    try {
      await api.post(`/api/residents/${id}/card`, { status: 'applied', applied_on: todayInVietnam() });
      await reload(t('card.applied_done'));
    } catch (e) {
      message.hidden = false;
      message.textContent = e.fields.length ? e.fields.map((f) => `${missingLabel(f.field)}: ${reason(f.reason)}`).join('; ')
                                            : t('error.generic', { message: e.message });
    }
  };
  return h('div', { id: 'application' },
    h('h3', {}, t('card.title')),
    h('p', {}, t('card.status', { status: t(`card.${app.status}`) })),
    app.status === 'none' && (app.ready
      ? h('p', { class: 'ok' }, t('card.ready'))
      : [h('p', {}, t('card.missing')),
         h('ul', { class: 'missing', id: 'application-missing' },
           app.missing.map((m) => h('li', { 'data-field': m.field }, `${missingLabel(m.field)}: ${reason(m.reason)}`)))]),
    canApply && h('button', { type: 'button', class: 'primary', id: 'apply-card', onclick: apply }, t('card.apply')),
    message);
}

function photoCard(view, reload) {
  const photo = view.record.biometrics && view.record.biometrics.photo;
  const file = h('input', { type: 'file', id: 'photo-file', accept: 'image/jpeg,image/png' });
  const message = h('div', { class: 'form-error', role: 'alert', hidden: true, id: 'photo-error' });
  const upload = async () => {
    message.hidden = true;
    const chosen = file.files[0];
    if (!chosen) return;
    try {
      await api.upload(`/api/residents/${encodeURIComponent(view.id)}/photo`, chosen, chosen.type || 'image/jpeg');
      await reload(t('photo.done'));
    } catch (e) {
      message.hidden = false;
      message.textContent = t('error.generic', { message: e.message });
    }
  };
  return h('div', { id: 'photo' },
    h('h3', {}, t('photo.title')),
    h('p', {}, photo ? t('photo.have', { format: photo.format, width: photo.width, height: photo.height })
                     : t('photo.none')),
    h('label', { for: 'photo-file' }, t('photo.choose')), ' ', file, ' ',
    h('button', { type: 'button', id: 'photo-upload', onclick: upload }, t('photo.upload')),
    message);
}

function fingerCard(view, reload) {
  const biometrics = view.record.biometrics || {};
  const select = h('select', { id: 'finger-select' },
    FINGERS.map((f) => h('option', { value: f.replace('_', '-') }, t(`fingers.${f}`))));
  select.value = 'right-index';
  const progress = h('div', { id: 'finger-progress', role: 'status', 'aria-live': 'polite' });
  const bar = h('progress', { id: 'finger-bar', max: 1, value: 0, hidden: true });
  const buttons = [];
  const busy = (on) => buttons.forEach((b) => { b.disabled = on; });
  const id = encodeURIComponent(view.id);

  const describe = (event) => {
    if (event.kind === 'place_finger') {
      return event.check ? t('finger.place_check') : t('finger.place', event);
    }
    if (event.kind === 'captured') return t('finger.captured', event);
    return t('finger.retry', { reason: event.reason });
  };

  const poll = async (capture) => {
    for (;;) {
      const state = await api.get(`/api/captures/${capture}`);
      clear(progress);
      bar.hidden = false;
      bar.max = Math.max(state.stages, 1);
      bar.value = state.stage;
      const last = state.events[state.events.length - 1];
      progress.append(h('p', {}, last ? describe(last) : t('finger.running')));
      if (state.state !== 'running') return state;
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
  };

  const capture = async () => {
    busy(true);
    document.getElementById('notice')?.remove();  // an earlier action's outcome
    try {
      const started = await api.post(`/api/residents/${id}/fingers/${select.value}`, { capture: true });
      const end = await poll(started.capture);
      if (end.state === 'enrolled') return await reload(t('finger.enrolled'));
      clear(progress);
      progress.append(h('p', { class: end.state === 'duplicate' ? 'warn' : 'form-error' },
        end.state === 'duplicate' ? t('finger.duplicate') : t('finger.failed', { message: end.message })));
    } catch (e) {
      clear(progress);
      progress.append(h('p', { class: 'form-error' }, t('finger.failed', { message: e.message })));
    } finally {
      busy(false);
    }
  };
  const exception = (kind) => async () => {
    busy(true);
    try {
      await api.post(`/api/residents/${id}/fingers/${select.value}`, { exception: kind });
      await reload(t('action.saved'));
    } catch (e) {
      clear(progress);
      progress.append(h('p', { class: 'form-error' }, t('error.generic', { message: e.message })));
      busy(false);
    }
  };
  buttons.push(h('button', { type: 'button', id: 'finger-capture', class: 'primary', onclick: capture }, t('finger.capture')),
               h('button', { type: 'button', id: 'finger-missing', onclick: exception('missing') }, t('finger.missing')),
               h('button', { type: 'button', id: 'finger-unreadable', onclick: exception('unreadable') }, t('finger.unreadable')));
  return h('div', { id: 'fingers' },
    h('h3', {}, t('finger.title')),
    h('table', { class: 'fingers' }, h('tbody', {}, FINGERS.map((f) => {
      const status = (biometrics[f] && biometrics[f].status) || 'none';
      return h('tr', { 'data-finger': f }, h('td', {}, t(`fingers.${f}`)), h('td', {}, t(`fs.${status}`)));
    }))),
    h('div', { class: 'field inline' }, h('label', { for: 'finger-select' }, t('finger.which')), select),
    h('div', { class: 'buttons' }, buttons), bar, progress);
}

export function enrollmentSection(view, reload) {
  const alive = (view.record.status || 'alive') === 'alive' && !view.record.merged_into;
  return h('section', { class: 'card enrollment' },
    applicationCard(view, reload),
    alive && h('div', { class: 'columns' }, photoCard(view, reload), fingerCard(view, reload)));
}
