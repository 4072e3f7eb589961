/**
 * The words of alert messages, Vietnamese first and English beside it. Kept apart from the layout
 * (render.ts) so a translator edits one file.
 */
import type { AlertKind, Severity } from './model.ts';

export const LANGS = ['vi', 'en'] as const;
export type Lang = (typeof LANGS)[number];

/** What a message announces: a new alert, an escalation, a raised severity, the condition's end. */
export const NOTICES = ['opened', 'escalated', 'updated', 'cleared'] as const;
export type Notice = (typeof NOTICES)[number];

type Phrase = Readonly<Record<Lang, string>>;

export const NOTICE_PREFIX: Readonly<Record<Notice, Phrase>> = {
  opened: { vi: 'Cảnh báo', en: 'Alert' },
  escalated: { vi: 'Chuyển cấp', en: 'Escalated' },
  updated: { vi: 'Cập nhật mức độ', en: 'Severity raised' },
  cleared: { vi: 'Đã chấm dứt', en: 'Condition ended' },
};

export const KIND_TITLE: Readonly<Record<AlertKind, Phrase>> = {
  dumping: { vi: 'Phát hiện đổ rác thải trái phép', en: 'Illegal dumping detected' },
  wastewater_exceedance: { vi: 'Nước thải vượt quy chuẩn', en: 'Wastewater over its limit' },
  wastewater_silence: {
    vi: 'Trạm quan trắc nước thải không có dữ liệu hợp lệ',
    en: 'Wastewater station sends no valid data',
  },
  device_offline: { vi: 'Thiết bị mất kết nối', en: 'Device offline' },
  charger_faulted: { vi: 'Trụ sạc xe điện báo lỗi (Faulted)', en: 'EV charger faulted' },
  inverter_fault: { vi: 'Biến tần điện mặt trời báo lỗi', en: 'Solar inverter in fault' },
};

export const SEVERITY_NAME: Readonly<Record<Severity, Phrase>> = {
  low: { vi: 'Thấp', en: 'Low' },
  medium: { vi: 'Trung bình', en: 'Medium' },
  high: { vi: 'Cao', en: 'High' },
  critical: { vi: 'Khẩn cấp', en: 'Critical' },
};

/** Wastewater parameters as QCVN 40:2011 Table 1 names them. */
export const PARAMETER_NAME: Readonly<Record<string, Phrase>> = {
  cod: { vi: 'COD', en: 'COD' },
  bod5: { vi: 'BOD₅ (20 °C)', en: 'BOD₅ (20 °C)' },
  tss: { vi: 'Tổng chất rắn lơ lửng (TSS)', en: 'Total suspended solids (TSS)' },
  nh4: { vi: 'Amoni (NH₄⁺ tính theo N)', en: 'Ammonium (NH₄⁺ as N)' },
  tn: { vi: 'Tổng nitơ', en: 'Total nitrogen' },
  tp: { vi: 'Tổng phốt pho', en: 'Total phosphorus' },
  ph: { vi: 'pH', en: 'pH' },
  temperature: { vi: 'Nhiệt độ', en: 'Temperature' },
  color: { vi: 'Độ màu', en: 'Colour' },
};

export const LABEL = {
  severity: { vi: 'Mức độ', en: 'Severity' },
  place: { vi: 'Địa điểm', en: 'Place' },
  address: { vi: 'Địa chỉ', en: 'Address' },
  coordinates: { vi: 'Tọa độ', en: 'Coordinates' },
  map: { vi: 'Bản đồ', en: 'Map' },
  when: { vi: 'Thời gian', en: 'When' },
  device: { vi: 'Thiết bị', en: 'Device' },
  evidence: { vi: 'Hình ảnh', en: 'Evidence' },
  confidence: { vi: 'Độ tin cậy', en: 'Confidence' },
  acknowledge: { vi: 'Xác nhận đã tiếp nhận', en: 'Acknowledge' },
  linkExpires: { vi: 'liên kết hết hạn lúc', en: 'link expires' },
  id: { vi: 'Mã cảnh báo', en: 'Alert id' },
  noEvidence: { vi: 'chưa có', en: 'not available yet' },
  never: { vi: 'chưa nhận được kể từ khi hệ thống bắt đầu theo dõi', en: 'none since monitoring started' },
  inbox: {
    vi: 'Cập nhật kết quả xử lý (đã xử lý / báo động giả) trong hộp cảnh báo của hệ thống.',
    en: 'Record the outcome (resolved / false alarm) in the alert inbox.',
  },
} as const satisfies Record<string, Phrase>;

export function escalatedLine(lang: Lang, minutes: number): string {
  return lang === 'vi'
    ? `Chưa có ai xác nhận sau ${minutes} phút; cảnh báo được chuyển đến anh/chị.`
    : `Nobody acknowledged within ${minutes} minutes; this alert is now passed to you.`;
}

export function clearedLine(lang: Lang, when: string): string {
  return lang === 'vi'
    ? `Tình trạng đã chấm dứt lúc ${when}. Cảnh báo vẫn chờ xử lý.`
    : `The condition ended at ${when}. The alert still awaits handling.`;
}

export function updatedLine(lang: Lang, severity: string): string {
  return lang === 'vi' ? `Mức độ được nâng lên: ${severity}.` : `Severity raised to: ${severity}.`;
}
