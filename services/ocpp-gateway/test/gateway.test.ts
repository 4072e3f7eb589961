import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryBus } from '@hpg/bus-memory';
import { formatLocal, type Reading, ReadingSchema, type Refusal, RefusalSchema } from '@hpg/contracts';
import { createLogger, Registry as MetricsRegistry } from '@hpg/platform';
import { hashPassword, Registry } from '@hpg/registry';
import { RPCClient } from 'ocpp-rpc';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type OcppGateway, OcppGatewayConfigSchema, startOcppGateway } from '../src/index.ts';

const PASSWORD = 'charger-secret-1';
let registry: Registry;

beforeAll(async () => {
  const cred = await hashPassword(PASSWORD, { n: 1024, r: 8, p: 1 });
  registry = Registry.from({
    version: 1,
    localities: [{ id: 'hai-phong', kind: 'city', name: 'Thành phố Hải Phòng', nameEn: 'Hai Phong', parentId: null }],
    sites: [
      {
        id: 'cs1',
        localityId: 'hai-phong',
        name: 'CS1',
        location: { lat: 20.8, lon: 106.7 },
        kind: 'charging_station',
      },
      { id: 'f1', localityId: 'hai-phong', name: 'F1', location: { lat: 20.8, lon: 106.7 }, kind: 'facility' },
    ],
    devices: [
      { id: 'ev1', siteId: 'cs1', kind: 'ev_charger', intervalSeconds: 60, credentials: [cred] },
      { id: 'ev2', siteId: 'cs1', kind: 'ev_charger', intervalSeconds: 60, credentials: [cred] },
      { id: 'ev-off', siteId: 'cs1', kind: 'ev_charger', intervalSeconds: 60, credentials: [cred], enabled: false },
      { id: 'm1', siteId: 'f1', kind: 'energy_meter', intervalSeconds: 60, credentials: [cred] },
    ],
  });
});

/** Whole seconds a minute ago, so a +07:00 text round-trips to the same UTC ms. */
const base = Math.floor((Date.now() - 60_000) / 1000) * 1000;
const local = (ms: number) => formatLocal('Asia/Ho_Chi_Minh', ms);

