/**
 * Dashboards → the JSON files Grafana provisions: panel ids assigned in order, keys sorted at
 * every level, two-space indentation and a final newline, no timestamps or versions — the same
 * code always writes the same bytes, so the committed files can be compared with a fresh run.
 */
import type { Dashboard, Panel, RowPanel } from '@grafana/grafana-foundation-sdk/dashboard';
import { cityOverview } from './city-overview.ts';
import { dumping } from './dumping.ts';
import { energySolar } from './energy-solar.ts';
import { evCharging } from './ev-charging.ts';
import { pipeline } from './pipeline.ts';
import { wastewater } from './wastewater.ts';

/** Every dashboard, in menu order. */
export const DASHBOARDS: readonly (() => Dashboard)[] = [
  cityOverview,
  wastewater,
  energySolar,
  evCharging,
  dumping,
  pipeline,
];

/** Panels at the top level and inside collapsed rows, in grid order. */
export function allPanels(d: Dashboard): (Panel | RowPanel)[] {
  const out: (Panel | RowPanel)[] = [];
  for (const p of d.panels ?? []) {
    out.push(p);
    if (p.type === 'row') out.push(...((p as RowPanel).panels ?? []));
  }
  return out;
}

/** Panel ids must be unique within a dashboard; the builders leave them unset (rows: 0). */
function numberPanels(d: Dashboard): Dashboard {
  allPanels(d).forEach((p, i) => {
    p.id = i + 1;
  });
  return d;
}

/** A JSON value with object keys sorted; functions and undefined dropped as JSON.stringify does. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

export function toJson(d: Dashboard): string {
  const plain: unknown = JSON.parse(JSON.stringify(numberPanels(d)));
  return `${JSON.stringify(sortKeys(plain), null, 2)}\n`;
}

export interface Rendered {
  readonly uid: string;
  readonly file: string;
  readonly json: string;
}

/** Every dashboard as `<uid>.json`; a missing or repeated uid is a bug here. */
export function renderAll(): Rendered[] {
  const seen = new Set<string>();
  return DASHBOARDS.map((make) => {
    const d = make();
    const uid = d.uid;
    if (uid === undefined || uid === '' || seen.has(uid)) throw new Error(`dashboard uid missing or repeated: ${uid}`);
    seen.add(uid);
    return { uid, file: `${uid}.json`, json: toJson(d) };
  });
}
