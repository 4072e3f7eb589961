/**
 * Message rendering, pure: what happened, where (site, address, coordinates, map link), when
 * (local time, Asia/Ho_Chi_Minh — architecture invariant 4), the evidence and confidence, and how
 * to acknowledge (a signed, expiring link). `text` is the full message (email, Telegram, webhook);
 * `short` fits an SMS or a Zalo line.
 */
import { localParts, REPORTING_TIME_ZONE, zoneOffsetMs } from '@hpg/contracts';
import type { Registry } from '@hpg/registry';
import type { AlertSnapshot, Limit } from './model.ts';
import {
  clearedLine,
  escalatedLine,
  KIND_TITLE,
  LABEL,
  type Lang,
  NOTICE_PREFIX,
  type Notice,
  PARAMETER_NAME,
  SEVERITY_NAME,
  updatedLine,
} from './phrases.ts';

export interface Place {
  readonly siteName: string;
  readonly localityName: string;
  readonly address: string | null;
  readonly lat: number;
  readonly lon: number;
  readonly deviceName: string | null;
}

export interface RenderInput {
  readonly alert: AlertSnapshot;
  readonly notice: Notice;
  readonly lang: Lang;
  readonly place: Place;
  readonly links: {
    readonly map: string;
    readonly evidence: string | null;
    readonly acknowledge: { readonly url: string; readonly expiresAt: number } | null;
  };
  /** Escalations: minutes the alert waited unacknowledged. */
  readonly waitedMinutes?: number;
  /** The all-clear: when the condition ended. */
  readonly endedAt?: number;
}

export interface RenderedMessage {
  readonly lang: Lang;
  readonly subject: string;
  readonly text: string;
  readonly short: string;
}

/** Where an alert is, in the recipient's language; names fall back to ids for unknown places. */
export function placeOf(registry: Registry, alert: AlertSnapshot, lang: Lang): Place {
  const site = registry.site(alert.siteId);
  const locality = registry.locality(alert.localityId);
  const device = registry.data.devices.find((d) => d.id === alert.deviceId);
  return {
    siteName: site?.name ?? alert.siteId,
    localityName: (lang === 'vi' ? locality?.name : locality?.nameEn) ?? alert.localityId,
    address: site?.address ?? null,
    lat: site?.location.lat ?? 0,
    lon: site?.location.lon ?? 0,
    deviceName: device?.name ?? null,
  };
}

/** OpenStreetMap by default (open data, no account); any template with `{lat}` and `{lon}` works. */
export function mapUrl(
  lat: number,
  lon: number,
  template = 'https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=18/{lat}/{lon}',
): string {
  return template.replaceAll('{lat}', lat.toFixed(5)).replaceAll('{lon}', lon.toFixed(5));
}

const two = (n: number) => String(n).padStart(2, '0');
const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Local time with its zone said plainly, e.g. "22:10 ngày 22/11/2026 (giờ Việt Nam, UTC+7)". */
export function formatTime(ms: number, lang: Lang): string {
  const p = localParts(REPORTING_TIME_ZONE, ms);
  const offH = zoneOffsetMs(REPORTING_TIME_ZONE, ms) / 3_600_000;
  const utc = `UTC${offH >= 0 ? '+' : '-'}${Math.abs(offH)}`;
  const hm = `${two(p.hour)}:${two(p.minute)}`;
  return lang === 'vi'
    ? `${hm} ngày ${two(p.day)}/${two(p.month)}/${p.year} (giờ Việt Nam, ${utc})`
    : `${two(p.day)} ${MONTHS_EN[p.month - 1]} ${p.year} ${hm} (Vietnam time, ${utc})`;
}

function shortTime(ms: number): string {
  const p = localParts(REPORTING_TIME_ZONE, ms);
  return `${two(p.hour)}:${two(p.minute)} ${two(p.day)}/${two(p.month)}`;
}

function num(x: number, lang: Lang): string {
  return new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 2 }).format(x);
}

function limitText(limit: Limit, lang: Lang): string {
  const u = limit.unit === 'pH' ? '' : ` ${limit.unit}`;
  if (limit.min !== undefined && limit.max !== undefined) {
    return lang === 'vi'
      ? `từ ${num(limit.min, lang)} đến ${num(limit.max, lang)}${u}`
      : `${num(limit.min, lang)} to ${num(limit.max, lang)}${u}`;
  }
  if (limit.max !== undefined) return `≤ ${num(limit.max, lang)}${u}`;
  return `≥ ${num(limit.min ?? 0, lang)}${u}`;
}

