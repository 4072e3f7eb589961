import { DetectionSchema, ReadingSchema, RefusalSchema } from '@hpg/contracts';
import { describe, expect, it } from 'vitest';
import { FormatsConfigSchema, IGNORE_REASONS, type Routed } from '../src/index.ts';
import { message, NOW_S, only, reasonOf, route, routerContext } from './foreign-fixture.ts';

describe('decoder router', () => {
  it('sends each prefix to its decoder, and our own API to the native decoder', () => {
    const ctx = routerContext();
    const native = only(
      route(
        'hpg/v1/devices/mt-3/meter',
        { v: 1, deviceId: 'mt-3', ts: '2026-11-22T02:55:00Z', metrics: { power: { value: 1, unit: 'kW' } } },
        'mt-3',
        ctx,
      ),
    );
    expect(native.kind === 'reading' && native.record.source).toBe('hpg-json/v1');
    expect(only(route('frigate/available', 'online', null, ctx))).toMatchObject({ format: 'frigate' });
    expect(only(route('onvif/axis-01/onvif-ej/Device/Trigger/Relay', {}, null, ctx))).toMatchObject({
      format: 'onvif-ej',
    });
    expect(only(route('solar/dtu/status', 'online', null, ctx))).toMatchObject({ format: 'opendtu' });
    expect(only(route('tele/x/LWT', 'Online', null, ctx))).toMatchObject({ format: 'tasmota' });
    expect(only(route('sunspec/roof-103/1', {}, null, ctx))).toMatchObject({ format: 'sunspec' });
  });

  it('refuses topics of no known format as unknown_topic, and matches prefixes by whole levels', () => {
    expect(reasonOf(only(route('zigbee2mqtt/plug', '{}')))).toBe('unknown_topic');
    expect(reasonOf(only(route('frigatex/events', '{}')))).toBe('unknown_topic');
    expect(reasonOf(only(route('frigate', '{}')))).toBe('unknown_topic');
  });

  it('leaves a disabled format to be refused', () => {
    const ctx = routerContext({ tasmota: { enabled: false } });
    expect(reasonOf(only(route('tele/tasmota_E1/LWT', 'Online', null, ctx)))).toBe('unknown_topic');
  });

  it('has a stable description for every ignore reason', () => {
    for (const [why, text] of Object.entries(IGNORE_REASONS)) expect(text.length, why).toBeGreaterThan(10);
  });
});

describe('formats configuration', () => {
  it('defaults to the formats’ own prefixes, everything on, every Frigate label kept', () => {
    expect(FormatsConfigSchema.parse({})).toEqual({
      frigate: { enabled: true, prefix: 'frigate', labels: [], minScore: 0 },
      onvif: { enabled: true, prefix: 'onvif' },
      opendtu: { enabled: true, prefix: 'solar' },
      tasmota: { enabled: true, prefix: 'tele', statPrefix: 'stat' },
      sunspec: { enabled: true, prefix: 'sunspec' },
    });
  });

  it('refuses overlapping prefixes, prefixes under hpg/, and wildcards, all at once', () => {
    const r = FormatsConfigSchema.safeParse({
      frigate: { prefix: 'site/a' },
      onvif: { prefix: 'site/a/cams' },
      opendtu: { prefix: 'hpg/v1/devices' },
      sunspec: { prefix: 'sun/+' },
    });
    expect(r.success).toBe(false);
    const messages = r.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n') ?? '';
    expect(messages).toContain('sunspec.prefix');
    // The wildcard stops the object-level check; without it both overlaps are reported together.
    const r2 = FormatsConfigSchema.safeParse({
      frigate: { prefix: 'site/a' },
      onvif: { prefix: 'site/a/cams' },
      opendtu: { prefix: 'hpg' },
    });
    const m2 = r2.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n') ?? '';
    expect(m2).toContain('frigate.prefix: "site/a" overlaps onvif.prefix');
    expect(m2).toContain('opendtu.prefix: "hpg" overlaps');
  });
});

/** A small deterministic PRNG (mulberry32), so a failing case can be replayed. */
function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const valid: [topic: string, payload: string][] = [
  [
    'frigate/events',
    JSON.stringify({
      type: 'new',
      before: {},
      after: {
        id: '1763801700.1-a',
        camera: 'bank_east',
        label: 'waste',
        frame_time: NOW_S - 5,
        start_time: NOW_S - 10,
        end_time: null,
        top_score: 0.8,
        score: 0.7,
        box: [1, 2, 3, 4],
        entered_zones: ['riverbank'],
        has_snapshot: true,
        sub_label: ['x', 0.5],
        snapshot: { frame_time: NOW_S - 6, box: [1, 2, 3, 4], score: 0.8 },
      },
    }),
  ],
  [
    'onvif/axis-01/onvif-ej/RuleEngine/ObjectAbandoned',
    JSON.stringify({ UtcTime: '2026-11-22T02:58:30Z', Source: { Rule: 'riverbank' }, Data: { ObjectId: '3' } }),
  ],
  ['solar/114190641177/0/yieldtotal', '13.338'],
  ['solar/114190641177/status/last_update', String(NOW_S - 3)],
  [
    'tele/tasmota_E1/SENSOR',
    JSON.stringify({ Time: '2026-11-22T09:55:00', ENERGY: { Total: 1.5, Power: [52, 5], Voltage: 230 } }),
  ],
  [
    'sunspec/roof-103/103',
    JSON.stringify({ ts: '2026-11-22T02:58:00Z', points: { W: 2874, W_SF: 0, DCV: 4102, DCV_SF: -1, St: 4 } }),
  ],
  [
    'sunspec/roof-701/701',
    JSON.stringify({ ts: '2026-11-22T02:58:00Z', points: { TotWhInj: 10, TotWh_SF: 3, InvSt: 3 } }),
  ],
];

