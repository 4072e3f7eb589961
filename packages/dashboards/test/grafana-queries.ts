/**
 * What Grafana does with a dashboard's InfluxQL before it reaches InfluxDB, done by hand: the
 * panels' targets (also inside collapsed rows), the time range a panel queries (its own relative
 * range, else the dashboard's), and the interpolation of `$timeFilter`, `$__interval`,
 * `$__interval_ms` and the template variables — then the query itself on InfluxDB's /query.
 */
import type { Dashboard, Panel, VariableModel } from '@grafana/grafana-foundation-sdk/dashboard';
import { allPanels, type InfluxQlTarget, isInfluxQlTarget } from '../src/index.ts';

export interface PanelQuery {
  readonly dashboard: string;
  readonly panel: string;
  readonly refId: string;
  readonly query: string;
  /** The panel's relative range (`timeFrom`) or the dashboard's `time.from`. */
  readonly range: string;
  /** The panel's minimum interval, if it sets one. */
  readonly interval: string | undefined;
}

export function influxQueries(d: Dashboard): PanelQuery[] {
  const out: PanelQuery[] = [];
  for (const p of allPanels(d)) {
    if (p.type === 'row') continue;
    const panel = p as Panel;
    for (const t of panel.targets ?? []) {
      if (!isInfluxQlTarget(t)) continue;
      const target: InfluxQlTarget = t;
      out.push({
        dashboard: d.uid ?? '',
        panel: panel.title ?? '',
        refId: target.refId,
        query: target.query,
        range: panel.timeFrom ?? d.time?.from ?? 'now-6h',
        interval: panel.interval,
      });
    }
  }
  return out;
}

/** Targets that are not InfluxQL (the optional Prometheus row), by panel title. */
export function otherQueries(d: Dashboard): string[] {
  return allPanels(d).flatMap((p) =>
    p.type === 'row' ? [] : ((p as Panel).targets ?? []).filter((t) => !isInfluxQlTarget(t)).map(() => p.title ?? ''),
  );
}

const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `35d`, `now-24h` → milliseconds; months and years are not fixed lengths and are refused. */
export function durationMs(range: string): number {
  const m = /^(?:now-)?(\d+)([smhdw])$/.exec(range);
  if (m === null) throw new Error(`unsupported relative range ${JSON.stringify(range)}`);
  return Number(m[1]) * (UNIT_MS[m[2] as string] as number);
}

export interface Interpolation {
  readonly now: number;
  /** Values of the template variables, already formatted as Grafana would put them in the query. */
  readonly variables: Readonly<Record<string, string>>;
}

export function interpolate(q: PanelQuery, i: Interpolation): string {
  const intervalMs = q.interval === undefined ? 60_000 : durationMs(q.interval);
  const from = i.now - durationMs(q.range);
  const builtIn: Record<string, string> = {
    timeFilter: `time >= ${from}ms and time <= ${i.now}ms`,
    __interval_ms: String(intervalMs),
    __interval: `${intervalMs / 1000}s`,
  };
  const all: Record<string, string> = { ...builtIn, ...i.variables };
  const text = q.query.replace(
    /\$\{(\w+)\}|\$(\w+)/g,
    (whole, braced: string | undefined, bare: string | undefined) => {
      const name = braced ?? bare ?? '';
      const value = all[name];
      if (value === undefined) throw new Error(`${q.dashboard} / ${q.panel}: no value for variable ${whole}`);
      return value;
    },
  );
  return text;
}

/** Grafana's regex escaping of a variable value used inside `/…/`. */
export const regexEscape = (value: string): string => value.replace(/[\\^$*+?.()|[\]{}/]/g, '\\$&');

export interface QueryResult {
  readonly rows: number;
  /** Rows with at least one non-null value besides the time. */
  readonly rowsWithValues: number;
  readonly series: number;
}

interface InfluxResponse {
  readonly results?: readonly {
    readonly error?: string;
    readonly series?: readonly { readonly columns: readonly string[]; readonly values?: readonly unknown[][] }[];
  }[];
  readonly error?: string;
}

/** Runs one InfluxQL statement as Grafana does (POST /query, epoch=ms); an error throws. */
export async function runInfluxQl(url: string, database: string, query: string): Promise<QueryResult> {
  const res = await fetch(`${url}/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ db: database, q: query, epoch: 'ms' }),
  });
  const body = (await res.json()) as InfluxResponse;
  if (!res.ok || body.error !== undefined) throw new Error(`InfluxDB ${res.status}: ${body.error ?? ''}\n${query}`);
  const results = body.results ?? [];
  if (results.length !== 1) throw new Error(`expected one statement result, got ${results.length}\n${query}`);
  const r = results[0];
  if (r?.error !== undefined) throw new Error(`InfluxDB: ${r.error}\n${query}`);
  let rows = 0;
  let rowsWithValues = 0;
  for (const s of r?.series ?? []) {
    const timeAt = s.columns.indexOf('time');
    for (const row of s.values ?? []) {
      rows += 1;
      if (row.some((v, j) => j !== timeAt && v !== null)) rowsWithValues += 1;
    }
  }
  return { rows, rowsWithValues, series: r?.series?.length ?? 0 };
}

/** The values a query variable offers (its query run as Grafana's metricFindQuery would). */
export async function variableValues(url: string, database: string, v: VariableModel): Promise<string[]> {
  if (typeof v.query !== 'string') throw new Error(`variable ${v.name}: query is not a string`);
  const res = await fetch(`${url}/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ db: database, q: v.query, epoch: 'ms' }),
  });
  const body = (await res.json()) as InfluxResponse;
  const r = body.results?.[0];
  if (!res.ok || r?.error !== undefined) throw new Error(`variable ${v.name}: ${r?.error ?? res.status}`);
  // SHOW TAG VALUES answers [key, value] rows.
  return (r?.series ?? []).flatMap((s) => (s.values ?? []).map((row) => String(row[1])));
}
