/**
 * Fuzzing every input format (issue #8, item 5). For each format, thousands of malformed and
 * hostile payloads made by fuzz/generator.ts from valid samples (fuzz/samples.ts) go through the
 * decoder router as ingest calls it, and every outcome must be a normal one:
 *
 *   - nothing throws, every message yields at least one outcome;
 *   - a refusal carries a reason of the contract's REFUSAL_REASONS (never `decode_failed`) and
 *     keeps the raw bytes;
 *   - an accepted reading holds only catalogue metrics, finite and within the catalogue's bounds;
 *     detections and readings are valid bus records timed inside the accepted window;
 *   - Object.prototype (and the other built-in prototypes) are the same afterwards.
 *
 * The untouched samples must still be accepted, so a decoder that refused everything would fail.
 * The provincial station files are also fuzzed through the FTP drop path (file names included),
 * and OCPP-J frames of both versions through the OCPP gateway over a loopback WebSocket: its
 * frame handling lives inside the socket library's client and the gateway's per-connection
 * handlers, so there is no pure function to call without the socket.
 *
 * Reproduce or widen a run: HPG_FUZZ_SEED=<seed> HPG_FUZZ_CASES=<cases per format>.
 */

import { REFUSAL_REASONS, type Reading, type Refusal } from '@hpg/contracts';
import { hashPassword, Registry } from '@hpg/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OcppGateway, startOcppGateway } from '../../../services/ocpp-gateway/src/index.ts';
import { MemoryBus } from '../../bus-memory/src/index.ts';
import { createLogger, Registry as MetricsRegistry } from '../../platform/src/index.ts';
import {
  createDecoderState,
  DEFAULT_FORMATS,
  DEFAULT_LIMITS,
  DEFAULT_MAX_REFUSED_LINES,
  decodeMessage,
  decodeStationFileNamed,
  type RawMessage,
  type Routed,
  type RouterContext,
  stationFileOutcomes,
} from '../src/index.ts';
import { NOW, routerContext } from './foreign-fixture.ts';
import {
  describeCase,
  FRAME_ID,
  type FuzzCase,
  type FuzzSeed,
  generateCases,
  PROTOTYPE_NAMES,
} from './fuzz/generator.ts';
import {
  outcomeProblems,
  pollutionProbe,
  prototypeSnapshot,
  readingProblems,
  refusalProblems,
} from './fuzz/invariants.ts';
import { type OcppProtocol, sendFrames } from './fuzz/ocpp-frames.ts';
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
} from './fuzz/samples.ts';
import { testRegistry } from './registry-fixture.ts';

const envInt = (name: string, fallback: number) => {
  const v = process.env[name];
  return v === undefined || !/^\d+$/.test(v) ? fallback : Number(v);
};
/** The seed of every run unless HPG_FUZZ_SEED says otherwise; printed with each failure. */
const SEED = envInt('HPG_FUZZ_SEED', 20_261_122);
const CASES = envInt('HPG_FUZZ_CASES', 10_000);
const LIMITS = DEFAULT_LIMITS;
const SHOW = 12;

/** Our own API and station files: the registry with one device of every kind. */
function nativeContext(): RouterContext {
  let n = 0;
  return {
    registry: testRegistry(),
    limits: LIMITS,
    newId: () => `r-${++n}`,
    formats: DEFAULT_FORMATS,
    state: createDecoderState(),
  };
}

interface Format {
  readonly name: string;
  readonly samples: readonly FuzzSeed[];
  readonly context: () => RouterContext;
}

const FORMATS: readonly Format[] = [
  { name: 'native JSON', samples: nativeSamples(NOW), context: nativeContext },
  { name: 'station file', samples: stationSamples(NOW), context: nativeContext },
  { name: 'Frigate', samples: frigateSamples(NOW), context: () => routerContext() },
  { name: 'ONVIF onvif-ej', samples: onvifSamples(NOW), context: () => routerContext() },
  { name: 'OpenDTU', samples: openDtuSamples(NOW), context: () => routerContext() },
  { name: 'Tasmota', samples: tasmotaSamples(NOW), context: () => routerContext() },
  { name: 'SunSpec', samples: sunSpecSamples(NOW), context: () => routerContext() },
];

const message = (topic: string, payload: Buffer, publisher: string | null): RawMessage => ({
  topic,
  payload,
  receivedAt: NOW,
  publisher,
});

/** OpenDTU values wait for their inverter's last_update: give it one, as OpenDTU does each round. */
function prime(ctx: RouterContext): void {
  for (const s of openDtuSamples(NOW).filter((x) => x.topic.endsWith('/status/last_update'))) {
    decodeMessage(message(s.topic, Buffer.from(s.payload), s.publisher ?? null), ctx);
  }
}

