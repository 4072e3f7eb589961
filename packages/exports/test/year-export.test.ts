/**
 * The yearly report sums the months and agrees with the month exports: for every locality, every
 * additive indicator's year value equals the sum of the covered months' export values; a year in
 * progress covers its closed months and says so; the December report carries the plans' deadline.
 */
import { describe, expect, it } from 'vitest';
import { buildMonth, buildYear, type ExportData, renderJson, renderXlsx } from '../src/index.ts';
import { fill, local, MemoryStore, registry, regulatory } from './fixture.ts';
import { readWorkbook, table } from './helpers.ts';

/** Additive in the indicator service's year points (@hpg/reports yearPoints). */
const ADDITIVE = [
  'solar.energy_kwh',
  'solar.co2_avoided_t',
  'ev.sessions',
  'ev.energy_kwh',
  'ev.co2_avoided_t',
  'dumping.detections',
  'dumping.incidents',
  'energy.actual_kwh',
  'energy.baseline_kwh',
];

const json = (d: ExportData) => JSON.parse(new TextDecoder().decode(renderJson(d, 'vi')));
const valueIn = (j: { indicators: { key: string; value: number | null }[] }, key: string) =>
  j.indicators.find((r) => r.key === key)?.value ?? null;

describe('yearly export', () => {
  it('is the sum of the month exports, for every locality (a year in progress: its closed months)', async () => {
    const store = new MemoryStore();
    await fill(store);
    // Some data in other months, so more than two months add up.
    const more = store.readings
      .filter((r) => r.deviceId === 'pv-1')
      .map((r) => ({ ...r, ts: r.ts - 150 * 86_400_000, values: { ...r.values } }));
    await store.writeReadings(more);
    const now = local(2026, 12, 2, 9); // 2 December: January–November have ended
    const deps = { store, registry, regulatory, now };
    for (const localityId of ['hai-phong', 'tan-minh', 'vinh-am']) {
      const year = json(await buildYear(deps, localityId, 2026));
      expect(year.months).toEqual([
        '2026-01',
        '2026-02',
        '2026-03',
        '2026-04',
        '2026-05',
        '2026-06',
        '2026-07',
        '2026-08',
        '2026-09',
        '2026-10',
        '2026-11',
      ]);
      const months = [];
      for (let m = 1; m <= 11; m++) months.push(json(await buildMonth(deps, localityId, 2026, m)));
      for (const key of ADDITIVE) {
        const monthValues = months.map((j) => valueIn(j, key)).filter((v): v is number => v !== null);
        const expected = monthValues.length === 0 ? null : monthValues.reduce((s, v) => s + v, 0);
        expect(valueIn(year, key), `${localityId} ${key}`).toBe(expected);
        // The by-month column is the month exports' values.
        expect(year.indicators.find((r: { key: string }) => r.key === key).byMonth, `${localityId} ${key}`).toEqual(
          months.map((j) => valueIn(j, key)),
        );
      }
      // Savings are recomputed from the summed baseline and actual.
      const actual = valueIn(year, 'energy.actual_kwh');
      const baseline = valueIn(year, 'energy.baseline_kwh');
      if (actual !== null && baseline !== null)
        expect(valueIn(year, 'energy.savings_pct')).toBeCloseTo(((baseline - actual) / baseline) * 100, 9);
    }
  });

  it('works out the fixture’s year by hand, says it is in progress and gives the deadline', async () => {
    const store = new MemoryStore();
    await fill(store);
    const data = await buildYear({ store, registry, regulatory, now: local(2026, 12, 1, 0, 30) }, 'hai-phong', 2026);
    expect(data.complete).toBe(false);
    expect(data.asOf).toBe(local(2026, 12, 1));
    expect(data.notes).toEqual([
      { code: 'annual_deadline' },
      { code: 'year_in_progress', months: 11 },
      { code: 'alerts_unreachable' },
    ]);
    const row = (key: string) => data.indicators.find((r) => r.key === key);
    expect(row('solar.energy_kwh')?.value).toBe(23); // 10 (September) + 13 (October)
    expect(row('solar.active_installations')?.value).toBe(0); // the latest month's (November: nothing)
    // The forecast baseline is 100 kWh every month; the meter only reported in September and October.
    expect(row('energy.actual_kwh')?.value).toBe(190);
    expect(row('energy.baseline_kwh')?.value).toBe(1_100);
    expect(row('energy.savings_pct')?.value).toBeCloseTo(((1_100 - 190) / 1_100) * 100, 9);
    expect(row('energy.savings_pct')?.status).toBe('met'); // against ≥ 6.2 %
    expect(row('energy.savings_industry_pct')?.value).toBeCloseTo(((1_100 - 190) / 1_100) * 100, 9);
    // Shares are judged month by month: 1 of the 2 months with data met 100 %.
    expect(row('wastewater.central_wwtp_compliant_pct')).toMatchObject({
      value: null,
      status: 'monthly',
      monthsMet: 1,
    });

    const wb = await readWorkbook(await renderXlsx(data, 'vi'));
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      'Chỉ tiêu năm',
      'Theo tháng',
      'Nước thải theo tháng',
      'Điện mặt trời',
      'Trạm sạc xe điện',
      'Vụ đổ thải',
      'Thông tin',
    ]);
    const byMonth = table(wb.getWorksheet('Theo tháng') as never);
    expect(byMonth.headers.slice(3, 5)).toEqual(['Tháng 01/2026', 'Tháng 02/2026']);
    expect(byMonth.rows.find((r) => r['Mã chỉ tiêu'] === 'solar.energy_kwh')).toMatchObject({
      'Tháng 09/2026': 10,
      'Tháng 10/2026': 13,
      'Cả năm': 23,
    });
    const about = table(wb.getWorksheet('Thông tin') as never).rows.map((r) => String(r['Nội dung']));
    expect(about).toContain('Báo cáo định kỳ trước ngày 05 tháng 12 hàng năm (Kế hoạch 004, mục VI.3)');
    expect(about.join('\n')).toContain('Năm chưa kết thúc: báo cáo gồm 11 tháng đã qua (2026-01 – 2026-11)');
    const plants = table(wb.getWorksheet('Nước thải theo tháng') as never).rows;
    expect(plants.filter((r) => r['Kết quả'] !== 'không có dữ liệu').map((r) => [r.Tháng, r['Kết quả']])).toEqual([
      ['2026-09', 'đạt quy chuẩn'],
      ['2026-10', 'vượt quy chuẩn'],
    ]);
  });

  it('covers all twelve months once the year is over', async () => {
    const store = new MemoryStore();
    await fill(store);
    const data = await buildYear({ store, registry, regulatory, now: local(2027, 1, 1, 1) }, 'tan-minh', 2026);
    expect(data.complete).toBe(true);
    expect(data.months).toHaveLength(12);
    expect(data.notes.map((n) => n.code)).not.toContain('year_in_progress');
  });
});
