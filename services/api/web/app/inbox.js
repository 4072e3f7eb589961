/**
 * The alert inbox: the alerts of the locality the signed-in user handles (the server keeps police
 * to their commune's dumping alerts, environment officers to wastewater and device alerts), each
 * with its place on a map, local times (Asia/Ho_Chi_Minh), its evidence snapshot (roles that may
 * see evidence) and the lifecycle buttons: open → acknowledged → resolved or false alarm.
 *
 * "Waiting for action" lists the alerts open or acknowledged — whether or not the condition is
 * still going on (`active`): a dumping incident that went quiet still waits for the police.
 */
import { ApiError, api, poll } from './api.js';
import { clear, h } from './dom.js';
import { fmtDateTime, fmtNumber, has, t } from './i18n.js';
import { osmLink, siteMap } from './map.js';

const EVERY_MS = 10_000;
const NEXT_ACTIONS = { open: ['acknowledge'], acknowledged: ['resolve', 'false_alarm'], resolved: [], false_alarm: [] };

/** Short-lived evidence links (POST /api/v1/evidence/:sha256/link), kept until shortly before they expire. */
const evidenceLinks = new Map();

async function evidenceUrl(sha256) {
  const known = evidenceLinks.get(sha256);
  if (known !== undefined && known.expiresAt - 60_000 > Date.now()) return known.url;
  const link = await api(`/api/v1/evidence/${encodeURIComponent(sha256)}/link`, { method: 'POST', body: {} });
  evidenceLinks.set(sha256, { url: link.url, expiresAt: link.expiresAt });
  return link.url;
}

function dl(pairs) {
  return h(
    'dl',
    { class: 'facts' },
    pairs.filter((p) => p !== null).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
  );
}

function details(alert) {
  const d = alert.details;
  switch (alert.kind) {
    case 'dumping':
      return [
        [t('alert.label'), has(`label.${d.label}`) ? t(`label.${d.label}`) : d.label],
        d.zone ? [t('alert.zone'), d.zone] : null,
        [t('alert.confidence'), `${fmtNumber(d.maxScore * 100, 0)} %`],
        [t('alert.detections'), fmtNumber(d.detections, 0)],
      ];
    case 'wastewater_exceedance': {
      const limit = [
        d.limit.min === undefined ? null : `≥ ${d.limit.min}`,
        d.limit.max === undefined ? null : `≤ ${d.limit.max}`,
      ]
        .filter((x) => x !== null)
        .join(', ');
      return [
        [t('alert.parameter'), has(`metric.${d.parameter}`) ? t(`metric.${d.parameter}`) : d.parameter],
        [t('alert.average', { minutes: d.averageMinutes }), `${fmtNumber(d.average, 2)} ${d.limit.unit}`],
        [t('alert.limit'), `${limit} ${d.limit.unit}`],
        [t('alert.ratio', { ratio: fmtNumber(d.maxRatio, 2) }), ''],
      ];
    }
    case 'wastewater_silence':
      return [
        [t('alert.lastValid'), fmtDateTime(d.lastValidAt)],
        [t('alert.after', { n: d.silenceMinutes }), ''],
      ];
    case 'device_offline':
      return [
        [t('alert.device'), `${alert.deviceId} (${d.deviceKind})`],
        [t('alert.lastSeen'), fmtDateTime(d.lastSeenAt)],
      ];
    case 'charger_faulted':
      return [
        [t('alert.connector'), d.connector],
        [t('alert.errorCode'), d.errorCode ?? t('none')],
        [t('alert.after', { n: d.afterMinutes }), ''],
      ];
    case 'inverter_fault':
      return [[t('alert.after', { n: d.afterMinutes }), '']];
    default:
      return [];
  }
}

function statusBadge(status) {
  return h('span', { class: `badge status status-${status}`, 'data-status': status }, t(`ast.${status}`));
}

