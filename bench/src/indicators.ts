/**
 * Indicator recompute benchmark (issue #5's target): one month of indicators for 1,000 devices at
 * 5-minute resolution (1,000 × 8,640 ≈ 8.6 million readings) in ≤ 60 s, on the embedded store
 * (SQLite) and on InfluxDB (a throwaway influxd on free ports).
 *
 *   pnpm bench:indicators [--devices 1000] [--stores sqlite,influx]
 *
 * The fleet: 25 % wastewater stations (each at its own plant), 40 % solar inverters, 25 % energy
 * meters (facilities with forecast baselines), 10 % chargers (connector status every 5 minutes),
 * spread over the demo registry's localities. October 2026 is generated per device, written, and
 * then, in the same run on the same store:
 *   baseline  = reading every device's month back through the Store port (no computation): what
 *               a recomputation that carried every reading out of the store would stand on;
 *   recompute = recomputeMonth for every locality, the month and its 31 days, and writing the
 *               indicator points (registers are rolled up per day inside the store).
 *   export    = the month's export for the whole city (every locality's facts loaded once), XLSX,
 *               CSV and JSON in Vietnamese, as `pnpm export --month 2026-10` writes them.
 * Reported: seconds, readings/s, the ratio recompute / baseline, the export's seconds and its
 * ratio to the baseline, and the target.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Reading } from '@hpg/contracts';
import { Exporter, monthPeriod } from '@hpg/exports';
import { localMonth } from '@hpg/indicators';
import { progressBar } from '@hpg/platform';
import type { Store } from '@hpg/ports';
import { Registry } from '@hpg/registry';
import { loadRegulatory, recomputeMonth } from '@hpg/reports';
import { openInfluxStore } from '@hpg/store-influx';
import { openSqliteStore } from '@hpg/store-sqlite';
import { engineScript, startInflux } from '../../tests/engines/engines.ts';

const root = resolve(import.meta.dirname, '../..');
const args = parseArgs({
  options: { devices: { type: 'string', default: '1000' }, stores: { type: 'string', default: 'sqlite,influx' } },
}).values;
const DEVICES = Number(args.devices);
const STORES = (args.stores ?? '').split(',');
const YEAR = 2026;
const MONTH = 10;
const STEP = 300_000;
const TARGET_SECONDS = 60;
const log = (s: string) => process.stderr.write(`[bench:indicators] ${s}\n`);

// --- the fleet -------------------------------------------------------------------------------

const demo = JSON.parse(readFileSync(join(root, 'config/registry.demo.json'), 'utf8')) as {
  localities: { id: string; parentId: string | null }[];
};
const leaves = demo.localities.filter((l) => l.parentId !== null).map((l) => l.id);
const cred = { algo: 'scrypt', n: 1024, r: 8, p: 1, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'x'.repeat(44) };
const location = { lat: 20.86, lon: 106.68 };
type Kind = 'wastewater_station' | 'solar_inverter' | 'energy_meter' | 'ev_charger';
const kindOf = (i: number): Kind => {
  const r = i % 20;
  return r < 5 ? 'wastewater_station' : r < 13 ? 'solar_inverter' : r < 18 ? 'energy_meter' : 'ev_charger';
};
const sites: Record<string, unknown>[] = [];
const devices: { id: string; siteId: string; kind: Kind; intervalSeconds: number; credentials: unknown[] }[] = [];
for (let i = 0; i < DEVICES; i++) {
  const kind = kindOf(i);
  const localityId = leaves[i % leaves.length] as string;
  const siteId = `site-${i}`;
  const base = { id: siteId, localityId, name: siteId, location };
  if (kind === 'wastewater_station') {
    sites.push({
      ...base,
      kind: 'wastewater_plant',
      wastewater: {
        standard: 'QCVN40:2011',
        column: 'B',
        kq: 0.9,
        kf: 1.0,
        designFlowM3PerDay: 2000,
        centralIndustrial: i % 2 === 0,
      },
    });
  } else if (kind === 'solar_inverter') sites.push({ ...base, kind: 'building', solarCapacityKwp: 50 });
  else if (kind === 'energy_meter') {
    sites.push({
      ...base,
      kind: 'facility',
      sector: i % 3 === 0 ? 'industry' : 'business_services',
      energyBaseline: { method: 'forecast', yearWh: { '2026': 12 * 30 * 24 * 20_000 } },
    });
  } else sites.push({ ...base, kind: 'charging_station' });
  devices.push({ id: `dev-${i}`, siteId, kind, intervalSeconds: STEP / 1000, credentials: [cred] });
}
const registry = Registry.from({ version: 1, localities: demo.localities, sites, devices });
const regulatory = loadRegulatory(join(root, 'config/regulatory'));
const month = localMonth(YEAR, MONTH);
const steps = Math.round((month.to - month.from) / STEP);

/** One device's month, deterministic (no randomness: the same data every run). */
function monthOf(d: (typeof devices)[number], localityId: string): Reading[] {
  const out: Reading[] = [];
  const n = Number(d.id.slice(4));
  const common = { v: 1 as const, deviceId: d.id, siteId: d.siteId, localityId, channel: '', source: 'bench' };
  let register = 1_000_000 + n;
  for (let k = 0; k < steps; k++) {
    const ts = month.from + k * STEP;
    const hour = ((ts / 3_600_000 + 7) % 24) | 0;
    const wave = Math.sin((k + n) / 37);
    if (d.kind === 'wastewater_station') {
      const cod = 80 + 40 * wave + (k % 997 === n % 997 ? 120 : 0);
      out.push({
        ...common,
        measurement: 'wastewater',
        ts,
        receivedAt: ts,
        values: { cod, tss: 40 + 10 * wave, nh4: 5 + wave, ph: 7 + wave / 5, flow_out: 60 + 5 * wave },
        states: {},
        quality: {
          cod: k % 288 === 0 ? 'calibrating' : 'measuring',
          tss: 'measuring',
          nh4: 'measuring',
          ph: 'measuring',
          flow_out: 'measuring',
        },
      });
    } else if (d.kind === 'solar_inverter') {
      const w = hour >= 6 && hour < 18 ? Math.max(0, 30_000 * Math.sin(((hour - 6) / 12) * Math.PI)) : 0;
      register += (w * STEP) / 3_600_000;
      out.push({
        ...common,
        measurement: 'solar',
        ts,
        receivedAt: ts,
        values: { ac_power: w, energy_lifetime: Math.round(register) },
        states: {},
        quality: {},
      });
    } else if (d.kind === 'energy_meter') {
      const w = 15_000 + 8_000 * wave;
      register += (w * STEP) / 3_600_000;
      out.push({
        ...common,
        measurement: 'meter',
        ts,
        receivedAt: ts,
        values: { active_power: w, energy_import: Math.round(register) },
        states: {},
        quality: {},
      });
    } else {
      const status = k % 2016 === n % 2016 ? 'Faulted' : hour >= 18 && hour < 21 ? 'Charging' : 'Available';
      out.push({
        ...common,
        measurement: 'ev_status',
        channel: '1',
        ts,
        receivedAt: ts,
        values: {},
        states: { status },
        quality: {},
      });
    }
  }
  return out;
}

