/**
 * End to end, as a device fleet and an officer would see it: the all-in-one process on ephemeral
 * ports, real MQTT clients publishing valid, duplicate and invalid messages of every device kind,
 * and the HTTP API finding every valid reading stored exactly once and every invalid one refused
 * with its reason.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { type AllInOne, AllInOneConfigSchema, startAllInOne } from '@hpg/all-in-one';
import { type DeviceMessageKind, deviceTopic, type RefusalReason } from '@hpg/contracts';
import { createLogger } from '@hpg/platform';
import { eventually } from '@hpg/ports/testing';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVICES, PASSWORD, writeFleetRegistry } from './fleet-fixture.ts';

interface Publication {
  readonly device: string;
  readonly topic: string;
  readonly payload: string | Buffer;
  /** The refusal reason expected, or undefined for a valid message. */
  readonly refused?: RefusalReason;
}

const START = Date.now();
const BASE = START - 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const minutes = (n: number) => BASE + n * 60_000;

function msg(device: string, kind: DeviceMessageKind, body: object, refused?: RefusalReason): Publication {
  return {
    device,
    topic: deviceTopic(device, kind),
    payload: JSON.stringify({ v: 1, deviceId: device, ...body }),
    ...(refused !== undefined && { refused }),
  };
}

const station = (ts: number, cod = 60) => ({
  ts: iso(ts),
  metrics: {
    flow_out: { value: 55.5, unit: 'm3/h', status: 'measuring' },
    ph: { value: 7.1, unit: 'pH', status: 'measuring' },
    cod: { value: cod, unit: 'mg/L', status: 'measuring' },
    tss: { value: 30, unit: 'mg/L', status: 'measuring' },
    nh4: { value: 4.2, unit: 'mg/L', status: 'calibrating' },
    temperature: { value: 29.5, unit: '°C', status: 'measuring' },
  },
});

function validMessages(): Publication[] {
  const out: Publication[] = [];
  for (let i = 0; i < 20; i++) out.push(msg(DEVICES.ww, 'sample', station(minutes(i * 3), 50 + i)));
  for (let i = 0; i < 20; i++) {
    out.push(
      msg(DEVICES.pv, 'telemetry', {
        ts: iso(minutes(i)),
        state: 'mppt',
        metrics: { ac_power: { value: 2.5 + i / 10, unit: 'kW' }, energy_lifetime: { value: 1000 + i, unit: 'kWh' } },
      }),
    );
  }
  for (let i = 0; i < 10; i++) {
    out.push(
      msg(DEVICES.mt, 'meter', {
        ts: iso(minutes(i * 5)),
        metrics: { energy_import: { value: 5000 + i * 3, unit: 'kWh' }, power: { value: 36, unit: 'kW' } },
      }),
    );
  }
  out.push(msg(DEVICES.ch, 'connector-status', { ts: iso(minutes(1)), connectorId: 1, status: 'Preparing' }));
  out.push(msg(DEVICES.ch, 'connector-status', { ts: iso(minutes(2)), connectorId: 1, status: 'Charging' }));
  out.push(msg(DEVICES.ch, 'connector-status', { ts: iso(minutes(2)), connectorId: 2, status: 'Faulted' }));
  out.push(
    msg(DEVICES.ch, 'session', {
      ts: iso(minutes(2)),
      connectorId: 1,
      sessionId: 'tx-1',
      event: 'start',
      meter: { value: 100_000, unit: 'Wh' },
    }),
  );
  for (let i = 0; i < 5; i++) {
    out.push(
      msg(DEVICES.ch, 'meter-values', {
        ts: iso(minutes(3 + i)),
        connectorId: 1,
        sessionId: 'tx-1',
        metrics: { energy_register: { value: 100 + i * 0.5, unit: 'kWh' }, power: { value: 7.2, unit: 'kW' } },
      }),
    );
  }
  out.push(
    msg(DEVICES.ch, 'session', {
      ts: iso(minutes(9)),
      connectorId: 1,
      sessionId: 'tx-1',
      event: 'stop',
      meter: { value: 102.5, unit: 'kWh' },
    }),
  );
  const detection = (eventId: string, phase: string, ts: number) => ({
    ts: iso(ts),
    eventId,
    phase,
    label: 'waste',
    score: 0.91,
    zone: 'bank',
    box: [10, 10, 200, 180],
    snapshot: { url: `http://nvr.local/api/events/${eventId}/snapshot.jpg` },
    startedAt: iso(minutes(10)),
    ...(phase === 'end' && { endedAt: iso(ts) }),
  });
  out.push(msg(DEVICES.cam, 'detection', detection('evt-1', 'start', minutes(10))));
  out.push(msg(DEVICES.cam, 'detection', detection('evt-1', 'end', minutes(12))));
  out.push(msg(DEVICES.cam, 'detection', detection('evt-2', 'start', minutes(30))));
  return out;
}

