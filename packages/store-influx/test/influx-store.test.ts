/**
 * The InfluxDB store against a real influxd 1.x (Debian's 1.6), started for this file: the
 * shared Store contract, then what only this adapter has to show.
 */
import type { Reading } from '@hpg/contracts';
import { PortError } from '@hpg/ports';
import { describeStoreContract, detection, reading, refusal, T0 } from '@hpg/ports/testing';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createHttpTransport, type HttpRequest } from '../src/http-request.ts';
import { type InfluxStore, type InfluxStoreOptions, openInfluxStore } from '../src/index.ts';
import { type Influxd, influxdEngine, influxql, startInfluxd, writeRaw } from './influxd-harness.ts';

const engine = influxdEngine();
const FROM = T0 - 86_400_000;
const TO = T0 + 86_400_000;

engine.describe('influx store on InfluxDB 1.x', () => {
  let server: Influxd;
  let n = 0;
  const dropAfter: { store: InfluxStore; database: string }[] = [];

  beforeAll(async () => {
    if (engine.bin === undefined) throw new Error('unreachable: the suite is skipped without influxd');
    server = await startInfluxd(engine.bin);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  /** A store on a database of its own, created now and dropped by `drop`. */
  const open = async (options: Partial<InfluxStoreOptions> = {}) => {
    const database = `hpg_test_${process.pid}_${++n}`;
    const store = await openInfluxStore({
      url: server.url,
      database,
      createDatabase: true,
      retry: { attempts: 2, baseMs: 10, maxMs: 50 },
      ...options,
    });
    const drop = async () => {
      await store.close();
      await influxql(server.url, `DROP DATABASE "${database}"`);
    };
    return { store, database, drop };
  };

  describeStoreContract('influx-v1', async () => {
    const { store, drop } = await open();
    return { store, cleanup: drop };
  });

  engine.describe('adapter', () => {
    afterEach(async () => {
      for (const { store, database } of dropAfter.splice(0)) {
        await store.close();
        await influxql(server.url, `DROP DATABASE "${database}"`);
      }
    });
    const fresh = async (options: Partial<InfluxStoreOptions> = {}) => {
      const { store, database } = await open(options);
      dropAfter.push({ store, database });
      return { store, database };
    };
    const all = (store: InfluxStore) => store.queryReadings({ from: FROM, to: TO, limit: 100_000 });

    it('carries nasty strings through line protocol and InfluxQL unchanged', async () => {
      const { store } = await fresh();
      const nasty = 'a,b c=d "q" \'s\' back\\slash é 水 \t tab';
      const r = reading({
        measurement: 'ev_status',
        deviceId: "dev'ice\\x",
        siteId: nasty,
        localityId: "o'neil\\\\",
        channel: 'ch, 1=\\x',
        values: { 'p w=r,x y': 1.5, 'back\\slash': -0.25, 'quo"te': 1e-7, big: 1.5e21 },
        quality: { 'p w=r,x y': 'measuring' },
        states: { 'st ate,=': 'multi\nline\r\n"quoted" \\ end\\', '': 'empty key', empty: '' },
        source: 'src "x"\\',
      });
      await store.writeReadings([r]);
      expect(await all(store)).toStrictEqual([r]);
      // InfluxQL literals with quotes and backslashes select the same values.
      expect(await store.queryReadings({ from: FROM, to: TO, limit: 10, deviceId: r.deviceId })).toStrictEqual([r]);
      expect(await store.queryReadings({ from: FROM, to: TO, limit: 10, siteId: nasty })).toStrictEqual([r]);
      expect(
        await store.queryReadings({ from: FROM, to: TO, limit: 10, localityIds: ['x', r.localityId] }),
      ).toStrictEqual([r]);

      const d = detection({
        eventId: 'evt "1", = \\x',
        label: 'a\nb',
        zone: 'z "q"',
        snapshotUrl: 'http://x/?a=1&b=2',
      });
      await store.writeDetections([d]);
      expect(await store.queryDetections({ from: FROM, to: TO, limit: 10 })).toStrictEqual([d]);

      const f = refusal({
        id: 'ref \'x\' "y"',
        detail: 'line1\nline2 "q" \\',
        topic: 'hpg/v1/dev ices/x,y',
        deviceId: "ww'x",
      });
      await store.writeRefusals([f]);
      expect(await store.queryRefusals({ from: FROM, to: TO, limit: 10, deviceId: "ww'x" })).toStrictEqual([f]);
    });

    it('rejects what line protocol cannot carry, before writing anything', async () => {
      const { store } = await fresh();
      const good = reading({ deviceId: 'ww-good' });
      for (const bad of [
        reading({ channel: 'line\nbreak' }),
        reading({ channel: 'ends with \\' }),
        reading({ channel: 'slash\\ space' }),
        reading({ values: { s_temp: 1 } }),
        reading({ values: { cod_q: 1 } }),
        reading({ values: { received_at: 1 } }),
        reading({ values: { cod: Number.NaN } }),
        reading({ ts: T0 + 0.5 }),
      ]) {
        const err = await store.writeReadings([good, bad]).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(PortError);
        expect(err).toMatchObject({ code: 'store_rejected', canRetry: false });
        expect((err as Error).message).toContain('record 1 of 2');
      }
      expect(await all(store)).toStrictEqual([]);
    });

    it('rejects a field type conflict (HTTP 400) without retrying, with the server message', async () => {
      const { store, database } = await fresh();
      // `cod` becomes a string field in the shard that holds T0; the adapter writes it as a float.
      await writeRaw(server.url, database, `wastewater,device=ww-other cod="text" ${T0}`);
      const err = await store.writeReadings([reading({ ts: T0 + 1 })]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PortError);
      expect(err).toMatchObject({ code: 'store_rejected', canRetry: false });
      expect((err as Error).message).toMatch(/HTTP 400.*field type conflict/);
    });

    it('keeps one point for a reading written twice, in the engine itself', async () => {
      const { store, database } = await fresh();
      const r = reading({ channel: '3' });
      await store.writeReadings([r, r]);
      await store.writeReadings([r]);
      expect(await influxql(server.url, 'SELECT count("received_at") FROM "wastewater"', database)).toEqual([[0, 1]]);
      expect(await influxql(server.url, 'SHOW SERIES', database)).toEqual([['wastewater,channel=3,device=ww-test-01']]);
    });

    it('hides the fields an older write of the same point left behind', async () => {
      const { store, database } = await fresh();
      const first = reading({ values: { cod: 1, ph: 7 }, states: { mode: 'auto' }, quality: { cod: 'error' } });
      const second = reading({ values: { cod: 2 }, states: {}, quality: {} });
      await store.writeReadings([first]);
      await store.writeReadings([second]);
      // The engine still has ph, s_mode and cod_q on the point; the record does not.
      const [row] = await influxql(server.url, 'SELECT "ph", "s_mode", "cod_q" FROM "wastewater"', database);
      expect(row?.slice(1)).toEqual([7, 'auto', 'error']);
      expect(await all(store)).toStrictEqual([second]);
    });

    it('clears a nullable detection field on rewrite', async () => {
      const { store } = await fresh();
      const first = detection({ zone: 'dock', box: [1, 2, 3, 4], endedAt: T0 + 5 });
      const second = { ...first, zone: null, box: null, endedAt: null };
      await store.writeDetections([first]);
      await store.writeDetections([second]);
      expect(await store.queryDetections({ from: FROM, to: TO, limit: 10 })).toStrictEqual([second]);
    });

    it('keeps refusals of the same millisecond apart, and a replay on its own point', async () => {
      const { store, database } = await fresh();
      const rs = Array.from({ length: 50 }, (_, i) => refusal({ id: `same-ms-${i}`, receivedAt: T0 }));
      await store.writeRefusals(rs);
      await store.writeRefusals(rs.slice(0, 10));
      expect(await influxql(server.url, 'SELECT count("id") FROM "refusals"', database)).toEqual([[0, 50]]);
      const got = await store.queryRefusals({ from: T0, to: T0 + 1, limit: 100 });
      expect(got).toHaveLength(50);
      expect(got.every((r) => r.receivedAt === T0)).toBe(true);
      // Newest first, then by id descending, as the port orders; a limit inside the millisecond
      // keeps the head of that order, whatever order the engine holds them in.
      const byId = [...rs].sort((a, b) => (a.id < b.id ? 1 : -1));
      expect(got).toStrictEqual(byId);
      expect(await store.queryRefusals({ from: FROM, to: TO, limit: 7 })).toStrictEqual(byId.slice(0, 7));
      expect(await store.countRefusals(T0, T0 + 1)).toEqual({ malformed_json: 50 });
    });

    it('cuts a limit inside a millisecond of many series at the right rows, both ways', async () => {
      const { store } = await fresh();
      const rs: Reading[] = [];
      for (const measurement of ['meter', 'solar'] as const) {
        for (let d = 0; d < 20; d++) {
          rs.push(
            reading({ measurement, deviceId: `dev-${String(d).padStart(2, '0')}`, ts: T0, values: { power: d } }),
          );
          rs.push(
            reading({ measurement, deviceId: `dev-${String(d).padStart(2, '0')}`, ts: T0 + 1, values: { power: d } }),
          );
        }
      }
      await store.writeReadings(rs);
      const key = (r: Reading) => `${r.ts - T0}/${r.deviceId}/${r.measurement}`;
      const asc = rs.map(key).sort((a, b) => (a < b ? -1 : 1));
      for (const limit of [1, 5, 39, 40, 41, 79, 80, 200]) {
        const up = await store.queryReadings({ from: FROM, to: TO, limit });
        expect(up.map(key)).toEqual(asc.slice(0, limit));
        const down = await store.queryReadings({ from: FROM, to: TO, limit, order: 'desc' });
        expect(down.map(key)).toEqual([...asc].reverse().slice(0, limit));
      }
    });

    it('sends at most batchSize lines per request and resolves after the last', async () => {
      const bodies: string[] = [];
      const transport = createHttpTransport();
      const counting: HttpRequest = async (url, init) => {
        if (url.includes('/write?')) bodies.push(String(init.body));
        return transport.request(url, init);
      };
      const { store } = await fresh({ batchSize: 7 });
      const spy = await openInfluxStore(
        { url: server.url, database: store.database, batchSize: 7 },
        { request: counting },
      );
      const rs = Array.from({ length: 30 }, (_, i) => reading({ ts: T0 + i }));
      await spy.writeReadings(rs);
      await spy.close();
      transport.close();
      expect(bodies.map((b) => b.split('\n').length)).toEqual([7, 7, 7, 7, 2]);
      expect(await all(store)).toStrictEqual(rs);
    });

    it('writes to and reads from the retention policy it is given', async () => {
      const { store, database } = await fresh();
      await influxql(server.url, `CREATE RETENTION POLICY "keep" ON "${database}" DURATION INF REPLICATION 1`);
      const rp = await openInfluxStore({ url: server.url, database, retentionPolicy: 'keep' });
      const r = reading();
      await rp.writeReadings([r]);
      await rp.writeRefusals([refusal()]);
      expect(await rp.queryReadings({ from: FROM, to: TO, limit: 10 })).toStrictEqual([r]);
      expect(await rp.countRefusals(FROM, TO)).toEqual({ malformed_json: 1 });
      expect(await all(store)).toStrictEqual([]);
      await rp.close();
    });

    it('reports an unhealthy store when its database is missing or the server is gone', async () => {
      const missing = await openInfluxStore({ url: server.url, database: 'hpg_never_created' });
      const h = await missing.health();
      expect(h).toMatchObject({ ok: false });
      expect(h.detail).toContain('no database hpg_never_created');
      // A write to a missing database is not the records' fault: retryable, not dead-lettered.
      await expect(missing.writeReadings([reading()])).rejects.toMatchObject({
        code: 'store_unavailable',
        canRetry: true,
      });
      await missing.close();

      const { store } = await fresh();
      expect((await store.health()).detail).toMatch(/^InfluxDB 1\.\d+\.\d+.* database hpg_test_/);
    });
  });
});