const HOSTILE_FILE_NAMES = [
  '',
  '.txt',
  '_20261122095500.txt',
  'WW-1_2026112209550.txt',
  'WW-1_20261122095500.TXT.part',
  '__proto___20261122095500.txt',
  'constructor_20261122095500.txt',
  'ww-404_20261122095500.txt',
  '../WW-1_20261122095500.txt',
  `${'A'.repeat(500)}_20261122095500.txt`,
  'WW-1\u0000_20261122095500.txt',
  'PV-1_20261122095500.txt',
];

interface Tally {
  cases: number;
  problems: string[];
  kinds: Record<string, number>;
  reasons: Record<string, number>;
  /** Cases with at least one reading or detection. */
  accepted: number;
}

const bump = (m: Record<string, number>, k: string) => {
  m[k] = (m[k] ?? 0) + 1;
};

function record(t: Tally, c: FuzzCase, problems: readonly string[], out: readonly Routed[]) {
  for (const p of problems) if (t.problems.length < 200) t.problems.push(`${p} — ${describeCase(c, SEED)}`);
  for (const o of out) {
    bump(t.kinds, o.kind);
    if (o.kind === 'refusal') bump(t.reasons, o.record.reason);
  }
  if (out.some((o) => o.kind === 'reading' || o.kind === 'detection')) t.accepted++;
}

/** Every case of a format through the router (station files: half of them by the FTP path). */
function fuzz(format: Format): Tally {
  const ctx = format.context();
  prime(ctx);
  const cases = generateCases(format.samples, {
    seed: SEED,
    count: CASES,
    maxPayloadBytes: LIMITS.maxPayloadBytes,
    topics: true,
  });
  const t: Tally = { cases: cases.length, problems: [], kinds: {}, reasons: {}, accepted: 0 };
  const station = format.name === 'station file';
  for (const c of cases) {
    // Every tenth message as if from an external broker, which does not name the publisher.
    const msg = message(c.topic, c.payload, c.index % 10 === 0 ? null : c.publisher);
    let out: Routed[];
    const problems: string[] = [];
    try {
      if (station && c.index % 2 === 1) {
        const fileName =
          c.index % 7 === 0
            ? (HOSTILE_FILE_NAMES[c.index % HOSTILE_FILE_NAMES.length] as string)
            : `${SAMPLE_IDS.stationCode}_20261122095500.txt`;
        const result = decodeStationFileNamed({ fileName, payload: c.payload, receivedAt: NOW }, ctx);
        out = stationFileOutcomes(result);
        const values = result.readings.reduce((s, r) => s + Object.keys(r.values).length, 0);
        if (values !== result.linesAccepted) problems.push(`${values} values from ${result.linesAccepted} lines`);
        if (result.refusals.length > DEFAULT_MAX_REFUSED_LINES + 1) problems.push('refusals not capped per file');
      } else {
        out = decodeMessage(msg, ctx);
      }
    } catch (err) {
      record(t, c, [`threw ${String(err).slice(0, 200)}`], []);
      continue;
    }
    problems.push(...outcomeProblems(out, msg, LIMITS));
    record(t, c, problems, out);
  }
  return t;
}

/** Each untouched sample is accepted: a reading or detection, or (OpenDTU last_update) a status. */
function expectSamplesAccepted(format: Format) {
  for (const s of format.samples) {
    const ctx = format.context();
    prime(ctx);
    const msg = message(s.topic, Buffer.from(s.payload), s.publisher ?? null);
    const out = decodeMessage(msg, ctx);
    expect(outcomeProblems(out, msg, LIMITS), s.name).toEqual([]);
    const refused = out.filter((o) => o.kind === 'refusal').map((o) => o.kind === 'refusal' && o.record.detail);
    expect(refused, s.name).toEqual([]);
    if (s.topic.endsWith('/status/last_update')) expect(out.map((o) => o.kind)).toEqual(['ignored']);
    else
      expect(
        out.some((o) => o.kind === 'reading' || o.kind === 'detection'),
        s.name,
      ).toBe(true);
  }
}

