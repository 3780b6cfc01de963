// Forms whose fields are named by the record's JSON key paths ("permanent_residence.unit"), so
// that each error the node returns is shown beside its own field.
import { h } from './dom.js';
import { t, reason } from './i18n.js';

// Errors on fields a form does not show go to the field that caused them.
const ALIASES = {
  home_unit: ['permanent_residence.unit', 'unit'],
  'permanent_residence.unit': ['unit'],
  'current_residence.unit': ['unit'],
  'permanent_residence.address': ['address'],
  'current_residence.address': ['address'],
  status: ['death_date'],
};

// spec: [{key, type: 'text'|'select'|'number', options: [[value, labelKey]], required, value}]
export function buildForm({ id, fields, submitLabel, onSubmit, onCancel }) {
  const general = h('div', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': 'form-error' });
  const inputs = new Map();
  const rows = fields.map((f) => {
    const inputId = `${id}-${f.key.replace(/\./g, '-')}`;
    let input;
    if (f.type === 'select') {
      input = h('select', { id: inputId, name: f.key },
        h('option', { value: '' }, t('choose')),
        f.options.map(([value, label]) => h('option', { value }, t(label))));
    } else {
      input = h('input', { id: inputId, name: f.key, type: f.type === 'number' ? 'number' : 'text',
                           autocomplete: 'off', inputmode: f.inputmode });
    }
    if (f.value !== undefined && f.value !== null) input.value = String(f.value);
    const error = h('div', { class: 'field-error', id: `${inputId}-error`, 'data-error-for': f.key,
                             role: 'alert', hidden: true });
    input.setAttribute('aria-describedby', error.id);
    inputs.set(f.key, { input, error, field: f });
    return h('div', { class: 'field' }, h('label', { for: inputId }, t(f.label || `field.${f.key}`)),
             input, error);
  });
  const status = h('div', { class: 'form-status', role: 'status' });
  const submit = h('button', { type: 'submit', class: 'primary' }, t(submitLabel));
  const form = h('form', { id, class: 'record-form', novalidate: true }, general, rows,
    h('div', { class: 'buttons' }, submit,
      onCancel && h('button', { type: 'button', onclick: onCancel }, t('action.cancel'))),
    status);

  function clearErrors() {
    general.hidden = true;
    general.textContent = '';
    for (const { input, error } of inputs.values()) {
      error.hidden = true;
      error.textContent = '';
      input.removeAttribute('aria-invalid');
    }
  }

  // Shows each {field, reason} beside its field; the rest above the form.
  function showErrors(apiError) {
    clearErrors();
    const rest = [];
    for (const { field, reason: why } of apiError.fields || []) {
      const target = inputs.get(field) ||
        (ALIASES[field] || []).map((key) => inputs.get(key)).find(Boolean) ||
        [...inputs.entries()].find(([key]) => field.startsWith(`${key}.`) || key.startsWith(`${field}.`))?.[1];
      if (target) {
        target.error.hidden = false;
        target.error.textContent = (target.error.textContent ? `${target.error.textContent}; ` : '') + reason(why);
        target.input.setAttribute('aria-invalid', 'true');
      } else {
        rest.push(field ? `${field}: ${reason(why)}` : reason(why));
      }
    }
    general.hidden = false;
    general.textContent = apiError.fields && apiError.fields.length
      ? [t('form.errors'), ...rest].join(' ')
      : t('error.generic', { message: apiError.message });
  }

  // The values typed, as a nested JSON object; empty inputs are left out.
  function values() {
    const out = {};
    for (const [key, { input, field }] of inputs) {
      const raw = input.value.trim();
      if (raw === '') continue;
      const value = field.type === 'number' ? Number(raw) : raw;
      const path = key.split('.');
      let node = out;
      for (const part of path.slice(0, -1)) node = (node[part] ??= {});
      node[path[path.length - 1]] = value;
    }
    return out;
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors();
    submit.disabled = true;
    status.textContent = t('form.saving');
    try {
      await onSubmit(values());
      status.textContent = '';
    } catch (error) {
      status.textContent = '';
      showErrors(error);
    } finally {
      submit.disabled = false;
    }
  });
  return { form, values, showErrors };
}

export const SEX_OPTIONS = [['male', 'sex.male'], ['female', 'sex.female']];
export const RELATIONSHIP_OPTIONS = ['head', 'spouse', 'child', 'parent', 'sibling', 'grandchild',
  'grandparent', 'other'].map((r) => [r, `rel.${r}`]);
