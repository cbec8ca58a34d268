// Chassis admin UI: one page, no framework, no build step. Every text goes through
// textContent (never innerHTML) so that driver-supplied labels cannot inject markup.

const TOKEN_KEY = 'chassis.admin.token';
const $ = (sel) => document.querySelector(sel);
const state = {
  driverId: undefined,
  resourceId: undefined,
  events: undefined,
  refreshTimer: undefined,
};

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = String(v);
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== undefined) node.append(c);
  return node;
}

function token() {
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

function say(text, isError = false) {
  const m = $('#message');
  m.textContent = text;
  m.className = isError ? 'error' : '';
}

/** Calls the admin API; throws the `{ code, message, details }` body on errors. */
async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: {
      authorization: `Bearer ${token()}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    const err = new Error(data.message ?? res.statusText);
    err.code = data.code ?? 'CHASSIS_E_UNKNOWN';
    err.details = data.details ?? {};
    err.status = res.status;
    throw err;
  }
  return data;
}

const badge = (s) => el('span', { class: `badge state-${s ?? 'unknown'}`, text: s ?? '—' });

/** Orders `1.2.0` before `1.10.0` (numeric parts; a pre-release sorts before its release). */
function compareVersions(a, b) {
  const [coreA, preA] = a.split('-', 2);
  const [coreB, preB] = b.split('-', 2);
  const x = coreA.split('.').map(Number);
  const y = coreB.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  if (preA === preB) return 0;
  if (preA === undefined) return 1;
  if (preB === undefined) return -1;
  return preA < preB ? -1 : 1;
}

/** Upgrades `id` (to `version`, or to the newest available when omitted). */
async function upgrade(id, button, version) {
  button.disabled = true;
  say(`Upgrading ${id}${version ? ` to ${version}` : ''}…`);
  try {
    const record = await api(
      'POST',
      `/api/drivers/${encodeURIComponent(id)}/upgrade`,
      version ? { version } : {},
    );
    say(`Upgrade of ${id} ${record.from ?? ''} → ${record.to}: ${record.result}`);
  } catch (err) {
    say(`${err.code}: ${err.message}`, true);
  } finally {
    button.disabled = false;
    await refresh();
  }
}

function renderDrivers(drivers) {
  const tbody = $('#drivers tbody');
  tbody.replaceChildren(
    ...drivers.map((d) =>
      el(
        'tr',
        {
          class: `clickable${d.id === state.driverId ? ' selected' : ''}`,
          dataset: { driverId: d.id },
          onclick: () => showDriver(d.id),
        },
        el('td', {}, el('strong', { text: d.name }), el('br'), el('small', { text: d.id })),
        el('td', { text: d.category }),
        el('td', { class: 'version', text: d.activeVersion ?? '—' }),
        el('td', { class: 'state' }, badge(d.state)),
        el('td', { text: d.tier ?? '' }),
        el('td', { text: d.signature?.signed ? `yes (${d.signature.vendor ?? '?'})` : 'no' }),
        el(
          'td',
          {},
          d.update
            ? el('button', {
                type: 'button',
                class: 'upgrade',
                dataset: { driver: d.id },
                text: `Upgrade to ${d.update.available}`,
                onclick: (e) => {
                  e.stopPropagation();
                  upgrade(d.id, e.currentTarget);
                },
              })
            : el('span', { text: 'up to date' }),
        ),
      ),
    ),
  );
}

function renderResources(resources) {
  $('#resources tbody').replaceChildren(
    ...resources.map((r) =>
      el(
        'tr',
        { dataset: { resourceId: r.resource.id } },
        el('td', {
          text: r.resource.name ? `${r.resource.id} (${r.resource.name})` : r.resource.id,
        }),
        el('td', { text: r.resource.kind }),
        el('td', { text: r.binding.driverId }),
        el('td', { class: 'bound-version', text: r.binding.version }),
        el('td', { text: r.state }),
      ),
    ),
  );
}

function renderUpdates(updates) {
  const list = $('#updates');
  if (updates.length === 0)
    return list.replaceChildren(el('li', { text: 'Every driver is up to date.' }));
  list.replaceChildren(
    ...updates.map((u) =>
      el(
        'li',
        {},
        `${u.id}: ${u.installed} → ${u.available} `,
        el('button', {
          type: 'button',
          class: 'upgrade',
          dataset: { driver: u.id },
          text: 'Upgrade',
          onclick: (e) => upgrade(u.id, e.currentTarget),
        }),
      ),
    ),
  );
}

async function showDriver(id) {
  state.driverId = id;
  try {
    const d = await api(
      'GET',
      `/api/drivers/${encodeURIComponent(id)}?locale=${encodeURIComponent(navigator.language || 'en')}`,
    );
    $('#detail').hidden = false;
    $('#detail-title').textContent = `${d.name} (${d.id})`;
    const provides = d.provides.map((p) => `${p.point} ${p.version}`).join(', ');
    $('#detail-meta').textContent =
      `${d.vendor} · ${d.category} · tier ${d.tier ?? '?'} · provides ${provides || 'nothing'}`;
    const active = d.versions.find((v) => v.active);
    $('#versions tbody').replaceChildren(
      ...d.versions.map((v) =>
        el(
          'tr',
          {},
          el('td', { text: v.version }),
          el('td', {}, badge(v.state)),
          el('td', { text: v.active ? 'active' : '' }),
          el('td', { text: v.resources.join(', ') }),
          el('td', { text: v.installedAt }),
          // A newer version installed beside the active one (e.g. with `chassis drivers
          // install <car>`) is not a repository update notice, so it gets its own button.
          el(
            'td',
            {},
            active && !v.active && compareVersions(v.version, active.version) > 0
              ? el('button', {
                  type: 'button',
                  class: 'upgrade',
                  dataset: { driver: d.id, version: v.version },
                  text: `Upgrade to ${v.version}`,
                  onclick: (e) => upgrade(d.id, e.currentTarget, v.version),
                })
              : undefined,
          ),
        ),
      ),
    );
    $('#driver-resources tbody').replaceChildren(
      ...d.resources.map((r) =>
        el(
          'tr',
          {},
          el('td', { text: r.resource.id }),
          el('td', { text: r.resource.kind }),
          el('td', { text: r.binding.version }),
          el('td', { text: r.state }),
          el(
            'td',
            {},
            el('button', {
              type: 'button',
              class: 'configure',
              dataset: { resource: r.resource.id },
              text: 'Configure',
              onclick: () => showConfig(r.resource.id),
            }),
          ),
        ),
      ),
    );
    for (const tr of document.querySelectorAll('#drivers tbody tr')) {
      tr.classList.toggle('selected', tr.dataset.driverId === id);
    }
  } catch (err) {
    say(`${err.code}: ${err.message}`, true);
  }
}

