import { describe, expect, it } from 'vitest';
import { type AlertOf, formatTime, mapUrl, placeOf, type RenderInput, renderMessage } from '../src/index.ts';
import { miniRegistry, T0 } from './helpers/fixtures.ts';

const dumping: AlertOf<'dumping'> = {
  v: 1,
  id: 'dumping:cam-a1:bank:x1',
  kind: 'dumping',
  severity: 'high',
  localityId: 'xa-a',
  siteId: 'spot-a',
  deviceId: 'cam-a1',
  openedAt: T0 + 10 * 60_000,
  lastSeenAt: T0 + 10 * 60_000,
  details: {
    label: 'waste',
    zone: 'bank',
    maxScore: 0.874,
    eventIds: ['x1'],
    detections: 1,
    snapshotUrl: 'http://nvr.local/x1.jpg',
    snapshotSha256: null,
  },
};

function input(over: Partial<RenderInput> = {}): RenderInput {
  const lang = over.lang ?? 'vi';
  const place = placeOf(miniRegistry(), over.alert ?? dumping, lang);
  return {
    alert: dumping,
    notice: 'opened',
    lang,
    place,
    links: {
      map: mapUrl(place.lat, place.lon),
      evidence: 'https://hpg.example.org/evidence/abc',
      acknowledge: { url: 'https://hpg.example.org/a/v1.tok.sig', expiresAt: T0 + 3 * 86_400_000 },
    },
    ...over,
  };
}

describe('message rendering', () => {
  it('says what, where, when, the evidence, the confidence and how to acknowledge, in Vietnamese', () => {
    const m = renderMessage(input());
    expect(m.subject).toBe('[HPG] Cảnh báo: Phát hiện đổ rác thải trái phép – Bãi ven sông Thái Bình');
    const lines = m.text.split('\n');
    expect(lines).toContain('Mức độ: Cao');
    expect(lines).toContain('Độ tin cậy: 87 %');
    expect(lines).toContain('Địa điểm: Bãi ven sông Thái Bình, Xã Vĩnh Am');
    expect(lines).toContain('Địa chỉ: Thôn Đông, xã Vĩnh Am, Hải Phòng');
    expect(lines).toContain('Tọa độ: 20.65530, 106.46120');
    expect(lines).toContain(
      'Bản đồ: https://www.openstreetmap.org/?mlat=20.65530&mlon=106.46120#map=18/20.65530/106.46120',
    );
    // 15:10 UTC is 22:10 in Hai Phong.
    expect(lines).toContain('Thời gian: 22:10 ngày 22/11/2026 (giờ Việt Nam, UTC+7)');
    expect(lines).toContain('Thiết bị: Thiết bị cam-a1 (cam-a1)');
    expect(lines).toContain('Hình ảnh: https://hpg.example.org/evidence/abc');
    expect(lines).toContain('Xác nhận đã tiếp nhận: https://hpg.example.org/a/v1.tok.sig');
    expect(lines).toContain('(liên kết hết hạn lúc 22:00 ngày 25/11/2026 (giờ Việt Nam, UTC+7))');
    expect(lines.at(-1)).toBe('Mã cảnh báo: dumping:cam-a1:bank:x1');
    expect(m.short).toBe(
      '[HPG] Cảnh báo: Phát hiện đổ rác thải trái phép - Bãi ven sông Thái Bình, Xã Vĩnh Am, 22:10 22/11. Xác nhận đã tiếp nhận: https://hpg.example.org/a/v1.tok.sig',
    );
  });

  it('renders the same in English for a contact who asked for it', () => {
    const m = renderMessage(input({ lang: 'en' }));
    expect(m.subject).toBe('[HPG] Alert: Illegal dumping detected – Bãi ven sông Thái Bình');
    expect(m.text).toContain('Place: Bãi ven sông Thái Bình, Vinh Am Commune');
    expect(m.text).toContain('When: 22 Nov 2026 22:10 (Vietnam time, UTC+7)');
    expect(m.text).toContain('Confidence: 87 %');
    expect(m.text).toContain('Acknowledge: https://hpg.example.org/a/v1.tok.sig');
  });

  it('writes wastewater figures with the Vietnamese decimal comma and the limit', () => {
    const ww: AlertOf<'wastewater_exceedance'> = {
      v: 1,
      id: 'wastewater_exceedance:ww-a:cod:1',
      kind: 'wastewater_exceedance',
      severity: 'medium',
      localityId: 'xa-a',
      siteId: 'plant-a',
      deviceId: 'ww-a',
      openedAt: T0,
      lastSeenAt: T0,
      details: {
        parameter: 'cod',
        average: 162.25,
        limit: { max: 135, unit: 'mg/L' },
        maxRatio: 1.2019,
        averageMinutes: 60,
      },
    };
    const vi = renderMessage(input({ alert: ww, links: { map: 'm', evidence: null, acknowledge: null } }));
    expect(vi.subject).toBe(
      '[HPG] Cảnh báo: Nước thải vượt quy chuẩn: COD – Trạm xử lý nước thải Cụm công nghiệp Vĩnh Am',
    );
    expect(vi.text).toContain(
      'COD: trung bình 60 phút 162,25 mg/L, giới hạn ≤ 135 mg/L; cao nhất gấp 1,2 lần giới hạn.',
    );
    expect(vi.text).not.toContain('Xác nhận đã tiếp nhận');
    expect(vi.text).not.toContain('Hình ảnh');
    const en = renderMessage(input({ alert: ww, lang: 'en', links: { map: 'm', evidence: null, acknowledge: null } }));
    expect(en.text).toContain('COD: 60-minute average 162.25 mg/L, limit ≤ 135 mg/L; up to 1.2 times the limit.');
  });

  it('leads an escalation and an all-clear with what changed', () => {
    const esc = renderMessage(input({ notice: 'escalated', waitedMinutes: 15 }));
    expect(esc.subject.startsWith('[HPG] Chuyển cấp: ')).toBe(true);
    expect(esc.text.split('\n')[0]).toBe('Chưa có ai xác nhận sau 15 phút; cảnh báo được chuyển đến anh/chị.');
    const clear = renderMessage(input({ notice: 'cleared', endedAt: T0 + 3_600_000 }));
    expect(clear.text.split('\n')[0]).toBe(
      'Tình trạng đã chấm dứt lúc 23:00 ngày 22/11/2026 (giờ Việt Nam, UTC+7). Cảnh báo vẫn chờ xử lý.',
    );
    expect(clear.text).not.toContain('Xác nhận đã tiếp nhận');
  });

  it('formats instants in Hai Phong time across a day boundary', () => {
    expect(formatTime(Date.UTC(2026, 11, 31, 17, 5), 'vi')).toBe('00:05 ngày 01/01/2027 (giờ Việt Nam, UTC+7)');
    expect(formatTime(Date.UTC(2026, 11, 31, 17, 5), 'en')).toBe('01 Jan 2027 00:05 (Vietnam time, UTC+7)');
  });
});
