/**
 * The stations' FTP drop directory, end to end on the embedded engines: a real directory, the
 * in-process bus, the writer and the SQLite store. What an operator relies on: a dropped file's
 * readings are stored and the file moved to processed/; a file still being written is left
 * alone; garbage goes to failed/; the same file twice stores nothing twice; a restart takes the
 * files already waiting.
 */
import { appendFile, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryBus } from '@hpg/bus-memory';
import { formatLocal } from '@hpg/contracts';
import { DEFAULT_LIMITS } from '@hpg/decoders';
import { createStationFileWatcher, StationFilesConfigSchema, type StationFileWatcher } from '@hpg/ingest';
import { createLogger, Registry as MetricsRegistry } from '@hpg/platform';
import { eventually } from '@hpg/ports/testing';
import { Registry } from '@hpg/registry';
import { openSqliteStore, type SqliteStore } from '@hpg/store-sqlite';
import { createWriter, type Writer, WriterConfigSchema } from '@hpg/writer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AllInOneConfigSchema, loadAllInOneConfig, startAllInOne } from '../src/index.ts';

const cred = { algo: 'scrypt', n: 1024, r: 8, p: 1, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'x'.repeat(44) };
const registry = Registry.from({
  version: 1,
  localities: [{ id: 'hai-phong', kind: 'city', name: 'Thành phố Hải Phòng', nameEn: 'Hai Phong', parentId: null }],
  sites: [
    {
      id: 'wwtp-1',
      localityId: 'hai-phong',
      name: 'Trạm XLNT',
      location: { lat: 20.9, lon: 106.6 },
      kind: 'wastewater_plant',
      wastewater: {
        standard: 'QCVN40:2011',
        column: 'B',
        kq: 0.9,
        kf: 1,
        designFlowM3PerDay: 2000,
        centralIndustrial: true,
      },
    },
  ],
  devices: [
    { id: 'ww-1', siteId: 'wwtp-1', kind: 'wastewater_station', intervalSeconds: 300, credentials: [cred] },
    { id: 'ww-2', siteId: 'wwtp-1', kind: 'wastewater_station', intervalSeconds: 300, credentials: [cred] },
  ],
});

/** YYYYMMDDhhmmss in Hai Phong time (UTC+7), as the station's logger writes it. */
const stationTime = (ms: number) => formatLocal('Asia/Ho_Chi_Minh', ms).slice(0, 19).replace(/\D/g, '');
const minute = (ms: number) => Math.floor(ms / 60_000) * 60_000;

function transferFile(at: number, cod = 61.5, extra: readonly string[] = []): string {
  const t = stationTime(at);
  return [
    `Flow\t55.5\tm3/h\t${t}\t00`,
    `pH\t7.12\tpH\t${t}\t00`,
    `TSS\t18.2\tmg/L\t${t}\t01`,
    `COD\t${cod}\tmg/L\t${t}\t00`,
    `NH4\t2.1\tmg/L\t${t}\t02`,
    ...extra,
    '',
  ].join('\r\n');
}

const STABLE_MS = 150;

