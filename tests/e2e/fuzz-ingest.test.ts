/**
 * Fuzzing end to end (issue #8, item 5): the all-in-one process on ephemeral ports, real MQTT
 * clients logged in as registered devices publishing thousands of fuzzed payloads of every MQTT
 * format (our JSON API, station files, Frigate, ONVIF, OpenDTU, Tasmota, SunSpec) at QoS 1,
 * interleaved with valid messages, and a charger sending fuzzed OCPP-J frames of both versions
 * over the gateway's socket. Through the HTTP API afterwards: the process is alive and healthy,
 * every valid message is stored exactly once, and every fuzzed message is accounted for — stored,
 * refused with its reason (the refusal summary matches what was sent) or counted as ignored.
 *
 * What each message must become is worked out beforehand by running the decoder router over the
 * same messages in this process (the oracle); this test checks that the broker, ingest, the bus,
 * the writer and the store lose nothing, duplicate nothing and keep running. Messages whose
 * outcome depends on the exact receive time (a timestamp at the edge of the accepted window) are
 * left out, as are fuzzed messages that would land on a valid message's identity.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AllInOne, AllInOneConfigSchema, startAllInOne } from '@hpg/all-in-one';
import type { Detection, Reading } from '@hpg/contracts';
import { createLogger } from '@hpg/platform';
import { hashPassword, Registry } from '@hpg/registry';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The decoders are not a dependency of this package: the oracle imports them by path.
import {
  createDecoderState,
  type DecodeLimits,
  decodeMessage,
  type RawMessage,
  type Routed,
} from '../../packages/decoders/src/index.ts';
import { FRAME_ID, type FuzzCase, type FuzzSeed, generateCases } from '../../packages/decoders/test/fuzz/generator.ts';
import { readingProblems } from '../../packages/decoders/test/fuzz/invariants.ts';
import { type FrameRun, type OcppProtocol, sendFrames } from '../../packages/decoders/test/fuzz/ocpp-frames.ts';
import { Prng } from '../../packages/decoders/test/fuzz/prng.ts';
import {
  frigateSamples,
  nativeSamples,
  ocpp16Frames,
  ocpp201Frames,
  onvifSamples,
  openDtuSamples,
  SAMPLE_IDS,
  stationSamples,
  sunSpecSamples,
  tasmotaSamples,
} from '../../packages/decoders/test/fuzz/samples.ts';

const SEED = /^\d+$/.test(process.env.HPG_FUZZ_SEED ?? '') ? Number(process.env.HPG_FUZZ_SEED) : 20_261_122;
/** Fuzzed MQTT messages per format, and OCPP frames per version. */
const PER_FORMAT = 600;
const OCPP_FRAMES = 500;
const COST = { n: 1024, r: 8, p: 1 };
const PASSWORD = (id: string) => `pw-${id}-fuzz`;
const CHARGER = 'ch-ocpp';
const START = Date.now();
const LATE = new Set(['timestamp_in_future', 'timestamp_too_old']);