function invalidMessages(): Publication[] {
  const ww = DEVICES.ww;
  const bad = (body: object, refused: RefusalReason) => msg(ww, 'sample', body, refused);
  const ok = station(minutes(1));
  return [
    { device: ww, topic: deviceTopic(ww, 'sample'), payload: '{"v":1,"deviceId":', refused: 'malformed_json' },
    bad({ ...ok, metrics: { cod: { value: '61', unit: 'mg/L', status: 'measuring' } } }, 'invalid_type'),
    bad({ metrics: ok.metrics }, 'missing_field'),
    {
      device: ww,
      topic: deviceTopic(ww, 'sample'),
      payload: `{"v":1,"deviceId":"${ww}","ts":"${ok.ts}","metrics":{"cod":{"value":1e999,"unit":"mg/L","status":"measuring"}}}`,
      refused: 'non_finite_number',
    },
    bad({ ...ok, metrics: { flow_in: { value: -3, unit: 'm3/h', status: 'measuring' } } }, 'out_of_range'),
    bad({ ...ok, metrics: { ph: { value: 15, unit: 'pH', status: 'measuring' } } }, 'out_of_range'),
    {
      device: ww,
      topic: deviceTopic(ww, 'sample'),
      payload: Buffer.alloc(70 * 1024, 0x7b),
      refused: 'payload_too_large',
    },
    bad({ ...ok, ts: iso(Date.now() + 10 * 60_000) }, 'timestamp_in_future'),
    bad({ ...ok, v: 2 }, 'unsupported_version'),
    {
      device: ww,
      topic: deviceTopic(ww, 'sample'),
      payload: Buffer.from([0x7b, 0xc3, 0x28, 0x7d]),
      refused: 'invalid_encoding',
    },
    { ...msg('ww-e2e-404', 'sample', ok, 'unknown_device'), device: ww },
    bad({ ...ok, deviceId: DEVICES.pv }, 'device_mismatch'),
    { device: ww, topic: `hpg/v1/devices/${ww}/bogus`, payload: JSON.stringify({ v: 1 }), refused: 'unknown_topic' },
    // A device publishing under another device's id.
    { ...msg(ww, 'sample', ok, 'not_authorised'), device: DEVICES.pv },
  ];
}

/** Valid and invalid interleaved, and the first valid ones of each device sent twice. */
function schedule(): Publication[] {
  const valid = validMessages();
  const invalid = invalidMessages();
  const out: Publication[] = [];
  const step = Math.ceil(valid.length / invalid.length);
  valid.forEach((v, i) => {
    out.push(v);
    if (i % step === 0 && invalid.length > 0) out.push(invalid.shift() as Publication);
  });
  out.push(...invalid);
  out.push(...valid.filter((_, i) => i % 7 === 0)); // duplicates
  return out;
}