describe('fuzz generator', () => {
  it('makes the same cases from the same seed, and other cases from another', () => {
    const samples = nativeSamples(NOW);
    const options = { seed: SEED, count: 3000, maxPayloadBytes: LIMITS.maxPayloadBytes };
    const a = generateCases(samples, options);
    const b = generateCases(samples, options);
    const c = generateCases(samples, { ...options, seed: SEED + 1 });
    expect(b.map((x) => x.mutation)).toEqual(a.map((x) => x.mutation));
    expect(b.every((x, i) => x.payload.equals((a[i] as FuzzCase).payload))).toBe(true);
    // The systematic cases (cuts, fixed payloads, sweeps) are the same for every seed; the rest not.
    const random = a.filter((x) => !/^(truncate@|fixed:|sweep:)/.test(x.mutation));
    expect(random.length).toBeGreaterThan(0);
    const differ = random.filter((x) => !x.payload.equals((c[x.index] as FuzzCase).payload)).length;
    expect(differ).toBeGreaterThan(0.9 * random.length);
  });

  it('cuts every sample at every offset and damages every kind of way', () => {
    const samples = nativeSamples(NOW);
    const cases = generateCases(samples, { seed: SEED, count: CASES, maxPayloadBytes: LIMITS.maxPayloadBytes });
    const truncations = cases.filter((c) => c.mutation.startsWith('truncate@')).length;
    expect(truncations).toBe(samples.reduce((n, s) => n + Buffer.byteLength(s.payload), 0));
    const kinds = new Set(cases.flatMap((c) => c.mutation.split('+').map((m) => m.replace(/[@=].*$/, ''))));
    for (const k of [
      'json:wrong_type',
      'json:delete_key',
      'json:pollution_key',
      'json:duplicate_key',
      'json:deep_nesting',
      'json:huge_string',
      'json:huge_array',
      'json:extreme_number',
      'bytes:invalid_utf8',
      'bytes:bom',
      'bytes:control_chars',
      'bytes:random_bytes',
      'fixed:empty',
    ]) {
      expect(kinds, k).toContain(k);
    }
  });
});

const summary = (t: Tally) =>
  `${t.cases} cases: ${JSON.stringify(t.kinds)}, accepted ${t.accepted}, reasons ${JSON.stringify(t.reasons)}`;

describe.each(FORMATS)('fuzz: $name', (format) => {
  it('accepts the untouched samples', () => {
    expectSamplesAccepted(format);
  });

  it(`survives ${CASES} malformed and hostile payloads, each with a normal outcome`, () => {
    const before = prototypeSnapshot();
    const t = fuzz(format);
    expect(t.problems.slice(0, SHOW), summary(t)).toEqual([]);
    expect(prototypeSnapshot()).toBe(before);
    expect(pollutionProbe()).toEqual([]);
    expect(t.cases).toBeGreaterThanOrEqual(CASES);
    // A fuzzer that only made garbage, or decoders that refused everything, would show here.
    const refusals = t.kinds.refusal ?? 0;
    expect(refusals, summary(t)).toBeGreaterThan(t.cases / 3);
    expect(t.accepted, summary(t)).toBeGreaterThan(0);
    expect(Object.keys(t.reasons).length, summary(t)).toBeGreaterThanOrEqual(5);
  });
});

