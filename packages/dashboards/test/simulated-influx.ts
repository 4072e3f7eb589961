/**
 * Fills an InfluxDB database the way the production pipeline does, without the broker and the
 * bus: the demo registry's simulated fleet publishes its device messages, our JSON decoder turns
 * them into records (and a few broken messages into refusals), the real InfluxDB store adapter
 * writes them, and the reports package recomputes the indicator points of the months touched,
 * as the indicator service would.
 *
 * The simulator, decoders, store adapter and reports are not dependencies of @hpg/dashboards:
 * the dashboards only read InfluxDB. They are imported here by relative path, for this test only
 * (their own imports resolve from their packages).
 */
import { resolve } from 'node:path';
import { type Detection, deviceTopic, type Reading, type Refusal } from '@hpg/contracts';
import { createFleet, loadRegistry, simulate } from '../../../services/simulator/src/index.ts';
import { DEFAULT_LIMITS, type DecodeContext, decodeNativeJson, type RawMessage } from '../../decoders/src/index.ts';
import {
  type DumpingOutcome,
  loadRegulatory,
  type ReportDeps,
  recomputeMonth,
  yearPoints,
} from '../../reports/src/index.ts';
import { openInfluxStore } from '../../store-influx/src/index.ts';

export const ROOT = resolve(import.meta.dirname, '../../..');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Hai Phong is UTC+7 all year; indicator windows are cut in local time. */
const LOCAL_OFFSET = 7 * HOUR;

export interface Filled {
  readonly readings: number;
  readonly detections: number;
  readonly refusals: number;
  readonly indicatorPoints: number;
  /** Wastewater station ids by locality (for the station variable). */
  readonly stationsByLocality: ReadonlyMap<string, readonly string[]>;
}

export interface FillOptions {
  readonly url: string;
  readonly database: string;
  readonly now: number;
  /** Hours of readings before `now` (every device but cameras). */
  readonly readingHours: number;
  /** Days of camera detections before `now` (dumping is rare: a week gives every spot some). */
  readonly detectionDays: number;
  readonly seed?: number;
}

/** Messages no device should send, one per kind of refusal, spread over the reading hours. */
function brokenMessages(deviceId: string, at: number): { topic: string; payload: string }[] {
  const ts = new Date(at).toISOString();
  return [
    { topic: deviceTopic(deviceId, 'sample'), payload: '{"v":1,' },
    {
      topic: deviceTopic('no-such-device', 'sample'),
      payload: JSON.stringify({ v: 1, deviceId: 'no-such-device', ts, metrics: {} }),
    },
    {
      topic: deviceTopic(deviceId, 'sample'),
      payload: JSON.stringify({
        v: 1,
        deviceId,
        ts,
        metrics: { cod: { value: 50, unit: 'ppm', status: 'measuring' } },
      }),
    },
    {
      topic: deviceTopic(deviceId, 'sample'),
      payload: JSON.stringify({ v: 1, deviceId, ts, metrics: { ph: { value: 19, unit: 'pH', status: 'measuring' } } }),
    },
    { topic: 'hpg/v1/devices/x', payload: '{}' },
  ];
}

