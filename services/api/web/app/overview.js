/**
 * Overview of a locality: the plans' indicators for a month against their targets
 * (/api/v1/indicators/*), a map of its sites, and live readings polled every 5 seconds (for roles
 * that may read them).
 */
import { api, poll } from './api.js';
import { clear, h } from './dom.js';
import { fmtDateTime, fmtNumber, fmtPercent, fmtTime, has, localMonth, t } from './i18n.js';
import { siteMap } from './map.js';

const READINGS_EVERY_MS = 5_000;
const READINGS_LIMIT = 15;

/** The status of a target as the exports name it. */
function targetBadge(target) {
  if (target === null || target === undefined) return h('span', { class: 'badge badge-muted' }, t('status.notarget'));
  if (target.comparison === 'complete') return h('span', { class: 'badge badge-muted' }, t('status.milestone'));
  if (target.met === true) return h('span', { class: 'badge badge-ok' }, t('status.met'));
  if (target.met === false) return h('span', { class: 'badge badge-bad' }, t('status.unmet'));
  return h('span', { class: 'badge badge-muted' }, t('status.nodata'));
}

function targetLine(target) {
  if (target === null || target === undefined) return h('p', { class: 'target' }, targetBadge(target));
  const cmp = target.comparison === 'gte' ? '≥ ' : target.comparison === 'lte' ? '≤ ' : '';
  const unit = target.unit === 'count' ? '' : ` ${target.unit}`;
  const value = target.comparison === 'complete' ? t('target.complete') : `${cmp}${fmtNumber(target.value, 2)}${unit}`;
  return h(
    'div',
    { class: 'target' },
    h(
      'p',
      {},
      targetBadge(target),
      ' ',
      h('strong', {}, `${t('target.label')}: ${value}`),
      ` (${t('target.year', { year: target.year })})`,
    ),
    h(
      'p',
      { class: 'muted small' },
      `${t('target.owner', { owner: target.owner })} · ${t('target.source', { source: target.source })}`,
    ),
  );
}

/** A progress bar of a value against its target (both on the same scale). */
function progress(value, target) {
  if (value === null || value === undefined || !target || target.comparison !== 'gte' || !(target.value > 0)) {
    return null;
  }
  const pct = Math.max(0, Math.min(100, (value / target.value) * 100));
  return h(
    'div',
    { class: 'progress', role: 'presentation' },
    h('span', { class: target.met ? 'progress-ok' : 'progress-bad', style: `width:${pct.toFixed(1)}%` }),
  );
}

function stat(label, value, extra) {
  return h(
    'div',
    { class: 'stat' },
    h('span', { class: 'stat-label' }, label),
    h('span', { class: 'stat-value' }, value),
    extra ? h('span', { class: 'stat-extra muted' }, extra) : null,
  );
}

function card(kind, titleKey, body) {
  return h('article', { class: 'card indicator', 'data-indicator': kind }, h('h3', {}, t(titleKey)), body);
}

