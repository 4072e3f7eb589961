import type { Detection, IndicatorPoint, Reading, Refusal } from '@hpg/contracts';

/** Fixed instant used by fixtures: 2026-10-15T03:00:00Z (10:00 in Hai Phong). */
export const T0 = Date.UTC(2026, 9, 15, 3, 0, 0);

export function reading(overrides: Partial<Reading> = {}): Reading {
  return {
    v: 1,
    measurement: 'wastewater',
    deviceId: 'ww-test-01',
    siteId: 'site-test-01',
    localityId: 'tan-minh',
    channel: '',
    ts: T0,
    receivedAt: T0 + 1_000,
    values: { cod: 42.5, ph: 7.1 },
    states: {},
    quality: { cod: 'measuring', ph: 'measuring' },
    source: 'hpg-json/v1',
    ...overrides,
  };
}

export function detection(overrides: Partial<Detection> = {}): Detection {
  return {
    v: 1,
    deviceId: 'cam-test-01',
    siteId: 'spot-test-01',
    localityId: 'vinh-am',
    eventId: 'evt-1',
    phase: 'start',
    ts: T0,
    receivedAt: T0 + 500,
    label: 'waste',
    score: 0.82,
    zone: 'riverbank',
    box: [10, 20, 110, 220],
    snapshotUrl: 'http://camera.local/snap/evt-1.jpg',
    snapshotSha256: null,
    startedAt: T0,
    endedAt: null,
    source: 'hpg-json/v1',
    ...overrides,
  };
}

export function refusal(overrides: Partial<Refusal> = {}): Refusal {
  return {
    v: 1,
    id: 'ref-1',
    receivedAt: T0,
    reason: 'malformed_json',
    detail: 'Unexpected token',
    topic: 'hpg/v1/devices/ww-test-01/sample',
    deviceId: 'ww-test-01',
    publisher: 'ww-test-01',
    raw: Buffer.from('{"v":1,').toString('base64'),
    rawSize: 7,
    truncated: false,
    ...overrides,
  };
}

/** October 2026 in Hai Phong: [2026-09-30T17:00Z, 2026-10-31T17:00Z). */
export const OCT_FROM = Date.UTC(2026, 8, 30, 17);
export const OCT_TO = Date.UTC(2026, 9, 31, 17);

export function indicatorPoint(overrides: Partial<IndicatorPoint> = {}): IndicatorPoint {
  return {
    v: 1,
    indicator: 'solar.energy_kwh',
    scopeKind: 'locality',
    scopeId: 'tan-minh',
    localityId: 'tan-minh',
    period: 'month',
    label: '2026-10',
    from: OCT_FROM,
    to: OCT_TO,
    value: 1234.5,
    unit: 'kWh',
    target: null,
    computedAt: OCT_TO + 60_000,
    ...overrides,
  };
}

/** Polls `check` until it passes or `timeoutMs` elapses (then rethrows its last failure). */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 10_000, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }
}