describe('station drop directory', () => {
  let dir: string;
  let store: SqliteStore;
  let bus: MemoryBus;
  let writer: Writer;
  let metrics: MetricsRegistry;
  const watchers: StationFileWatcher[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hpg-station-drop-'));
    store = await openSqliteStore({ path: join(dir, 'store.sqlite') });
    bus = new MemoryBus();
    metrics = new MetricsRegistry();
    const logger = createLogger({ name: 't', level: 'silent' });
    writer = createWriter({ bus, store, logger, metrics }, WriterConfigSchema.parse({ maxWaitMs: 0 }));
    await writer.start();
  });

  afterEach(async () => {
    for (const w of watchers.splice(0)) await w.stop();
    await writer.stop();
    await bus.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const drop = () => join(dir, 'drop');

  const startWatcher = async (overrides: object = {}) => {
    const w = createStationFileWatcher(
      {
        bus,
        registry: () => registry,
        logger: createLogger({ name: 't', level: 'silent' }),
        metrics: new MetricsRegistry(),
        limits: DEFAULT_LIMITS,
      },
      StationFilesConfigSchema.parse({
        enabled: true,
        dropDir: drop(),
        stableMs: STABLE_MS,
        scanIntervalMs: 50,
        stations: { HP_KCN_TANMINH_NT: 'ww-2' },
        ...overrides,
      }),
    );
    watchers.push(w);
    await w.start();
    return w;
  };

  /** Files under drop/<sub>/<date>/, by name. */
  const filesIn = async (sub: 'processed' | 'failed'): Promise<string[]> => {
    const out: string[] = [];
    for (const day of await readdir(join(drop(), sub)).catch(() => [])) {
      for (const f of await readdir(join(drop(), sub, day))) out.push(f);
    }
    return out.sort();
  };
  const waiting = async () => (await readdir(drop())).filter((f) => f.endsWith('.txt'));

  const readings = (deviceId = 'ww-1') =>
    store.queryReadings({ deviceId, from: 0, to: Date.now() + 86_400_000, limit: 1000 });
  const refusals = () => store.queryRefusals({ from: 0, to: Date.now() + 86_400_000, limit: 1000 });

  it('stores the readings of a dropped file and moves it to processed/', async () => {
    const watcher = await startWatcher();
    const at = minute(Date.now() - 10 * 60_000);
    await writeFile(join(drop(), 'WW-1_20261122095500.txt'), transferFile(at));
    await writeFile(join(drop(), 'HP_KCN_TANMINH_NT_20261122095500.txt'), transferFile(at, 70));
    await eventually(async () => expect(await filesIn('processed')).toHaveLength(2));
    expect(await waiting()).toEqual([]);
    await eventually(async () => expect(await readings()).toHaveLength(1));
    const [r] = await readings();
    expect(r).toMatchObject({
      ts: at,
      measurement: 'wastewater',
      siteId: 'wwtp-1',
      source: 'tt10-2021/file',
      values: { flow_out: 55.5, ph: 7.12, tss: 18.2, cod: 61.5, nh4: 2.1 },
      quality: { flow_out: 'measuring', ph: 'measuring', tss: 'calibrating', cod: 'measuring', nh4: 'error' },
    });
    await eventually(async () => expect((await readings('ww-2'))[0]?.values.cod).toBe(70)); // mapped code
    // The file is kept, byte for byte.
    const [day] = await readdir(join(drop(), 'processed'));
    const kept = await readFile(join(drop(), 'processed', day ?? '', 'WW-1_20261122095500.txt'), 'utf8');
    expect(kept).toBe(transferFile(at));
    await watcher.stop();
  });

  it('keeps the good lines of a file with a bad line, and stores the refusal with its line number', async () => {
    await startWatcher();
    const at = minute(Date.now() - 5 * 60_000);
    const t = stationTime(at);
    await writeFile(
      join(drop(), 'WW-1_20261122100000.txt'),
      transferFile(at, 61.5, [`TOC\t20\tmg/L\t${t}\t00`, 'broken line']),
    );
    await eventually(async () => expect(await filesIn('processed')).toHaveLength(1));
    await eventually(async () => expect(await refusals()).toHaveLength(2));
    expect((await refusals()).map((r) => [r.reason, r.detail.slice(0, 7)]).sort()).toEqual([
      ['malformed_line', 'line 7:'],
      ['unknown_metric', 'line 6:'],
    ]);
    await eventually(async () => expect(Object.keys((await readings())[0]?.values ?? {})).toHaveLength(5));
  });

  it('does not take a file still being written until it has been unchanged for stableMs', async () => {
    const stableMs = 2_000; // wide: a loaded machine must not make the check flaky
    const watcher = await startWatcher({ stableMs, scanIntervalMs: 50 });
    const at = minute(Date.now() - 10 * 60_000);
    const text = transferFile(at);
    const path = join(drop(), 'WW-1_20261122095500.txt');
    const cut = text.indexOf('COD') + 5; // mid-line
    await writeFile(path, text.slice(0, cut));
    await new Promise((r) => setTimeout(r, 400));
    await watcher.scan();
    expect(await waiting()).toEqual(['WW-1_20261122095500.txt']);
    await appendFile(path, text.slice(cut));
    await new Promise((r) => setTimeout(r, 400));
    await watcher.scan();
    // Written 800 ms ago first, 400 ms ago last: still waiting.
    expect(await waiting()).toEqual(['WW-1_20261122095500.txt']);
    expect(await filesIn('processed')).toEqual([]);
    await eventually(async () => expect(await filesIn('processed')).toEqual(['WW-1_20261122095500.txt']));
    await eventually(async () => expect((await readings())[0]?.values).toMatchObject({ cod: 61.5, nh4: 2.1 }));
    expect(await refusals()).toEqual([]);
  });

  it('moves garbage to failed/ with its refusal stored, and leaves other names alone', async () => {
    await startWatcher();
    await writeFile(join(drop(), 'WW-1_20261122095500.txt'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]));
    await writeFile(join(drop(), 'notes.txt'), 'hello\nworld\n');
    await writeFile(join(drop(), 'UNKNOWN_20261122095500.txt'), transferFile(Date.now() - 60_000));
    await writeFile(join(drop(), 'WW-1_20261122095500.txt.part'), 'partial');
    await eventually(async () =>
      expect(await filesIn('failed')).toEqual(['UNKNOWN_20261122095500.txt', 'WW-1_20261122095500.txt', 'notes.txt']),
    );
    expect(await filesIn('processed')).toEqual([]);
    expect((await readdir(drop())).filter((f) => !f.startsWith('.')).sort()).toEqual([
      'WW-1_20261122095500.txt.part',
      'failed',
      'processed',
    ]);
    await eventually(async () =>
      expect((await refusals()).map((r) => r.reason).sort()).toEqual([
        'invalid_encoding',
        'invalid_value',
        'unknown_device',
      ]),
    );
    expect(await readings()).toEqual([]);
  });

  it('stores nothing twice when the same file is dropped twice', async () => {
    const watcher = await startWatcher();
    const at = minute(Date.now() - 10 * 60_000);
    const text = transferFile(at, 61.5, ['garbage']);
    const name = 'WW-1_20261122095500.txt';
    await writeFile(join(drop(), name), text);
    await eventually(async () => expect(await filesIn('processed')).toHaveLength(1));
    await eventually(async () => expect(await refusals()).toHaveLength(1));
    await eventually(async () => expect(await readings()).toHaveLength(1));
    const first = { readings: await readings(), refusals: await refusals() };

    await new Promise((r) => setTimeout(r, 20)); // a later upload: another modification time
    await writeFile(join(drop(), name), text);
    await eventually(async () => expect(await filesIn('processed')).toEqual([name, 'WW-1_20261122095500~1.txt']));
    await bus.drained();
    await watcher.scan();
    // The same records, down to the receive time (from the content ledger).
    expect(await readings()).toEqual(first.readings);
    expect(await refusals()).toEqual(first.refusals);
    const counts = await store.countRefusals(0, Date.now() + 86_400_000);
    expect(counts).toEqual({ malformed_line: 1 });
  });

  it('takes the files left in the drop directory at start (restart)', async () => {
    const first = await startWatcher();
    await first.stop();
    const at = minute(Date.now() - 30 * 60_000);
    const names = ['WW-1_20261122093000.txt', 'WW-1_20261122093500.txt'];
    await writeFile(join(drop(), names[0] as string), transferFile(at));
    await writeFile(join(drop(), names[1] as string), transferFile(at + 5 * 60_000));
    // Uploaded while the process was down.
    const old = new Date(Date.now() - 60_000);
    for (const n of names) await utimes(join(drop(), n), old, old);
    const second = await startWatcher({ stableMs: 60_000 }); // old files need no waiting
    await eventually(async () => expect(await filesIn('processed')).toEqual(names), 5_000);
    await eventually(async () => expect((await readings()).map((r) => r.ts)).toEqual([at, at + 5 * 60_000]));
    await second.stop();
  });

  it('counts files and lines', async () => {
    const m = new MetricsRegistry();
    const w = createStationFileWatcher(
      {
        bus,
        registry: () => registry,
        logger: createLogger({ name: 't', level: 'silent' }),
        metrics: m,
        limits: DEFAULT_LIMITS,
      },
      StationFilesConfigSchema.parse({ dropDir: drop(), stableMs: STABLE_MS, scanIntervalMs: 50 }),
    );
    watchers.push(w);
    await w.start();
    await writeFile(join(drop(), 'WW-1_20261122095500.txt'), transferFile(Date.now() - 60_000, 61.5, ['x']));
    await writeFile(join(drop(), 'junk.txt'), 'junk');
    await eventually(async () =>
      expect((await filesIn('processed')).length + (await filesIn('failed')).length).toBe(2),
    );
    const text = await m.metrics();
    expect(text).toContain('hpg_station_files_total{outcome="processed"} 1');
    expect(text).toContain('hpg_station_files_total{outcome="failed"} 1');
    expect(text).toContain('hpg_station_file_lines_total{outcome="accepted"} 5');
    expect(text).toContain('hpg_station_file_lines_total{outcome="refused"} 1');
    expect(text).toContain('hpg_station_file_refusals_total{reason="malformed_line"} 1');
    expect(text).toContain('hpg_station_file_refusals_total{reason="invalid_value"} 1');
  });
});

