/**
 * The export model as sheets of a workbook, in one language: what the XLSX and CSV renderers
 * write. Each sheet has a title line, one header row and data rows; a cell carries its number
 * format (units in the format, so a cell holds the same number as the CSV and the JSON) and, for
 * a status, a tone the XLSX colours.
 */
import {
  aboutRows,
  comparisonText,
  domainName,
  HEADERS,
  indicatorName,
  localityLabel,
  methodNote,
  monthLabel,
  NO,
  SHEETS,
  STATION_STATUS,
  STATUS,
  text,
  title,
  unitName,
  YES,
} from './labels.ts';
import type { ExportData, IndicatorRow, Lang, Status, TargetInfo } from './model.ts';
import { localIso } from './period.ts';

export type Tone = 'good' | 'bad' | 'warn' | 'info';

export interface Cell {
  readonly v: string | number | null;
  /** Excel number format (XLSX only). */
  readonly fmt?: string;
  /** `date`: v is `YYYY-MM-DD`; `datetime`: v is epoch ms, shown in local time. */
  readonly as?: 'date' | 'datetime';
  readonly tone?: Tone;
  /** Long text that wraps in its column. */
  readonly wrap?: boolean;
}

export interface Column {
  readonly header: string;
  /** Width in characters. */
  readonly width: number;
}

export interface Sheet {
  readonly name: string;
  readonly title: string;
  readonly columns: readonly Column[];
  readonly rows: readonly (readonly Cell[])[];
}

const DECIMALS: Readonly<Record<string, number>> = { '%': 1, kWh: 2, t: 3, min: 1, 'm²/person': 1 };

/** A number format with the unit in it: `#,##0.00" kWh"`; `sign` adds + and − (changes). */
export function numberFormat(unit: string, lang: Lang, options: { sign?: boolean; prefix?: string } = {}): string {
  const d = DECIMALS[unit] ?? 0;
  const base = d === 0 ? '#,##0' : `#,##0.${'0'.repeat(d)}`;
  const suffix =
    unit === '%'
      ? options.sign === true
        ? lang === 'vi'
          ? ' điểm %'
          : ' pp'
        : ' %'
      : unit in DECIMALS
        ? ` ${unitName(unit, lang)}`
        : '';
  const q = (s: string) => (s === '' ? '' : `"${s}"`);
  const one = `${q(options.prefix ?? '')}${base}${q(suffix)}`;
  return options.sign === true ? `+${one};-${one};${one}` : one;
}

const STATUS_TONE: Readonly<Record<Status, Tone | undefined>> = {
  met: 'good',
  not_met: 'bad',
  no_data: 'warn',
  milestone: 'info',
  no_target: undefined,
  monthly: undefined,
};

const n = (v: number | null, fmt?: string): Cell => (fmt === undefined ? { v } : { v, fmt });
const s = (v: string | null): Cell => ({ v });
const yesNo = (b: boolean, lang: Lang): Cell => s(text(b ? YES : NO, lang));

function statusCell(status: Status, lang: Lang): Cell {
  const tone = STATUS_TONE[status];
  return tone === undefined ? s(text(STATUS[status], lang)) : { v: text(STATUS[status], lang), tone };
}

function targetCells(target: TargetInfo | null, lang: Lang): Cell[] {
  if (target === null) return [s(null), s(null), n(null)];
  if (target.comparison === 'complete')
    return [
      s(comparisonText(target, lang)),
      s(lang === 'vi' ? `hoàn thành trước hết năm ${target.year}` : `complete by the end of ${target.year}`),
      n(target.year, '0'),
    ];
  const sign = target.comparison === 'gte' ? '≥ ' : '≤ ';
  return [
    s(comparisonText(target, lang)),
    n(target.value, numberFormat(target.unit === 'count' ? '' : target.unit, lang, { prefix: sign })),
    n(target.year, '0'),
  ];
}

const col = (h: keyof typeof HEADERS, width: number, lang: Lang): Column => ({ header: text(HEADERS[h], lang), width });

