/**
 * The contract every Store adapter passes (embedded SQLite and InfluxDB alike). It speaks only
 * through the port and uses fixed timestamps, so passing it means keeping the port's promises:
 * idempotent writes by identity with the last write winning, half-open time ranges, the stated
 * orders and filters, and big batches in one call.
 */
import {
  DetectionSchema,
  IndicatorPointSchema,
  type Reading,
  ReadingSchema,
  type Refusal,
  RefusalSchema,
} from '@hpg/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PortError } from '../errors.ts';
import { registerDaysOf } from '../register-days.ts';
import type { DetectionQuery, IndicatorQuery, ReadingQuery, RefusalQuery, Store } from '../store.ts';
import { detection, indicatorPoint, OCT_FROM, OCT_TO, reading, refusal, T0 } from './fixtures.ts';

export interface StoreHarness {
  readonly store: Store;
  readonly cleanup: () => Promise<void>;
}

const SEC = 1_000;
const MIN = 60_000;
const DAY = 86_400_000;
/** A range that holds every fixture below. */
const FROM = T0 - DAY;
const TO = T0 + DAY;

export function describeStoreContract(name: string, open: () => Promise<StoreHarness>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await open());
    });
    afterEach(async () => {
      await cleanup();
    });

    const readings = (q: Partial<ReadingQuery> = {}) =>
      store.queryReadings({ from: FROM, to: TO, limit: 10_000, ...q });
    const detections = (q: Partial<DetectionQuery> = {}) =>
      store.queryDetections({ from: FROM, to: TO, limit: 10_000, ...q });
    const refusals = (q: Partial<RefusalQuery> = {}) =>
      store.queryRefusals({ from: FROM, to: TO, limit: 10_000, ...q });
    const keys = (rs: readonly Reading[]) => rs.map((r) => `${r.measurement}/${r.deviceId}/${r.channel}@${r.ts - T0}`);

    describe('readings', () => {
      it('returns a written reading field for field, valid against the contract schema', async () => {
        const station = reading({
          deviceId: 'ww-rt-01',
          values: { cod: 42.5, ph: 7.12, flow_in: 0, temperature: -1.25 },
          quality: { cod: 'measuring', ph: 'calibrating', flow_in: 'error', temperature: 'measuring' },
          receivedAt: T0 + 1_234,
          source: 'hpg-json/v1',
        });
        const charger = reading({
          measurement: 'ev_status',
          deviceId: 'evc-rt-01',
          siteId: 'cs-rt-01',
          localityId: 'le-chan',
          channel: '2',
          ts: T0 + 17,
          receivedAt: T0 + 99,
          values: { power: 7_200.5 },
          states: { status: 'Charging', sessionId: 'tx-0042' },
          quality: {},
          source: 'ocpp/1.6',
        });
        await store.writeReadings([station, charger]);

        const got = await readings();
        expect(got).toStrictEqual([station, charger]);
        for (const r of got) expect(ReadingSchema.parse(r)).toStrictEqual(r);
      });

      it('keeps one point when the same reading is written twice, in one call or in two', async () => {
        const r = reading({ deviceId: 'ww-dup-01' });
        await store.writeReadings([r, r]);
        await store.writeReadings([r]);
        expect(await readings()).toStrictEqual([r]);
      });

      it('keeps points that differ only in channel or only in measurement apart', async () => {
        const base = reading({ measurement: 'ev_meter', deviceId: 'evc-id-01', channel: '1', ts: T0 });
        const otherChannel = { ...base, channel: '2', values: { power: 1 } };
        const otherMeasurement = { ...base, measurement: 'ev_status' as const, values: { power: 2 } };
        await store.writeReadings([base, otherChannel, otherMeasurement]);

        const got = await readings({ deviceId: 'evc-id-01' });
        expect(got).toHaveLength(3);
        expect(got).toEqual(expect.arrayContaining([base, otherChannel, otherMeasurement]));
      });

      it('replaces a point written again with the same identity (last write wins)', async () => {
        const first = reading({ deviceId: 'ww-lww-01', channel: '', ts: T0 });
        const second = reading({
          deviceId: 'ww-lww-01',
          channel: '',
          ts: T0,
          siteId: 'site-lww-new',
          localityId: 'ngo-quyen',
          receivedAt: T0 + 9 * SEC,
          values: { cod: 50, tss: 12 },
          states: { mode: 'auto' },
          quality: { cod: 'error', tss: 'measuring' },
          source: 'hpg-json/v1-replay',
        });
        await store.writeReadings([first]);
        await store.writeReadings([second]);
        expect(await readings({ deviceId: 'ww-lww-01' })).toStrictEqual([second]);
        // The old placement holds nothing any more: the point moved with its rewrite.
        expect(await readings({ siteId: first.siteId })).toStrictEqual([]);
        expect(await readings({ localityIds: [first.localityId] })).toStrictEqual([]);

        // Within one call, the later record wins too.
        const third = { ...second, values: { cod: 51 } };
        await store.writeReadings([first, third]);
        expect(await readings({ deviceId: 'ww-lww-01' })).toStrictEqual([third]);
      });

      describe('filters', () => {
        const fleet = [
          reading({ measurement: 'wastewater', deviceId: 'ww-a', siteId: 'plant-a', localityId: 'hong-bang', ts: T0 }),
          reading({ measurement: 'meter', deviceId: 'em-a', siteId: 'plant-a', localityId: 'hong-bang', ts: T0 }),
          reading({ measurement: 'solar', deviceId: 'pv-b', siteId: 'roof-b', localityId: 'le-chan', ts: T0 + SEC }),
          reading({ measurement: 'meter', deviceId: 'em-b', siteId: 'roof-b', localityId: 'le-chan', ts: T0 + SEC }),
          reading({ measurement: 'meter', deviceId: 'em-c', siteId: 'roof-c', localityId: 'thuy-nguyen', ts: T0 }),
        ];
        const devicesOf = (rs: readonly Reading[]) => rs.map((r) => r.deviceId).sort();

        beforeEach(async () => {
          await store.writeReadings(fleet);
        });

        it('by device', async () => {
          expect(await readings({ deviceId: 'em-b' })).toStrictEqual([fleet[3]]);
          expect(await readings({ deviceId: 'nobody' })).toStrictEqual([]);
        });

        it('by site', async () => {
          expect(devicesOf(await readings({ siteId: 'plant-a' }))).toEqual(['em-a', 'ww-a']);
          expect(devicesOf(await readings({ siteId: 'roof-c' }))).toEqual(['em-c']);
        });

        it('by a set of localities; an empty set matches nothing', async () => {
          expect(devicesOf(await readings({ localityIds: ['hong-bang', 'thuy-nguyen'] }))).toEqual([
            'em-a',
            'em-c',
            'ww-a',
          ]);
          expect(devicesOf(await readings({ localityIds: ['le-chan'] }))).toEqual(['em-b', 'pv-b']);
          expect(await readings({ localityIds: [] })).toStrictEqual([]);
        });

        it('by measurement, alone and with a scope', async () => {
          expect(devicesOf(await readings({ measurement: 'meter' }))).toEqual(['em-a', 'em-b', 'em-c']);
          expect(devicesOf(await readings({ measurement: 'meter', siteId: 'roof-b' }))).toEqual(['em-b']);
          expect(devicesOf(await readings({ measurement: 'meter', localityIds: ['hong-bang'] }))).toEqual(['em-a']);
          expect(await readings({ measurement: 'solar', deviceId: 'em-b' })).toStrictEqual([]);
        });

        it('with no scope, everything in the time range', async () => {
          expect(devicesOf(await readings())).toEqual(['em-a', 'em-b', 'em-c', 'pv-b', 'ww-a']);
        });
      });

      it('files each point under the placement it was written with (a device that moved)', async () => {
        const before = reading({ deviceId: 'em-mv', siteId: 'old-site', localityId: 'kien-an', ts: T0 });
        const after = reading({ deviceId: 'em-mv', siteId: 'new-site', localityId: 'an-duong', ts: T0 + MIN });
        await store.writeReadings([before, after]);
        expect(await readings({ siteId: 'old-site' })).toStrictEqual([before]);
        expect(await readings({ siteId: 'new-site' })).toStrictEqual([after]);
        expect(await readings({ localityIds: ['an-duong'] })).toStrictEqual([after]);
        expect(await readings({ deviceId: 'em-mv' })).toStrictEqual([before, after]);
      });

      it('uses a half-open time range [from, to)', async () => {
        const at = (ts: number) => reading({ deviceId: 'ww-range', ts });
        await store.writeReadings([at(T0 - 1), at(T0), at(T0 + MIN - 1), at(T0 + MIN)]);
        const got = await readings({ deviceId: 'ww-range', from: T0, to: T0 + MIN });
        expect(got.map((r) => r.ts)).toEqual([T0, T0 + MIN - 1]);
        expect(await readings({ deviceId: 'ww-range', from: T0, to: T0 })).toStrictEqual([]);
      });

      it('orders by time, then device, then channel; desc reverses; limit keeps the head', async () => {
        const r = (deviceId: string, channel: string, ts: number) =>
          reading({ measurement: 'ev_meter', deviceId, channel, ts, siteId: 'cs-order' });
        const written = [r('evc-b', '', T0), r('evc-a', '2', T0), r('evc-c', '', T0 - SEC), r('evc-a', '', T0 + SEC)];
        await store.writeReadings([...written, r('evc-a', '1', T0)]);

        const asc = ['evc-c/@-1000', 'evc-a/1@0', 'evc-a/2@0', 'evc-b/@0', 'evc-a/@1000'].map((k) => `ev_meter/${k}`);
        expect(keys(await readings({ siteId: 'cs-order' }))).toEqual(asc);
        expect(keys(await readings({ siteId: 'cs-order', order: 'asc' }))).toEqual(asc);
        expect(keys(await readings({ siteId: 'cs-order', order: 'desc' }))).toEqual([...asc].reverse());
        expect(keys(await readings({ siteId: 'cs-order', limit: 2 }))).toEqual(asc.slice(0, 2));
        expect(keys(await readings({ siteId: 'cs-order', order: 'desc', limit: 2 }))).toEqual(
          [...asc].reverse().slice(0, 2),
        );
      });

      it('stores a batch of several thousand readings in one call', async () => {
        const devices = Array.from({ length: 10 }, (_, i) => `pv-bulk-${i}`);
        const batch: Reading[] = [];
        for (let i = 0; i < 500; i++) {
          for (const d of devices) {
            batch.push(reading({ measurement: 'solar', deviceId: d, ts: T0 + i * MIN, values: { ac_power: i } }));
          }
        }
        await store.writeReadings(batch);

        const one = await readings({ deviceId: 'pv-bulk-7', to: T0 + 500 * MIN });
        expect(one).toHaveLength(500);
        expect(one.map((r) => r.values.ac_power)).toEqual(Array.from({ length: 500 }, (_, i) => i));
        const everything = await readings({ measurement: 'solar', to: T0 + 500 * MIN });
        expect(everything).toHaveLength(5_000);
        expect(everything.at(-1)).toStrictEqual(batch.at(-1));
      });

      it('treats an empty batch as a no-op', async () => {
        await store.writeReadings([]);
        expect(await readings()).toStrictEqual([]);
      });
    });

    describe('detections', () => {
      it('returns a written detection field for field, valid against the contract schema', async () => {
        const d = detection({ deviceId: 'cam-rt-01', box: [0.5, 1, 640, 480.25], snapshotSha256: 'ab'.repeat(32) });
        const bare = detection({
          deviceId: 'cam-rt-02',
          eventId: 'evt-bare',
          zone: null,
          box: null,
          snapshotUrl: null,
          score: 1,
          startedAt: T0 - MIN,
        });
        await store.writeDetections([d, bare]);

        const got = await detections();
        expect(got).toStrictEqual([d, bare]);
        for (const x of got) expect(DetectionSchema.parse(x)).toStrictEqual(x);
      });

      it('keeps the latest state of an event, one row per (device, event)', async () => {
        const start = detection({ deviceId: 'cam-ev-01', eventId: 'e1', phase: 'start', ts: T0, startedAt: T0 });
        const update = detection({ ...start, phase: 'update', ts: T0 + 5 * SEC, score: 0.91, box: [1, 2, 3, 4] });
        const end = detection({
          ...update,
          phase: 'end',
          ts: T0 + 9 * SEC,
          receivedAt: T0 + 10 * SEC,
          endedAt: T0 + 9 * SEC,
        });
        await store.writeDetections([start]);
        await store.writeDetections([update, update]);
        await store.writeDetections([end]);
        expect(await detections({ deviceId: 'cam-ev-01' })).toStrictEqual([end]);
      });

      it('keeps the same event id on two cameras apart', async () => {
        const a = detection({ deviceId: 'cam-a', eventId: 'shared' });
        const b = detection({ deviceId: 'cam-b', eventId: 'shared', label: 'person' });
        await store.writeDetections([a, b]);
        expect(await detections({ deviceId: 'cam-a' })).toStrictEqual([a]);
        expect(await detections({ deviceId: 'cam-b' })).toStrictEqual([b]);
      });

      it('filters by device, locality and start time [from, to), newest first, with a limit', async () => {
        const d = (eventId: string, deviceId: string, localityId: string, startedAt: number) =>
          detection({ eventId, deviceId, localityId, startedAt, ts: startedAt });
        const all = [
          d('e1', 'cam-1', 'do-son', T0),
          d('e2', 'cam-1', 'do-son', T0 + MIN),
          d('e3', 'cam-2', 'cat-hai', T0 + 2 * MIN),
          d('e4', 'cam-3', 'bach-long-vi', T0 + 3 * MIN),
          d('e0', 'cam-2', 'cat-hai', T0 - 1),
        ];
        await store.writeDetections(all);
        const ids = (ds: readonly { eventId: string }[]) => ds.map((x) => x.eventId);

        expect(ids(await detections())).toEqual(['e4', 'e3', 'e2', 'e1', 'e0']);
        expect(ids(await detections({ from: T0, to: T0 + 3 * MIN }))).toEqual(['e3', 'e2', 'e1']);
        expect(ids(await detections({ deviceId: 'cam-1' }))).toEqual(['e2', 'e1']);
        expect(ids(await detections({ localityIds: ['cat-hai', 'bach-long-vi'] }))).toEqual(['e4', 'e3', 'e0']);
        expect(ids(await detections({ localityIds: [] }))).toEqual([]);
        expect(ids(await detections({ localityIds: ['cat-hai'], from: T0 }))).toEqual(['e3']);
        expect(ids(await detections({ limit: 2 }))).toEqual(['e4', 'e3']);
      });

      it('treats an empty batch as a no-op', async () => {
        await store.writeDetections([]);
        expect(await detections()).toStrictEqual([]);
      });
    });

    describe('refusals', () => {
      it('returns a written refusal field for field, raw bytes included', async () => {
        const binary = Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x22]);
        const r = refusal({
          id: 'ref-rt-1',
          reason: 'invalid_encoding',
          raw: binary.toString('base64'),
          rawSize: 70_000,
          truncated: true,
        });
        const anonymous = refusal({ id: 'ref-rt-2', deviceId: null, publisher: null, receivedAt: T0 + 1 });
        await store.writeRefusals([r, anonymous]);

        const got = await refusals();
        expect(got).toStrictEqual([anonymous, r]);
        for (const x of got) expect(RefusalSchema.parse(x)).toStrictEqual(x);
        expect(Buffer.from(got[1]?.raw ?? '', 'base64')).toEqual(binary);
      });

      it('keeps one refusal per id however often it is written', async () => {
        const r = refusal({ id: 'ref-once' });
        await store.writeRefusals([r, r]);
        await store.writeRefusals([r]);
        expect(await refusals()).toStrictEqual([r]);
        expect(await store.countRefusals(FROM, TO)).toEqual({ [r.reason]: 1 });
      });

      describe('queries and counts', () => {
        const f = (id: string, reason: Refusal['reason'], deviceId: string | null, receivedAt: number) =>
          refusal({ id, reason, deviceId, receivedAt });
        const log = [
          f('r1', 'malformed_json', 'ww-1', T0),
          f('r2', 'unknown_device', 'ghost', T0 + SEC),
          f('r3', 'malformed_json', 'ww-2', T0 + 2 * SEC),
          f('r4', 'out_of_range', 'ww-1', T0 + 3 * SEC),
          f('r5', 'unknown_topic', null, T0 + 4 * SEC),
          f('r0', 'malformed_json', 'ww-1', T0 - 1),
        ];
        const ids = (rs: readonly Refusal[]) => rs.map((x) => x.id);
        beforeEach(async () => {
          await store.writeRefusals(log);
        });

        it('newest first, filtered by reason, device and time [from, to), with a limit', async () => {
          expect(ids(await refusals())).toEqual(['r5', 'r4', 'r3', 'r2', 'r1', 'r0']);
          expect(ids(await refusals({ reason: 'malformed_json' }))).toEqual(['r3', 'r1', 'r0']);
          expect(ids(await refusals({ deviceId: 'ww-1' }))).toEqual(['r4', 'r1', 'r0']);
          expect(ids(await refusals({ deviceId: 'ww-1', reason: 'malformed_json', from: T0 }))).toEqual(['r1']);
          expect(ids(await refusals({ from: T0, to: T0 + 3 * SEC }))).toEqual(['r3', 'r2', 'r1']);
          expect(ids(await refusals({ limit: 2 }))).toEqual(['r5', 'r4']);
        });

        it('counts by reason over [from, to), leaving out reasons with none', async () => {
          expect(await store.countRefusals(T0, T0 + 4 * SEC)).toEqual({
            malformed_json: 2,
            unknown_device: 1,
            out_of_range: 1,
          });
          expect(await store.countRefusals(FROM, TO)).toEqual({
            malformed_json: 3,
            unknown_device: 1,
            out_of_range: 1,
            unknown_topic: 1,
          });
          expect(await store.countRefusals(T0 + DAY, T0 + 2 * DAY)).toEqual({});
        });
      });

      it('treats an empty batch as a no-op', async () => {
        await store.writeRefusals([]);
        expect(await refusals()).toStrictEqual([]);
        expect(await store.countRefusals(FROM, TO)).toEqual({});
      });
    });

    describe('register days', () => {
      const H = 3_600_000;
      const pv = (ts: number, lifetime: number | undefined, power: number, deviceId = 'pv-1') =>
        reading({
          measurement: 'solar',
          deviceId,
          siteId: 'school',
          localityId: 'tan-minh',
          ts,
          values: lifetime === undefined ? { ac_power: power } : { energy_lifetime: lifetime, ac_power: power },
          quality: {},
        });
      const q = {
        deviceId: 'pv-1',
        measurement: 'solar',
        register: 'energy_lifetime',
        activity: 'ac_power',
        from: OCT_FROM,
        days: 3,
        lookbackMs: 2 * DAY,
      };
      /*
       * Day 0 starts at OCT_FROM (1 Oct 00:00 local). Register: 900 the evening before (lookback),
       * 1,000 at 01:00, 1,500 at 12:00 (producing 800 W), 40 at 18:00 (meter replaced), 90 at
       * 23:00; day 1: 300 at 02:00 (+210), a power-only reading at 10:00 (no register); day 2:
       * nothing. Increases: day 0 = 100 + 500 + 50 = 650, reset 1; day 1 = 210; day 2 = 0.
       * Another device's and other days' readings must not count.
       */
      const fixture = [
        pv(OCT_FROM - 5 * H, 900, 0),
        pv(OCT_FROM + H, 1_000, 0),
        pv(OCT_FROM + 12 * H, 1_500, 800),
        pv(OCT_FROM + 18 * H, 40, 0),
        pv(OCT_FROM + 23 * H, 90, 0),
        pv(OCT_FROM + DAY + 2 * H, 300, 0),
        pv(OCT_FROM + DAY + 10 * H, undefined, 1200),
        pv(OCT_FROM + 3 * DAY + H, 5_000, 100),
        pv(OCT_FROM + 12 * H, 99_999, 5_000, 'pv-2'),
      ];

      it('sums increases per day, the step from the lookback included, resets adding nothing', async () => {
        await store.writeReadings(fixture);
        expect(await store.registerDays(q)).toStrictEqual({
          increase: [650, 210, 0],
          resets: [1, 0, 0],
          active: [true, true, false],
          lastActiveAt: OCT_FROM + DAY + 10 * H,
        });
      });

      it('agrees with the reference computation, and is all zeros without readings', async () => {
        await store.writeReadings(fixture);
        const mine = fixture
          .filter((r) => r.deviceId === 'pv-1')
          .map((r) => ({ ts: r.ts, register: r.values.energy_lifetime, activity: r.values.ac_power }));
        expect(await store.registerDays(q)).toStrictEqual(registerDaysOf(mine, q));
        const { activity: _a, ...meterLike } = q;
        expect(await store.registerDays(meterLike)).toStrictEqual({
          increase: [650, 210, 0],
          resets: [1, 0, 0],
          active: [false, false, false],
          lastActiveAt: null,
        });
        expect(await store.registerDays({ ...q, deviceId: 'nobody' })).toStrictEqual({
          increase: [0, 0, 0],
          resets: [0, 0, 0],
          active: [false, false, false],
          lastActiveAt: null,
        });
      });
    });

    describe('indicator points', () => {
      const YEAR_FROM = Date.UTC(2025, 11, 31, 17);
      const YEAR_TO = Date.UTC(2026, 11, 31, 17);
      const points = (q: Partial<IndicatorQuery> = {}) =>
        store.queryIndicators({ from: YEAR_FROM, to: YEAR_TO, limit: 10_000, ...q });
      const day = (d: number, over: Parameters<typeof indicatorPoint>[0] = {}) =>
        indicatorPoint({
          period: 'day',
          label: `2026-10-${String(d).padStart(2, '0')}`,
          from: OCT_FROM + (d - 1) * DAY,
          to: OCT_FROM + d * DAY,
          value: d * 1.5,
          ...over,
        });

      it('returns a written point field for field, null values and targets included', async () => {
        const withTarget = indicatorPoint({
          indicator: 'wastewater.central_wwtp_compliant_pct',
          scopeId: 'hai-phong',
          localityId: 'hai-phong',
          unit: '%',
          value: 87.5,
          target: { value: 100, comparison: 'gte', met: false },
        });
        const empty = indicatorPoint({ indicator: 'ev.connector_availability_pct', value: null, unit: '%' });
        await store.writeIndicators([withTarget, empty]);
        const got = await points();
        expect(got).toStrictEqual([empty, withTarget]);
        for (const p of got) expect(IndicatorPointSchema.parse(p)).toStrictEqual(p);
      });

      it('keeps one point per identity; a recomputation replaces the value, even by null', async () => {
        await store.writeIndicators([indicatorPoint({ value: 10 }), indicatorPoint({ value: 11 })]);
        await store.writeIndicators([indicatorPoint({ value: 12, computedAt: OCT_TO + 120_000 })]);
        expect((await points()).map((p) => [p.value, p.computedAt])).toStrictEqual([[12, OCT_TO + 120_000]]);
        await store.writeIndicators([
          indicatorPoint({ value: null, target: { value: 5, comparison: 'lte', met: null } }),
        ]);
        const [only, ...rest] = await points();
        expect(rest).toStrictEqual([]);
        expect(only?.value).toBeNull();
        expect(only?.target).toStrictEqual({ value: 5, comparison: 'lte', met: null });
      });

      it('filters by indicator, scope, period and window start [from, to), ordered by start', async () => {
        await store.writeIndicators([
          day(3),
          day(1),
          day(2, { scopeId: 'vinh-am', localityId: 'vinh-am' }),
          day(2, { indicator: 'solar.active_installations', unit: '' }),
          indicatorPoint(),
          day(31),
        ]);
        expect((await points({ period: 'day' })).map((p) => `${p.label}/${p.indicator}/${p.scopeId}`)).toStrictEqual([
          '2026-10-01/solar.energy_kwh/tan-minh',
          '2026-10-02/solar.active_installations/tan-minh',
          '2026-10-02/solar.energy_kwh/vinh-am',
          '2026-10-03/solar.energy_kwh/tan-minh',
          '2026-10-31/solar.energy_kwh/tan-minh',
        ]);
        expect((await points({ period: 'month' })).map((p) => p.label)).toStrictEqual(['2026-10']);
        const tm = await points({ scopeIds: ['tan-minh'], indicators: ['solar.energy_kwh'], period: 'day' });
        expect(tm.map((p) => p.value)).toStrictEqual([1.5, 4.5, 46.5]);
        const window = await points({ from: OCT_FROM + DAY, to: OCT_FROM + 3 * DAY, period: 'day' });
        expect(window.map((p) => p.label)).toStrictEqual(['2026-10-02', '2026-10-02', '2026-10-03']);
        expect(await points({ scopeIds: [] })).toStrictEqual([]);
        expect(await points({ period: 'day', limit: 2 })).toHaveLength(2);
      });

      it('treats an empty batch as a no-op', async () => {
        await store.writeIndicators([]);
        expect(await points()).toStrictEqual([]);
      });
    });

    describe('lifecycle', () => {
      it('reports healthy while open', async () => {
        const h = await store.health();
        expect(h.ok).toBe(true);
        expect(typeof h.detail).toBe('string');
      });

      it('closes idempotently; afterwards reads and writes reject with a PortError', async () => {
        await store.close();
        await store.close();
        await expect(store.writeReadings([reading()])).rejects.toBeInstanceOf(PortError);
        await expect(store.writeDetections([detection()])).rejects.toBeInstanceOf(PortError);
        await expect(store.writeRefusals([refusal()])).rejects.toBeInstanceOf(PortError);
        await expect(readings()).rejects.toBeInstanceOf(PortError);
        await expect(detections()).rejects.toBeInstanceOf(PortError);
        await expect(refusals()).rejects.toBeInstanceOf(PortError);
        await expect(store.countRefusals(FROM, TO)).rejects.toBeInstanceOf(PortError);
        // A probe may answer "not ok" or refuse; it must not claim a closed store is healthy.
        const h = await store.health().catch((err: unknown) => {
          expect(err).toBeInstanceOf(PortError);
          return { ok: false };
        });
        expect(h.ok).toBe(false);
      });
    });
  });
}
