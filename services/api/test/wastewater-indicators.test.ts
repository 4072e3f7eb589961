import { reading } from '@hpg/ports/testing';
import { Registry } from '@hpg/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startTestApi, TEST_CREDENTIAL } from './api-harness.ts';

const cred = TEST_CREDENTIAL;
const loc = { lat: 20.9, lon: 106.7 };
const plant = (id: string, central: boolean, standard = 'QCVN40:2011') => ({
  id,
  localityId: 'vinh-am',
  name: id,
  location: loc,
  kind: 'wastewater_plant',
  wastewater: { standard, column: 'B', kq: 0.9, kf: 1.1, designFlowM3PerDay: 1000, centralIndustrial: central },
});
const registry = Registry.from({
  version: 1,
  localities: [
    { id: 'hai-phong', kind: 'city', name: 'Thành phố Hải Phòng', nameEn: 'Hai Phong', parentId: null },
    { id: 'vinh-am', kind: 'commune', name: 'Xã Vĩnh Am', nameEn: 'Vinh Am', parentId: 'hai-phong' },
  ],
  sites: [plant('kcn-1', true), plant('kcn-2', true), plant('new-plant', false, 'QCVN40:2025')],
  devices: [
    { id: 'ww-1', siteId: 'kcn-1', kind: 'wastewater_station', intervalSeconds: 300, credentials: [cred] },
    { id: 'ww-2', siteId: 'kcn-2', kind: 'wastewater_station', intervalSeconds: 300, credentials: [cred] },
    { id: 'ww-3', siteId: 'new-plant', kind: 'wastewater_station', intervalSeconds: 300, credentials: [cred] },
  ],
});

// 1 Nov 2026 00:00 in Hai Phong = 31 Oct 17:00 UTC.
const NOV1 = Date.UTC(2026, 9, 31, 17);
const H = 3_600_000;

describe('GET /api/v1/indicators/wastewater', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startTestApi(registry, async (store) => {
      const sample = (deviceId: string, siteId: string, ts: number, cod: number) =>
        reading({
          deviceId,
          siteId,
          localityId: 'vinh-am',
          ts,
          values: { cod, ph: 7 },
          quality: { cod: 'measuring', ph: 'measuring' },
        });
      await store.writeReadings([
        // kcn-1: 1 Nov fine (COD 100 ≤ 148.5), 2 Nov one hour at 200 > 148.5.
        sample('ww-1', 'kcn-1', NOV1 + H, 100),
        sample('ww-1', 'kcn-1', NOV1 + 24 * H + H, 200),
        // kcn-2: fine on both days.
        sample('ww-2', 'kcn-2', NOV1 + H, 90),
        sample('ww-2', 'kcn-2', NOV1 + 24 * H + H, 95),
        // Late on 31 Oct local time: not November.
        sample('ww-2', 'kcn-2', NOV1 - H, 999),
      ]);
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('judges each plant by its standard and reports the share against the target', async () => {
    const res = await fetch(`${h.api.url}/api/v1/indicators/wastewater?month=2026-11&localityId=vinh-am`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      indicators: Record<string, unknown> & { target: Record<string, unknown> };
      plants: {
        plantId: string;
        status: string;
        compliantDays: number;
        nonCompliantDays: number;
        noDataDays: number;
      }[];
      unjudged: { plantId: string; reason: string }[];
      method: string;
    };
    expect(body.plants.map((p) => [p.plantId, p.status, p.compliantDays, p.nonCompliantDays, p.noDataDays])).toEqual([
      ['kcn-1', 'non_compliant', 1, 1, 28],
      ['kcn-2', 'compliant', 2, 0, 28],
    ]);
    expect(body.indicators).toMatchObject({
      plantsMonitored: 2,
      plantsCompliantPct: 50,
      centralIndustrialCompliantPct: 50,
    });
    expect(body.indicators.target).toMatchObject({
      value: 100,
      unit: '%',
      met: false,
      source: '004 §II.2, appendix II.1',
    });
    expect(body.unjudged).toEqual([{ plantId: 'new-plant', reason: 'standard QCVN40:2025 is not in the data yet' }]);
    expect(body.method).toContain('hourly averages');
  });

  it('refuses a malformed month', async () => {
    expect((await fetch(`${h.api.url}/api/v1/indicators/wastewater?month=2026-13`)).status).toBe(400);
    expect((await fetch(`${h.api.url}/api/v1/indicators/wastewater?month=2026-11&bogus=1`)).status).toBe(400);
  });
});