/** The decoder tests' device ids (fuzz/samples.ts), each bound as the samples expect. */
async function writeRegistry(dir: string): Promise<{ file: string; data: object }> {
  const loc = { lat: 20.86, lon: 106.68 };
  const device = async (id: string, siteId: string, kind: string, external?: object) => ({
    id,
    siteId,
    kind,
    intervalSeconds: 300,
    credentials: [await hashPassword(PASSWORD(id), COST)],
    ...(external !== undefined && { external }),
  });
  const I = SAMPLE_IDS;
  const data = {
    version: 1,
    localities: [
      { id: 'hai-phong', kind: 'city', name: 'Thành phố Hải Phòng', nameEn: 'Hai Phong City', parentId: null },
      { id: 'vinh-am', kind: 'commune', name: 'Xã Vĩnh Am', nameEn: 'Vinh Am Commune', parentId: 'hai-phong' },
    ],
    sites: [
      {
        id: 'wwtp-1',
        localityId: 'vinh-am',
        name: 'Trạm XLNT',
        location: loc,
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
      { id: 'bank', localityId: 'vinh-am', name: 'Bờ kênh', location: loc, kind: 'camera_spot', zones: ['riverbank'] },
      { id: 'school', localityId: 'vinh-am', name: 'Trường', location: loc, kind: 'building' },
      { id: 'market', localityId: 'vinh-am', name: 'Chợ', location: loc, kind: 'facility' },
      { id: 'evs', localityId: 'vinh-am', name: 'Trạm sạc', location: loc, kind: 'charging_station' },
    ],
    devices: [
      await device(I.station, 'wwtp-1', 'wastewater_station'),
      // No Frigate baseUrl: nothing to fetch snapshots from in a test.
      await device(I.camera, 'bank', 'camera', { frigate: { camera: I.frigateCamera } }),
      await device(I.frigateWestDevice, 'bank', 'camera', {
        frigate: { camera: I.frigateCameraWest, zones: ['dock'], publishedBy: I.camera },
      }),
      await device(I.onvifDevice, 'bank', 'camera', { onvif: { id: I.onvifId } }),
      await device(I.dtuDevice, 'school', 'solar_inverter', { opendtu: { serial: I.dtuSerial } }),
      await device(I.sunspec103Device, 'school', 'solar_inverter', { sunspec: { id: I.sunspec103 } }),
      await device(I.sunspec701Device, 'school', 'solar_inverter', { sunspec: { id: I.sunspec701 } }),
      await device(I.tasmotaDevice, 'market', 'energy_meter', { tasmota: { topic: I.tasmotaTopic } }),
      await device(I.tasmotaMultiDevice, 'market', 'energy_meter', {
        tasmota: { topic: I.tasmotaMultiTopic, channel: 1 },
      }),
      await device('mt-2b', 'market', 'energy_meter', {
        tasmota: { topic: I.tasmotaMultiTopic, channel: 2, publishedBy: I.tasmotaMultiDevice },
      }),
      await device(I.charger, 'evs', 'ev_charger'),
      await device(CHARGER, 'evs', 'ev_charger'),
    ],
  };
  const file = join(dir, 'registry.json');
  writeFileSync(file, JSON.stringify(data, null, 2));
  return { file, data };
}

interface Message {
  readonly publisher: string;
  readonly topic: string;
  readonly payload: Buffer;
  /** A valid message (it must be stored), or a fuzzed one (it must be accounted for). */
  readonly valid: boolean;
  readonly name: string;
}

/** Valid messages at times of their own (the fuzz samples are at `now`). */
function validMessages(now: number): Message[] {
  const out: Message[] = [];
  for (let k = 1; k <= 8; k++) {
    const at = now - k * 61_000 - 7_000;
    const samples = [
      ...nativeSamples(at),
      // The two station files of one time share a point; a half minute apart they do not.
      stationSamples(at)[0] as FuzzSeed,
      stationSamples(at - 30_000)[1] as FuzzSeed,
      ...frigateSamples(at),
      ...onvifSamples(at),
      ...tasmotaSamples(at),
      ...sunSpecSamples(at),
    ];
    for (const s of samples) {
      let text = String(s.payload);
      // Detections are kept by event id: each valid one gets its own.
      if (s.name === 'native/detection') text = JSON.stringify({ ...JSON.parse(text), eventId: `valid-${k}` });
      out.push({ publisher: s.publisher ?? '', topic: s.topic, payload: Buffer.from(text), valid: true, name: s.name });
    }
  }
  return out;
}

/** PER_FORMAT cases of each format, picked from everything the generator makes for it. */
function fuzzedMessages(now: number, maxPayloadBytes: number): Message[] {
  const formats: FuzzSeed[][] = [
    nativeSamples(now),
    stationSamples(now),
    frigateSamples(now),
    onvifSamples(now),
    openDtuSamples(now),
    tasmotaSamples(now),
    sunSpecSamples(now),
  ];
  const out: Message[] = [];
  formats.forEach((seeds, f) => {
    const all = generateCases(seeds, { seed: SEED + f, count: 10_000, maxPayloadBytes });
    const rng = new Prng(SEED + 100 + f);
    for (let i = 0; i < PER_FORMAT; i++) {
      const c = all.splice(rng.int(all.length), 1)[0] as FuzzCase;
      out.push({
        publisher: c.publisher ?? '',
        topic: c.topic,
        payload: c.payload,
        valid: false,
        name: `${c.seed} #${c.index} ${c.mutation}`,
      });
    }
  });
  return out;
}

const readingKey = (r: Reading) => `${r.measurement}|${r.deviceId}|${r.channel}|${r.ts}`;
// The store keeps text as UTF-8: a lone surrogate in an id becomes U+FFFD.
const detectionKey = (d: Detection) => `${d.deviceId}|${d.eventId.toWellFormed()}`;

/** What a message's outcomes are, without the receive time. */
function signature(out: readonly Routed[]): string {
  return out
    .map((o) => {
      switch (o.kind) {
        case 'reading':
          return `r:${readingKey(o.record)}:${JSON.stringify([o.record.values, o.record.states, o.record.quality])}`;
        case 'detection':
          return `d:${detectionKey(o.record)}:${o.record.ts}:${o.record.phase}:${o.record.score}`;
        case 'refusal':
          return `x:${o.record.reason}`;
        default:
          return `i:${o.format}:${o.why}`;
      }
    })
    .join('|');
}

function decodeFailed(msg: RawMessage, err: unknown): Routed {
  return {
    kind: 'refusal',
    record: {
      v: 1,
      id: 'decode-failed',
      receivedAt: msg.receivedAt,
      reason: 'decode_failed',
      detail: String(err).slice(0, 2048),
      topic: msg.topic,
      deviceId: null,
      publisher: msg.publisher,
      raw: '',
      rawSize: msg.payload.length,
      truncated: false,
    },
  };
}

interface Plan {
  messages: Message[];
  outcomes: Routed[][];
}

/**
 * Decodes the messages as ingest will (one decoder state, each publisher's messages in order),
 * and drops the fuzzed messages whose outcome would change within two minutes of the receive
 * time or would overwrite a valid message's record (and a valid message that would overwrite
 * another's), until the plan is stable.
 */
function plan(
  candidates: Message[],
  registry: Registry,
  limits: DecodeLimits,
  formats: Parameters<typeof decodeMessage>[1]['formats'],
): Plan {
  let messages = candidates;
  const decodeAll = (receivedAt: number) => {
    let n = 0;
    const ctx = { registry, limits, formats, newId: () => `oracle-${++n}`, state: createDecoderState() };
    return messages.map((m) => {
      const msg = { topic: m.topic, payload: m.payload, receivedAt, publisher: m.publisher };
      try {
        return decodeMessage(msg, ctx);
      } catch (err) {
        // What ingest does with a decoder that throws: the input kept as `decode_failed`.
        return [decodeFailed(msg, err)];
      }
    });
  };
  for (;;) {
    const now = Date.now();
    const early = decodeAll(now);
    const late = decodeAll(now + 120_000);
    const keysOf = (out: readonly Routed[]) =>
      out.flatMap((o) =>
        o.kind === 'reading' ? [readingKey(o.record)] : o.kind === 'detection' ? [detectionKey(o.record)] : [],
      );
    // Identities of valid records, each with the first valid message that makes it.
    const owner = new Map<string, number>();
    early.forEach((out, i) => {
      if (messages[i]?.valid) for (const k of keysOf(out)) if (!owner.has(k)) owner.set(k, i);
    });
    const keep = messages.map((m, i) => {
      const out = early[i] as Routed[];
      if (signature(out) !== signature(late[i] as Routed[])) {
        if (m.valid) throw new Error(`valid message ${m.name} depends on the receive time`);
        return false;
      }
      return keysOf(out).every((k) => (owner.get(k) ?? i) === i);
    });
    if (keep.every(Boolean)) return { messages, outcomes: early };
    messages = messages.filter((_, i) => keep[i]);
  }
}

/** Fuzzed messages with a valid one after every few, per publisher, in a fixed order. */
function interleave(fuzzed: readonly Message[], valid: readonly Message[]): Message[] {
  const out: Message[] = [];
  const every = Math.max(1, Math.floor(fuzzed.length / valid.length));
  let v = 0;
  fuzzed.forEach((m, i) => {
    out.push(m);
    if (i % every === every - 1 && v < valid.length) out.push(valid[v++] as Message);
  });
  out.push(...valid.slice(v));
  return out;
}

describe('all-in-one under fuzzed input, end to end', () => {
  let app: AllInOne;
  let dir: string;
  let sent: Plan;
  const clients = new Map<string, MqttClient>();
  const ocppRuns: FrameRun[] = [];
  const validFrames: FuzzCase[] = [];
  const now = Date.now();
  let lastTs = 0;

  const getJson = async (path: string) => {
    const res = await fetch(`${app.apiUrl}${path}`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const window = `from=${now - 401 * 86_400_000}&to=${now + 86_400_000}&limit=10000`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hpg-e2e-fuzz-'));
    const registry = await writeRegistry(dir);
    const config = AllInOneConfigSchema.parse({
      registryFile: registry.file,
      mqtt: { port: 0 },
      api: { port: 0 },
      store: { path: join(dir, 'store.sqlite') },
      ocpp: { enabled: true, port: 0, stateFile: join(dir, 'ocpp.json') },
      // The default alert rules name places of the demo registry, not of this one.
      alerts: { enabled: false },
      simulator: { enabled: false },
      auth: { enabled: false },
      log: { level: 'silent' },
    });
    const limits: DecodeLimits = {
      maxPayloadBytes: config.ingest.maxPayloadBytes,
      maxFutureSkewMs: config.ingest.maxFutureSkewSeconds * 1000,
      maxAgeMs: config.ingest.maxAgeDays * 86_400_000,
    };
    const valid = validMessages(now);
    const fuzzed = fuzzedMessages(now, limits.maxPayloadBytes);
    // Each publisher's own sequence: valid messages spread among its fuzzed ones.
    const publishers = [...new Set([...valid, ...fuzzed].map((m) => m.publisher))];
    const ordered = publishers.flatMap((p) =>
      interleave(
        fuzzed.filter((m) => m.publisher === p),
        valid.filter((m) => m.publisher === p),
      ),
    );
    const oracleRegistry = Registry.from(registry.data);
    sent = plan(ordered, oracleRegistry, limits, config.ingest.formats);

    app = await startAllInOne(config, createLogger({ name: 'e2e-fuzz', level: 'silent' }));
    for (const id of publishers) {
      clients.set(
        id,
        await mqtt.connectAsync(app.mqttUrl, {
          username: id,
          password: PASSWORD(id),
          clientId: `e2e-fuzz-${id}`,
          reconnectPeriod: 0,
        }),
      );
    }
    // Publishers in parallel, each one's messages in order, every PUBLISH acknowledged (QoS 1).
    await Promise.all(
      publishers.map(async (p) => {
        const client = clients.get(p) as MqttClient;
        for (const m of sent.messages) if (m.publisher === p) await client.publishAsync(m.topic, m.payload, { qos: 1 });
      }),
    );

    // A charger sending fuzzed frames of each version, then its valid ones (at earlier times).
    const versions: [OcppProtocol, FuzzSeed[], FuzzSeed[]][] = [
      ['ocpp1.6', ocpp16Frames(now), ocpp16Frames(now - 20 * 60_000)],
      ['ocpp2.0.1', ocpp201Frames(now), ocpp201Frames(now - 25 * 60_000)],
    ];
    for (const [protocol, seeds, samples] of versions) {
      const all = generateCases(seeds, { seed: SEED, count: 10_000, maxPayloadBytes: limits.maxPayloadBytes });
      const rng = new Prng(SEED + 200);
      const picked = Array.from({ length: OCPP_FRAMES }, () => all.splice(rng.int(all.length), 1)[0] as FuzzCase);
      const untouched = samples.map(
        (f, i): FuzzCase => ({
          index: 100_000 + i,
          seed: f.name,
          topic: protocol,
          publisher: CHARGER,
          mutation: 'none',
          payload: Buffer.from(String(f.payload).replace(FRAME_ID, `valid-${i}`)),
        }),
      );
      validFrames.push(...untouched);
      ocppRuns.push(
        await sendFrames({
          url: `${app.ocppUrl}/ocpp`,
          identity: CHARGER,
          password: PASSWORD(CHARGER),
          protocol,
          cases: [...picked, ...untouched],
          seed: SEED,
        }),
      );
    }
    // Last, one more valid reading: the process still takes messages after all that.
    const ts = new Date(Date.now() - 1000).toISOString();
    const last: Message = {
      publisher: SAMPLE_IDS.meter,
      topic: `hpg/v1/devices/${SAMPLE_IDS.meter}/meter`,
      payload: Buffer.from(
        JSON.stringify({ v: 1, deviceId: SAMPLE_IDS.meter, ts, metrics: { power: { value: 42, unit: 'W' } } }),
      ),
      valid: true,
      name: 'last',
    };
    await clients.get(last.publisher)?.publishAsync(last.topic, last.payload, { qos: 1 });
    const ctx = {
      registry: oracleRegistry,
      limits,
      formats: config.ingest.formats,
      newId: () => 'last',
      state: createDecoderState(),
    };
    sent.messages.push(last);
    sent.outcomes.push(decodeMessage({ ...last, receivedAt: Date.now() }, ctx));
    lastTs = Date.parse(ts);
    // Everything acknowledged is on the bus: wait until the store has it all.
    await app.bus.drained();
  }, 120_000);

  afterAll(async () => {
    await Promise.all([...clients.values()].map((c) => c.endAsync()));
    await app?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  const expected = () => {
    const readings = new Map<string, Reading>();
    const detections = new Map<string, Detection>();
    const refusals = new Map<string, Set<string>>();
    const outcomes = { reading: 0, detection: 0, refusal: 0, ignored: 0 };
    sent.outcomes.forEach((out, i) => {
      for (const o of out) {
        outcomes[o.kind]++;
        if (o.kind === 'reading') readings.set(readingKey(o.record), o.record);
        else if (o.kind === 'detection') detections.set(detectionKey(o.record), o.record);
        else if (o.kind === 'refusal') {
          // Station-file refusals have ids derived from the file: the same file twice is one refusal.
          const id = o.record.id.startsWith('sf-') ? o.record.id : `${i}/${o.record.id}`;
          const ids = refusals.get(o.record.reason) ?? new Set();
          refusals.set(o.record.reason, ids.add(id));
        }
      }
    });
    return { readings, detections, refusals, outcomes };
  };

  it('sent thousands of fuzzed messages of every format, and the valid ones among them', () => {
    const fuzzed = sent.messages.filter((m) => !m.valid);
    expect(fuzzed.length).toBeGreaterThan(0.95 * 7 * PER_FORMAT);
    const formats = new Set(fuzzed.map((m) => m.topic.split('/')[0]));
    expect([...formats].sort()).toEqual(['frigate', 'hpg', 'onvif', 'solar', 'sunspec', 'tele']);
    // What the decoders made of them is sound: finite values within the catalogue, no decoder failure.
    const unsound = sent.outcomes
      .flat()
      .flatMap((o) =>
        o.kind === 'reading'
          ? readingProblems(o.record)
          : o.kind === 'refusal' && o.record.reason === 'decode_failed'
            ? [o.record.detail]
            : [],
      );
    expect(unsound.slice(0, 10)).toEqual([]);
    const e = expected();
    // A fuzz that only produced refusals (or decoders that refuse everything) would show here.
    expect(e.outcomes.refusal).toBeGreaterThan(fuzzed.length / 2);
    expect(e.outcomes.reading).toBeGreaterThan(0);
  });

  it('stays alive and healthy, still taking messages', async () => {
    const health = await getJson('/healthz');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
    const { body } = await getJson(`/api/v1/readings?deviceId=${SAMPLE_IDS.meter}&from=${lastTs}&to=${lastTs + 1}`);
    expect((body.readings as Reading[]).map((r) => r.values)).toEqual([{ power: 42 }]);
  });

  it('stores every valid message exactly once, as the decoders made it', async () => {
    const validOutcomes = sent.outcomes.filter((_, i) => sent.messages[i]?.valid).flat();
    expect(validOutcomes.every((o) => o.kind === 'reading' || o.kind === 'detection')).toBe(true);
    const byDevice = new Map<string, Reading[]>();
    for (const o of validOutcomes) {
      if (o.kind !== 'reading') continue;
      const device = o.record.deviceId;
      if (!byDevice.has(device)) {
        const { body } = await getJson(`/api/v1/readings?deviceId=${device}&${window}`);
        byDevice.set(device, body.readings as Reading[]);
      }
      const stored = (byDevice.get(device) ?? []).filter((r) => readingKey(r) === readingKey(o.record));
      expect(stored, readingKey(o.record)).toHaveLength(1);
      expect(stored[0]).toMatchObject({ values: o.record.values, states: o.record.states, quality: o.record.quality });
    }
    for (const o of validOutcomes) {
      if (o.kind !== 'detection') continue;
      const { body } = await getJson(`/api/v1/detections?deviceId=${o.record.deviceId}&${window}`);
      const stored = (body.detections as Detection[]).filter((d) => detectionKey(d) === detectionKey(o.record));
      expect(stored, detectionKey(o.record)).toHaveLength(1);
      expect(stored[0]).toMatchObject({
        ts: o.record.ts,
        phase: o.record.phase,
        score: o.record.score,
        label: o.record.label,
      });
    }
  });

  it('stores each accepted fuzzed reading and detection once, and nothing else', async () => {
    const e = expected();
    const devices = new Set([...e.readings.values()].map((r) => r.deviceId));
    for (const device of devices) {
      const { body } = await getJson(`/api/v1/readings?deviceId=${device}&${window}`);
      const stored = body.readings as Reading[];
      const want = [...e.readings.values()]
        .filter((r) => r.deviceId === device)
        .map(readingKey)
        .sort();
      expect(stored.map(readingKey).sort(), device).toEqual(want);
      for (const r of stored) expect(readingProblems(r), readingKey(r)).toEqual([]);
    }
    const cameras = new Set([...e.detections.values()].map((d) => d.deviceId));
    for (const device of cameras) {
      const { body } = await getJson(`/api/v1/detections?deviceId=${device}&${window}`);
      const want = [...e.detections.values()]
        .filter((d) => d.deviceId === device)
        .map(detectionKey)
        .sort();
      expect((body.detections as Detection[]).map(detectionKey).sort(), device).toEqual(want);
    }
  });

  it('refuses every fuzzed message that is not a valid record, with its reason: the summary matches', async () => {
    const e = expected();
    const { body } = await getJson(`/api/v1/refusals/summary?from=${START - 60_000}&to=${Date.now() + 60_000}`);
    const summary = Object.fromEntries(
      (body.byReason as { reason: string; count: number }[]).map((r) => [r.reason, r.count]),
    );
    // The OCPP charger's refusals, by reason: each CALLERROR's reason, and calls refused but answered.
    const ocpp = await getJson(`/api/v1/refusals?deviceId=${CHARGER}&from=${START - 60_000}&limit=10000`);
    const ocppStored: Record<string, number> = {};
    for (const r of ocpp.body.refusals as { reason: string }[]) ocppStored[r.reason] = (ocppStored[r.reason] ?? 0) + 1;
    const answered: Record<string, number> = {};
    for (const run of ocppRuns) for (const [r, n] of Object.entries(run.reasons)) answered[r] = (answered[r] ?? 0) + n;
    for (const [reason, n] of Object.entries(ocppStored)) {
      if (LATE.has(reason)) {
        expect(n).toBeGreaterThanOrEqual(answered[reason] ?? 0);
        expect(n).toBeLessThanOrEqual((answered[reason] ?? 0) + ocppRuns.reduce((s, r) => s + r.callResults, 0));
      } else expect(n, reason).toBe(answered[reason] ?? 0);
    }
    const want: Record<string, number> = {};
    for (const [reason, ids] of e.refusals) want[reason] = ids.size;
    for (const [reason, n] of Object.entries(ocppStored)) want[reason] = (want[reason] ?? 0) + n;
    expect(summary).toEqual(want);
    // A decoder that threw would be kept as decode_failed: the unit fuzz tests name the case.
    expect(summary.decode_failed).toBeUndefined();
  });

  it('counts every outcome, the ignored ones included', async () => {
    const e = expected();
    const metrics = await (await fetch(`${app.apiUrl}/metrics`)).text();
    const counter = (outcome: string) =>
      Number(new RegExp(`^hpg_ingest_messages_total\\{outcome="${outcome}"\\} (\\d+)`, 'm').exec(metrics)?.[1] ?? 0);
    expect(counter('reading')).toBe(e.outcomes.reading);
    expect(counter('detection')).toBe(e.outcomes.detection);
    expect(counter('refusal')).toBe(e.outcomes.refusal);
    expect(counter('ignored')).toBe(e.outcomes.ignored);
  });

  it('answers every OCPP frame by the rules and stores the valid calls', async () => {
    for (const run of ocppRuns) expect(run.problems.slice(0, 10)).toEqual([]);
    const taken = new Set(ocppRuns.flatMap((r) => r.accepted));
    expect(validFrames.filter((c) => !taken.has(c)).map((c) => c.seed)).toEqual([]);
    const { body } = await getJson(`/api/v1/readings?deviceId=${CHARGER}&${window}`);
    const stored = body.readings as Reading[];
    for (const r of stored) expect(readingProblems(r)).toEqual([]);
    const at = (measurement: string, ms: number) => stored.filter((r) => r.measurement === measurement && r.ts === ms);
    // The samples' times and values (fuzz/samples.ts), in canonical units.
    const v16 = now - 20 * 60_000;
    const v201 = now - 25 * 60_000;
    expect(at('ev_status', v16 - 60_000).map((r) => [r.channel, r.states.status])).toEqual([['1', 'Charging']]);
    expect(at('ev_meter', v16 - 120_000).map((r) => r.values)).toEqual([
      { energy_register: 251_500, power: 7200, soc: 64 },
    ]);
    expect(at('ev_status', v201 - 60_000).map((r) => [r.channel, r.states.status])).toEqual([['1', 'Occupied']]);
    expect(at('ev_meter', v201 - 120_000).map((r) => r.values)).toEqual([
      { energy_register: 12_500, power: 7200, soc: 64 },
    ]);
  });
});