function indicatorSheet(data: ExportData, lang: Lang): Sheet {
  const year = data.kind === 'year';
  const columns: Column[] = [
    col('domain', 22, lang),
    col('key', 34, lang),
    col('name', 48, lang),
    col('unit', 12, lang),
    year ? col('yearValue', 16, lang) : col('value', 16, lang),
    ...(year ? [col('monthsMet', 12, lang)] : [col('previous', 16, lang), col('change', 18, lang)]),
    col('comparison', 12, lang),
    col('target', 16, lang),
    col('targetYear', 10, lang),
    col('status', 22, lang),
    col('owner', 28, lang),
    col('source', 26, lang),
    col('completeness', 14, lang),
    col('method', 90, lang),
  ];
  const rows = data.indicators.map((r: IndicatorRow): Cell[] => {
    const fmt = numberFormat(r.unit, lang);
    const monthsCovered = r.byMonth?.filter((v) => v !== null).length ?? 0;
    return [
      s(domainName(r.domain, lang)),
      s(r.key),
      { v: indicatorName(r, lang), wrap: true },
      s(unitName(r.unit, lang)),
      n(r.value, fmt),
      ...(year
        ? [s(r.monthsMet === null ? null : `${r.monthsMet}/${monthsCovered}`)]
        : [n(r.previous, fmt), n(r.change, numberFormat(r.unit, lang, { sign: true }))]),
      ...targetCells(r.target, lang),
      statusCell(r.status, lang),
      s(r.target?.owner ?? null),
      s(r.target?.source ?? null),
      n(r.completenessPct, numberFormat('%', lang)),
      { v: methodNote(r, data, lang), wrap: true },
    ];
  });
  return {
    name: text(year ? SHEETS.yearIndicators : SHEETS.indicators, lang),
    title: title(data, lang),
    columns,
    rows,
  };
}

function byMonthSheet(data: ExportData, lang: Lang): Sheet {
  const columns: Column[] = [
    col('key', 34, lang),
    col('name', 48, lang),
    col('unit', 12, lang),
    ...data.months.map((m) => ({ header: monthLabel(m, lang), width: 14 })),
    col('yearValue', 16, lang),
  ];
  const rows = data.indicators
    .filter((r) => r.byMonth !== null)
    .map((r): Cell[] => {
      const fmt = numberFormat(r.unit, lang);
      return [
        s(r.key),
        { v: indicatorName(r, lang), wrap: true },
        s(unitName(r.unit, lang)),
        ...(r.byMonth ?? []).map((v) => n(v, fmt)),
        n(r.value, fmt),
      ];
    });
  return {
    name: text(SHEETS.byMonth, lang),
    title:
      lang === 'vi'
        ? `Giá trị từng tháng và cả năm ${data.period} — ${localityLabel(data, lang)}`
        : `Each month and the year ${data.period} — ${localityLabel(data, lang)}`,
    columns,
    rows,
  };
}

function stationSheet(data: ExportData, lang: Lang): Sheet {
  const year = data.kind === 'year';
  const pctFmt = numberFormat('%', lang);
  const columns: Column[] = [
    col('plantId', 22, lang),
    col('plantName', 34, lang),
    col('locality', 20, lang),
    col('standard', 14, lang),
    col('column', 6, lang),
    col('kq', 6, lang),
    col('kf', 6, lang),
    col('central', 14, lang),
    year ? col('month', 10, lang) : col('day', 12, lang),
    col('result', 18, lang),
    ...(year
      ? [col('compliantDays', 10, lang), col('nonCompliantDays', 10, lang), col('noDataDays', 12, lang)]
      : [col('periods', 14, lang)]),
    col('exceedances', 10, lang),
    col('completeness', 14, lang),
    col('worstParameter', 14, lang),
    col('worstRatio', 14, lang),
    col('excludedCalibrating', 14, lang),
    col('excludedError', 14, lang),
  ];
  const rows = data.stations.map((r): Cell[] => [
    s(r.plantId),
    s(r.plantName),
    s(localityLabel(data, lang, r.localityId)),
    s(r.standard),
    s(r.column),
    n(r.kq, '0.0#'),
    n(r.kf, '0.0#'),
    yesNo(r.centralIndustrial, lang),
    year ? s(r.window) : { v: r.window, as: 'date' },
    {
      v: text(STATION_STATUS[r.status], lang),
      tone: r.status === 'compliant' ? 'good' : r.status === 'non_compliant' ? 'bad' : 'warn',
    },
    ...(year
      ? [n(r.compliantDays, '#,##0'), n(r.nonCompliantDays, '#,##0'), n(r.noDataDays, '#,##0')]
      : [n(r.periods, '#,##0')]),
    n(r.exceedances, '#,##0'),
    n(r.completenessPct, pctFmt),
    s(r.worstParameter),
    n(r.worstRatio, '0.00'),
    n(r.excludedCalibrating, '#,##0'),
    n(r.excludedError, '#,##0'),
  ]);
  return {
    name: text(year ? SHEETS.stationsMonthly : SHEETS.stationsDaily, lang),
    title:
      lang === 'vi'
        ? `Tuân thủ quy chuẩn nước thải của các trạm quan trắc theo ${year ? 'tháng' : 'ngày'} — ${localityLabel(data, lang)}, ${data.period}`
        : `Wastewater stations' compliance by ${year ? 'month' : 'day'} — ${localityLabel(data, lang)}, ${data.period}`,
    columns,
    rows,
  };
}

