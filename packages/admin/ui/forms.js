// Configuration forms rendered from the driver's property descriptor, with every error next to
// its field (`aria-invalid`, `aria-describedby`) and the form's own summary.
import { $, $$, el } from './dom.js';
import { t, violationText } from './i18n.js';
import { errorNodes } from './notify.js';

function inputFor(prefix, field, value) {
  const id = `${prefix}-${field.key}`;
  const attrs = {
    id,
    name: field.key,
    'data-key': field.key,
    'aria-describedby': `${id}-help ${id}-error`,
    required: field.required === true,
  };
  if (field.masked)
    return el('input', {
      ...attrs,
      type: 'password',
      value: value ?? '',
      autocomplete: 'new-password',
    });
  if (field.type === 'boolean')
    return el('input', { ...attrs, type: 'checkbox', checked: value === true });
  if (field.type === 'number')
    return el('input', { ...attrs, type: 'text', inputmode: 'decimal', value: value ?? '' });
  if (field.type === 'date')
    return el('input', {
      ...attrs,
      type: 'text',
      placeholder: t('form.datePlaceholder'),
      value: value ?? '',
    });
  return el('input', { ...attrs, type: 'text', value: value ?? '', maxlength: field.maxLength });
}

/** The fields of a form (`prefix` keeps ids unique when two forms are on the page). */
export function renderFields(container, form, values, prefix = 'f') {
  container.replaceChildren(
    ...form.map((f) => {
      const id = `${prefix}-${f.key}`;
      return el(
        'div',
        { class: 'field', dataset: { key: f.key, type: f.type } },
        el('label', { for: id, class: f.required ? 'required' : undefined, text: f.label }),
        inputFor(prefix, f, values[f.key] ?? (f.masked ? undefined : f.default)),
        el('span', {
          class: 'help',
          id: `${id}-help`,
          text: f.description ? `${f.description} (${t(`type.${f.type}`)})` : t(`type.${f.type}`),
        }),
        el('span', { class: 'field-error', id: `${id}-error`, dataset: { key: f.key } }),
      );
    }),
  );
}

/** The form as a configuration change: typed values, empty optional fields removed (null). */
export function formChange(container) {
  const change = {};
  for (const field of $$('.field', container)) {
    const input = $('input', field);
    const key = field.dataset.key;
    if (field.dataset.type === 'boolean') change[key] = input.checked;
    else if (input.value === '') change[key] = null;
    else if (field.dataset.type === 'number' && /^\s*-?\d+(\.\d+)?\s*$/.test(input.value))
      change[key] = Number(input.value);
    else change[key] = input.value;
  }
  return change;
}

/** Clears every error of a form. */
export function clearErrors(container, summary) {
  for (const f of $$('.field', container)) {
    f.classList.remove('invalid');
    $('.field-error', f).textContent = '';
    $('input', f)?.removeAttribute('aria-invalid');
  }
  summary.replaceChildren();
}

/**
 * Puts each violation of `err` next to its field and a summary in `summary`; focuses the first
 * invalid field so a keyboard or screen-reader user lands on it.
 */
export function showErrors(container, summary, err) {
  const violations = err.details?.violations ?? [];
  const fieldOf = (key) => $(`.field[data-key="${CSS.escape(key)}"]`, container);
  for (const v of violations) {
    const field = fieldOf(v.key);
    if (!field) continue;
    field.classList.add('invalid');
    $('input', field)?.setAttribute('aria-invalid', 'true');
    const slot = $('.field-error', field);
    // The label as the form shows it, in the page's locale (the server's is English).
    const text = violationText({ ...v, label: $('label', field).textContent }, field.dataset.type);
    slot.textContent = slot.textContent ? `${slot.textContent} ${text}` : text;
  }
  const unplaced = violations.filter((v) => !fieldOf(v.key));
  if (violations.length === 0) summary.replaceChildren(...errorNodes(err));
  else if (unplaced.length > 0)
    summary.replaceChildren(
      ...errorNodes({ code: err.code, message: unplaced.map(violationText).join(' ') }),
    );
  else summary.textContent = t('form.fieldsNeedAttention', { count: violations.length });
  $('.field.invalid input', container)?.focus();
}
