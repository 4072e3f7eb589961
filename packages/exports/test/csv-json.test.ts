/**
 * CSV: UTF-8 with a BOM, CRLF, RFC 4180 quoting, one section per sheet, text that a spreadsheet
 * would run as a formula neutralised. JSON: no BOM, the model with labels in the chosen language.
 */
import { describe, expect, it } from 'vitest';
import { buildMonth, renderCsv, renderJson } from '../src/index.ts';
import { filledStore, local, NOV1, registry, regulatory } from './fixture.ts';

/** A minimal RFC 4180 reader (quoted fields, doubled quotes, CRLF), to check the writer. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

describe('CSV and JSON exports', () => {
  it('writes UTF-8 with a BOM, CRLF line ends and RFC 4180 quoting, one section per sheet', async () => {
    const store = await filledStore();
    // A zone name a spreadsheet would take for a formula.
    await store.writeDetections([
      {
        ...store.detections[0],
        eventId: 'e9',
        zone: '=HYPERLINK("http://x")',
        startedAt: local(2026, 10, 25, 8),
        ts: local(2026, 10, 25, 8),
      } as (typeof store.detections)[number],
    ]);
    const data = await buildMonth({ store, registry, regulatory, now: NOV1 }, 'hai-phong', 2026, 10);
    const bytes = renderCsv(data, 'vi');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: false }).decode(bytes);
    expect(text.endsWith('\r\n')).toBe(true);
    // Every line ends in CRLF: no bare LF or CR anywhere.
    expect(text.split('\r\n').some((line) => /[\r\n]/.test(line))).toBe(false);

    const rows = parseCsv(text);
    // Sections: title line, header, rows; an empty line between sections.
    expect(rows[0]).toEqual(['Chỉ tiêu: Báo cáo chỉ tiêu chuyển đổi xanh — Thành phố Hải Phòng — tháng 10/2026']);
    expect(rows[1]?.slice(0, 5)).toEqual(['Lĩnh vực', 'Mã chỉ tiêu', 'Chỉ tiêu', 'Đơn vị', 'Giá trị']);
    const titles = rows.filter((r) => r.length === 1 && r[0] !== '').map((r) => r[0]?.split(':')[0]);
    expect(titles).toEqual([
      'Chỉ tiêu',
      'Nước thải theo ngày',
      'Điện mặt trời',
      'Trạm sạc xe điện',
      'Vụ đổ thải',
      'Thông tin',
    ]);

    // A comma and quotes in a site name survive quoting; numbers are plain with a decimal point.
    expect(text).toContain('"Trường ""Tân Minh"", cơ sở 2"');
    const solar = rows.find((r) => r[0] === 'school');
    expect(solar?.[1]).toBe('Trường "Tân Minh", cơ sở 2');
    expect(solar?.slice(3, 6)).toEqual(['5', '13', '2.6']);
    const energy = rows.find((r) => r[1] === 'energy.savings_pct');
    expect(energy?.slice(4, 7)).toEqual(['10', '0', '10']);
    // The formula-like zone is text, prefixed with an apostrophe; times are local ISO 8601.
    const injected = rows.find((r) => r[0] === 'e9');
    expect(injected?.[5]).toBe('\'=HYPERLINK("http://x")');
    expect(rows.find((r) => r[0] === 'e1')?.[6]).toBe('2026-10-12T21:00:00+07:00');
  });

  it('writes JSON without a BOM, with labels in the chosen language', async () => {
    const store = await filledStore();
    const data = await buildMonth({ store, registry, regulatory, now: NOV1 }, 'tan-minh', 2026, 10);
    const vi = renderJson(data, 'vi');
    expect(vi[0]).toBe('{'.charCodeAt(0));
    const j = JSON.parse(new TextDecoder().decode(vi));
    expect(j).toMatchObject({
      schema: 'hpg.export/v1',
      lang: 'vi',
      period: '2026-10',
      asOf: '2026-11-01T00:00:00+07:00',
    });
    const active = j.indicators.find((r: { key: string }) => r.key === 'solar.active_installations');
    expect(active).toMatchObject({
      value: 1,
      previous: 0,
      change: 1,
      status: 'not_met',
      statusLabel: 'chưa đạt',
      target: { value: 10, comparison: 'gte', owner: 'UBND xã Tân Minh', source: '001 appendix task 10' },
    });
    const en = JSON.parse(new TextDecoder().decode(renderJson(data, 'en')));
    expect(en.indicators.find((r: { key: string }) => r.key === 'solar.active_installations').statusLabel).toBe(
      'not met',
    );
  });
});
