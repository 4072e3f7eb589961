/**
 * Renderers: the export model → bytes, the same bytes for the same model.
 *
 * - XLSX (exceljs): one sheet per table; a title row, a frozen and filterable header row, column
 *   widths, number formats that carry the unit (`0.0" %"`, `#,##0.00" kWh"`, `#,##0.000" t CO2"`),
 *   statuses coloured; workbook properties fixed (author, title, created = modified = the time
 *   the figures are up to) and zip entry times set to that same time (zip.ts).
 * - CSV: one file per export, UTF-8 with a BOM (Excel reads the Vietnamese correctly), CRLF line
 *   ends, RFC 4180 quoting; one section per sheet — the sheet's title on its own line, its header
 *   row, its rows — separated by an empty line. Numbers with a `.` decimal point; times in local
 *   time with their offset. A text cell that a spreadsheet would take for a formula (starting with
 *   = + - @, a tab or a carriage return) is prefixed with `'`.
 * - JSON: the model with the chosen language's labels, instants as local ISO 8601, two-space
 *   indentation, no BOM.
 */
import type { Fill, Font } from 'exceljs';
import ExcelJS from 'exceljs';
import {
  comparisonText,
  domainName,
  indicatorName,
  localityLabel,
  methodNote,
  noteText,
  STATION_STATUS,
  STATUS,
  text,
  title,
  unitName,
} from './labels.ts';
import type { ExportData, Format, Lang } from './model.ts';
import { localIso, wallClock } from './period.ts';
import { type Cell, type Sheet, sheetsOf, type Tone } from './tables.ts';
import { withFixedEntryTimes } from './zip.ts';

export const CONTENT_TYPES: Readonly<Record<Format, string>> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

const AUTHOR = 'Hai Phong green-transition monitor (hpg-monitor)';

const TONES: Readonly<Record<Tone, { fill: string; font: string }>> = {
  good: { fill: 'FFC6EFCE', font: 'FF006100' },
  bad: { fill: 'FFFFC7CE', font: 'FF9C0006' },
  warn: { fill: 'FFFFEB9C', font: 'FF9C5700' },
  info: { fill: 'FFDDEBF7', font: 'FF1F4E78' },
};
const HEADER_FILL: Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } };
const solid = (argb: string): Fill => ({ type: 'pattern', pattern: 'solid', fgColor: { argb } });