function inputFor(field, value) {
  const attrs = { id: `f-${field.key}`, name: field.key, 'data-key': field.key };
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
    return el('input', { ...attrs, type: 'text', placeholder: 'YYYY-MM-DD', value: value ?? '' });
  return el('input', { ...attrs, type: 'text', value: value ?? '', maxlength: field.maxLength });
}

async function showConfig(resourceId) {
  state.resourceId = resourceId;
  try {
    const r = await api(
      'GET',
      `/api/resources/${encodeURIComponent(resourceId)}?locale=${encodeURIComponent(navigator.language || 'en')}`,
    );
    $('#config-title').textContent =
      `Configuration of ${r.resource.id} (${r.binding.driverId}@${r.binding.version})`;
    $('#config-error').textContent = '';
    $('#config-fields').replaceChildren(
      ...r.form.map((f) =>
        el(
          'div',
          { class: 'field', dataset: { key: f.key, type: f.type } },
          el('label', {
            for: `f-${f.key}`,
            class: f.required ? 'required' : undefined,
            text: f.label,
          }),
          inputFor(f, r.configuration[f.key] ?? (f.masked ? undefined : f.default)),
          f.description
            ? el('span', { class: 'help', text: `${f.description} (${f.type})` })
            : el('span', { class: 'help', text: f.type }),
          el('span', { class: 'field-error', dataset: { key: f.key } }),
        ),
      ),
    );
    $('#config-form').hidden = false;
  } catch (err) {
    say(`${err.code}: ${err.message}`, true);
  }
}

/** The form as a configuration change: typed values, empty optional fields removed (null). */
function formChange() {
  const change = {};
  for (const field of document.querySelectorAll('#config-fields .field')) {
    const input = field.querySelector('input');
    const key = field.dataset.key;
    if (field.dataset.type === 'boolean') change[key] = input.checked;
    else if (input.value === '') change[key] = null;
    else if (field.dataset.type === 'number' && /^\s*-?\d+(\.\d+)?\s*$/.test(input.value))
      change[key] = Number(input.value);
    else change[key] = input.value;
  }
  return change;
}