async function fill(store: Store, label: string): Promise<number> {
  const bar = progressBar(`write ${label}`, devices.length);
  let written = 0;
  for (const [i, d] of devices.entries()) {
    const localityId = registry.site(d.siteId)?.localityId as string;
    const rs = monthOf(d, localityId);
    for (let j = 0; j < rs.length; j += 5_000) await store.writeReadings(rs.slice(j, j + 5_000));
    written += rs.length;
    bar.update(i + 1);
  }
  bar.finish(`${written} readings`);
  return written;
}

const measurementOf: Record<Kind, Reading['measurement']> = {
  wastewater_station: 'wastewater',
  solar_inverter: 'solar',
  energy_meter: 'meter',
  ev_charger: 'ev_status',
};

/** Baseline: every device's month read back through the port, 4 at a time (as the recompute does). */
async function scan(store: Store): Promise<{ seconds: number; readings: number }> {
  const t0 = performance.now();
  const queue = [...devices];
  let readings = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let d = queue.shift(); d !== undefined; d = queue.shift()) {
        const rs = await store.queryReadings({
          deviceId: d.id,
          measurement: measurementOf[d.kind],
          from: month.from,
          to: month.to,
          limit: 200_000,
        });
        readings += rs.length;
      }
    }),
  );
  return { seconds: (performance.now() - t0) / 1000, readings };
}

