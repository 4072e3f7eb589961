/**
 * InfluxQL against the platform's InfluxDB schema (packages/store-influx/src/influx-store.ts):
 *
 *   readings      wastewater, solar, meter, ev_status, ev_meter, ev_session
 *                 tags device, channel; a float field per metric (canonical unit), `<metric>_q`
 *                 station quality, `s_<key>` states, and `site`, `locality`, `source`,
 *                 `received_at` as FIELDS (a device that moves must not make a second series)
 *   detections    tags device, event_id; fields site, locality, label, score, zone, phase, …
 *   refusals      tag reason; fields id, detail, topic, device, raw_size, …
 *   indicators    tags indicator, period, scope; fields value, scope_kind, locality, unit, …
 *
 * Metric names come from the contracts' catalogue and indicator names from ./indicators.ts, so
 * a misspelt one does not compile. Grafana fills in `$timeFilter` (the panel's time range as
 * `time >= …ms and time <= …ms`), `$__interval` and `$__interval_ms`, and the dashboard
 * variables `$locality`, `$city` and `$station` (./variables.ts).
 */
import { MEASUREMENTS, type Measurement, type MetricSpec, metricsByMeasurement } from '@hpg/contracts';
import type { IndicatorName } from './indicators.ts';

export const TIME_FILTER = '$timeFilter';

/** `"name"`: InfluxQL identifier quoting. */
export const ident = (name: string): string => `"${name.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;

/** `'text'`: InfluxQL string literal. */
export const literal = (text: string): string => `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

/** `/^(a|b)$/`: an anchored regex matching exactly these names. */
export const exactly = (names: readonly string[]): string =>
  `/^(${names.map((n) => n.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$/`;

/** Every reading measurement, as a FROM list. */
export const ALL_READINGS = MEASUREMENTS.map(ident).join(', ');

/**
 * Readings, detections and site points carry the ward or commune they were made in as the
 * `locality` field; the city is the parent of them all and is written on none, so choosing the
 * city must not filter. InfluxQL reduces the comparison of the two literals when Grafana has
 * filled them in (`'hai-phong' = 'hai-phong'` is true), which keeps one variable for both
 * indicator panels (scope = the locality itself) and reading panels.
 */
export const IN_LOCALITY = `(${ident('locality')} = '$locality' OR '$locality' = '$city')`;

/** The station variable, which may hold several devices (a regex alternation) or all (`.*`). */
export const IN_STATIONS = `${ident('device')} =~ /^$station$/`;

type MetricsOf<M extends Measurement> = (typeof metricsByMeasurement)[M];

/** A metric of a measurement from the catalogue: its field key, stored unit and description. */
export function metric<M extends Measurement, K extends keyof MetricsOf<M> & string>(
  measurement: M,
  key: K,
): { readonly measurement: M; readonly key: K; readonly spec: MetricSpec } {
  const spec = (metricsByMeasurement[measurement] as Readonly<Record<string, MetricSpec>>)[key];
  if (spec === undefined) throw new Error(`no metric ${key} in ${measurement}`);
  return { measurement, key, spec };
}

/** A state field (`s_<key>`) as the store names it. */
export const stateField = (key: string): string => ident(`s_${key}`);

/** Grafana unit ids for the catalogue's canonical units (custom `suffix:` where Grafana has none). */
const GRAFANA_UNITS: Readonly<Record<string, string>> = {
  W: 'watt',
  Wh: 'watth',
  V: 'volt',
  A: 'amp',
  Hz: 'hertz',
  '°C': 'celsius',
  '%': 'percent',
  pH: 'none',
  'mg/L': 'suffix: mg/L',
  'm3/h': 'suffix: m³/h',
  'Pt-Co': 'suffix: Pt-Co',
};

export function grafanaUnit(spec: MetricSpec): string {
  const unit = GRAFANA_UNITS[spec.unit];
  if (unit === undefined) throw new Error(`no Grafana unit for ${spec.unit}`);
  return unit;
}