describe('fuzz: OCPP-J frames through the OCPP gateway', () => {
  const PASSWORD = 'fuzz-charger-secret';
  let gateway: OcppGateway;
  let bus: MemoryBus;
  const readings: Reading[] = [];
  const refusals: Refusal[] = [];
  const deadLetters: string[] = [];

  beforeAll(async () => {
    const cred = await hashPassword(PASSWORD, { n: 1024, r: 8, p: 1 });
    const loc = { lat: 20.8, lon: 106.7 };
    const registry = Registry.from({
      version: 1,
      localities: [{ id: 'hai-phong', kind: 'city', name: 'Hải Phòng', nameEn: 'Hai Phong', parentId: null }],
      sites: [{ id: 'cs-1', localityId: 'hai-phong', name: 'CS', location: loc, kind: 'charging_station' }],
      devices: [
        { id: SAMPLE_IDS.charger, siteId: 'cs-1', kind: 'ev_charger', intervalSeconds: 60, credentials: [cred] },
      ],
    });
    bus = new MemoryBus({ onDeadLetter: (dl) => deadLetters.push(`${dl.topic}: ${String(dl.error).slice(0, 300)}`) });
    await bus.subscribe('readings', { group: 'fuzz' }, async (b) => {
      readings.push(...b);
    });
    await bus.subscribe('refusals', { group: 'fuzz' }, async (b) => {
      refusals.push(...b);
    });
    gateway = await startOcppGateway(
      {
        // The samples' clock: the same seed sends the same frames and gets the same answers.
        now: () => NOW,
        bus,
        registry: () => registry,
        logger: createLogger({ name: 'fuzz', level: 'silent' }),
        metrics: new MetricsRegistry(),
      },
      { host: '127.0.0.1', port: 0, protocols: ['ocpp1.6', 'ocpp2.0.1'], heartbeatIntervalSeconds: 60 },
    );
  });

  afterAll(async () => {
    await gateway?.close();
    await bus?.close();
  });

  const send = (protocol: OcppProtocol, cases: readonly FuzzCase[]) =>
    sendFrames({
      url: `${gateway.url}/ocpp`,
      identity: SAMPLE_IDS.charger,
      password: PASSWORD,
      protocol,
      cases,
      seed: SEED,
    });

  /** What reached the bus since the last call: readings, refusals and records it could not take. */
  const drain = async () => {
    await bus.drained();
    return { readings: readings.splice(0), refusals: refusals.splice(0), deadLetters: deadLetters.splice(0) };
  };

  /** Reasons of refusals published for calls that were still answered with a CALLRESULT. */
  const LATE = new Set(['timestamp_in_future', 'timestamp_too_old']);

  const protocols: readonly [OcppProtocol, readonly FuzzSeed[]][] = [
    ['ocpp1.6', ocpp16Frames(NOW)],
    ['ocpp2.0.1', ocpp201Frames(NOW)],
  ];

  describe.each(protocols)('%s', (protocol, frames) => {
    it('answers every untouched frame with a CALLRESULT and stores what it carries', async () => {
      await drain();
      // Each sample once, in order (StartTransaction before MeterValues and StopTransaction).
      const untouched = frames.map(
        (f, i): FuzzCase => ({
          index: i,
          seed: f.name,
          topic: f.topic,
          publisher: null,
          mutation: 'none',
          payload: Buffer.from(String(f.payload).replace(FRAME_ID, `v${i}`)),
        }),
      );
      const run = await send(protocol, untouched);
      expect(run.problems).toEqual([]);
      expect(run.callResults).toBe(frames.length);
      const got = await drain();
      expect(got.deadLetters).toEqual([]);
      expect(got.refusals).toEqual([]);
      expect(new Set(got.readings.map((r) => r.measurement))).toEqual(new Set(['ev_status', 'ev_meter', 'ev_session']));
    });

    it(`answers ${CASES} malformed and hostile frames by the rules, refusing each malformed call with its reason`, async () => {
      await drain();
      const before = prototypeSnapshot();
      const cases = generateCases(frames, { seed: SEED, count: CASES, maxPayloadBytes: LIMITS.maxPayloadBytes });
      expect(cases.length).toBeGreaterThanOrEqual(CASES);
      const run = await send(protocol, cases);
      const got = await drain();
      const summary = `${run.frames} frames, ${run.callResults} results, errors ${JSON.stringify(run.errorCodes)}`;
      expect(run.problems.slice(0, SHOW), summary).toEqual([]);
      // Every record the gateway published is one the bus (and so the store) takes.
      expect(got.deadLetters.slice(0, SHOW)).toEqual([]);
      const problems = [
        ...got.readings.flatMap(readingProblems),
        ...got.refusals.flatMap((r) => refusalProblems(r, LIMITS, undefined)),
      ];
      expect(problems.slice(0, SHOW)).toEqual([]);
      // Each CALLERROR for a malformed call has its refusal; the others are answered calls whose
      // times were ahead of the clock or before 1970 (refused, but answered so the charger does
      // not resend).
      const published: Record<string, number> = {};
      for (const r of got.refusals) published[r.reason] = (published[r.reason] ?? 0) + 1;
      for (const [reason, n] of Object.entries(run.reasons)) {
        expect(published[reason] ?? 0, `${reason} refusals`).toBeGreaterThanOrEqual(n);
      }
      for (const [reason, n] of Object.entries(published)) {
        if (!LATE.has(reason)) expect(n, `${reason} refusals`).toBe(run.reasons[reason] ?? 0);
      }
      for (const r of got.refusals) expect(Object.hasOwn(REFUSAL_REASONS, r.reason)).toBe(true);
      expect(prototypeSnapshot()).toBe(before);
      expect(pollutionProbe()).toEqual([]);
      expect(run.callResults, summary).toBeGreaterThan(0);
      // Wrong types, missing fields and bad values each keep their own reason.
      expect(Object.keys(run.reasons), summary).toEqual(
        expect.arrayContaining(['missing_field', 'invalid_type', 'invalid_value', 'timestamp_invalid']),
      );
    });
  });

  it('takes a prototype name as an action without answering from the prototype', async () => {
    const cases = PROTOTYPE_NAMES.map(
      (name, i): FuzzCase => ({
        index: i,
        seed: 'prototype-action',
        topic: 'ocpp1.6',
        publisher: null,
        mutation: 'action',
        payload: Buffer.from(JSON.stringify([2, `p${i}`, name, {}])),
      }),
    );
    const run = await send('ocpp1.6', cases);
    expect(run.problems).toEqual([]);
    expect(run.errorCodes).toEqual({ NotImplemented: PROTOTYPE_NAMES.length });
  });
});
