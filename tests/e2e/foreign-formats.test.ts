/**
 * End to end, the devices' own languages: the all-in-one process on ephemeral ports with a
 * registry whose devices carry foreign bindings; real MQTT clients publish as a Frigate NVR, an
 * ONVIF camera, an OpenDTU, a Tasmota meter and a SunSpec bridge would; the HTTP API finds the
 * normalised readings and detections in canonical units and UTC times, and the wrong ones refused.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AllInOne, AllInOneConfigSchema, startAllInOne } from '@hpg/all-in-one';
import { createLogger } from '@hpg/platform';
import { eventually } from '@hpg/ports/testing';
import { hashPassword } from '@hpg/registry';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const COST = { n: 1024, r: 8, p: 1 };
const PASSWORD = (id: string) => `pw-${id}-foreign`;
const NVR = 'cam-kenh-dong';
const DEVICES = {
  nvr: NVR,
  camWest: 'cam-kenh-tay',
  onvif: 'cam-axis-01',
  dtu: 'pv-dtu-01',
  sunspec: 'pv-sunspec-01',
  tasmota: 'mt-tasmota-01',
  plain: 'mt-plain-01',
} as const;

const NOW_S = Math.floor(Date.now() / 1000);
const START = Date.now();
const NVR_URL = 'http://nvr.vinh-am.local:5000';

async function writeRegistry(dir: string): Promise<string> {
  const cred = async (id: string) => [await hashPassword(PASSWORD(id), COST)];
  const loc = { lat: 20.86, lon: 106.68 };
  const device = async (id: string, siteId: string, kind: string, external?: object) => ({
    id,
    siteId,
    kind,
    intervalSeconds: 300,
    credentials: await cred(id),
    ...(external !== undefined && { external }),
  });
  const data = {
    version: 1,
    localities: [
      { id: 'hai-phong', kind: 'city', name: 'Thành phố Hải Phòng', nameEn: 'Hai Phong City', parentId: null },
      { id: 'vinh-am', kind: 'commune', name: 'Xã Vĩnh Am', nameEn: 'Vinh Am Commune', parentId: 'hai-phong' },
    ],
    sites: [
      { id: 'kenh', localityId: 'vinh-am', name: 'Bờ kênh', location: loc, kind: 'camera_spot', zones: ['bank'] },
      { id: 'truong', localityId: 'vinh-am', name: 'Trường THCS Vĩnh Am', location: loc, kind: 'building' },
      { id: 'cho', localityId: 'vinh-am', name: 'Chợ Vĩnh Am', location: loc, kind: 'facility' },
    ],
    devices: [
      await device(DEVICES.nvr, 'kenh', 'camera', { frigate: { camera: 'kenh_dong', baseUrl: NVR_URL } }),
      await device(DEVICES.camWest, 'kenh', 'camera', { frigate: { camera: 'kenh_tay', publishedBy: NVR } }),
      await device(DEVICES.onvif, 'kenh', 'camera', { onvif: { id: 'axis-01' } }),
      await device(DEVICES.dtu, 'truong', 'solar_inverter', { opendtu: { serial: '114190641177' } }),
      await device(DEVICES.sunspec, 'truong', 'solar_inverter', { sunspec: { id: 'roof-103' } }),
      await device(DEVICES.tasmota, 'cho', 'energy_meter', { tasmota: { topic: 'cho_pow' } }),
      await device(DEVICES.plain, 'cho', 'energy_meter'),
    ],
  };
  const file = join(dir, 'registry.json');
  writeFileSync(file, JSON.stringify(data, null, 2));
  return file;
}

const frigateObject = (over: object) => ({
  id: `${NOW_S - 120}.482113-k3v9qa`,
  camera: 'kenh_dong',
  frame_time: NOW_S - 60.25,
  snapshot: {
    frame_time: NOW_S - 61,
    box: [410, 480, 530, 700],
    area: 12728,
    region: [260, 446, 660, 846],
    score: 0.81,
  },
  label: 'waste',
  sub_label: null,
  top_score: 0.88,
  false_positive: false,
  start_time: NOW_S - 120.5,
  end_time: null,
  score: 0.83,
  box: [424, 500, 536, 712],
  area: 23744,
  ratio: 2.11,
  region: [264, 450, 667, 853],
  active: false,
  stationary: true,
  motionless_count: 300,
  position_changes: 1,
  current_zones: ['bank'],
  entered_zones: ['road', 'bank'],
  has_clip: true,
  has_snapshot: true,
  attributes: {},
  current_attributes: [],
  pending_loitering: false,
  max_severity: 'alert',
  ...over,
});

/** Local wall-clock time in Hai Phong (UTC+7), as Tasmota prints it: no offset. */
const haiPhongLocal = (ms: number) => new Date(ms + 7 * 3_600_000).toISOString().slice(0, 19);

