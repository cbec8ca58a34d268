// Per-driver charts over the server's short in-memory history: call rate, errors, latency
// percentiles and memory (uPlot). The latest values are also given as text for screen readers.
import { api, routes } from './api.js';
import { $, el } from './dom.js';
import { formatNumber, formatTime, t } from './i18n.js';
import uPlot from './uPlot.esm.js';

const charts = [];
let timer;

const CHARTS = [
  {
    key: 'calls',
    series: [{ field: 'callRate', label: 'chart.callRate', stroke: '#2563eb' }],
    unit: '/s',
  },
  {
    key: 'errors',
    series: [{ field: 'errorRate', label: 'chart.errorRate', stroke: '#dc2626' }],
    unit: '/s',
  },
  {
    key: 'latency',
    series: [
      { field: 'p50Ms', label: 'chart.p50', stroke: '#16a34a' },
      { field: 'p95Ms', label: 'chart.p95', stroke: '#ca8a04' },
      { field: 'p99Ms', label: 'chart.p99', stroke: '#9333ea' },
    ],
    unit: 'ms',
  },
  {
    key: 'memory',
    series: [
      { field: 'heapUsedBytes', label: 'chart.heap', stroke: '#0891b2', scale: 1 / (1024 * 1024) },
    ],
    unit: 'MiB',
  },
];

/** The samples of one driver as uPlot columns: times (s), then one column per series. */
export function columns(samples, driverId, chart) {
  const xs = [];
  const ys = chart.series.map(() => []);
  for (const s of samples) {
    const p = s.drivers.find((d) => d.driverId === driverId);
    xs.push(new Date(s.at).getTime() / 1000);
    chart.series.forEach((c, i) => {
      const v = p?.[c.field];
      ys[i].push(v === undefined ? null : v * (c.scale ?? 1));
    });
  }
  return [xs, ...ys];
}

function destroy() {
  while (charts.length) charts.pop().destroy();
}

function draw(samples, driverId) {
  destroy();
  const box = $('#charts');
  box.replaceChildren();
  const width = Math.max(280, Math.min(box.clientWidth || 600, 900));
  for (const c of CHARTS) {
    const title = t(`chart.${c.key}`);
    const figure = el(
      'figure',
      { class: 'chart', dataset: { chart: c.key }, 'aria-label': title },
      el('figcaption', { text: `${title} (${c.unit})` }),
    );
    box.append(figure);
    const data = columns(samples, driverId, c);
    charts.push(
      new uPlot(
        {
          width,
          height: 160,
          scales: { x: { time: true } },
          axes: [
            {
              // Room for a localized "12:34:56" label; uPlot's own labels are English only.
              space: 90,
              values: (_u, ticks) =>
                ticks.map((s) =>
                  new Intl.DateTimeFormat(document.documentElement.lang, {
                    timeStyle: 'medium',
                  }).format(s * 1000),
                ),
            },
            {},
          ],
          series: [
            { value: (_u, v) => (v == null ? '—' : formatTime(new Date(v * 1000).toISOString())) },
            ...c.series.map((s) => ({
              label: t(s.label),
              stroke: s.stroke,
              width: 2,
              spanGaps: true,
            })),
          ],
        },
        data,
        figure,
      ),
    );
    const last = data.map((col) => col[col.length - 1]);
    figure.append(
      el(
        'p',
        { class: 'chart-latest' },
        c.series
          .map(
            (s, i) =>
              `${t(s.label)}: ${last[i + 1] == null ? '—' : formatNumber(last[i + 1], 2)} ${c.unit}`,
          )
          .join(' · '),
      ),
    );
  }
}

/** Loads the history and draws the charts of the selected driver; refreshes every interval. */
export async function showCharts(driverIds) {
  const select = $('#chart-driver');
  const keep = select.value;
  select.replaceChildren(
    ...driverIds.map((id) => el('option', { value: id, text: id, selected: id === keep })),
  );
  const history = await api('GET', routes.history());
  $('#charts-empty').hidden = history.samples.length > 0;
  $('#charts-interval').textContent = t('chart.interval', {
    s: formatNumber(history.intervalMs / 1000, 1),
    n: history.samples.length,
  });
  if (history.samples.length > 0 && select.value) draw(history.samples, select.value);
  else destroy();
  clearTimeout(timer);
  if (history.intervalMs > 0)
    timer = setTimeout(
      () => {
        if (location.hash === '#/metrics') showCharts(driverIds).catch(() => {});
      },
      Math.max(history.intervalMs, 1000),
    );
}

/** Stops refreshing (the view was left). */
export function hideCharts() {
  clearTimeout(timer);
  destroy();
}