/**
 * Text as XML 1.0 allows it: control characters (other than tab and line ends) and lone surrogates
 * would make the workbook unreadable, and device-supplied names (zones, event ids) may carry them.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters removed.
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
export function xmlSafe(s: string): string {
  return s.toWellFormed().replace(XML_INVALID, '\uFFFD');
}

function xlsxValue(c: Cell, lang: Lang): { value: string | number | Date; numFmt?: string } | undefined {
  if (c.v === null) return undefined;
  if (c.as === 'date' && typeof c.v === 'string') {
    const [y, m, d] = c.v.split('-').map(Number) as [number, number, number];
    return { value: new Date(Date.UTC(y, m - 1, d)), numFmt: lang === 'vi' ? 'dd/mm/yyyy' : 'yyyy-mm-dd' };
  }
  if (c.as === 'datetime' && typeof c.v === 'number')
    return { value: wallClock(c.v), numFmt: lang === 'vi' ? 'dd/mm/yyyy hh:mm' : 'yyyy-mm-dd hh:mm' };
  const value = typeof c.v === 'string' ? xmlSafe(c.v) : c.v;
  return c.fmt === undefined ? { value } : { value, numFmt: c.fmt };
}

export async function renderXlsx(data: ExportData, lang: Lang): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const at = new Date(data.asOf);
  wb.creator = AUTHOR;
  wb.lastModifiedBy = AUTHOR;
  wb.created = at;
  wb.modified = at;
  wb.title = title(data, lang);
  wb.subject = lang === 'vi' ? 'Chỉ tiêu chuyển đổi xanh theo kế hoạch' : 'The plans’ green transition indicators';
  wb.keywords = `hpg-export ${data.locality.id} ${data.period} ${lang}`;
  wb.category = data.kind === 'year' ? 'year' : 'month';
  // Written to docProps/core.xml (dc:language); missing from exceljs's type declarations.
  (wb as ExcelJS.Workbook & { language?: string }).language = lang === 'vi' ? 'vi-VN' : 'en-GB';
  for (const sheet of sheetsOf(data, lang)) writeSheet(wb, sheet, lang);
  const bytes = new Uint8Array(await wb.xlsx.writeBuffer());
  return withFixedEntryTimes(bytes, wallClock(data.asOf));
}

function writeSheet(wb: ExcelJS.Workbook, sheet: Sheet, lang: Lang): void {
  const ws = wb.addWorksheet(sheet.name, {
    views: [{ state: 'frozen', xSplit: 0, ySplit: 2, topLeftCell: 'A3', activeCell: 'A3' }],
    pageSetup: { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  sheet.columns.forEach((c, i) => {
    ws.getColumn(i + 1).width = c.width;
  });
  const titleCell = ws.getCell(1, 1);
  titleCell.value = xmlSafe(sheet.title);
  titleCell.font = { bold: true, size: 13 };
  ws.getRow(1).height = 20;
  const header = ws.getRow(2);
  sheet.columns.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.value = c.header;
    cell.font = { bold: true };
    cell.fill = HEADER_FILL;
    cell.alignment = { wrapText: true, vertical: 'middle' };
    cell.border = { bottom: { style: 'thin' } };
  });
  header.height = 32;
  sheet.rows.forEach((cells, r) => {
    const row = ws.getRow(r + 3);
    cells.forEach((c, i) => {
      const v = xlsxValue(c, lang);
      if (v === undefined) return;
      const cell = row.getCell(i + 1);
      cell.value = v.value;
      if (v.numFmt !== undefined) cell.numFmt = v.numFmt;
      if (c.wrap === true) cell.alignment = { wrapText: true, vertical: 'top' };
      if (c.tone !== undefined) {
        cell.fill = solid(TONES[c.tone].fill);
        cell.font = { color: { argb: TONES[c.tone].font } } satisfies Partial<Font>;
      }
    });
  });
  if (sheet.rows.length > 0 && sheet.columns.length > 2)
    ws.autoFilter = { from: { row: 2, column: 1 }, to: { row: 2, column: sheet.columns.length } };
}

// ---------------------------------------------------------------------------------------------
// CSV

const FORMULA_START = /^[=+\-@\t\r]/;

function csvField(c: Cell): string {
  let s: string;
  if (c.v === null) return '';
  if (typeof c.v === 'number') {
    if (c.as === 'datetime') s = localIso(c.v);
    else return Number.isFinite(c.v) ? String(c.v) : '';
  } else s = FORMULA_START.test(c.v) ? `'${c.v}` : c.v;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function renderCsv(data: ExportData, lang: Lang): Uint8Array {
  const lines: string[] = [];
  for (const [i, sheet] of sheetsOf(data, lang).entries()) {
    if (i > 0) lines.push('');
    lines.push(csvField({ v: `${sheet.name}: ${sheet.title}` }));
    lines.push(sheet.columns.map((c) => csvField({ v: c.header })).join(','));
    for (const row of sheet.rows) lines.push(row.map(csvField).join(','));
  }
  return new TextEncoder().encode(`\uFEFF${lines.join('\r\n')}\r\n`);
}

// ---------------------------------------------------------------------------------------------
// JSON

/** The model with labels in `lang` and local times: what the JSON export holds. */
export function jsonView(data: ExportData, lang: Lang) {
  const iso = localIso;
  return {
    schema: data.schema,
    lang,
    title: title(data, lang),
    kind: data.kind,
    period: data.period,
    locality: { ...data.locality, label: localityLabel(data, lang) },
    timeZone: data.timeZone,
    from: iso(data.from),
    to: iso(data.to),
    asOf: iso(data.asOf),
    complete: data.complete,
    previousPeriod: data.previousPeriod,
    months: data.months,
    averaging: data.averaging,
    gridFactor: data.gridFactor,
    notes: data.notes.map((n) => ({ ...n, text: noteText(n, data, lang, iso(data.asOf)) })),
    indicators: data.indicators.map((r) => ({
      key: r.key,
      domain: r.domain,
      domainLabel: domainName(r.domain, lang),
      name: indicatorName(r, lang),
      unit: r.unit,
      unitLabel: unitName(r.unit, lang),
      value: r.value,
      previous: r.previous,
      change: r.change,
      byMonth: r.byMonth,
      monthsMet: r.monthsMet,
      target: r.target === null ? null : { ...r.target, comparisonLabel: comparisonText(r.target, lang) },
      status: r.status,
      statusLabel: text(STATUS[r.status], lang),
      completenessPct: r.completenessPct,
      method: r.method,
      methodNote: methodNote(r, data, lang),
    })),
    stations: data.stations.map((r) => ({ ...r, statusLabel: text(STATION_STATUS[r.status], lang) })),
    solarSites: data.solarSites,
    chargers: data.chargers,
    incidents: data.incidents.map((r) => ({ ...r, firstAt: iso(r.firstAt), lastAt: iso(r.lastAt) })),
  };
}

export function renderJson(data: ExportData, lang: Lang): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(jsonView(data, lang), null, 2)}\n`);
}

export function render(data: ExportData, format: Format, lang: Lang): Promise<Uint8Array> {
  switch (format) {
    case 'xlsx':
      return renderXlsx(data, lang);
    case 'csv':
      return Promise.resolve(renderCsv(data, lang));
    case 'json':
      return Promise.resolve(renderJson(data, lang));
  }
}
