/** A registry whose devices carry foreign bindings, and builders of foreign messages, for decoder tests. */
import { Registry } from '@hpg/registry';
import {
  createDecoderState,
  DEFAULT_FORMATS,
  DEFAULT_LIMITS,
  decodeMessage,
  type FormatsConfig,
  FormatsConfigSchema,
  type Outcome,
  type RawMessage,
  type Routed,
  type RouterContext,
} from '../src/index.ts';

const credential = { algo: 'scrypt', n: 16384, r: 8, p: 1, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'x'.repeat(44) };

/** 2026-11-22 10:00 in Hai Phong (UTC+7). */
export const NOW = Date.UTC(2026, 10, 22, 3, 0, 0);
export const NOW_S = NOW / 1000;

export function foreignRegistry(): Registry {
  const loc = { lat: 20.9, lon: 106.6 };
  const device = (id: string, siteId: string, kind: string, external?: object, enabled = true) => ({
    id,
    siteId,
    kind,
    intervalSeconds: 300,
    enabled,
    credentials: [credential],
    ...(external !== undefined && { external }),
  });
  return Registry.from({
    version: 1,
    localities: [
      { id: 'hai-phong', kind: 'city', name: 'Thành phố Hải Phòng', nameEn: 'Hai Phong City', parentId: null },
      { id: 'vinh-am', kind: 'commune', name: 'Xã Vĩnh Am', nameEn: 'Vinh Am Commune', parentId: 'hai-phong' },
    ],
    sites: [
      { id: 'bank', localityId: 'vinh-am', name: 'Bờ kênh', location: loc, kind: 'camera_spot', zones: ['riverbank'] },
      { id: 'school', localityId: 'vinh-am', name: 'Trường', location: loc, kind: 'building' },
      { id: 'market', localityId: 'vinh-am', name: 'Chợ', location: loc, kind: 'facility' },
    ],
    devices: [
      // One Frigate NVR logs in as cam-1 and publishes for both of its cameras.
      device('cam-1', 'bank', 'camera', { frigate: { camera: 'bank_east', baseUrl: 'http://nvr.local:5000/' } }),
      device('cam-2', 'bank', 'camera', { frigate: { camera: 'bank_west', zones: ['dock'], publishedBy: 'cam-1' } }),
      device('cam-3', 'bank', 'camera', { onvif: { id: 'axis-01' } }),
      device('cam-off', 'bank', 'camera', { frigate: { camera: 'old_cam' } }, false),
      device('pv-1', 'school', 'solar_inverter', { opendtu: { serial: '114190641177' } }),
      device('pv-2', 'school', 'solar_inverter', { opendtu: { serial: '114190641178', publishedBy: 'pv-1' } }),
      device('pv-3', 'school', 'solar_inverter', { sunspec: { id: 'roof-103' } }),
      device('pv-4', 'school', 'solar_inverter', { sunspec: { id: 'roof-701' } }),
      device('mt-1', 'market', 'energy_meter', { tasmota: { topic: 'tasmota_E1' } }),
      device('mt-2a', 'market', 'energy_meter', { tasmota: { topic: 'shelly25', channel: 1 } }),
      device('mt-2b', 'market', 'energy_meter', { tasmota: { topic: 'shelly25', channel: 2, publishedBy: 'mt-2a' } }),
      device('mt-3', 'market', 'energy_meter'),
    ],
  });
}

export function routerContext(formats: Partial<Record<keyof FormatsConfig, object>> = {}): RouterContext {
  let n = 0;
  return {
    registry: foreignRegistry(),
    limits: DEFAULT_LIMITS,
    newId: () => `r-${++n}`,
    formats: Object.keys(formats).length === 0 ? DEFAULT_FORMATS : FormatsConfigSchema.parse(formats),
    state: createDecoderState(),
  };
}

export function message(
  topic: string,
  payload: unknown,
  publisher: string | null = null,
  receivedAt = NOW,
): RawMessage {
  const bytes = Buffer.isBuffer(payload)
    ? payload
    : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
  return { topic, payload: bytes, receivedAt, publisher };
}

/** Decodes through the router with a fresh (or the given) context. */
export function route(
  topic: string,
  payload: unknown,
  publisher: string | null = null,
  ctx: RouterContext = routerContext(),
): Routed[] {
  return decodeMessage(message(topic, payload, publisher), ctx);
}

export function only(out: Routed[]): Routed {
  if (out.length !== 1) throw new Error(`expected one outcome, got ${out.length}`);
  return out[0] as Routed;
}

export function reasonOf(o: Routed): string | undefined {
  return o.kind === 'refusal' ? o.record.reason : undefined;
}

export function records(out: Routed[]): Outcome[] {
  return out.filter((o): o is Outcome => o.kind !== 'ignored');
}