describe('all-in-one, end to end', () => {
  let app: AllInOne;
  let dir: string;
  const clients = new Map<string, MqttClient>();
  let authFailure: unknown;
  const sent = schedule();

  const get = async (path: string) => {
    const res = await fetch(`${app.apiUrl}${path}`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    const fleet = await writeFleetRegistry();
    dir = fleet.dir;
    const config = AllInOneConfigSchema.parse({
      registryFile: fleet.file,
      mqtt: { port: 0 },
      api: { port: 0 },
      store: { path: join(dir, 'store.sqlite') },
      simulator: { enabled: false },
      auth: { enabled: false },
      alerts: { enabled: false },
      indicators: { tickMs: 200, settleMs: 100, liveEveryMs: 0 },
      log: { level: 'silent' },
    });
    app = await startAllInOne(config, createLogger({ name: 'e2e', level: 'silent' }));
    for (const id of Object.values(DEVICES)) {
      clients.set(
        id,
        await mqtt.connectAsync(app.mqttUrl, {
          username: id,
          password: PASSWORD(id),
          clientId: `e2e-${id}`,
          reconnectPeriod: 0,
        }),
      );
    }
    authFailure = await mqtt
      .connectAsync(app.mqttUrl, {
        username: DEVICES.ww,
        password: 'wrong',
        clientId: 'e2e-intruder',
        reconnectPeriod: 0,
      })
      .then(
        (c) => c.endAsync(),
        (err: unknown) => err,
      );
    // Every device's messages in order, devices in parallel, each PUBLISH acknowledged (QoS 1).
    await Promise.all(
      [...clients.entries()].map(async ([id, client]) => {
        for (const p of sent.filter((s) => s.device === id)) await client.publishAsync(p.topic, p.payload, { qos: 1 });
      }),
    );
  });

  afterAll(async () => {
    await Promise.all([...clients.values()].map((c) => c.endAsync()));
    await app?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  const range = () => `from=${BASE - 60_000}&to=${Date.now() + 60_000}&limit=10000`;

  it('stores every valid reading exactly once, whatever the duplicates', async () => {
    const valid = validMessages().filter((p) => !p.topic.endsWith('/detection'));
    const expected = new Map<string, number>();
    for (const p of valid) expected.set(p.device, (expected.get(p.device) ?? 0) + 1);
    for (const [device, count] of expected) {
      await eventually(async () => {
        const { body } = await get(`/api/v1/readings?deviceId=${device}&${range()}`);
        expect(body.count, device).toBe(count);
      });
    }
    const { body } = await get(`/api/v1/readings?deviceId=${DEVICES.ww}&${range()}`);
    const readings = body.readings as { ts: number; values: Record<string, number>; quality: Record<string, string> }[];
    expect(new Set(readings.map((r) => r.ts)).size).toBe(readings.length);
    expect(readings[0]?.values).toMatchObject({ cod: 50, ph: 7.1, flow_out: 55.5 });
    expect(readings[0]?.quality.nh4).toBe('calibrating');
  });

  it('stores values in canonical units', async () => {
    const { body } = await get(`/api/v1/readings?deviceId=${DEVICES.pv}&${range()}&order=asc`);
    const first = (body.readings as { values: Record<string, number> }[])[0];
    expect(first?.values).toMatchObject({ ac_power: 2500, energy_lifetime: 1_000_000 });
    expect((body.units as Record<string, Record<string, string>>).solar?.ac_power).toBe('W');
  });

  it('answers by locality, the city including its wards and communes', async () => {
    const tanMinh = await get(`/api/v1/readings?localityId=tan-minh&${range()}`);
    const devices = new Set((tanMinh.body.readings as { deviceId: string }[]).map((r) => r.deviceId));
    expect([...devices].sort()).toEqual([DEVICES.ch, DEVICES.mt, DEVICES.pv].sort());
    const city = await get(`/api/v1/readings?localityId=hai-phong&${range()}`);
    const all = validMessages().filter((p) => !p.topic.endsWith('/detection')).length;
    expect(city.body.count).toBe(all);
    expect((await get(`/api/v1/readings?localityId=atlantis&${range()}`)).status).toBe(404);
  });

  it('keeps one detection per camera event, in its latest state', async () => {
    await eventually(async () => {
      const { body } = await get(`/api/v1/detections?localityId=vinh-am&${range()}`);
      expect(body.count).toBe(2);
    });
    const { body } = await get(`/api/v1/detections?deviceId=${DEVICES.cam}&${range()}`);
    const evt1 = (body.detections as { eventId: string; phase: string; endedAt: number | null }[]).find(
      (d) => d.eventId === 'evt-1',
    );
    expect(evt1).toMatchObject({ phase: 'end', endedAt: minutes(12) });
  });

  it('refuses every invalid message with its reason, and a wrong password at login', async () => {
    expect(authFailure).toBeInstanceOf(Error);
    const expected: Partial<Record<RefusalReason, number>> = { auth_failed: 1 };
    for (const p of sent) if (p.refused !== undefined) expected[p.refused] = (expected[p.refused] ?? 0) + 1;
    await eventually(async () => {
      const { body } = await get(`/api/v1/refusals/summary?from=${START - 60_000}`);
      const got = Object.fromEntries(
        (body.byReason as { reason: string; count: number }[]).map((r) => [r.reason, r.count]),
      );
      expect(got).toEqual(expected);
    });
    const big = await get(`/api/v1/refusals?reason=payload_too_large&from=${START - 60_000}`);
    expect((big.body.refusals as { truncated: boolean; rawSize: number }[])[0]).toMatchObject({
      truncated: true,
      rawSize: 70 * 1024,
    });
    const bad = await get(`/api/v1/refusals?reason=malformed_json&from=${START - 60_000}`);
    const raw = (bad.body.refusals as { raw: string }[])[0]?.raw ?? '';
    expect(Buffer.from(raw, 'base64').toString()).toBe('{"v":1,"deviceId":');
  });

  it('keeps running and healthy after the bad input, and counts refusals in /metrics', async () => {
    const late = msg(DEVICES.mt, 'meter', {
      ts: iso(Date.now() - 1000),
      metrics: { energy_import: { value: 9999, unit: 'kWh' } },
    });
    await clients.get(DEVICES.mt)?.publishAsync(late.topic, late.payload as string, { qos: 1 });
    await eventually(async () => {
      const { body } = await get(`/api/v1/readings?deviceId=${DEVICES.mt}&${range()}`);
      expect(body.count).toBe(11);
    });
    const health = await get('/healthz');
    expect(health.status).toBe(200);
    const metrics = await (await fetch(`${app.apiUrl}/metrics`)).text();
    expect(metrics).toMatch(/hpg_ingest_refusals_total\{reason="out_of_range"\} 2/);
    expect(metrics).toMatch(/hpg_ingest_messages_total\{outcome="reading"\}/);
  });

  it('computes the indicators as data arrives: the stored points agree with the on-demand report', async () => {
    // The month (in Hai Phong) the test's readings fall in.
    const local = new Date(BASE + 7 * 3_600_000);
    const month = `${local.getUTCFullYear()}-${String(local.getUTCMonth() + 1).padStart(2, '0')}`;
    const report = await get(`/api/v1/indicators/solar?month=${month}&localityId=tan-minh`);
    expect(report.status).toBe(200);
    const energyKwh = (report.body.indicators as { energyKwh: number }).energyKwh;
    await eventually(async () => {
      const { body } = await get(
        `/api/v1/indicators/points?indicator=solar.energy_kwh&scopeId=tan-minh&period=month&from=0&to=${Date.now() + 86_400_000 * 31}`,
      );
      // The previous month is there too (recomputed at start, for late data).
      const points = (body.points as { label: string; value: number }[]).filter((p) => p.label === month);
      expect(points).toHaveLength(1);
      // Computed after every reading was stored (the report above saw them all).
      expect(points[0]?.value).toBeCloseTo(energyKwh, 9);
    }, 20_000);
  });

  it('rejects a malformed API query with the reason', async () => {
    const r = await get('/api/v1/readings?from=yesterday');
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toContain('from');
  });
});
