/**
 * Energy savings through the API: three baselines, worked by hand, against Bạch Đằng's targets
 * (6.5 % business and services, 8.5 % industry: plan 000 §II.2.2 (3)).
 */
import { reading } from '@hpg/ports/testing';
import { Registry } from '@hpg/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startTestApi, TEST_CREDENTIAL } from './api-harness.ts';

const cred = TEST_CREDENTIAL;
const loc = { lat: 20.9, lon: 106.6 };
const site = (id: string, sector: string, energyBaseline?: object) => ({
  id,
  localityId: 'bach-dang',
  name: id,
  location: loc,
  kind: 'facility',
  sector,
  ...(energyBaseline !== undefined && { energyBaseline }),
});
const registry = Registry.from({
  version: 1,
  localities: [
    { id: 'hai-phong', kind: 'city', name: 'Thành phố Hải Phòng', nameEn: 'Hai Phong', parentId: null },
    { id: 'bach-dang', kind: 'ward', name: 'Phường Bạch Đằng', nameEn: 'Bach Dang', parentId: 'hai-phong' },
  ],
  sites: [
    site('factory', 'industry', { method: 'forecast', yearWh: { '2026': 12_000_000 } }),
    site('office', 'business_services', {
      method: 'regression',
      interceptWh: 50_000,
      slopeWhPerUnit: 1_000,
      driver: 'cooling degree-days',
      driverByMonth: { '2026-11': 50 },
    }),
    site('shop', 'business_services', { method: 'reference_month', referenceYear: 2025 }),
    site('school', 'public'),
  ],
  devices: ['factory', 'office', 'shop', 'school'].map((s) => ({
    id: `mt-${s}`,
    siteId: s,
    kind: 'energy_meter',
    intervalSeconds: 300,
    credentials: [cred],
  })),
});

const NOV_2026 = Date.UTC(2026, 9, 31, 17); // 1 Nov 2026 00:00 local
const NOV_2025 = Date.UTC(2025, 9, 31, 17);
const DAY = 86_400_000;

describe('GET /api/v1/indicators/energy', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startTestApi(registry, async (store) => {
      const meter = (site: string, ts: number, wh: number) =>
        reading({
          measurement: 'meter',
          deviceId: `mt-${site}`,
          siteId: site,
          localityId: 'bach-dang',
          ts,
          values: { energy_import: wh },
          quality: {},
        });
      await store.writeReadings([
        // Factory: forecast 12 MWh/year → 1,000,000 Wh for November; actual 900,000 → 10 %.
        meter('factory', NOV_2026 + DAY, 0),
        meter('factory', NOV_2026 + 20 * DAY, 900_000),
        // Office: 50,000 + 1,000 × 50 CDD = 100,000 Wh; actual 95,000 → 5 %.
        meter('office', NOV_2026 + DAY, 10_000),
        meter('office', NOV_2026 + 20 * DAY, 105_000),
        // Shop: November 2025 used 200,000 Wh; November 2026 190,000 → 5 %.
        meter('shop', NOV_2025 + DAY, 0),
        meter('shop', NOV_2025 + 25 * DAY, 200_000),
        meter('shop', NOV_2026 + DAY, 1_000_000),
        meter('shop', NOV_2026 + 25 * DAY, 1_190_000),
        meter('school', NOV_2026 + DAY, 5),
      ]);
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('computes savings per facility and by sector on the sums, against the ward targets', async () => {
    const body = (await (
      await fetch(`${h.api.url}/api/v1/indicators/energy?month=2026-11&localityId=bach-dang`)
    ).json()) as {
      indicators: {
        all: { savingsPct: number; baselineWh: number; actualWh: number };
        bySector: Record<string, { savingsPct: number; target: { value: number; met: boolean } | null }>;
      };
      facilities: { facilityId: string; savingsPct: number; method: string }[];
      unjudged: { siteId: string }[];
    };
    const pct = Object.fromEntries(body.facilities.map((f) => [f.facilityId, f.savingsPct]));
    expect(pct.factory).toBeCloseTo(10, 9);
    expect(pct.office).toBeCloseTo(5, 9);
    expect(pct.shop).toBeCloseTo(5, 9);
    // Industry 10 % ≥ 8.5 %: met. Business: (300,000 − 285,000) / 300,000 = 5 % < 6.5 %: not met.
    expect(body.indicators.bySector.industry).toMatchObject({ target: { value: 8.5, met: true } });
    expect(body.indicators.bySector.industry?.savingsPct).toBeCloseTo(10, 9);
    expect(body.indicators.bySector.business_services?.savingsPct).toBeCloseTo(5, 9);
    expect(body.indicators.bySector.business_services?.target).toMatchObject({ value: 6.5, met: false });
    // All: (1,300,000 − 1,185,000) / 1,300,000 = 8.846 %.
    expect(body.indicators.all).toMatchObject({ baselineWh: 1_300_000, actualWh: 1_185_000 });
    expect(body.indicators.all.savingsPct).toBeCloseTo((115_000 / 1_300_000) * 100, 9);
    expect(body.unjudged).toEqual([{ siteId: 'school', reason: 'no energy baseline in the registry' }]);
  });
});