describe('all-in-one, foreign device formats end to end', () => {
  let app: AllInOne;
  let dir: string;
  const clients = new Map<string, MqttClient>();
  const tasmotaAt = (NOW_S - 300) * 1000;
  const lastUpdate = NOW_S - 30;

  const get = async (path: string) => {
    const res = await fetch(`${app.apiUrl}${path}`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const range = () => `from=${START - 3_600_000}&to=${Date.now() + 60_000}&limit=1000`;
  const publish = (device: string, topic: string, payload: string | object, retain = false) =>
    clients
      .get(device)
      ?.publishAsync(topic, typeof payload === 'string' ? payload : JSON.stringify(payload), { qos: 1, retain });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hpg-e2e-foreign-'));
    const config = AllInOneConfigSchema.parse({
      registryFile: await writeRegistry(dir),
      mqtt: { port: 0 },
      api: { port: 0 },
      store: { path: join(dir, 'store.sqlite') },
      simulator: { enabled: false },
      auth: { enabled: false },
      alerts: { enabled: false },
      log: { level: 'silent' },
      ingest: { formats: { frigate: { labels: ['waste'] } } },
    });
    app = await startAllInOne(config, createLogger({ name: 'e2e-foreign', level: 'silent' }));
    for (const id of [DEVICES.nvr, DEVICES.onvif, DEVICES.dtu, DEVICES.sunspec, DEVICES.tasmota, DEVICES.plain]) {
      clients.set(
        id,
        await mqtt.connectAsync(app.mqttUrl, {
          username: id,
          password: PASSWORD(id),
          clientId: `e2e-foreign-${id}`,
          reconnectPeriod: 0,
        }),
      );
    }

    // Frigate: one NVR login for both cameras; a 0.16-shaped object through new → update → end.
    await publish(NVR, 'frigate/available', 'online', true);
    const obj = frigateObject({});
    await publish(NVR, 'frigate/events', { type: 'new', before: obj, after: obj });
    const updated = frigateObject({ frame_time: NOW_S - 40, top_score: 0.91 });
    await publish(NVR, 'frigate/events', { type: 'update', before: obj, after: updated });
    const ended = frigateObject({ frame_time: NOW_S - 20, top_score: 0.91, end_time: NOW_S - 20.5 });
    await publish(NVR, 'frigate/events', { type: 'end', before: updated, after: ended });
    const west = frigateObject({ id: `${NOW_S - 90}.1-w1`, camera: 'kenh_tay', entered_zones: ['bank'] });
    await publish(NVR, 'frigate/events', { type: 'new', before: west, after: west });
    const person = frigateObject({ id: `${NOW_S - 80}.2-p1`, label: 'person' });
    await publish(NVR, 'frigate/events', { type: 'new', before: person, after: person });
    await publish(NVR, 'frigate/reviews', {
      type: 'new',
      before: {},
      after: { id: 'r1', camera: 'kenh_dong', severity: 'alert', data: { detections: [obj.id] } },
    });
    const stranger = frigateObject({ id: 'x-1', camera: 'garage' });
    await publish(NVR, 'frigate/events', { type: 'new', before: stranger, after: stranger });

    // ONVIF camera: an abandoned object.
    await publish(DEVICES.onvif, 'onvif/axis-01/onvif-ej/RuleEngine/ObjectAbandoned', {
      UtcTime: new Date((NOW_S - 45) * 1000).toISOString(),
      Source: { VideoSource: 'VideoSource_1', AnalyticsConfiguration: 'VA_1', Rule: 'bank' },
      Data: { ObjectId: '42' },
    });

    // OpenDTU: last_update first, then the retained values of that round.
    const dtu = (t: string, v: string) => publish(DEVICES.dtu, `solar/114190641177/${t}`, v, true);
    await dtu('status/reachable', '1');
    await dtu('status/last_update', String(lastUpdate));
    await dtu('0/power', '312.4');
    await dtu('0/yieldday', '1520');
    await dtu('0/yieldtotal', '13.338');
    await dtu('0/temperature', '41.2');
    await dtu('1/power', '160.2');

    // Tasmota: local time, kWh total.
    await publish(DEVICES.tasmota, 'tele/cho_pow/LWT', 'Online', true);
    await publish(DEVICES.tasmota, 'tele/cho_pow/SENSOR', {
      Time: haiPhongLocal(tasmotaAt),
      ENERGY: {
        TotalStartTime: '2025-03-01T08:12:44',
        Total: 1234.567,
        Today: 4.21,
        Period: 42,
        Power: 520,
        Voltage: 229,
      },
    });
    // A meter not bound to that topic cannot publish for it.
    await publish(DEVICES.plain, 'tele/cho_pow/SENSOR', {
      Time: haiPhongLocal(tasmotaAt + 300_000),
      ENERGY: { Total: 1, Power: 1 },
    });

    // SunSpec bridge: model 103 with negative scale factors.
    await publish(DEVICES.sunspec, 'sunspec/roof-103/103', {
      ts: new Date((NOW_S - 90) * 1000).toISOString(),
      points: {
        ID: 103,
        W: 2874,
        W_SF: 0,
        WH: 15230444,
        WH_SF: 0,
        DCV: 4102,
        DCV_SF: -1,
        TmpCab: 412,
        Tmp_SF: -1,
        St: 4,
      },
    });
  });

  afterAll(async () => {
    await Promise.all([...clients.values()].map((c) => c.endAsync()));
    await app?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('stores Frigate events as detections in their latest state, with zone and snapshot link', async () => {
    await eventually(async () => {
      const { body } = await get(`/api/v1/detections?localityId=vinh-am&${range()}`);
      // kenh_dong's waste event, kenh_tay's (published by the NVR's login) and the ONVIF one.
      expect(body.count).toBe(3);
    });
    const { body } = await get(`/api/v1/detections?deviceId=${NVR}&${range()}`);
    const [d] = body.detections as Record<string, unknown>[];
    expect(d).toMatchObject({
      eventId: `${NOW_S - 120}.482113-k3v9qa`,
      phase: 'end',
      label: 'waste',
      score: 0.91,
      zone: 'bank',
      ts: (NOW_S - 20) * 1000,
      startedAt: (NOW_S - 120.5) * 1000,
      endedAt: (NOW_S - 20.5) * 1000,
      snapshotUrl: `${NVR_URL}/api/events/${NOW_S - 120}.482113-k3v9qa/snapshot.jpg`,
      source: 'frigate',
    });
    const west = await get(`/api/v1/detections?deviceId=${DEVICES.camWest}&${range()}`);
    expect(west.body.count).toBe(1);
  });

  it('stores the ONVIF abandoned object as a detection at its UTC time', async () => {
    await eventually(async () => {
      const { body } = await get(`/api/v1/detections?deviceId=${DEVICES.onvif}&${range()}`);
      expect(body.detections).toEqual([
        expect.objectContaining({
          eventId: `42@${(NOW_S - 45) * 1000}`,
          label: 'abandoned_object',
          zone: 'bank',
          ts: (NOW_S - 45) * 1000,
          source: 'onvif-ej',
        }),
      ]);
    });
  });

  it('stores OpenDTU values as one point at last_update, in W and Wh', async () => {
    await eventually(async () => {
      const { body } = await get(`/api/v1/readings?deviceId=${DEVICES.dtu}&${range()}`);
      const readings = body.readings as { channel: string; ts: number; values: Record<string, number> }[];
      expect(readings.map((r) => [r.channel, r.ts, r.values])).toEqual([
        ['', lastUpdate * 1000, { ac_power: 312.4, energy_today: 1520, energy_lifetime: 13_338, temperature: 41.2 }],
        ['dc1', lastUpdate * 1000, { dc_power: 160.2 }],
      ]);
      expect((body.units as Record<string, Record<string, string>>).solar?.energy_lifetime).toBe('Wh');
    });
  });

  it('stores the Tasmota SENSOR as a meter reading, its local Time turned to UTC', async () => {
    await eventually(async () => {
      const { body } = await get(`/api/v1/readings?deviceId=${DEVICES.tasmota}&${range()}`);
      expect(body.readings).toEqual([
        expect.objectContaining({
          measurement: 'meter',
          ts: tasmotaAt,
          values: { energy_import: 1_234_567, power: 520 },
          source: 'tasmota',
        }),
      ]);
    });
  });

  it('stores the SunSpec model 103 read scaled, with the inverter state', async () => {
    await eventually(async () => {
      const { body } = await get(`/api/v1/readings?deviceId=${DEVICES.sunspec}&${range()}`);
      expect(body.readings).toEqual([
        expect.objectContaining({
          ts: (NOW_S - 90) * 1000,
          values: { ac_power: 2874, energy_lifetime: 15_230_444, dc_voltage: 410.2, temperature: 41.2 },
          states: { state: 'mppt' },
          source: 'sunspec/103',
        }),
      ]);
    });
  });

  it('refuses an unknown camera and a login publishing for a device it is not bound to', async () => {
    await eventually(async () => {
      const { body } = await get(`/api/v1/refusals/summary?from=${START - 60_000}`);
      const got = Object.fromEntries(
        (body.byReason as { reason: string; count: number }[]).map((r) => [r.reason, r.count]),
      );
      expect(got).toEqual({ unknown_device: 1, not_authorised: 1 });
    });
    const { body } = await get(`/api/v1/refusals?reason=not_authorised&from=${START - 60_000}`);
    expect((body.refusals as Record<string, unknown>[])[0]).toMatchObject({
      deviceId: DEVICES.tasmota,
      publisher: DEVICES.plain,
      topic: 'tele/cho_pow/SENSOR',
    });
  });

  it('counts what it ignores: availability, reviews, labels not of interest, status', async () => {
    await eventually(async () => {
      const metrics = await (await fetch(`${app.apiUrl}/metrics`)).text();
      expect(metrics).toContain('hpg_ingest_ignored_total{format="frigate",why="availability"} 1');
      expect(metrics).toContain('hpg_ingest_ignored_total{format="frigate",why="review"} 1');
      expect(metrics).toContain('hpg_ingest_ignored_total{format="frigate",why="label_not_of_interest"} 1');
      expect(metrics).toContain('hpg_ingest_ignored_total{format="opendtu",why="status"} 2');
      expect(metrics).toContain('hpg_ingest_ignored_total{format="tasmota",why="availability"} 1');
    });
  });
});