async function recompute(store: Store, label: string) {
  const bar = progressBar(`recompute ${label}`, devices.length);
  const t0 = performance.now();
  const r = await recomputeMonth({ store, registry, regulatory, now: month.to + 86_400_000 }, YEAR, MONTH, {
    onDevice: (done) => bar.update(done),
  });
  await store.writeIndicators(r.points);
  const seconds = (performance.now() - t0) / 1000;
  bar.finish(`${r.points.length} points`);
  return { seconds, readings: r.readingsRead, points: r.points.length };
}

/** The month's export of every locality and the city, in the three formats, timed. */
async function exportMonth(store: Store, label: string) {
  const out = mkdtempSync(join(tmpdir(), `hpg-bench-export-${label}-`));
  try {
    const exporter = new Exporter(
      { store, registry: () => registry, regulatory, now: () => month.to + 86_400_000 },
      { dir: out },
    );
    const localityIds = registry.data.localities.map((l) => l.id).sort();
    const bar = progressBar(`export ${label}`, exporter.devicesToRead(localityIds, monthPeriod(YEAR, MONTH)));
    const t0 = performance.now();
    const files = await exporter.produce({
      localityIds,
      period: monthPeriod(YEAR, MONTH),
      formats: ['xlsx', 'csv', 'json'],
      lang: 'vi',
      force: true,
      onDevice: (done) => bar.update(done),
    });
    const seconds = (performance.now() - t0) / 1000;
    bar.finish(`${files.length} files`);
    return { seconds, files: files.length, bytes: files.reduce((a, f) => a + f.size, 0) };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

async function run(label: string, store: Store) {
  const written = await fill(store, label);
  const base = await scan(store);
  log(`${label}: baseline scan ${base.seconds.toFixed(1)} s`);
  const rec = await recompute(store, label);
  const exp = await exportMonth(store, label);
  return {
    store: label,
    devices: DEVICES,
    readings: written,
    baselineScanSeconds: Number(base.seconds.toFixed(2)),
    recomputeSeconds: Number(rec.seconds.toFixed(2)),
    // Readings the month's indicators cover (registers are rolled up in the store, not carried out).
    readingsPerSecond: Math.round(written / rec.seconds),
    readingsCarriedOut: rec.readings,
    ratioToBaseline: Number((rec.seconds / base.seconds).toFixed(2)),
    points: rec.points,
    targetSeconds: TARGET_SECONDS,
    met: rec.seconds <= TARGET_SECONDS,
    exportSeconds: Number(exp.seconds.toFixed(2)),
    exportFiles: exp.files,
    exportRatioToBaseline: Number((exp.seconds / base.seconds).toFixed(2)),
  };
}

const results = [];
const dir = mkdtempSync(join(tmpdir(), 'hpg-bench-ind-'));
try {
  if (STORES.includes('sqlite')) {
    const store = await openSqliteStore({ path: join(dir, 'bench.sqlite') });
    try {
      results.push(await run('sqlite', store));
    } finally {
      await store.close();
    }
  }
  if (STORES.includes('influx')) {
    log('starting a throwaway InfluxDB');
    const influx = await startInflux();
    try {
      const store = await openInfluxStore({
        url: influx.url,
        database: 'bench',
        createDatabase: true,
        timeoutMs: 120_000,
      });
      try {
        results.push(await run('influxdb', store));
      } finally {
        await store.close();
      }
    } finally {
      await engineScript('influxdb', 'stop', influx.env);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.table(results);
const out = join(root, 'bench-results');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'indicators.json'), `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(results)}\n`);