/** What happened, in a sentence or two, per kind. */
function whatLines(a: AlertSnapshot, lang: Lang): string[] {
  const vi = lang === 'vi';
  switch (a.kind) {
    case 'dumping': {
      const zone = a.details.zone ?? (vi ? 'toàn khung hình' : 'whole frame');
      return [
        vi
          ? `Camera nhận dạng "${a.details.label}" tại vùng "${zone}" (${a.details.detections} lần phát hiện).`
          : `The camera recognised "${a.details.label}" in zone "${zone}" (${a.details.detections} detection(s)).`,
        `${LABEL.confidence[lang]}: ${Math.round(a.details.maxScore * 100)} %`,
      ];
    }
    case 'wastewater_exceedance': {
      const d = a.details;
      const name = PARAMETER_NAME[d.parameter]?.[lang] ?? d.parameter;
      const u = d.limit.unit === 'pH' ? '' : ` ${d.limit.unit}`;
      return [
        vi
          ? `${name}: trung bình ${d.averageMinutes} phút ${num(d.average, lang)}${u}, giới hạn ${limitText(d.limit, lang)}; cao nhất gấp ${num(d.maxRatio, lang)} lần giới hạn.`
          : `${name}: ${d.averageMinutes}-minute average ${num(d.average, lang)}${u}, limit ${limitText(d.limit, lang)}; up to ${num(d.maxRatio, lang)} times the limit.`,
      ];
    }
    case 'wastewater_silence': {
      const last = a.details.lastValidAt === null ? LABEL.never[lang] : formatTime(a.details.lastValidAt, lang);
      return [
        vi
          ? `Không có giá trị hợp lệ (trạng thái đang đo) trong ${a.details.silenceMinutes} phút; giá trị hợp lệ cuối: ${last}.`
          : `No valid value (status measuring) for ${a.details.silenceMinutes} minutes; last valid value: ${last}.`,
      ];
    }
    case 'device_offline': {
      const d = a.details;
      const last = d.lastSeenAt === null ? LABEL.never[lang] : formatTime(d.lastSeenAt, lang);
      return [
        vi
          ? `Không nhận được dữ liệu quá ${num(d.offlineAfterMinutes, lang)} phút (chu kỳ gửi ${num(d.intervalSeconds / 60, lang)} phút); lần cuối: ${last}.`
          : `No data for over ${num(d.offlineAfterMinutes, lang)} minutes (reports every ${num(d.intervalSeconds / 60, lang)} min); last: ${last}.`,
      ];
    }
    case 'charger_faulted': {
      const d = a.details;
      const code = d.errorCode === null ? '' : vi ? `, mã lỗi ${d.errorCode}` : `, error code ${d.errorCode}`;
      return [
        vi
          ? `Cổng sạc số ${d.connector} ở trạng thái Faulted từ ${d.afterMinutes} phút trở lên${code}.`
          : `Connector ${d.connector} has been Faulted for ${d.afterMinutes} minutes or more${code}.`,
      ];
    }
    case 'inverter_fault':
      return [
        vi ? 'Biến tần báo trạng thái lỗi (SunSpec: fault).' : 'The inverter reports its fault state (SunSpec: fault).',
      ];
  }
}

export function renderMessage(input: RenderInput): RenderedMessage {
  const { alert: a, lang, place, links, notice } = input;
  const L = (k: keyof typeof LABEL) => LABEL[k][lang];
  const title =
    a.kind === 'wastewater_exceedance'
      ? `${KIND_TITLE[a.kind][lang]}: ${PARAMETER_NAME[a.details.parameter]?.[lang] ?? a.details.parameter}`
      : KIND_TITLE[a.kind][lang];
  const prefix = NOTICE_PREFIX[notice][lang];
  const severity = SEVERITY_NAME[a.severity][lang];
  const lines: string[] = [];
  if (notice === 'escalated') lines.push(escalatedLine(lang, input.waitedMinutes ?? 0), '');
  if (notice === 'cleared') lines.push(clearedLine(lang, formatTime(input.endedAt ?? a.lastSeenAt, lang)), '');
  if (notice === 'updated') lines.push(updatedLine(lang, severity), '');
  lines.push(title, `${L('severity')}: ${severity}`, ...whatLines(a, lang));
  lines.push(`${L('place')}: ${place.siteName}, ${place.localityName}`);
  if (place.address !== null) lines.push(`${L('address')}: ${place.address}`);
  lines.push(`${L('coordinates')}: ${place.lat.toFixed(5)}, ${place.lon.toFixed(5)}`, `${L('map')}: ${links.map}`);
  lines.push(`${L('when')}: ${formatTime(a.openedAt, lang)}`);
  if (place.deviceName !== null) lines.push(`${L('device')}: ${place.deviceName} (${a.deviceId})`);
  else lines.push(`${L('device')}: ${a.deviceId}`);
  if (a.kind === 'dumping') lines.push(`${L('evidence')}: ${links.evidence ?? L('noEvidence')}`);
  if (links.acknowledge !== null && notice !== 'cleared') {
    lines.push(
      '',
      `${L('acknowledge')}: ${links.acknowledge.url}`,
      `(${L('linkExpires')} ${formatTime(links.acknowledge.expiresAt, lang)})`,
    );
  }
  lines.push(L('inbox'), `${L('id')}: ${a.id}`);
  const ack =
    links.acknowledge !== null && notice !== 'cleared' ? ` ${L('acknowledge')}: ${links.acknowledge.url}` : '';
  return {
    lang,
    subject: `[HPG] ${prefix}: ${title} – ${place.siteName}`,
    text: lines.join('\n'),
    short: `[HPG] ${prefix}: ${title} - ${place.siteName}, ${place.localityName}, ${shortTime(a.openedAt)}.${ack}`,
  };
}