const RENDER = {
  wastewater: (r) => {
    const i = r.indicators;
    return [
      stat(
        t('ind.wastewater.plants'),
        fmtPercent(i.plantsCompliantPct),
        t('ind.wastewater.monitored', { n: i.plantsMonitored }),
      ),
      progress(i.plantsCompliantPct, i.target),
      stat(
        t('ind.wastewater.central'),
        fmtPercent(i.centralIndustrialCompliantPct),
        t('ind.wastewater.monitored', { n: i.centralIndustrialMonitored }),
      ),
      targetLine(i.target),
    ];
  },
  solar: (r) => {
    const i = r.indicators;
    return [
      stat(
        t('ind.solar.active'),
        fmtNumber(i.activeInstallations24h, 0),
        t('ind.solar.installations', { n: i.installations }),
      ),
      progress(i.activeInstallations24h, i.target),
      stat(t('ind.solar.energy'), `${fmtNumber(i.energyKwh, 1)} kWh`),
      stat(t('ind.co2'), `${fmtNumber(i.co2AvoidedTonnes, 2)} ${t('unit.tonnes')}`),
      targetLine(i.target),
    ];
  },
  ev: (r) => {
    const i = r.indicators;
    return [
      stat(t('ind.ev.stations'), fmtNumber(i.stationsOperational, 0), t('ind.ev.ofStations', { n: i.stations })),
      stat(t('ind.ev.sessions'), fmtNumber(i.sessions, 0)),
      stat(t('ind.ev.energy'), `${fmtNumber(i.energyKwh, 1)} kWh`),
      stat(
        t('ind.ev.availability'),
        i.connectorAvailability === null ? t('none') : fmtPercent(i.connectorAvailability * 100),
      ),
      targetLine(i.networkTarget),
    ];
  },
  energy: (r) => {
    const all = r.indicators.all;
    const sectors = Object.entries(r.indicators.bySector ?? {});
    return [
      stat(t('ind.energy.all'), fmtPercent(all.savingsPct), t('ind.energy.facilities', { n: all.facilities })),
      progress(all.savingsPct, all.target),
      targetLine(all.target),
      sectors.length === 0
        ? null
        : h(
            'ul',
            { class: 'sectors' },
            sectors.map(([sector, v]) =>
              h(
                'li',
                {},
                h('span', {}, `${t(`sector.${sector}`)}: `),
                h('strong', {}, fmtPercent(v.savingsPct)),
                ' ',
                v.target ? targetBadge(v.target) : null,
                v.target
                  ? h('span', { class: 'muted small' }, ` ${t('target.label')} ≥ ${fmtNumber(v.target.value, 1)} %`)
                  : null,
              ),
            ),
          ),
    ];
  },
  dumping: (r) => {
    const i = r.indicators;
    const a = i.alerts;
    return [
      stat(
        t('ind.dumping.incidents'),
        fmtNumber(i.incidents, 0),
        `${t('ind.dumping.detections')}: ${fmtNumber(i.detections, 0)}`,
      ),
      a
        ? h(
            'ul',
            { class: 'sectors' },
            h('li', {}, `${t('ind.dumping.confirmed')}: `, h('strong', {}, fmtNumber(a.confirmed, 0))),
            h('li', {}, `${t('ind.dumping.falseAlarms')}: `, h('strong', {}, fmtNumber(a.falseAlarms, 0))),
            h('li', {}, `${t('ind.dumping.pending')}: `, h('strong', {}, fmtNumber(a.pending, 0))),
            h(
              'li',
              {},
              `${t('ind.dumping.ack')}: `,
              h(
                'strong',
                {},
                a.medianMinutesToAcknowledge === null
                  ? t('none')
                  : t('unit.minutes', { n: fmtNumber(a.medianMinutesToAcknowledge, 0) }),
              ),
            ),
          )
        : null,
      targetLine(null),
    ];
  },
};

const TITLES = {
  wastewater: 'ind.wastewater',
  solar: 'ind.solar',
  ev: 'ind.ev',
  energy: 'ind.energy',
  dumping: 'ind.dumping',
};

function metricLabel(metric) {
  return has(`metric.${metric}`) ? t(`metric.${metric}`) : metric;
}

function readingValues(r, units) {
  const entries = Object.entries(r.values).slice(0, 4);
  const parts = entries.map(([m, v]) =>
    `${metricLabel(m)} ${fmtNumber(v, 2)} ${units?.[r.measurement]?.[m] ?? ''}`.trim(),
  );
  // States, not identifiers (session ids mean nothing here).
  for (const [k, v] of Object.entries(r.states ?? {}).filter(([k]) => !/id$/i.test(k))) {
    parts.push(`${has(`metric.${k}`) ? t(`metric.${k}`) : k}: ${v}`);
  }
  return parts.join(' · ');
}