export function mount(el, ctx) {
  const filter = h(
    'select',
    { id: 'inbox-filter', onchange: () => refresh() },
    h('option', { value: 'pending' }, t('inbox.pending')),
    h('option', { value: 'all' }, t('inbox.all')),
  );
  const count = h('p', { class: 'muted small', 'aria-live': 'polite' });
  const list = h('div', { class: 'alerts' });
  clear(el).append(
    h(
      'div',
      { class: 'view-head' },
      h('h2', {}, `${t('inbox.title')} — ${ctx.localityName(ctx.localityId)}`),
      h('label', { class: 'inline' }, h('span', {}, t('inbox.filter')), filter),
    ),
    h('p', { class: 'muted small' }, t('inbox.note')),
    count,
    list,
  );

  /** id → { updatedAt, el }: cards are rebuilt only when their alert changed (typed notes and images stay). */
  const cards = new Map();

  function card(alert) {
    const site = ctx.sites.find((x) => x.id === alert.siteId);
    const loc = site?.location;
    const note = h('textarea', {
      rows: '2',
      maxlength: '2000',
      class: 'note',
      'aria-label': t('alert.note'),
      placeholder: t('alert.note'),
    });
    const message = h('p', { class: 'small', 'aria-live': 'polite' });
    const act = async (action, button) => {
      for (const b of buttons.querySelectorAll('button')) b.disabled = true;
      button.setAttribute('aria-busy', 'true');
      try {
        const res = await api(`/api/v1/alerts/${encodeURIComponent(alert.id)}/actions`, {
          method: 'POST',
          body: { action, ...(note.value.trim() === '' ? {} : { note: note.value.trim() }) },
        });
        const fresh = card(res.alert);
        cards.set(res.alert.id, { updatedAt: res.alert.updatedAt, el: fresh });
        articleEl.replaceWith(fresh);
        ctx.toast(t('act.done', { status: t(`ast.${res.alert.status}`) }));
      } catch (err) {
        const conflict = err instanceof ApiError && err.status === 409;
        message.textContent = conflict ? t('act.conflict') : t('act.failed', { message: err.message });
        message.className = 'small error';
        for (const b of buttons.querySelectorAll('button')) b.disabled = false;
        button.removeAttribute('aria-busy');
        if (conflict) await refresh();
      }
    };
    const actions = NEXT_ACTIONS[alert.status] ?? [];
    const buttons = h(
      'div',
      { class: 'actions' },
      actions.map((action) => {
        const b = h(
          'button',
          {
            type: 'button',
            class: `btn btn-${action}`,
            'data-action': action,
            onclick: () => act(action, b),
          },
          t(`act.${action}`),
        );
        return b;
      }),
    );

    let snapshot = null;
    if (alert.kind === 'dumping') {
      const box = h('div', { class: 'snapshot' });
      const sha = alert.details.snapshotSha256;
      if (!ctx.can('evidence:read')) box.append(h('p', { class: 'muted small' }, t('alert.snapshot.denied')));
      else if (!sha) box.append(h('p', { class: 'muted small' }, t('alert.snapshot.none')));
      else {
        box.append(h('p', { class: 'muted small' }, t('loading')));
        evidenceUrl(sha).then(
          (url) => {
            clear(box).append(
              h(
                'a',
                { href: url, target: '_blank', rel: 'noopener noreferrer', title: t('alert.snapshot.open') },
                h('img', {
                  src: url,
                  alt: `${t('alert.snapshot')}: ${site?.name ?? alert.siteId}`,
                  class: 'snapshot-img',
                  loading: 'lazy',
                }),
              ),
              h('p', { class: 'muted small' }, t('alert.snapshot.logged')),
            );
          },
          (err) => {
            clear(box).append(h('p', { class: 'error small' }, t('alert.snapshot.error', { message: err.message })));
          },
        );
      }
      snapshot = h('figure', { class: 'evidence' }, h('figcaption', {}, t('alert.snapshot')), box);
    }

    const history = h(
      'details',
      { class: 'history' },
      h('summary', {}, `${t('alert.history')} (${alert.history.length})`),
      h(
        'ol',
        {},
        alert.history.map((e) =>
          h(
            'li',
            {},
            h('span', { class: 'nowrap' }, fmtDateTime(e.at)),
            ' — ',
            h('strong', {}, has(`hist.${e.action}`) ? t(`hist.${e.action}`) : e.action),
            ` · ${e.actor === 'system' ? t('hist.system') : e.actor}`,
            e.note ? h('span', { class: 'muted' }, ` · ${e.note}`) : null,
          ),
        ),
      ),
    );

    const articleEl = h(
      'article',
      {
        class: `card alert sev-${alert.severity}`,
        'data-alert-id': alert.id,
        'data-status': alert.status,
        'data-locality': alert.localityId,
      },
      h(
        'header',
        { class: 'alert-head' },
        h('h3', {}, t(`akind.${alert.kind}`)),
        h('span', { class: `badge sev sev-${alert.severity}` }, t(`sev.${alert.severity}`)),
        statusBadge(alert.status),
        alert.escalationLevel > 0
          ? h('span', { class: 'badge badge-bad' }, t('alert.escalated', { n: alert.escalationLevel }))
          : null,
      ),
      h(
        'div',
        { class: 'alert-body' },
        h(
          'div',
          { class: 'alert-facts' },
          dl([
            [t('alert.place'), `${site?.name ?? alert.siteId} · ${ctx.localityName(alert.localityId)}`],
            [
              t('alert.detected'),
              h(
                'time',
                { datetime: new Date(alert.openedAt).toISOString(), class: 'opened-at' },
                fmtDateTime(alert.openedAt),
              ),
            ],
            [t('alert.lastSeen'), fmtDateTime(alert.lastSeenAt)],
            [
              t('alert.coords'),
              loc
                ? h(
                    'span',
                    {},
                    `${loc.lat.toFixed(5)}, ${loc.lon.toFixed(5)} `,
                    h(
                      'a',
                      { href: osmLink(loc.lat, loc.lon), target: '_blank', rel: 'noopener noreferrer' },
                      t('map.osm'),
                    ),
                  )
                : t('none'),
            ],
            ...details(alert),
            [' ', alert.active ? t('alert.ongoing') : t('alert.ended', { time: fmtDateTime(alert.clearedAt) })],
          ]),
          loc
            ? siteMap(ctx.sitesIn(alert.localityId), {
                highlight: alert.siteId,
                compact: true,
                width: 320,
                height: 180,
              })
            : null,
        ),
        snapshot,
      ),
      ctx.can('alerts:act') && actions.length > 0 ? h('div', { class: 'alert-act' }, note, buttons, message) : null,
      history,
    );
    return articleEl;
  }

  let generation = 0;
  async function refresh() {
    const gen = ++generation;
    const q = new URLSearchParams({ localityId: ctx.localityId });
    if (filter.value === 'pending') q.set('status', 'open,acknowledged');
    q.set('limit', filter.value === 'pending' ? '200' : '50');
    try {
      const res = await api(`/api/v1/alerts?${q}`);
      if (gen !== generation) return;
      const alerts = res.alerts;
      count.textContent = t('inbox.count', { n: alerts.length });
      count.classList.remove('error');
      if (alerts.length === 0) {
        cards.clear();
        clear(list).append(h('p', { class: 'empty' }, t(filter.value === 'pending' ? 'inbox.none' : 'inbox.noneAll')));
        return;
      }
      const seen = new Set();
      const els = alerts.map((a) => {
        seen.add(a.id);
        const known = cards.get(a.id);
        if (known !== undefined && known.updatedAt === a.updatedAt) return known.el;
        const fresh = card(a);
        cards.set(a.id, { updatedAt: a.updatedAt, el: fresh });
        return fresh;
      });
      for (const id of cards.keys()) if (!seen.has(id)) cards.delete(id);
      // Keep a card being typed in where it is: only reorder when the list changed.
      const current = [...list.children];
      if (current.length !== els.length || current.some((c, i) => c !== els[i])) list.replaceChildren(...els);
    } catch (err) {
      if (gen !== generation) return;
      count.textContent = t('error.load', { message: err.message });
      count.classList.add('error');
      throw err;
    }
  }
  const stop = poll(refresh, EVERY_MS);
  return {
    stop() {
      generation++;
      stop();
    },
  };
}