/** Every outcome is a valid bus record (or a well-formed ignored), whatever came in. */
function expectWellFormed(out: Routed[], what: string) {
  expect(out.length, what).toBeGreaterThan(0);
  for (const o of out) {
    if (o.kind === 'reading') ReadingSchema.parse(o.record);
    else if (o.kind === 'detection') DetectionSchema.parse(o.record);
    else if (o.kind === 'refusal') RefusalSchema.parse(o.record);
    else expect(Object.hasOwn(IGNORE_REASONS, o.why), what).toBe(true);
  }
}

describe('no input makes a decoder throw', () => {
  it('accepts the valid seeds', () => {
    const ctx = routerContext();
    route('solar/114190641177/status/last_update', String(NOW_S - 3), null, ctx);
    for (const [topic, payload] of valid) {
      const out = route(topic, payload, null, ctx);
      expect(
        out.every((o) => o.kind !== 'refusal'),
        `${topic}: ${JSON.stringify(out)}`,
      ).toBe(true);
    }
  });

  it('survives every truncation of every valid payload', () => {
    for (const [topic, payload] of valid) {
      const ctx = routerContext();
      route('solar/114190641177/status/last_update', String(NOW_S - 3), null, ctx);
      for (let i = 0; i < payload.length; i++) {
        expectWellFormed(route(topic, payload.slice(0, i), null, ctx), `${topic} cut at ${i}`);
      }
    }
  });

  it('survives random byte corruption, type swaps and hostile values', () => {
    const rand = prng(20_261_122);
    const hostile: unknown[] = [
      null,
      true,
      -1,
      0,
      1e308,
      -1e308,
      2 ** 64,
      'NaN',
      'Infinity',
      '',
      'x'.repeat(5000),
      [],
      [1, 2, 3, 4, 5],
      {},
      { __proto__: { polluted: 1 } },
    ];
    const swap = (v: unknown, depth: number): unknown => {
      if (depth > 4 || v === null || typeof v !== 'object')
        return rand() < 0.3 ? hostile[Math.floor(rand() * hostile.length)] : v;
      if (Array.isArray(v)) return v.map((x) => swap(x, depth + 1));
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) if (rand() > 0.1) out[k] = swap(x, depth + 1);
      return out;
    };
    for (let round = 0; round < 300; round++) {
      for (const [topic, payload] of valid) {
        const ctx = routerContext();
        route('solar/114190641177/status/last_update', String(NOW_S - 3), null, ctx);
        let parsed: unknown;
        try {
          parsed = JSON.parse(payload);
        } catch {
          parsed = payload;
        }
        const text = JSON.stringify(swap(parsed, 0)) ?? 'null';
        // Prototype keys as JSON text: JSON.parse makes them own data keys, never prototypes.
        const mutated =
          rand() < 0.3
            ? text.replace(/^\{/, '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},')
            : text;
        expectWellFormed(route(topic, mutated, null, ctx), `${topic} ${mutated.slice(0, 200)}`);
        const bytes = Buffer.from(payload);
        for (let k = 0; k < 3; k++) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
        expectWellFormed(route(topic, bytes, null, ctx), `${topic} corrupted`);
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses oversized payloads of every decoded topic, keeping the first bytes', () => {
    for (const [topic] of valid) {
      const ctx = routerContext();
      route('solar/114190641177/status/last_update', String(NOW_S - 3), null, ctx);
      const big = Buffer.alloc(ctx.limits.maxPayloadBytes + 1, 0x20);
      const o = only(route(topic, big, null, ctx));
      expect(reasonOf(o), topic).toBe('payload_too_large');
      expect(o.kind === 'refusal' && o.record.truncated).toBe(true);
    }
  });

  it('survives hostile topics', () => {
    const ctx = routerContext();
    const topics = [
      'frigate/',
      'frigate//events',
      'solar/',
      'solar//0/power',
      'solar/114190641177',
      'solar/114190641177/0',
      'solar/114190641177/0/power/extra',
      'solar/114190641177/999/power',
      'tele/',
      'tele//SENSOR',
      'tele/tasmota_E1/SENSOR/x',
      'sunspec/',
      'sunspec//103',
      'sunspec/roof-103/103/x',
      'sunspec/roof-103/99999',
      'onvif/',
      'onvif/axis-01',
      'onvif/axis-01/onvif-ej',
      'onvif/axis-01/onvif-ej/&',
      `frigate/${'x/'.repeat(2000)}events`,
      'solar/__proto__/0/power',
      'sunspec/constructor/103',
      'tele/__proto__/SENSOR',
    ];
    for (const t of topics) {
      expectWellFormed(route(t, '{"a":1}', 'cam-1', ctx), t);
      expectWellFormed([...route(t, Buffer.from([0xff, 0xfe]), null, ctx)], t);
    }
    expect(message('x', 'y').topic).toBe('x');
  });
});