function solarSheet(data: ExportData, lang: Lang): Sheet {
  const columns: Column[] = [
    col('siteId', 26, lang),
    col('siteName', 36, lang),
    col('locality', 20, lang),
    col('capacity', 14, lang),
    col('energy', 16, lang),
    col('specificYield', 16, lang),
    col('active', 14, lang),
  ];
  const rows = data.solarSites.map((r): Cell[] => [
    s(r.siteId),
    s(r.name),
    s(localityLabel(data, lang, r.localityId)),
    n(r.capacityKwp, '#,##0.0#'),
    n(r.kwh, '#,##0.00'),
    n(r.specificYield, '#,##0.00'),
    yesNo(r.active24h, lang),
  ]);
  return {
    name: text(SHEETS.solar, lang),
    title:
      lang === 'vi'
        ? `Điện mặt trời mái nhà theo công trình — ${localityLabel(data, lang)}, ${data.period}`
        : `Rooftop solar by installation — ${localityLabel(data, lang)}, ${data.period}`,
    columns,
    rows,
  };
}

function chargerSheet(data: ExportData, lang: Lang): Sheet {
  const columns: Column[] = [
    col('stationId', 24, lang),
    col('stationName', 34, lang),
    col('locality', 20, lang),
    col('charger', 22, lang),
    col('sessions', 12, lang),
    col('openSessions', 12, lang),
    col('energy', 16, lang),
    col('connectors', 10, lang),
    col('availability', 14, lang),
    col('operational', 12, lang),
  ];
  const rows = data.chargers.map((r): Cell[] => [
    s(r.siteId),
    s(r.stationName),
    s(localityLabel(data, lang, r.localityId)),
    s(r.deviceId),
    n(r.sessions, '#,##0'),
    n(r.openSessions, '#,##0'),
    n(r.kwh, '#,##0.00'),
    n(r.connectors, '#,##0'),
    n(r.availabilityPct, numberFormat('%', lang)),
    yesNo(r.stationOperational, lang),
  ]);
  return {
    name: text(SHEETS.chargers, lang),
    title:
      lang === 'vi'
        ? `Trạm sạc xe điện — ${localityLabel(data, lang)}, ${data.period}`
        : `EV charging stations — ${localityLabel(data, lang)}, ${data.period}`,
    columns,
    rows,
  };
}

function incidentSheet(data: ExportData, lang: Lang): Sheet {
  const columns: Column[] = [
    col('incidentId', 24, lang),
    col('spotId', 22, lang),
    col('spotName', 30, lang),
    col('locality', 20, lang),
    col('camera', 20, lang),
    col('zone', 14, lang),
    col('firstAt', 18, lang),
    col('lastAt', 18, lang),
    col('detections', 12, lang),
    col('maxScore', 12, lang),
  ];
  const rows = data.incidents.map((r): Cell[] => [
    s(r.id),
    s(r.siteId),
    s(r.siteName),
    s(localityLabel(data, lang, r.localityId)),
    s(r.deviceId),
    s(r.zone),
    { v: r.firstAt, as: 'datetime' },
    { v: r.lastAt, as: 'datetime' },
    n(r.detections, '#,##0'),
    n(r.maxScore, '0.00'),
  ]);
  return {
    name: text(SHEETS.incidents, lang),
    title:
      lang === 'vi'
        ? `Vụ đổ thải trái phép phát hiện qua camera — ${localityLabel(data, lang)}, ${data.period}`
        : `Illegal dumping incidents seen by cameras — ${localityLabel(data, lang)}, ${data.period}`,
    columns,
    rows,
  };
}

function aboutSheet(data: ExportData, lang: Lang): Sheet {
  return {
    name: text(SHEETS.about, lang),
    title: title(data, lang),
    columns: [col('item', 28, lang), col('content', 110, lang)],
    rows: aboutRows(data, lang, localIso).map(([k, v]) => [s(k), { v, wrap: true }]),
  };
}

/** The sheets of an export, in order: indicators first, then the details, then what the file is. */
export function sheetsOf(data: ExportData, lang: Lang): Sheet[] {
  return [
    indicatorSheet(data, lang),
    ...(data.kind === 'year' ? [byMonthSheet(data, lang)] : []),
    stationSheet(data, lang),
    solarSheet(data, lang),
    chargerSheet(data, lang),
    incidentSheet(data, lang),
    aboutSheet(data, lang),
  ];
}
