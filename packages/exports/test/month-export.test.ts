/**
 * Month exports read back with exceljs: sheet names and Vietnamese headers, hand-worked values
 * (fixture.ts) with their targets, statuses, owners, sources and the change against the previous
 * month, number formats, frozen header rows; the English variant; and the same bytes every time.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildMonth, dosDateTime, factsSource, renderCsv, renderJson, renderXlsx } from '../src/index.ts';
import { filledStore, local, NOV1, registry, regulatory } from './fixture.ts';
import { cellOf, readWorkbook, table, zipEntryTimes } from './helpers.ts';

async function october(localityId: string, now = NOV1) {
  const store = await filledStore();
  return buildMonth({ store, registry, regulatory, now }, localityId, 2026, 10);
}

describe('month export, XLSX', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('has the sheets and Vietnamese headers, with frozen header rows and column widths', async () => {
    const wb = await readWorkbook(await renderXlsx(await october('tan-minh'), 'vi'));
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      'Chỉ tiêu',
      'Nước thải theo ngày',
      'Điện mặt trời',
      'Trạm sạc xe điện',
      'Vụ đổ thải',
      'Thông tin',
    ]);
    const ws = wb.getWorksheet('Chỉ tiêu');
    if (ws === undefined) throw new Error('no sheet');
    expect(ws.getCell('A1').value).toBe('Báo cáo chỉ tiêu chuyển đổi xanh — Xã Tân Minh — tháng 10/2026');
    expect(table(ws).headers).toEqual([
      'Lĩnh vực',
      'Mã chỉ tiêu',
      'Chỉ tiêu',
      'Đơn vị',
      'Giá trị',
      'Tháng trước',
      'Thay đổi so với tháng trước',
      'So sánh',
      'Mục tiêu',
      'Năm mục tiêu',
      'Trạng thái',
      'Cơ quan chủ trì',
      'Nguồn mục tiêu',
      'Độ đầy đủ dữ liệu (%)',
      'Ghi chú phương pháp',
    ]);
    for (const sheet of wb.worksheets) {
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
      expect(sheet.getColumn(1).width).toBeGreaterThan(5);
    }
    const props = wb.created;
    expect(props.toISOString()).toBe('2026-10-31T17:00:00.000Z');
  });

  it('gives the hand-worked values, their targets and statuses, and the change against September', async () => {
    const wb = await readWorkbook(await renderXlsx(await october('tan-minh'), 'vi'));
    const ws = wb.getWorksheet('Chỉ tiêu');
    if (ws === undefined) throw new Error('no sheet');
    const rows = table(ws).rows;
    const row = (key: string) => rows.find((r) => r['Mã chỉ tiêu'] === key);

    // Producing installations 0 → 1 against Tân Minh's 2026 target of 10: not met.
    expect(row('solar.active_installations')).toMatchObject({
      'Giá trị': 1,
      'Tháng trước': 0,
      'Thay đổi so với tháng trước': 1,
      'So sánh': '≥',
      'Mục tiêu': 10,
      'Năm mục tiêu': 2026,
      'Trạng thái': 'chưa đạt',
      'Cơ quan chủ trì': 'UBND xã Tân Minh',
      'Nguồn mục tiêu': '001 appendix task 10',
    });
    expect(cellOf(ws, 'Mã chỉ tiêu', 'solar.active_installations', 'Mục tiêu').numFmt).toBe('"≥ "#,##0');
    // Solar energy 10 → 13 kWh, no target in Tân Minh.
    expect(row('solar.energy_kwh')).toMatchObject({
      'Giá trị': 13,
      'Tháng trước': 10,
      'Thay đổi so với tháng trước': 3,
      'Trạng thái': 'không có chỉ tiêu kế hoạch',
    });
    expect(cellOf(ws, 'Mã chỉ tiêu', 'solar.energy_kwh', 'Giá trị').numFmt).toBe('#,##0.00" kWh"');
    expect(cellOf(ws, 'Mã chỉ tiêu', 'solar.co2_avoided_t', 'Giá trị').numFmt).toBe('#,##0.000" t CO2"');
    // Availability 26 of 31 days, a percentage with its format; the change in percentage points.
    expect(row('ev.connector_availability_pct')?.['Giá trị']).toBeCloseTo((26 / 31) * 100, 9);
    expect(cellOf(ws, 'Mã chỉ tiêu', 'ev.connector_availability_pct', 'Giá trị').numFmt).toBe('#,##0.0" %"');
    expect(cellOf(ws, 'Mã chỉ tiêu', 'ev.connector_availability_pct', 'Thay đổi so với tháng trước').numFmt).toBe(
      '+#,##0.0" điểm %";-#,##0.0" điểm %";#,##0.0" điểm %"',
    );
    // The plans' targets nothing measures here are listed too, without a value.
    expect(row('plan.green_public_procurement_pct')).toMatchObject({
      'Chỉ tiêu': 'Tỷ lệ mua sắm công xanh',
      'Mục tiêu': 10,
      'Trạng thái': 'chưa có dữ liệu',
      'Cơ quan chủ trì': 'UBND xã Tân Minh',
    });
    expect(row('plan.green_public_procurement_pct')?.['Giá trị']).toBeNull();
    // The method note carries the averaging period, the exclusions and what completeness means.
    expect(String(row('wastewater.plants_monitored')?.['Ghi chú phương pháp'])).toContain('Trung bình giờ');
  });

  it('judges the plant, the city’s energy savings and shows milestones as such', async () => {
    const vinhAm = await readWorkbook(await renderXlsx(await october('vinh-am'), 'vi'));
    const va = table(vinhAm.getWorksheet('Chỉ tiêu') as never).rows;
    expect(va.find((r) => r['Mã chỉ tiêu'] === 'wastewater.central_wwtp_compliant_pct')).toMatchObject({
      'Giá trị': 0,
      'Tháng trước': 100,
      'Thay đổi so với tháng trước': -100,
      'Mục tiêu': 100,
      'Năm mục tiêu': 2030,
      'Trạng thái': 'chưa đạt',
      'Cơ quan chủ trì': 'UBND xã Vĩnh Am',
      'Nguồn mục tiêu': '004 §II.2, appendix II.1',
    });
    const days = table(vinhAm.getWorksheet('Nước thải theo ngày') as never).rows;
    expect(days).toHaveLength(31);
    const oct3 = days.find((r) => (r.Ngày as Date).toISOString().startsWith('2026-10-03'));
    expect(oct3).toMatchObject({
      'Mã nhà máy': 'kcn',
      'Kết quả': 'vượt quy chuẩn',
      'Thông số bất lợi nhất': 'cod',
      'Giá trị loại trừ: hiệu chuẩn': 1,
      'Số lần vượt': 1,
    });
    expect(oct3?.['Tỷ lệ so với giới hạn (lần)']).toBeCloseTo(200 / 148.5, 9);
    const incidents = table(vinhAm.getWorksheet('Vụ đổ thải') as never).rows;
    expect(incidents.map((r) => [r['Mã vụ việc'], r['Số lần phát hiện']])).toEqual([
      ['e1', 2],
      ['e3', 1],
    ]);
    // Local time in the cell: 12 Oct 21:00 in Hai Phong.
    expect((incidents[0] as Record<string, unknown>)['Phát hiện lần đầu']).toEqual(
      new Date('2026-10-12T21:00:00.000Z'),
    );

    const city = await readWorkbook(await renderXlsx(await october('hai-phong'), 'vi'));
    const hp = table(city.getWorksheet('Chỉ tiêu') as never).rows;
    expect(hp.find((r) => r['Mã chỉ tiêu'] === 'energy.savings_pct')).toMatchObject({
      'Giá trị': 10,
      'Tháng trước': 0,
      'Thay đổi so với tháng trước': 10,
      'Mục tiêu': 6.2,
      'Trạng thái': 'đạt',
      'Cơ quan chủ trì': 'Sở Công Thương',
    });
    expect(hp.find((r) => r['Mã chỉ tiêu'] === 'ev.stations_operational')).toMatchObject({
      'Giá trị': 1,
      'So sánh': 'mốc hoàn thành',
      'Trạng thái': 'mốc hoàn thành (ghi nhận thủ công)',
      'Cơ quan chủ trì': 'Sở Xây dựng',
    });
    const solar = table(city.getWorksheet('Điện mặt trời') as never).rows;
    expect(solar).toEqual([
      expect.objectContaining({
        'Mã công trình': 'school',
        'Điện năng (kWh)': 13,
        'Năng suất riêng (kWh/kWp)': 2.6,
        'Đang phát điện (24 giờ)': 'có',
      }),
    ]);
  });

  it('keeps the workbook readable when device-supplied text has control characters', async () => {
    const store = await filledStore();
    const [d] = store.detections;
    if (d === undefined) throw new Error('no detection');
    await store.writeDetections([
      { ...d, eventId: 'e\u0001x', zone: 'b\u0000a\uD800nk', startedAt: local(2026, 10, 26, 8) },
    ]);
    const data = await buildMonth({ store, registry, regulatory, now: NOV1 }, 'vinh-am', 2026, 10);
    const wb = await readWorkbook(await renderXlsx(data, 'vi'));
    const rows = table(wb.getWorksheet('Vụ đổ thải') as never).rows;
    expect(rows.find((r) => r['Mã vụ việc'] === 'e\uFFFDx')?.Vùng).toBe('b\uFFFDa\uFFFDnk');
  });

  it('has an English variant', async () => {
    const wb = await readWorkbook(await renderXlsx(await october('tan-minh'), 'en'));
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      'Indicators',
      'Wastewater by day',
      'Rooftop solar',
      'EV charging',
      'Dumping incidents',
      'About',
    ]);
    const rows = table(wb.getWorksheet('Indicators') as never).rows;
    expect(rows.find((r) => r['Indicator code'] === 'solar.active_installations')).toMatchObject({
      Value: 1,
      Target: 10,
      Status: 'not met',
      Owner: 'UBND xã Tân Minh',
    });
  });

  it('says when the month is still running', async () => {
    const data = await october('tan-minh', local(2026, 10, 20, 12));
    expect(data.complete).toBe(false);
    expect(data.asOf).toBe(local(2026, 10, 20, 12));
    const about = table((await readWorkbook(await renderXlsx(data, 'vi'))).getWorksheet('Thông tin') as never).rows;
    expect(about.map((r) => r['Nội dung']).join('\n')).toContain(
      'Kỳ báo cáo chưa kết thúc: số liệu tạm tính đến 2026-10-20T12:00:00+07:00',
    );
  });

  it('gives the same bytes for the same data, whenever and however the facts were loaded', async () => {
    const store = await filledStore();
    const deps = { store, registry, regulatory, now: NOV1 };
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2030-05-06T07:08:09Z'));
    const first = await renderXlsx(await buildMonth(deps, 'tan-minh', 2026, 10), 'vi');
    vi.setSystemTime(new Date('2031-01-02T03:04:05Z'));
    // Later, and from city-wide facts as the scheduler loads them.
    const again = await renderXlsx(
      await buildMonth({ ...deps, now: NOV1 + 86_400_000 }, 'tan-minh', 2026, 10, factsSource(deps)),
      'vi',
    );
    vi.useRealTimers();
    expect(Buffer.from(again).equals(Buffer.from(first))).toBe(true);

    // Every zip entry carries the end of the period in local time, not the time it was written.
    const fixed = dosDateTime(new Date(Date.UTC(2026, 10, 1, 0, 0, 0)));
    const times = zipEntryTimes(first);
    expect(times.length).toBeGreaterThan(10);
    for (const e of times)
      expect([e.time, e.date, e.localTime, e.localDate]).toEqual([fixed.time, fixed.date, fixed.time, fixed.date]);

    const data = await buildMonth(deps, 'tan-minh', 2026, 10);
    expect(
      Buffer.from(renderCsv(data, 'vi')).equals(
        Buffer.from(renderCsv(await buildMonth(deps, 'tan-minh', 2026, 10), 'vi')),
      ),
    ).toBe(true);
    expect(
      Buffer.from(renderJson(data, 'en')).equals(
        Buffer.from(renderJson(await buildMonth(deps, 'tan-minh', 2026, 10), 'en')),
      ),
    ).toBe(true);
  });
});
