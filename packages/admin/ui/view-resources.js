// Resources: the filterable list, one resource (configure, test, pin, delete) and the create form.
import { api, routes } from './api.js';
import { confirmAction } from './confirm.js';
import { $, el } from './dom.js';
import { clearErrors, formChange, renderFields, showErrors } from './forms.js';
import { locale, stateName, t } from './i18n.js';
import { errorNodes, say, sayError } from './notify.js';
import { href } from './router.js';
import { can } from './session.js';
import { reload, store } from './store.js';

let openId;

/** Renders the resources table with the filters' current values. */
export function renderResources(resources) {
  const driver = $('#filter-driver').value;
  const state = $('#filter-state').value;
  const drivers = [...new Set(resources.map((r) => r.binding.driverId))].sort();
  syncOptions($('#filter-driver'), drivers, t('filter.anyDriver'));
  syncOptions(
    $('#filter-state'),
    [...new Set(resources.map((r) => r.state))].sort(),
    t('filter.anyState'),
    stateName,
  );
  const shown = resources.filter(
    (r) => (!driver || r.binding.driverId === driver) && (!state || r.state === state),
  );
  $('#resources-empty').hidden = resources.length > 0;
  $('#new-resource').hidden = !can('resources.create');
  $('#resources tbody').replaceChildren(
    ...shown.map((r) =>
      el(
        'tr',
        { dataset: { resourceId: r.resource.id } },
        el(
          'td',
          {},
          el('a', {
            href: href.resource(r.resource.id),
            text: r.resource.name ? `${r.resource.id} (${r.resource.name})` : r.resource.id,
          }),
        ),
        el('td', { text: r.resource.kind }),
        el('td', { text: r.binding.driverId }),
        el('td', { class: 'bound-version', text: r.binding.version }),
        el('td', { text: r.pinned ? t('resource.pinned') : '' }),
        el('td', { text: stateName(r.state) }),
      ),
    ),
  );
  // An open form keeps what the operator typed; only its title follows the bound version.
  const open = openId && resources.find((r) => r.resource.id === openId);
  if (open)
    $('#config-title').textContent = t('resource.configTitle', {
      id: open.resource.id,
      driver: open.binding.driverId,
      version: open.binding.version,
    });
}

function syncOptions(select, values, anyLabel, label = (v) => v) {
  const keep = select.value;
  select.replaceChildren(
    el('option', { value: '', text: anyLabel }),
    ...values.map((v) => el('option', { value: v, text: label(v), selected: v === keep })),
  );
}

/** Opens resource `id`: its configuration form and actions. Returns its driver id. */
export async function showResource(id) {
  openId = id;
  const r = await api('GET', routes.resource(id, locale()));
  const section = $('#resource-detail');
  section.hidden = false;
  $('#resource-title').textContent = t('resource.title', { id: r.resource.id });
  $('#config-title').textContent = t('resource.configTitle', {
    id: r.resource.id,
    driver: r.binding.driverId,
    version: r.binding.version,
  });
  // In a cluster: which member runs it, and whether only as a fallback (none runs its version).
  const owner = $('#resource-owner');
  owner.hidden = !r.owner;
  owner.dataset.ownerFallback = r.owner?.fallback ? 'true' : 'false';
  owner.textContent = r.owner
    ? t(r.owner.fallback ? 'resource.ownerFallback' : 'resource.owner', {
        member: r.owner.memberId,
        driver: r.binding.driverId,
        version: r.binding.version,
      })
    : '';
  clearErrors($('#config-fields'), $('#config-error'));
  renderFields($('#config-fields'), r.form, r.configuration);
  const editable = can('resources.configure');
  for (const input of section.querySelectorAll('#config-fields input')) input.disabled = !editable;
  $('#config-save').hidden = !editable;
  $('#config-form').hidden = false;
  $('#resource-actions').hidden = !['resources.test', 'resources.pin', 'resources.delete'].some(
    can,
  );
  $('#test-form').hidden = !can('resources.test');
  $('#delete-resource').hidden = !can('resources.delete');
  $('#test-result').replaceChildren();
  // The driver's versions as the server has them now (the store may be a reload behind).
  const d = await api('GET', routes.driver(r.binding.driverId, locale())).catch(() => undefined);
  const versions = d?.versions.map((v) => v.version) ?? [r.binding.version];
  $('#pin-form').hidden = !can('resources.pin') || versions.length < 2;
  $('#pin-version').replaceChildren(
    ...versions.map((v) => el('option', { value: v, text: v, selected: v === r.binding.version })),
  );
  $('#unpin').hidden = !r.pinned;
  return r.binding.driverId;
}

/** Closes the resource panel. */
export function hideResource() {
  openId = undefined;
  $('#resource-detail').hidden = true;
}

async function saveConfig(event) {
  event.preventDefault();
  clearErrors($('#config-fields'), $('#config-error'));
  try {
    await api('PUT', routes.configure(openId), { properties: formChange($('#config-fields')) });
    say(t('resource.saved', { id: openId }));
    await showResource(openId);
  } catch (err) {
    showErrors($('#config-fields'), $('#config-error'), err);
  }
}