export function mount(el, ctx) {
  const stops = [];
  const month = h('input', {
    type: 'month',
    id: 'overview-month',
    value: localMonth(),
    max: localMonth(),
    onchange: () => loadIndicators(),
  });
  const grid = h('div', { class: 'cards' });
  const sites = ctx.sitesIn(ctx.localityId);
  const readingsBox = h('div', { class: 'readings' });
  const readingsStatus = h('p', { class: 'muted small', 'aria-live': 'polite' });

  clear(el).append(
    h(
      'div',
      { class: 'view-head' },
      h('h2', {}, `${t('overview.title')} — ${ctx.localityName(ctx.localityId)}`),
      h('label', { class: 'inline' }, h('span', {}, t('overview.month')), month),
    ),
    h(
      'section',
      { 'aria-labelledby': 'h-indicators' },
      h('h3', { id: 'h-indicators', class: 'section-title' }, t('overview.indicators')),
      grid,
    ),
    h(
      'div',
      { class: 'two-col' },
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'h-map' },
        h('h3', { id: 'h-map' }, t('overview.map')),
        siteMap(sites),
      ),
      ctx.can('readings:read')
        ? h(
            'section',
            { class: 'card', 'aria-labelledby': 'h-readings' },
            h('h3', { id: 'h-readings' }, t('overview.readings')),
            h('p', { class: 'muted small' }, t('overview.readings.note')),
            readingsStatus,
            readingsBox,
          )
        : null,
    ),
  );

  let generation = 0;
  async function loadIndicators() {
    const gen = ++generation;
    const m = month.value || localMonth();
    clear(grid);
    const kinds = ['wastewater', 'solar', 'ev', 'energy', 'dumping'];
    const slots = kinds.map((kind) => {
      const slot = card(kind, TITLES[kind], h('p', { class: 'muted' }, t('loading')));
      grid.append(slot);
      return slot;
    });
    await Promise.all(
      kinds.map(async (kind, i) => {
        const q = new URLSearchParams({ month: m, localityId: ctx.localityId });
        let body;
        try {
          const report = await api(`/api/v1/indicators/${kind}?${q}`);
          body = RENDER[kind](report);
        } catch (err) {
          body = h('p', { class: 'error' }, t('error.load', { message: err.message }));
        }
        if (gen !== generation) return;
        const fresh = card(kind, TITLES[kind], body);
        slots[i].replaceWith(fresh);
      }),
    );
  }
  void loadIndicators();

  if (ctx.can('readings:read')) {
    const siteName = (id) => ctx.sites.find((x) => x.id === id)?.name ?? id;
    stops.push(
      poll(async () => {
        const q = new URLSearchParams({ localityId: ctx.localityId, order: 'desc', limit: String(READINGS_LIMIT) });
        try {
          const res = await api(`/api/v1/readings?${q}`);
          readingsStatus.textContent = t('overview.readings.updated', { time: fmtTime(Date.now()) });
          readingsStatus.classList.remove('error');
          if (res.readings.length === 0) {
            clear(readingsBox).append(h('p', { class: 'muted' }, t('overview.readings.none')));
            return;
          }
          const rows = res.readings.map((r) =>
            h(
              'tr',
              { 'data-device-id': r.deviceId },
              h('td', { class: 'nowrap' }, fmtDateTime(r.ts)),
              h('td', {}, siteName(r.siteId), h('span', { class: 'muted small block' }, r.deviceId)),
              h('td', {}, t(`meas.${r.measurement}`), r.channel ? ` #${r.channel}` : ''),
              h('td', {}, readingValues(r, res.units)),
            ),
          );
          clear(readingsBox).append(
            h(
              'div',
              { class: 'table-wrap' },
              h(
                'table',
                { class: 'table' },
                h(
                  'thead',
                  {},
                  h(
                    'tr',
                    {},
                    h('th', {}, t('col.time')),
                    h('th', {}, t('col.site')),
                    h('th', {}, t('col.type')),
                    h('th', {}, t('col.values')),
                  ),
                ),
                h('tbody', {}, rows),
              ),
            ),
          );
        } catch (err) {
          readingsStatus.textContent = t('error.load', { message: err.message });
          readingsStatus.classList.add('error');
          throw err;
        }
      }, READINGS_EVERY_MS),
    );
  }

  return {
    stop() {
      generation++;
      for (const stop of stops) stop();
    },
  };
}