interface Harness {
  bus: MemoryBus;
  readings: Reading[];
  refusals: Refusal[];
  metrics: MetricsRegistry;
  start(stateFile?: string): Promise<OcppGateway>;
  client(identity: string, protocol: 'ocpp1.6' | 'ocpp2.0.1', password?: string): RPCClient;
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function harness(): Promise<Harness> {
  const bus = new MemoryBus();
  cleanups.push(() => bus.close());
  const readings: Reading[] = [];
  const refusals: Refusal[] = [];
  await bus.subscribe('readings', { group: 't' }, async (b) => {
    for (const r of b) readings.push(ReadingSchema.parse(r));
  });
  await bus.subscribe('refusals', { group: 't' }, async (b) => {
    for (const r of b) refusals.push(RefusalSchema.parse(r));
  });
  const logger = createLogger({ name: 'ocpp-test', level: 'silent' });
  let gw: OcppGateway | undefined;
  const metrics = new MetricsRegistry();
  return {
    bus,
    readings,
    refusals,
    metrics,
    async start(stateFile) {
      // A fresh metrics registry per gateway instance (metrics register once per registry).
      const m = gw === undefined ? metrics : new MetricsRegistry();
      gw = await startOcppGateway(
        { bus, registry: () => registry, logger, metrics: m, ...(stateFile === undefined ? {} : { stateFile }) },
        { host: '127.0.0.1', port: 0, protocols: ['ocpp1.6', 'ocpp2.0.1'], heartbeatIntervalSeconds: 120 },
      );
      const g = gw;
      cleanups.push(() => g.close());
      return g;
    },
    client(identity, protocol, password = PASSWORD) {
      if (gw === undefined) throw new Error('start the gateway first');
      const c = new RPCClient({
        endpoint: `${gw.url}/ocpp`,
        identity,
        password,
        protocols: [protocol],
        reconnect: false,
        // The package's typings mark every option as required; the library defaults the rest.
      } as ConstructorParameters<typeof RPCClient>[0]);
      cleanups.push(() => c.close({ force: true }));
      return c;
    },
  };
}

async function waitFor<T>(what: () => T | undefined | false, ms = 3000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = what();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const common = { v: 1, deviceId: 'ev1', siteId: 'cs1', localityId: 'hai-phong', quality: {}, source: 'ocpp-j' };
const strip = (r: Reading) => {
  const { receivedAt: _r, ...rest } = r;
  return rest;
};

describe('ocpp gateway: connection', () => {
  it('refuses unknown chargers, wrong passwords, other device kinds and disabled chargers at the handshake', async () => {
    const h = await harness();
    await h.start();
    const codeOf = async (c: RPCClient) => {
      try {
        await c.connect();
        return 'connected';
      } catch (err) {
        return (err as { code?: number }).code;
      }
    };
    expect(await codeOf(h.client('nobody', 'ocpp1.6'))).toBe(404);
    expect(await codeOf(h.client('m1', 'ocpp1.6'))).toBe(404);
    expect(await codeOf(h.client('ev-off', 'ocpp1.6'))).toBe(404);
    expect(await codeOf(h.client('ev1', 'ocpp1.6', 'wrong-password'))).toBe(401);
    const ok = h.client('ev1', 'ocpp1.6');
    expect(await codeOf(ok)).toBe('connected');
    expect(ok.protocol).toBe('ocpp1.6');
    await waitFor(() => h.refusals.length >= 4);
    expect(h.refusals.map((r) => r.reason)).toEqual(['auth_failed', 'auth_failed', 'auth_failed', 'auth_failed']);
    const text = await h.metrics.metrics();
    expect(text).toContain('hpg_ocpp_connected_chargers 1');
  });
});

describe('ocpp gateway: OCPP 1.6', () => {
  it('runs a full session: boot, status, authorize, start, meter values, stop', async () => {
    const h = await harness();
    await h.start();
    const c = h.client('ev1', 'ocpp1.6');
    await c.connect();

    const boot = (await c.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' })) as Record<
      string,
      unknown
    >;
    expect(boot.status).toBe('Accepted');
    expect(boot.interval).toBe(120);
    expect(Math.abs(Date.parse(String(boot.currentTime)) - Date.now())).toBeLessThan(5000);
    const hb = (await c.call('Heartbeat', {})) as { currentTime: string };
    expect(typeof hb.currentTime).toBe('string');

    expect(
      await c.call('StatusNotification', {
        connectorId: 1,
        errorCode: 'NoError',
        status: 'Preparing',
        timestamp: local(base),
      }),
    ).toEqual({});
    expect(await c.call('Authorize', { idTag: 'TAG1' })).toEqual({ idTagInfo: { status: 'Accepted' } });
    const start = (await c.call('StartTransaction', {
      connectorId: 1,
      idTag: 'TAG1',
      meterStart: 1000,
      timestamp: local(base + 1000),
    })) as { transactionId: number; idTagInfo: { status: string } };
    expect(start.idTagInfo.status).toBe('Accepted');
    expect(start.transactionId).toBe(1);
    const tx = start.transactionId;
    const mv = (at: number, energy: string, unit: string | undefined, power: string) => ({
      connectorId: 1,
      transactionId: tx,
      meterValue: [
        {
          timestamp: local(at),
          sampledValue: [
            { value: energy, measurand: 'Energy.Active.Import.Register', ...(unit ? { unit } : {}) },
            { value: power, measurand: 'Power.Active.Import', unit: 'W' },
            { value: '230.1', measurand: 'Voltage', unit: 'V', phase: 'L1-N' },
            { value: '55', measurand: 'SoC', unit: 'Percent' },
          ],
        },
      ],
    });
    expect(await c.call('MeterValues', mv(base + 10_000, '1500', undefined, '7000'))).toEqual({});
    expect(await c.call('MeterValues', mv(base + 20_000, '2.25', 'kWh', '7100.5'))).toEqual({});
    expect(await c.call('MeterValues', mv(base + 30_000, '3000', 'Wh', '0'))).toEqual({});
    expect(
      await c.call('StopTransaction', {
        transactionId: tx,
        meterStop: 3100,
        timestamp: local(base + 31_000),
        reason: 'EVDisconnected',
      }),
    ).toEqual({ idTagInfo: { status: 'Accepted' } });
    await c.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });

    await waitFor(() => h.readings.length >= 7);
    const rs = h.readings;
    expect(rs.slice(0, 6).map(strip)).toEqual([
      {
        ...common,
        measurement: 'ev_status',
        channel: '1',
        ts: base,
        values: {},
        states: { status: 'Preparing', errorCode: 'NoError' },
      },
      {
        ...common,
        measurement: 'ev_session',
        channel: '1',
        ts: base + 1000,
        values: { energy_register: 1000 },
        states: { event: 'start', sessionId: '1' },
      },
      {
        ...common,
        measurement: 'ev_meter',
        channel: '1',
        ts: base + 10_000,
        values: { energy_register: 1500, power: 7000, soc: 55 },
        states: { sessionId: '1' },
      },
      {
        ...common,
        measurement: 'ev_meter',
        channel: '1',
        ts: base + 20_000,
        values: { energy_register: 2250, power: 7100.5, soc: 55 },
        states: { sessionId: '1' },
      },
      {
        ...common,
        measurement: 'ev_meter',
        channel: '1',
        ts: base + 30_000,
        values: { energy_register: 3000, power: 0, soc: 55 },
        states: { sessionId: '1' },
      },
      {
        ...common,
        measurement: 'ev_session',
        channel: '1',
        ts: base + 31_000,
        values: { energy_register: 3100 },
        states: { event: 'stop', sessionId: '1', reason: 'EVDisconnected' },
      },
    ]);
    // No timestamp: the receive time.
    const last = rs[6] as Reading;
    expect(last.measurement).toBe('ev_status');
    expect(last.states).toEqual({ status: 'Available', errorCode: 'NoError' });
    expect(last.ts).toBe(last.receivedAt);
    expect(h.refusals).toEqual([]);
    const text = await h.metrics.metrics();
    expect(text).toContain('hpg_ocpp_calls_total{action="MeterValues"} 3');
  });

  it('answers malformed MeterValues with a FormationViolation, records a refusal and keeps serving', async () => {
    const h = await harness();
    await h.start();
    const c = h.client('ev1', 'ocpp1.6');
    await c.connect();
    const err = await c
      .call('MeterValues', {
        connectorId: 1,
        meterValue: [
          { timestamp: local(base), sampledValue: [{ value: 'abc', measurand: 'Energy.Active.Import.Register' }] },
        ],
      })
      .then(
        () => undefined,
        (e: unknown) => e as { rpcErrorCode: string },
      );
    expect(err?.rpcErrorCode).toBe('FormationViolation');
    const refusal = await waitFor(() => h.refusals[0]);
    expect(refusal.reason).toBe('invalid_value');
    expect(refusal.deviceId).toBe('ev1');
    expect(refusal.topic).toBe('ocpp:ev1/MeterValues');
    expect(refusal.detail).toContain('"abc"');
    expect(JSON.parse(Buffer.from(refusal.raw, 'base64').toString()).meterValue[0].sampledValue[0].value).toBe('abc');

    // Other malformations: an exponent is not a strict decimal, a missing field, a bad timestamp.
    for (const bad of [
      { connectorId: 1, meterValue: [{ timestamp: local(base), sampledValue: [{ value: '1e3' }] }] },
      { connectorId: 1 },
      { connectorId: 1, meterValue: [{ timestamp: 'yesterday', sampledValue: [{ value: '1' }] }] },
    ]) {
      await expect(c.call('MeterValues', bad)).rejects.toMatchObject({ rpcErrorCode: 'FormationViolation' });
    }
    // A future timestamp is refused but answered.
    expect(
      await c.call('MeterValues', {
        connectorId: 1,
        meterValue: [{ timestamp: local(Date.now() + 3_600_000), sampledValue: [{ value: '5' }] }],
      }),
    ).toEqual({});
    await waitFor(() => h.refusals.length >= 5);
    expect(h.refusals.map((r) => r.reason)).toEqual([
      'invalid_value',
      'invalid_value',
      'missing_field',
      'timestamp_invalid',
      'timestamp_in_future',
    ]);

    // Still serving.
    expect(
      await c.call('MeterValues', {
        connectorId: 2,
        meterValue: [{ timestamp: local(base), sampledValue: [{ value: '42.5', unit: 'kWh' }] }],
      }),
    ).toEqual({});
    const r = await waitFor(() => h.readings[0]);
    expect(strip(r)).toEqual({
      ...common,
      measurement: 'ev_meter',
      channel: '2',
      ts: base,
      values: { energy_register: 42_500 },
      states: {},
    });
  });
});

describe('ocpp gateway: OCPP 2.0.1', () => {
  it('runs a session with TransactionEvent Started/Updated/Ended', async () => {
    const h = await harness();
    await h.start();
    const c = h.client('ev1', 'ocpp2.0.1');
    await c.connect();
    expect(c.protocol).toBe('ocpp2.0.1');
    const boot = (await c.call('BootNotification', {
      reason: 'PowerUp',
      chargingStation: { model: 'M', vendorName: 'V' },
    })) as Record<string, unknown>;
    expect(boot.status).toBe('Accepted');
    expect(boot.interval).toBe(120);
    expect(
      await c.call('StatusNotification', {
        timestamp: local(base),
        connectorStatus: 'Occupied',
        evseId: 1,
        connectorId: 1,
      }),
    ).toEqual({});
    expect(await c.call('Authorize', { idToken: { idToken: 'TAG9', type: 'ISO14443' } })).toEqual({
      idTokenInfo: { status: 'Accepted' },
    });
    const energy = (at: number, value: number, unit?: { unit?: string; multiplier?: number }) => ({
      timestamp: local(at),
      sampledValue: [{ value, measurand: 'Energy.Active.Import.Register', ...(unit ? { unitOfMeasure: unit } : {}) }],
    });
    const ev = (eventType: string, seqNo: number, at: number, extra: Record<string, unknown>) => ({
      eventType,
      timestamp: local(at),
      triggerReason: 'Authorized',
      seqNo,
      transactionInfo: { transactionId: 'tx-201-a', ...(extra.info as object) },
      ...extra,
    });
    expect(
      await c.call(
        'TransactionEvent',
        ev('Started', 0, base + 1000, {
          evse: { id: 1, connectorId: 1 },
          idToken: { idToken: 'TAG9', type: 'ISO14443' },
          meterValue: [energy(base + 1000, 5000)],
        }),
      ),
    ).toEqual({});
    expect(
      await c.call(
        'TransactionEvent',
        ev('Updated', 1, base + 10_000, {
          meterValue: [
            {
              timestamp: local(base + 10_000),
              sampledValue: [
                { value: 5.5, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'kWh' } },
                { value: 7.2, measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'W', multiplier: 3 } },
                { value: 40, measurand: 'SoC', unitOfMeasure: { unit: 'Percent' } },
              ],
            },
          ],
        }),
      ),
    ).toEqual({});
    expect(await c.call('MeterValues', { evseId: 1, meterValue: [energy(base + 15_000, 6000)] })).toEqual({});
    expect(
      await c.call(
        'TransactionEvent',
        ev('Ended', 2, base + 20_000, {
          info: { stoppedReason: 'EVDisconnected' },
          meterValue: [energy(base + 20_000, 6.5, { unit: 'kWh' })],
        }),
      ),
    ).toEqual({});
    await waitFor(() => h.readings.length >= 7);
    expect(h.readings.map(strip)).toEqual([
      { ...common, measurement: 'ev_status', channel: '1', ts: base, values: {}, states: { status: 'Occupied' } },
      {
        ...common,
        measurement: 'ev_meter',
        channel: '1',
        ts: base + 1000,
        values: { energy_register: 5000 },
        states: { sessionId: 'tx-201-a' },
      },
      {
        ...common,
        measurement: 'ev_session',
        channel: '1',
        ts: base + 1000,
        values: { energy_register: 5000 },
        states: { event: 'start', sessionId: 'tx-201-a' },
      },
      {
        ...common,
        measurement: 'ev_meter',
        channel: '1',
        ts: base + 10_000,
        values: { energy_register: 5500, power: 7200, soc: 40 },
        states: { sessionId: 'tx-201-a' },
      },
      {
        ...common,
        measurement: 'ev_meter',
        channel: '1',
        ts: base + 15_000,
        values: { energy_register: 6000 },
        states: {},
      },
      {
        ...common,
        measurement: 'ev_meter',
        channel: '1',
        ts: base + 20_000,
        values: { energy_register: 6500 },
        states: { sessionId: 'tx-201-a' },
      },
      {
        ...common,
        measurement: 'ev_session',
        channel: '1',
        ts: base + 20_000,
        values: { energy_register: 6500 },
        states: { event: 'stop', sessionId: 'tx-201-a', reason: 'EVDisconnected' },
      },
    ]);
    expect(h.readings).toHaveLength(7);
    // 2.0.1 spelling for malformed payloads.
    await expect(
      c.call('MeterValues', { evseId: 1, meterValue: [{ timestamp: 'x', sampledValue: [{ value: '1' }] }] }),
    ).rejects.toMatchObject({
      rpcErrorCode: 'FormatViolation',
    });
  });
});