/** Conditions on indicator points of one indicator and period. */
function indicatorWhere(names: readonly IndicatorName[], period: 'day' | 'month' | 'year'): string {
  const which =
    names.length === 1
      ? `${ident('indicator')} = ${literal(names[0] as string)}`
      : `${ident('indicator')} =~ ${exactly(names)}`;
  return `${which} AND ${ident('period')} = ${literal(period)}`;
}

/** The chosen locality's latest value of an indicator over the panel's range. */
export function latestIndicator(name: IndicatorName, period: 'day' | 'month' | 'year' = 'month'): string {
  return `SELECT last(${ident('value')}) FROM ${ident('indicators')} WHERE ${indicatorWhere([name], period)} AND ${ident('scope')} = '$locality' AND ${TIME_FILTER}`;
}

/** The chosen locality's points of indicators, one series per indicator (alias `$tag_indicator`). */
export function indicatorSeries(names: readonly IndicatorName[], period: 'day' | 'month' | 'year'): string {
  return `SELECT ${ident('value')} FROM ${ident('indicators')} WHERE ${indicatorWhere(names, period)} AND ${ident('scope')} = '$locality' AND ${TIME_FILTER} GROUP BY ${ident('indicator')}`;
}

/** Site points (plants, buildings, camera spots) in the chosen locality: latest value per site. */
export function latestPerSite(name: IndicatorName, period: 'day' | 'month' = 'month'): string {
  return `SELECT last(${ident('value')}) FROM ${ident('indicators')} WHERE ${indicatorWhere([name], period)} AND ${ident('scope_kind')} = 'site' AND ${IN_LOCALITY} AND ${TIME_FILTER} GROUP BY ${ident('scope')}`;
}

/** Latest value of indicators matching a regex, one series per indicator name. */
export function latestByIndicator(pattern: string, period: 'day' | 'month' | 'year' = 'month'): string {
  return `SELECT last(${ident('value')}) FROM ${ident('indicators')} WHERE ${ident('indicator')} =~ ${pattern} AND ${ident('period')} = ${literal(period)} AND ${ident('scope')} = '$locality' AND ${TIME_FILTER} GROUP BY ${ident('indicator')}`;
}

/** Every locality's latest value of some indicators (city overview's comparison table). */
export function latestPerLocality(names: readonly IndicatorName[], period: 'day' | 'month' = 'month'): string {
  return `SELECT last(${ident('value')}) FROM ${ident('indicators')} WHERE ${indicatorWhere(names, period)} AND ${ident('scope_kind')} = 'locality' AND ${TIME_FILTER} GROUP BY ${ident('scope')}, ${ident('indicator')}`;
}

/** Mean of a metric per interval and device, in the chosen locality (and station selection). */
export function meanPerDevice(
  m: { readonly measurement: Measurement; readonly key: string },
  extra: readonly string[] = [],
): string {
  const where = [IN_LOCALITY, ...extra, TIME_FILTER].join(' AND ');
  return `SELECT mean(${ident(m.key)}) FROM ${ident(m.measurement)} WHERE ${where} GROUP BY time($__interval), ${ident('device')} fill(none)`;
}

/**
 * The locality's total of a metric per interval: each device's (and connector's) mean in the
 * interval, summed over them. A plain sum would add every sample of a device in the interval.
 */
export function totalOfDeviceMeans(
  m: { readonly measurement: Measurement; readonly key: string },
  byChannel = false,
): string {
  const series = byChannel ? `${ident('device')}, ${ident('channel')}` : ident('device');
  const inner = `SELECT mean(${ident(m.key)}) AS ${ident('device_mean')} FROM ${ident(m.measurement)} WHERE ${IN_LOCALITY} AND ${TIME_FILTER} GROUP BY time($__interval), ${series}`;
  return `SELECT sum(${ident('device_mean')}) FROM (${inner}) WHERE ${TIME_FILTER} GROUP BY time($__interval) fill(none)`;
}