async function saveConfig(event) {
  event.preventDefault();
  for (const f of document.querySelectorAll('#config-fields .field')) {
    f.classList.remove('invalid');
    f.querySelector('.field-error').textContent = '';
  }
  $('#config-error').textContent = '';
  try {
    await api('PUT', `/api/resources/${encodeURIComponent(state.resourceId)}/configuration`, {
      properties: formChange(),
    });
    say(`Configuration of ${state.resourceId} saved.`);
    await showConfig(state.resourceId);
  } catch (err) {
    const violations = err.details?.violations ?? [];
    for (const v of violations) {
      const field = document.querySelector(
        `#config-fields .field[data-key="${CSS.escape(v.key)}"]`,
      );
      if (field) {
        field.classList.add('invalid');
        const slot = field.querySelector('.field-error');
        slot.textContent = slot.textContent ? `${slot.textContent} ${v.message}` : v.message;
      }
    }
    const unplaced = violations.filter(
      (v) => !document.querySelector(`#config-fields .field[data-key="${CSS.escape(v.key)}"]`),
    );
    $('#config-error').textContent =
      violations.length === 0 || unplaced.length > 0
        ? `${err.code}: ${unplaced.map((v) => v.message).join(' ') || err.message}`
        : `${violations.length} field(s) need attention.`;
  }
}

async function refresh() {
  try {
    const [drivers, resources, updates] = await Promise.all([
      api('GET', '/api/drivers'),
      api('GET', '/api/resources'),
      api('GET', '/api/updates'),
    ]);
    renderDrivers(drivers);
    renderResources(resources);
    renderUpdates(updates);
    // An open form keeps what the operator typed; only its title follows the bound version.
    const open = state.resourceId && resources.find((r) => r.resource.id === state.resourceId);
    if (open)
      $('#config-title').textContent =
        `Configuration of ${open.resource.id} (${open.binding.driverId}@${open.binding.version})`;
    if (state.driverId && drivers.some((d) => d.id === state.driverId))
      await showDriver(state.driverId);
  } catch (err) {
    say(`${err.code}: ${err.message}`, true);
    if (err.status === 401) disconnect();
  }
}

function scheduleRefresh() {
  clearTimeout(state.refreshTimer);
  state.refreshTimer = setTimeout(refresh, 150);
}

function logEvent(kind, text) {
  const list = $('#events');
  list.prepend(el('li', { dataset: { kind }, text: `${new Date().toLocaleTimeString()} ${text}` }));
  while (list.children.length > 200) list.lastChild.remove();
}

function subscribe() {
  state.events?.close();
  // EventSource cannot send headers: /events (only) accepts the token as a query parameter.
  const events = new EventSource(`/events?token=${encodeURIComponent(token())}`);
  events.addEventListener('lifecycle', (e) => {
    const ev = JSON.parse(e.data);
    logEvent('lifecycle', `${ev.driver}@${ev.version}: ${ev.from} → ${ev.to}`);
    scheduleRefresh();
  });
  events.addEventListener('upgrade', (e) => {
    const r = JSON.parse(e.data);
    logEvent('upgrade', `${r.action} ${r.driverId} ${r.from ?? ''} → ${r.to ?? ''}: ${r.result}`);
    scheduleRefresh();
  });
  events.addEventListener('updates', (e) => {
    logEvent('updates', `${JSON.parse(e.data).length} update(s) available`);
    scheduleRefresh();
  });
  events.addEventListener('open', () => document.body.setAttribute('data-events', 'open'));
  state.events = events;
}

async function connect() {
  $('#app').hidden = false;
  $('#logout').hidden = false;
  say('');
  await refresh();
  subscribe();
}

function disconnect() {
  state.events?.close();
  sessionStorage.removeItem(TOKEN_KEY);
  $('#app').hidden = true;
  $('#logout').hidden = true;
}

$('#token-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const value = $('#token').value.trim();
  if (!value) return say('Paste the admin token first.', true);
  sessionStorage.setItem(TOKEN_KEY, value);
  $('#token').value = '';
  await connect();
});
$('#logout').addEventListener('click', () => {
  disconnect();
  say('Token forgotten.');
});
$('#config-form').addEventListener('submit', saveConfig);
if (token()) connect();