export async function fillInflux(o: FillOptions): Promise<Filled> {
  const registry = loadRegistry(resolve(ROOT, 'config/registry.demo.json'));
  const regulatory = loadRegulatory(resolve(ROOT, 'config/regulatory'));
  const store = await openInfluxStore({ url: o.url, database: o.database, createDatabase: true });
  let refusalIds = 0;
  const ctx: DecodeContext = { registry, limits: DEFAULT_LIMITS, newId: () => `dash-refusal-${++refusalIds}` };
  const readings: Reading[] = [];
  const detections: Detection[] = [];
  const refusals: Refusal[] = [];
  const decode = (msg: RawMessage) => {
    const out = decodeNativeJson(msg, ctx);
    if (out.kind === 'reading') readings.push(out.record);
    else if (out.kind === 'detection') detections.push(out.record);
    else refusals.push(out.record);
  };
  const seed = o.seed ?? 20260129;
  const runs = [
    {
      kinds: ['wastewater_station', 'solar_inverter', 'energy_meter', 'ev_charger'] as const,
      from: o.now - o.readingHours * HOUR,
    },
    { kinds: ['camera'] as const, from: o.now - o.detectionDays * DAY },
  ];
  for (const run of runs) {
    const sims = createFleet(registry, { seed, filter: { kinds: [...run.kinds] } });
    for (const step of simulate(sims, run.from, o.now)) {
      for (const e of step.emissions) {
        decode({
          topic: deviceTopic(step.sim.deviceId, e.message),
          payload: Buffer.from(JSON.stringify(e.payload)),
          receivedAt: step.at + 400,
          publisher: step.sim.deviceId,
        });
      }
    }
  }
  const station = registry.data.devices.find((d) => d.kind === 'wastewater_station');
  if (station === undefined) throw new Error('the demo registry has no wastewater station');
  for (let round = 0; round < 4; round++) {
    const at = o.now - ((round + 0.5) * o.readingHours * HOUR) / 4;
    for (const m of brokenMessages(station.id, at)) {
      decode({ topic: m.topic, payload: Buffer.from(m.payload), receivedAt: at + 1_000, publisher: station.id });
    }
  }
  if (refusals.length === 0) throw new Error('the broken messages were not refused');

  try {
    await store.writeReadings(readings);
    await store.writeDetections(detections);
    await store.writeRefusals(refusals);

    // The police's handling of dumping alerts, as the alert service would report it: one alert
    // per waste detection, answered in turn resolved, false alarm, acknowledged, open.
    const outcomes: DumpingOutcome[] = detections
      .filter((d) => d.label === 'waste' && d.score >= 0.6)
      .map((d, i): DumpingOutcome => {
        const told = d.startedAt + 60_000;
        const status = (['resolved', 'false_alarm', 'acknowledged', 'open'] as const)[i % 4] ?? 'open';
        return {
          localityId: d.localityId,
          siteId: d.siteId,
          openedAt: d.startedAt,
          status,
          createdAt: told,
          acknowledgedAt: status === 'open' ? null : told + (5 + (i % 7) * 4) * 60_000,
          closedAt: status === 'resolved' || status === 'false_alarm' ? told + (40 + (i % 5) * 10) * 60_000 : null,
        };
      });
    const deps: ReportDeps = {
      store,
      registry,
      regulatory,
      now: o.now,
      dumpingOutcomes: async (q) =>
        outcomes.filter((x) => q.localityIds.includes(x.localityId) && x.openedAt >= q.from && x.openedAt < q.to),
    };
    let indicatorPoints = 0;
    const monthPoints = [];
    for (const { year, month } of localMonthsBetween(
      o.now - Math.max(o.readingHours * HOUR, o.detectionDays * DAY),
      o.now,
    )) {
      const { points } = await recomputeMonth(deps, year, month);
      await store.writeIndicators(points);
      indicatorPoints += points.length;
      monthPoints.push(...points.filter((p) => p.period === 'month'));
    }
    for (const year of new Set(monthPoints.map((p) => Number(p.label.slice(0, 4))))) {
      const points = yearPoints(monthPoints, year, o.now);
      await store.writeIndicators(points);
      indicatorPoints += points.length;
    }

    const stationsByLocality = new Map<string, string[]>();
    for (const d of registry.data.devices) {
      if (d.kind !== 'wastewater_station') continue;
      const localityId = registry.site(d.siteId)?.localityId;
      if (localityId === undefined) continue;
      stationsByLocality.set(localityId, [...(stationsByLocality.get(localityId) ?? []), d.id]);
    }
    return {
      readings: readings.length,
      detections: detections.length,
      refusals: refusals.length,
      indicatorPoints,
      stationsByLocality,
    };
  } finally {
    await store.close();
  }
}

/** The local (UTC+7) months from the one holding `from` to the one holding `to`. */
function localMonthsBetween(from: number, to: number): { year: number; month: number }[] {
  const a = new Date(from + LOCAL_OFFSET);
  const b = new Date(to + LOCAL_OFFSET);
  const out: { year: number; month: number }[] = [];
  for (
    let y = a.getUTCFullYear(), m = a.getUTCMonth();
    y < b.getUTCFullYear() || (y === b.getUTCFullYear() && m <= b.getUTCMonth());
  ) {
    out.push({ year: y, month: m + 1 });
    m += 1;
    if (m === 12) {
      m = 0;
      y += 1;
    }
  }
  return out;
}