describe('station drop directory in the all-in-one', () => {
  it('is off by default and configured by HPG_STATION_* variables', () => {
    expect(loadAllInOneConfig({}).stationFiles).toMatchObject({ enabled: false, dropDir: 'var/station-drop' });
    const c = loadAllInOneConfig({
      HPG_STATION_FILES_ENABLED: 'true',
      HPG_STATION_DROP_DIR: '/srv/ftp/stations',
      HPG_STATION_STABLE_MS: '2000',
    });
    expect(c.stationFiles).toMatchObject({ enabled: true, dropDir: '/srv/ftp/stations', stableMs: 2000 });
  });

  it('takes a dropped file into the store behind the API, and stops before the bus drains', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hpg-aio-station-'));
    const app = await startAllInOne(
      AllInOneConfigSchema.parse({
        mqtt: { port: 0 },
        api: { port: 0 },
        store: { path: join(dir, 'store.sqlite') },
        simulator: { enabled: false },
        auth: { enabled: false },
        alerts: { enabled: false },
        log: { level: 'silent' },
        stationFiles: { enabled: true, dropDir: join(dir, 'drop'), stableMs: 100, scanIntervalMs: 50 },
      }),
      createLogger({ name: 't', level: 'silent' }),
    );
    try {
      const at = minute(Date.now() - 10 * 60_000);
      await writeFile(join(dir, 'drop', 'WW-VINH-AM-CCN-01_20261122095500.txt'), transferFile(at));
      await eventually(async () => {
        const res = await fetch(`${app.apiUrl}/api/v1/readings?deviceId=ww-vinh-am-ccn-01`);
        const body = (await res.json()) as { readings: { ts: number; values: Record<string, number> }[] };
        expect(body.readings.map((r) => r.values.cod)).toEqual([61.5]);
      });
      const metricsText = await (await fetch(`${app.apiUrl}/metrics`)).text();
      expect(metricsText).toContain('hpg_station_files_total{outcome="processed"} 1');
    } finally {
      expect(await app.stop()).toBe(true);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