async function testResource(event) {
  event.preventDefault();
  const operation = $('#test-operation').value.trim();
  const out = $('#test-result');
  out.replaceChildren(el('p', { text: t('resource.testing') }));
  try {
    const result = await api('POST', routes.testResource(openId), operation ? { operation } : {});
    const where = {
      operation: result.operation ?? operation,
      ms: Math.round(result.durationMs ?? 0),
    };
    out.replaceChildren(
      result.ok === false
        ? el(
            'p',
            { class: 'error' },
            t('resource.testFailed', where),
            ' ',
            ...errorNodes(result.error ?? {}),
          )
        : el('p', { class: 'ok', text: t('resource.testOk', where) }),
      result.result === undefined
        ? undefined
        : el('pre', { text: JSON.stringify(result.result, null, 2) }),
    );
  } catch (err) {
    const allowed = err.details?.allowed;
    out.replaceChildren(
      el('p', { class: 'error' }, ...errorNodes(err)),
      allowed
        ? el('p', { text: t('resource.testAllowed', { ops: allowed.join(', ') }) })
        : undefined,
    );
  }
}

async function deleteResource() {
  const id = openId;
  const answer = await confirmAction(t('resource.confirmDelete', { id }), t('resource.delete'), {
    force: t('resource.force'),
  });
  if (!answer) return;
  try {
    await api('DELETE', routes.deleteResource(id, answer.force));
    say(t('resource.deleted', { id }));
    hideResource();
    location.hash = href.overview();
  } catch (err) {
    sayError(err);
  }
  await reload().catch(sayError);
}

async function pin(event, version) {
  event.preventDefault();
  try {
    await api('PUT', routes.pin(openId), { version });
    say(
      version
        ? t('resource.pinnedTo', { id: openId, version })
        : t('resource.unpinned', { id: openId }),
    );
    await reload();
    await showResource(openId);
  } catch (err) {
    sayError(err);
  }
}

/** Shows the create form, for driver `driverId` when given. */
export async function showCreate(driverId) {
  const form = $('#create-form');
  form.hidden = false;
  const select = $('#create-driver');
  select.replaceChildren(
    ...store.drivers.map((d) =>
      el('option', { value: d.id, text: `${d.name} (${d.id})`, selected: d.id === driverId }),
    ),
  );
  await createFieldsFor(select.value);
  $('#create-id').focus();
}

async function createFieldsFor(driverId) {
  clearErrors($('#create-fields'), $('#create-error'));
  if (!driverId)
    return $('#create-fields').replaceChildren(el('p', { text: t('resource.noDrivers') }));
  const d = await api('GET', routes.driver(driverId, locale()));
  const v = d.versions.find((x) => x.active) ?? d.versions[d.versions.length - 1];
  const kind = d.resources[0]?.resource.kind ?? '';
  if (!$('#create-kind').value) $('#create-kind').value = kind;
  renderFields($('#create-fields'), v?.form ?? [], {}, 'c');
}

async function create(event) {
  event.preventDefault();
  const fields = $('#create-fields');
  const summary = $('#create-error');
  clearErrors(fields, summary);
  for (const id of ['create-id', 'create-kind']) $(`#${id}`).removeAttribute('aria-invalid');
  const body = {
    id: $('#create-id').value.trim(),
    kind: $('#create-kind').value.trim(),
    driverId: $('#create-driver').value,
    ...($('#create-name').value.trim() ? { name: $('#create-name').value.trim() } : {}),
    properties: Object.fromEntries(
      Object.entries(formChange(fields)).filter(([, v]) => v !== null),
    ),
  };
  const missing = ['create-id', 'create-kind'].filter((id) => !$(`#${id}`).value.trim());
  if (missing.length) {
    for (const id of missing) $(`#${id}`).setAttribute('aria-invalid', 'true');
    summary.textContent = t('form.required', {
      labels: missing.map((id) => t(`label.${id}`)).join(', '),
    });
    $(`#${missing[0]}`).focus();
    return;
  }
  try {
    await api('POST', routes.resources(), body);
    say(t('resource.created', { id: body.id }));
    $('#create-form').reset();
    $('#create-form').hidden = true;
    await reload();
    location.hash = href.resource(body.id);
  } catch (err) {
    showErrors(fields, summary, err);
  }
}

/** Wires the resource forms once. */
export function initResourceForms() {
  $('#config-form').addEventListener('submit', saveConfig);
  $('#test-form').addEventListener('submit', testResource);
  $('#delete-resource').addEventListener('click', deleteResource);
  $('#pin-form').addEventListener('submit', (e) => pin(e, $('#pin-version').value));
  $('#unpin').addEventListener('click', (e) => pin(e, null));
  $('#create-form').addEventListener('submit', create);
  $('#create-driver').addEventListener('change', (e) =>
    createFieldsFor(e.target.value).catch(sayError),
  );
  $('#create-cancel').addEventListener('click', () => {
    $('#create-form').hidden = true;
    location.hash = href.overview();
  });
  $('#new-resource').addEventListener('click', () => {
    location.hash = href.newResource();
  });
  for (const id of ['#filter-driver', '#filter-state'])
    $(id).addEventListener('change', () => renderResources(store.resources));
}