describe('ocpp gateway: restart', () => {
  it('keeps open transactions and the transaction counter across a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ocpp-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const stateFile = join(dir, 'state', 'ocpp.json');
    const h = await harness();
    const gw1 = await h.start(stateFile);
    const c1 = h.client('ev1', 'ocpp1.6');
    await c1.connect();
    const s1 = (await c1.call('StartTransaction', {
      connectorId: 2,
      idTag: 'TAG1',
      meterStart: 100,
      timestamp: local(base),
    })) as { transactionId: number };
    expect(s1.transactionId).toBe(1);
    const saved = JSON.parse(await readFile(stateFile, 'utf8'));
    expect(saved.nextTransactionId).toBe(2);
    expect(saved.transactions['1']).toMatchObject({ deviceId: 'ev1', connectorId: 2, meterStart: 100 });
    expect(JSON.stringify(saved)).not.toContain('TAG1');
    await c1.close({ force: true });
    await gw1.close();

    await h.start(stateFile);
    const c2 = h.client('ev1', 'ocpp1.6');
    await c2.connect();
    expect(
      await c2.call('StopTransaction', {
        transactionId: 1,
        meterStop: 900,
        timestamp: local(base + 5000),
        reason: 'Local',
      }),
    ).toEqual({ idTagInfo: { status: 'Accepted' } });
    const c3 = h.client('ev2', 'ocpp1.6');
    await c3.connect();
    const s2 = (await c3.call('StartTransaction', {
      connectorId: 1,
      idTag: 'TAG2',
      meterStart: 0,
      timestamp: local(base + 6000),
    })) as { transactionId: number };
    expect(s2.transactionId).toBe(2);
    await waitFor(() => h.readings.length >= 3);
    const stop = h.readings.find((r) => r.measurement === 'ev_session' && r.states.event === 'stop');
    expect(stop && strip(stop)).toEqual({
      ...common,
      measurement: 'ev_session',
      channel: '2',
      ts: base + 5000,
      values: { energy_register: 900 },
      states: { event: 'stop', sessionId: '1', reason: 'Local' },
    });
    const after = JSON.parse(await readFile(stateFile, 'utf8'));
    expect(Object.keys(after.transactions)).toEqual(['2']);
    expect(after.nextTransactionId).toBe(3);
  });
});

describe('ocpp gateway: other calls and config', () => {
  it('acknowledges notifications, answers unknown actions with NotImplemented', async () => {
    const h = await harness();
    await h.start();
    const c = h.client('ev1', 'ocpp1.6');
    await c.connect();
    expect(await c.call('FirmwareStatusNotification', { status: 'Idle' })).toEqual({});
    expect(await c.call('DataTransfer', { vendorId: 'x' })).toEqual({ status: 'UnknownVendorId' });
    await expect(c.call('MadeUpAction', {})).rejects.toMatchObject({ rpcErrorCode: 'NotImplemented' });
    const text = await h.metrics.metrics();
    expect(text).toContain('hpg_ocpp_calls_total{action="other"} 1');
    expect(h.readings).toEqual([]);
  });

  it('has defaults for every setting', () => {
    expect(OcppGatewayConfigSchema.parse({})).toEqual({
      host: '0.0.0.0',
      port: 9220,
      protocols: ['ocpp1.6', 'ocpp2.0.1'],
      heartbeatIntervalSeconds: 300,
      maxFutureSkewSeconds: 300,
      stateFile: 'data/ocpp-state.json',
    });
  });
});
