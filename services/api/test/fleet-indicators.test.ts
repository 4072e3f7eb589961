/**
 * Solar, EV and dumping indicators through the API, on a small fleet with hand-worked figures.
 */
import { detection, reading } from '@hpg/ports/testing';
import { Registry } from '@hpg/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startTestApi, TEST_CREDENTIAL } from './api-harness.ts';

const cred = TEST_CREDENTIAL;
const loc = { lat: 20.9, lon: 106.6 };
const registry = Registry.from({
  version: 1,
  localities: [
    { id: 'hai-phong', kind: 'city', name: 'Thành phố Hải Phòng', nameEn: 'Hai Phong', parentId: null },
    { id: 'tan-minh', kind: 'commune', name: 'Xã Tân Minh', nameEn: 'Tan Minh', parentId: 'hai-phong' },
  ],
  sites: [
    { id: 'school', localityId: 'tan-minh', name: 'Trường', location: loc, kind: 'building', solarCapacityKwp: 10 },
    { id: 'evs', localityId: 'tan-minh', name: 'Trạm sạc', location: loc, kind: 'charging_station' },
    { id: 'bank', localityId: 'tan-minh', name: 'Bờ sông', location: loc, kind: 'camera_spot', zones: ['bank'] },
  ],
  devices: [
    { id: 'pv-a', siteId: 'school', kind: 'solar_inverter', intervalSeconds: 60, credentials: [cred] },
    { id: 'pv-b', siteId: 'school', kind: 'solar_inverter', intervalSeconds: 60, credentials: [cred] },
    { id: 'ch-1', siteId: 'evs', kind: 'ev_charger', intervalSeconds: 60, credentials: [cred] },
    { id: 'cam-1', siteId: 'bank', kind: 'camera', intervalSeconds: 3600, credentials: [cred] },
  ],
});

const NOV1 = Date.UTC(2026, 9, 31, 17); // 1 Nov 2026 00:00 in Hai Phong
const H = 3_600_000;
const NOW = NOV1 + 10 * 24 * H; // 11 Nov 00:00 local

describe('fleet indicators', () => {
  let h: ApiHarness;
  const get = async (path: string) => (await (await fetch(`${h.api.url}${path}`)).json()) as Record<string, unknown>;

  beforeAll(async () => {
    h = await startTestApi(
      registry,
      async (store) => {
        const solar = (deviceId: string, ts: number, lifetime: number, power: number) =>
          reading({
            measurement: 'solar',
            deviceId,
            siteId: 'school',
            localityId: 'tan-minh',
            ts,
            values: { energy_lifetime: lifetime, ac_power: power },
            quality: {},
          });
        const ev = (
          measurement: 'ev_status' | 'ev_session',
          ts: number,
          states: Record<string, string>,
          values: Record<string, number> = {},
        ) =>
          reading({
            measurement,
            deviceId: 'ch-1',
            siteId: 'evs',
            localityId: 'tan-minh',
            channel: '1',
            ts,
            values,
            states,
            quality: {},
          });
        await store.writeReadings([
          // pv-a +30 kWh, pv-b +20 kWh in November; pv-a produced within the 24 h before NOW.
          solar('pv-a', NOV1 + H, 1_000_000, 0),
          solar('pv-a', NOW - 2 * H, 1_030_000, 1500),
          solar('pv-b', NOV1 + H, 500_000, 0),
          solar('pv-b', NOV1 + 5 * 24 * H, 520_000, 0),
          // One session of 12.5 kWh; connector Faulted for 1 h of the 240 h since 1 Nov.
          ev('ev_status', NOV1 - H, { status: 'Available' }),
          ev('ev_status', NOV1 + 2 * H, { status: 'Faulted' }),
          ev('ev_status', NOV1 + 3 * H, { status: 'Available' }),
          ev('ev_session', NOV1 + 4 * H, { event: 'start', sessionId: 'tx-1' }, { energy_register: 100_000 }),
          ev('ev_session', NOV1 + 6 * H, { event: 'stop', sessionId: 'tx-1' }, { energy_register: 112_500 }),
        ]);
        const d = (eventId: string, minutes: number, label = 'waste', score = 0.8) =>
          detection({
            deviceId: 'cam-1',
            siteId: 'bank',
            localityId: 'tan-minh',
            eventId,
            zone: 'bank',
            label,
            score,
            startedAt: NOV1 + 22 * H + minutes * 60_000,
            ts: NOV1 + 22 * H + minutes * 60_000,
          });
        // e1 and e2 (30 min later) are one pile; e3 four hours later another; e4 a person.
        await store.writeDetections([d('e1', 0), d('e2', 30), d('e3', 240), d('e4', 10, 'person')]);
      },
      () => NOW,
    );
  });
  afterAll(async () => {
    await h?.close();
  });

  it('solar: energy, specific yield, CO2 and active installations against Tân Minh’s target', async () => {
    const body = await get('/api/v1/indicators/solar?month=2026-11&localityId=tan-minh');
    const ind = body.indicators as Record<string, unknown>;
    // 50 kWh; 50 / 10 kWp = 5 kWh/kWp; CO2 = 0.05 MWh × 0.6592 = 0.03296 t; 1 active site vs 10 (2026).
    expect(ind.energyKwh).toBe(50);
    expect(ind.co2AvoidedTonnes as number).toBeCloseTo(0.03296, 9);
    expect(ind.activeInstallations24h).toBe(1);
    expect(ind.target).toMatchObject({ value: 10, year: 2026, met: false, source: '001 appendix task 10' });
    expect((body.sites as { specificYield: number }[])[0]?.specificYield).toBe(5);
  });

  it('EV: sessions, energy and connector availability', async () => {
    const ind = (await get('/api/v1/indicators/ev?month=2026-11&localityId=tan-minh')).indicators as Record<
      string,
      number
    >;
    // Availability: (240 − 1) / 240 h of known status up to NOW.
    expect(ind).toMatchObject({ sessions: 1, openSessions: 0, energyKwh: 12.5, chargers: 1 });
    expect(ind.connectorAvailability).toBeCloseTo(239 / 240, 9);
    expect(ind).toMatchObject({ stations: 1, stationsOperational: 1 });
    // 12.5 kWh at 3 kWh/100 km = 416.67 km; petrol 8.333 L × 2.27 kg/L = 18.917 kg; less the grid's
    // 0.0125 MWh × 0.6592 t/MWh = 8.24 kg: 10.677 kg (config/regulatory/ev-displacement.json).
    expect(ind.co2AvoidedTonnes).toBeCloseTo(((12.5 / 3) * 2 * 2.27) / 1000 - 0.0125 * 0.6592, 9);
  });

  it('dumping: detections, incidents after deduplication, hotspots', async () => {
    const body = await get('/api/v1/indicators/dumping?month=2026-11&localityId=hai-phong');
    // Without the alert workflow there are no police outcomes: null, not zeros.
    expect(body.indicators).toEqual({ detections: 4, incidents: 2, alerts: null });
    expect(body.hotspots).toEqual([{ siteId: 'bank', incidents: 2, name: 'Bờ sông' }]);
  });
});
