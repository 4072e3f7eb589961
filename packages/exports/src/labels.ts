/**
 * Every word a person reads in an export, Vietnamese first, English available (`lang=en`):
 * sheet names, headers, indicator names, units, status words, method notes and notes.
 */
import type { Domain, ExportData, IndicatorRow, Lang, Method, Note, Status, TargetInfo } from './model.ts';

type Text = { readonly vi: string; readonly en: string };
const t = (vi: string, en: string): Text => ({ vi, en });

export const SHEETS = {
  indicators: t('Chỉ tiêu', 'Indicators'),
  yearIndicators: t('Chỉ tiêu năm', 'Year indicators'),
  byMonth: t('Theo tháng', 'By month'),
  stationsDaily: t('Nước thải theo ngày', 'Wastewater by day'),
  stationsMonthly: t('Nước thải theo tháng', 'Wastewater by month'),
  solar: t('Điện mặt trời', 'Rooftop solar'),
  chargers: t('Trạm sạc xe điện', 'EV charging'),
  incidents: t('Vụ đổ thải', 'Dumping incidents'),
  about: t('Thông tin', 'About'),
} as const;

export const HEADERS = {
  domain: t('Lĩnh vực', 'Domain'),
  key: t('Mã chỉ tiêu', 'Indicator code'),
  name: t('Chỉ tiêu', 'Indicator'),
  unit: t('Đơn vị', 'Unit'),
  value: t('Giá trị', 'Value'),
  yearValue: t('Cả năm', 'Year'),
  previous: t('Tháng trước', 'Previous month'),
  change: t('Thay đổi so với tháng trước', 'Change vs previous month'),
  comparison: t('So sánh', 'Comparison'),
  target: t('Mục tiêu', 'Target'),
  targetYear: t('Năm mục tiêu', 'Target year'),
  status: t('Trạng thái', 'Status'),
  monthsMet: t('Số tháng đạt', 'Months met'),
  owner: t('Cơ quan chủ trì', 'Owner'),
  source: t('Nguồn mục tiêu', 'Target source'),
  completeness: t('Độ đầy đủ dữ liệu (%)', 'Data completeness (%)'),
  method: t('Ghi chú phương pháp', 'Method note'),
  plantId: t('Mã nhà máy', 'Plant code'),
  plantName: t('Nhà máy xử lý nước thải', 'Treatment plant'),
  locality: t('Địa bàn', 'Locality'),
  standard: t('Quy chuẩn', 'Standard'),
  column: t('Cột', 'Column'),
  kq: t('Kq', 'Kq'),
  kf: t('Kf', 'Kf'),
  central: t('XLNT tập trung KCN/CCN', 'Central WWTP of an industrial park/cluster'),
  day: t('Ngày', 'Day'),
  month: t('Tháng', 'Month'),
  result: t('Kết quả', 'Result'),
  compliantDays: t('Số ngày đạt', 'Days compliant'),
  nonCompliantDays: t('Số ngày vượt', 'Days exceeded'),
  noDataDays: t('Số ngày không có dữ liệu', 'Days without data'),
  periods: t('Số kỳ trung bình được đánh giá', 'Averaging periods judged'),
  exceedances: t('Số lần vượt', 'Exceedances'),
  worstParameter: t('Thông số bất lợi nhất', 'Worst parameter'),
  worstRatio: t('Tỷ lệ so với giới hạn (lần)', 'Ratio to limit'),
  excludedCalibrating: t('Giá trị loại trừ: hiệu chuẩn', 'Excluded: calibrating'),
  excludedError: t('Giá trị loại trừ: thiết bị lỗi', 'Excluded: device error'),
  siteId: t('Mã công trình', 'Site code'),
  siteName: t('Công trình', 'Site'),
  capacity: t('Công suất lắp đặt (kWp)', 'Installed capacity (kWp)'),
  energy: t('Điện năng (kWh)', 'Energy (kWh)'),
  specificYield: t('Năng suất riêng (kWh/kWp)', 'Specific yield (kWh/kWp)'),
  active: t('Đang phát điện (24 giờ)', 'Producing (last 24 h)'),
  stationId: t('Mã trạm sạc', 'Station code'),
  stationName: t('Trạm sạc', 'Charging station'),
  charger: t('Trụ sạc', 'Charger'),
  sessions: t('Số phiên sạc', 'Sessions'),
  openSessions: t('Phiên chưa kết thúc', 'Open sessions'),
  connectors: t('Số cổng sạc', 'Connectors'),
  availability: t('Tỷ lệ sẵn sàng (%)', 'Availability (%)'),
  operational: t('Trạm hoạt động', 'Station operational'),
  incidentId: t('Mã vụ việc', 'Incident'),
  spotId: t('Mã điểm camera', 'Camera spot code'),
  spotName: t('Điểm camera', 'Camera spot'),
  camera: t('Camera', 'Camera'),
  zone: t('Vùng', 'Zone'),
  firstAt: t('Phát hiện lần đầu', 'First seen'),
  lastAt: t('Phát hiện lần cuối', 'Last seen'),
  detections: t('Số lần phát hiện', 'Detections'),
  maxScore: t('Độ tin cậy cao nhất', 'Highest score'),
  item: t('Mục', 'Item'),
  content: t('Nội dung', 'Content'),
} as const;

export const STATUS: Readonly<Record<Status, Text>> = {
  met: t('đạt', 'met'),
  not_met: t('chưa đạt', 'not met'),
  no_data: t('chưa có dữ liệu', 'no data'),
  milestone: t('mốc hoàn thành (ghi nhận thủ công)', 'completion milestone (recorded by hand)'),
  no_target: t('không có chỉ tiêu kế hoạch', 'no plan target'),
  monthly: t('đánh giá theo tháng', 'judged monthly'),
};

export const STATION_STATUS: Readonly<Record<'compliant' | 'non_compliant' | 'no_data', Text>> = {
  compliant: t('đạt quy chuẩn', 'compliant'),
  non_compliant: t('vượt quy chuẩn', 'exceeded'),
  no_data: t('không có dữ liệu', 'no data'),
};

export const YES = t('có', 'yes');
export const NO = t('không', 'no');

const DOMAINS: Readonly<Record<Domain, Text>> = {
  wastewater: t('Nước thải', 'Wastewater'),
  solar: t('Điện mặt trời mái nhà', 'Rooftop solar'),
  ev: t('Sạc xe điện', 'EV charging'),
  dumping: t('Đổ thải trái phép', 'Illegal dumping'),
  energy: t('Tiết kiệm năng lượng', 'Energy savings'),
  plan: t('Chỉ tiêu kế hoạch khác', 'Other plan targets'),
};

const SECTORS: Readonly<Record<string, Text>> = {
  industry: t('công nghiệp', 'industry'),
  business_services: t('kinh doanh, dịch vụ', 'business and services'),
  public: t('khu vực công', 'public sector'),
  residential: t('dân cư', 'residential'),
};

const INDICATORS: Readonly<Record<string, Text>> = {
  'wastewater.plants_monitored': t(
    'Số nhà máy xử lý nước thải có dữ liệu quan trắc',
    'Treatment plants with monitoring data',
  ),
  'wastewater.plants_compliant_pct': t(
    'Tỷ lệ nhà máy xử lý nước thải đạt quy chuẩn',
    'Treatment plants meeting their discharge standard',
  ),
  'wastewater.central_wwtp_compliant_pct': t(
    'Tỷ lệ hệ thống xử lý nước thải tập trung của KCN, CCN đạt quy chuẩn',
    'Central wastewater treatment of industrial parks and clusters meeting the standard',
  ),
  'solar.energy_kwh': t('Điện năng điện mặt trời mái nhà', 'Rooftop solar generation'),
  'solar.co2_avoided_t': t('Lượng CO2 tránh được nhờ điện mặt trời', 'CO2 avoided by rooftop solar'),
  'solar.installations': t(
    'Số công trình điện mặt trời mái nhà được giám sát',
    'Monitored rooftop solar installations',
  ),
  'solar.active_installations': t(
    'Số công trình điện mặt trời mái nhà đang phát điện',
    'Rooftop solar installations producing',
  ),
  'ev.sessions': t('Số phiên sạc xe điện', 'EV charging sessions'),
  'ev.energy_kwh': t('Điện năng sạc xe điện', 'Energy delivered to EVs'),
  'ev.co2_avoided_t': t('Lượng CO2 tránh được nhờ xe điện (đã trừ điện lưới)', 'CO2 avoided by EVs (net of the grid)'),
  'ev.chargers': t('Số trụ sạc được giám sát', 'Monitored chargers'),
  'ev.connector_availability_pct': t('Tỷ lệ thời gian cổng sạc sẵn sàng', 'Connector availability'),
  'ev.stations_operational': t('Số trạm sạc công cộng hoạt động', 'Public charging stations operational'),
  'dumping.detections': t('Số lần camera phát hiện đổ thải', 'Camera detections of dumping'),
  'dumping.incidents': t('Số vụ đổ thải trái phép (đã gộp trùng)', 'Illegal dumping incidents (deduplicated)'),
  'dumping.alerts': t('Số cảnh báo gửi công an', 'Alerts sent to the police'),
  'dumping.confirmed': t('Số cảnh báo được xác nhận vi phạm', 'Alerts confirmed'),
  'dumping.false_alarms': t('Số cảnh báo nhầm', 'False alarms'),
  'dumping.pending': t('Số cảnh báo chưa xử lý xong', 'Alerts not closed'),
  'dumping.ack_minutes_median': t('Thời gian tiếp nhận cảnh báo (trung vị)', 'Median time to acknowledge'),
  'dumping.close_minutes_median': t('Thời gian xử lý xong cảnh báo (trung vị)', 'Median time to close'),
  'energy.actual_kwh': t('Điện năng tiêu thụ thực tế của các cơ sở', 'Actual consumption of the facilities'),
  'energy.baseline_kwh': t('Điện năng tiêu thụ theo đường cơ sở', 'Baseline consumption'),
  'energy.savings_pct': t('Tỷ lệ tiết kiệm năng lượng so với đường cơ sở', 'Energy savings against the baseline'),
};

/** Names of the plans' targets that no sensor measures (targets.json indicator names). */
const PLAN_TARGETS: Readonly<Record<string, Text>> = {
  wastewater_compliant_pct: t(
    'Tỷ lệ nước thải được thu gom, xử lý đạt quy chuẩn trước khi xả thải',
    'Wastewater collected and treated to standard before discharge',
  ),
  central_wwtp_compliant_pct: INDICATORS['wastewater.central_wwtp_compliant_pct'] as Text,
  rooftop_solar_installations: t('Số công trình điện mặt trời mái nhà', 'Rooftop solar installations'),
  public_ev_charging_network: t('Hoàn thành mạng lưới trạm sạc công cộng', 'Public EV charging network complete'),
  ev_charging_network: t('Hoàn thành mạng lưới trạm sạc trên địa bàn', 'EV charging network of the locality complete'),
  energy_saving_vs_forecast_pct: t(
    'Tỷ lệ tiết kiệm năng lượng so với dự báo tổng tiêu thụ',
    'Energy saving against forecast total consumption',
  ),
  energy_saving_industry_pct: t('Tỷ lệ tiết kiệm năng lượng ngành công nghiệp', 'Energy saving in industry'),
  energy_saving_business_services_pct: t(
    'Tỷ lệ giảm tiêu thụ năng lượng của doanh nghiệp, cơ sở dịch vụ',
    'Energy reduction in businesses and service facilities',
  ),
  ghg_reduction_vs_2020_pct: t('Giảm phát thải khí nhà kính so với năm 2020', 'Greenhouse-gas reduction against 2020'),
  green_public_procurement_pct: t('Tỷ lệ mua sắm công xanh', 'Green public procurement share'),
  green_space_m2_per_person: t('Diện tích cây xanh công cộng bình quân đầu người', 'Public green space per person'),
};

const UNITS: Readonly<Record<string, Text>> = {
  '%': t('%', '%'),
  kWh: t('kWh', 'kWh'),
  t: t('t CO2', 't CO2'),
  min: t('phút', 'min'),
  plants: t('nhà máy', 'plants'),
  sites: t('công trình', 'installations'),
  sessions: t('phiên', 'sessions'),
  chargers: t('trụ sạc', 'chargers'),
  stations: t('trạm', 'stations'),
  detections: t('lượt', 'detections'),
  incidents: t('vụ', 'incidents'),
  alerts: t('cảnh báo', 'alerts'),
  count: t('số lượng', 'count'),
  milestone: t('mốc', 'milestone'),
  'm²/person': t('m²/người', 'm²/person'),
};

export function text(x: Text, lang: Lang): string {
  return x[lang];
}

export function domainName(d: Domain, lang: Lang): string {
  return DOMAINS[d][lang];
}

export function indicatorName(row: Pick<IndicatorRow, 'key'>, lang: Lang): string {
  const known = INDICATORS[row.key];
  if (known !== undefined) return known[lang];
  const sector = /^energy\.savings_(.+)_pct$/.exec(row.key)?.[1];
  if (sector !== undefined) {
    const s = SECTORS[sector]?.[lang] ?? sector;
    return lang === 'vi' ? `Tỷ lệ tiết kiệm năng lượng, khu vực ${s}` : `Energy savings, ${s}`;
  }
  if (row.key.startsWith('plan.')) {
    const name = row.key.slice('plan.'.length);
    return PLAN_TARGETS[name]?.[lang] ?? name;
  }
  return row.key;
}

export function unitName(unit: string, lang: Lang): string {
  return UNITS[unit]?.[lang] ?? unit;
}

export function comparisonText(target: TargetInfo, lang: Lang): string {
  if (target.comparison === 'complete') return lang === 'vi' ? 'mốc hoàn thành' : 'milestone';
  return target.comparison === 'gte' ? '≥' : '≤';
}

/** Decimal numbers in running text: a comma in Vietnamese. */
export function num(x: number, lang: Lang, digits = 2): string {
  const s = String(Number(x.toFixed(digits)));
  return lang === 'vi' ? s.replace('.', ',') : s;
}

/** Indicators whose year is the sum of the months, or the latest month (mirrors @hpg/reports yearPoints). */
const YEAR_LATEST = new Set([
  'solar.installations',
  'solar.active_installations',
  'ev.chargers',
  'ev.stations_operational',
]);

function methodText(m: Method, lang: Lang): string {
  const vi = lang === 'vi';
  switch (m.kind) {
    case 'wastewater':
      return vi
        ? `Trung bình ${m.averaging === 'hour' ? 'giờ' : 'ngày'} các giá trị trạm quan trắc báo ở trạng thái "đang đo"; loại trừ ${m.excludedCalibrating} giá trị khi hiệu chuẩn và ${m.excludedError} giá trị khi thiết bị lỗi; giới hạn Cmax = C × Kq × Kf theo quy chuẩn của từng nhà máy; ${m.plantsJudged} nhà máy được đánh giá, ${m.plantsUnjudged} nhà máy chưa đánh giá được; độ đầy đủ dữ liệu = số giá trị hợp lệ / số giá trị dự kiến theo chu kỳ truyền`
        : `${m.averaging === 'hour' ? 'Hourly' : 'Daily'} averages of the values the station reported as "measuring"; ${m.excludedCalibrating} values excluded while calibrating and ${m.excludedError} in device error; limit Cmax = C × Kq × Kf by each plant's standard; ${m.plantsJudged} plants judged, ${m.plantsUnjudged} not judged; completeness = valid values / values expected at the station's interval`;
    case 'solar': {
      const f =
        m.gridFactor === null
          ? ''
          : vi
            ? `; hệ số phát thải lưới điện ${num(m.gridFactor.tCO2PerMWh, lang, 4)} tCO2/MWh (năm ${m.gridFactor.year})`
            : `; grid emission factor ${num(m.gridFactor.tCO2PerMWh, lang, 4)} tCO2/MWh (${m.gridFactor.year})`;
      return vi
        ? `Điện năng = tổng mức tăng bộ đếm điện năng tích lũy của biến tần, mỗi mức tăng tính vào kỳ của lần đọc sau; ${m.counterResets} lần bộ đếm bị đặt lại không được tính; CO2 tránh được = kWh × hệ số phát thải lưới điện${f}; đang phát điện = có công suất trong 24 giờ trước cuối kỳ`
        : `Energy = increases of the inverters' lifetime counters, each counted in the period of its later reading; ${m.counterResets} counter resets add nothing; CO2 avoided = kWh × the grid emission factor${f}; producing = power in the 24 h before the period's end`;
    }
    case 'ev':
      return vi
        ? `Phiên sạc ghép theo mã phiên và tính khi kết thúc (điện năng = chỉ số cuối − chỉ số đầu); ${m.openSessions} phiên chưa kết thúc chưa tính; tỷ lệ sẵn sàng = thời gian cổng sạc không ở trạng thái Faulted/Unavailable trên thời gian biết trạng thái; trạm hoạt động khi có cổng sạc sẵn sàng trong kỳ; CO2 tránh được = xăng xe máy được thay thế trừ phát thải điện lưới (hệ số chưa được kiểm chứng)`
        : `Sessions paired by id and counted when they stop (energy = stop register − start register); ${m.openSessions} open sessions not counted yet; availability = time a connector was not Faulted or Unavailable over the time its status was known; a station is operational when a connector was available in the period; CO2 avoided = petrol a motorbike would burn less the grid's emissions (factors not yet verified)`;
    case 'dumping':
      return vi
        ? `Phát hiện nhãn ${m.labels.join(', ')} với độ tin cậy ≥ ${num(m.minScore, lang)}; cùng camera và vùng trong ${m.windowMinutes} phút tính là một vụ; cảnh báo và kết quả xử lý của công an lấy từ hệ thống cảnh báo${m.alertsReachable ? '' : ' (không truy cập được khi lập báo cáo)'}`
        : `Detections labelled ${m.labels.join(', ')} with score ≥ ${num(m.minScore, lang)}; the same camera and zone within ${m.windowMinutes} minutes is one incident; alerts and the police's outcomes from the alert workflow${m.alertsReachable ? '' : ' (not reachable when this was made)'}`;
    case 'energy':
      return vi
        ? `Tiêu thụ thực tế = mức tăng chỉ số công tơ của ${m.facilities} cơ sở có đường cơ sở (${m.unjudged} cơ sở chưa có đường cơ sở không tính; ${m.meterResets} lần công tơ đặt lại không tính); tiết kiệm % = (cơ sở − thực tế) / cơ sở, tính trên tổng`
        : `Actual = increases of the meter registers of ${m.facilities} facilities with a baseline (${m.unjudged} without one not counted; ${m.meterResets} register resets add nothing); savings % = (baseline − actual) / baseline, on the sums`;
    case 'unmeasured':
      return m.measured
        ? vi
          ? 'Chưa tính được từ dữ liệu thiết bị trong hệ thống'
          : 'Not yet computed from the devices’ data'
        : vi
          ? 'Chỉ tiêu không đo tự động: số liệu nhập tay hoặc từ hệ thống khác, chưa có trong hệ thống'
          : 'Not measured automatically: figures are entered by hand or imported, none yet';
  }
}

/** The method note of a row: how the value was made; in a yearly export, how the year is made from the months. */
export function methodNote(row: IndicatorRow, data: ExportData, lang: Lang): string {
  const base = methodText(row.method, lang);
  if (data.kind !== 'year' || row.domain === 'plan') return base;
  const vi = lang === 'vi';
  let rule: string;
  if (row.status === 'monthly' || (row.status === 'milestone' && row.value === null))
    rule = vi ? 'Đánh giá theo từng tháng, xem sheet "Theo tháng"' : 'Judged month by month, see the "By month" sheet';
  else if (YEAR_LATEST.has(row.key)) rule = vi ? 'Cả năm = giá trị tháng cuối' : 'Year = the latest month';
  else if (/^energy\.savings_.*pct$/.test(row.key))
    rule = vi
      ? 'Cả năm tính lại trên tổng đường cơ sở và tổng tiêu thụ các tháng'
      : 'Year recomputed from the months’ summed baseline and actual';
  else rule = vi ? 'Cả năm = tổng các tháng' : 'Year = sum of the months';
  return `${rule}. ${base}`;
}

const MONTH_NAMES_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2026-10` → `tháng 10/2026` / `October 2026`-style short forms for titles and headers. */
export function monthLabel(label: string, lang: Lang): string {
  const [y, m] = label.split('-');
  return lang === 'vi' ? `Tháng ${m}/${y}` : `${MONTH_NAMES_EN[Number(m) - 1]} ${y}`;
}

export function localityLabel(data: ExportData, lang: Lang, id = data.locality.id): string {
  const l = data.localityNames[id] ?? (id === data.locality.id ? data.locality : undefined);
  return l === undefined ? id : lang === 'vi' ? l.name : l.nameEn;
}

export function title(data: ExportData, lang: Lang): string {
  const where = localityLabel(data, lang);
  if (data.kind === 'year')
    return lang === 'vi'
      ? `Báo cáo năm ${data.period} — chỉ tiêu chuyển đổi xanh — ${where}`
      : `Green transition indicators, year ${data.period} — ${where}`;
  return lang === 'vi'
    ? `Báo cáo chỉ tiêu chuyển đổi xanh — ${where} — ${monthLabel(data.period, lang).toLowerCase()}`
    : `Green transition indicators — ${where} — ${monthLabel(data.period, lang)}`;
}

/** A human file name for downloads (Content-Disposition filename*). */
export function displayFileName(data: Pick<ExportData, 'period' | 'locality' | 'localityNames'>, lang: Lang): string {
  const where = lang === 'vi' ? data.locality.name : data.locality.nameEn;
  return lang === 'vi'
    ? `Báo cáo chuyển đổi xanh - ${where} - ${data.period}`
    : `Green transition - ${where} - ${data.period}`;
}

export function noteText(n: Note, data: ExportData, lang: Lang, asOf: string): string {
  const vi = lang === 'vi';
  switch (n.code) {
    case 'period_in_progress':
      return vi
        ? `Kỳ báo cáo chưa kết thúc: số liệu tạm tính đến ${asOf}`
        : `The period has not ended: provisional figures up to ${asOf}`;
    case 'year_in_progress': {
      const first = data.months[0];
      const last = data.months.at(-1);
      const range = first === undefined || last === undefined ? '' : ` (${first} – ${last})`;
      return vi
        ? `Năm chưa kết thúc: báo cáo gồm ${n.months} tháng đã qua${range}; các tháng sau được bổ sung khi kết thúc`
        : `The year has not ended: this report covers the ${n.months} months so far${range}; later months are added as they end`;
    }
    case 'no_closed_month':
      return vi ? 'Chưa có tháng nào của năm kết thúc' : 'No month of the year has ended yet';
    case 'annual_deadline':
      return vi
        ? 'Báo cáo định kỳ trước ngày 05 tháng 12 hàng năm (Kế hoạch 004, mục VI.3)'
        : 'The periodic (annual) report is due before 5 December each year (plan 004, §VI.3)';
    case 'alerts_unreachable':
      return vi
        ? 'Không truy cập được hệ thống cảnh báo khi lập báo cáo: thiếu số liệu xử lý cảnh báo của công an'
        : 'The alert workflow was not reachable when this was made: the police’s outcomes are missing';
  }
}

/** Rows of the About sheet: what the export is, its period and coverage, the rules it applies. */
export function aboutRows(data: ExportData, lang: Lang, iso: (ms: number) => string): [string, string][] {
  const vi = lang === 'vi';
  const rows: [string, string][] = [
    [vi ? 'Báo cáo' : 'Report', title(data, lang)],
    [vi ? 'Địa bàn' : 'Locality', `${localityLabel(data, lang)} (${data.locality.id})`],
    [
      vi ? 'Kỳ báo cáo' : 'Period',
      `${data.period}: ${iso(data.from)} – ${iso(data.to)} (${vi ? 'giờ Việt Nam' : 'Vietnam time'}, ${data.timeZone})`,
    ],
    [vi ? 'Số liệu tính đến' : 'Figures up to', iso(data.asOf)],
    [
      vi ? 'Tình trạng kỳ báo cáo' : 'Period state',
      data.complete
        ? vi
          ? 'đã kết thúc'
          : 'ended'
        : vi
          ? 'chưa kết thúc (số liệu tạm tính)'
          : 'in progress (provisional figures)',
    ],
  ];
  if (data.kind === 'year')
    rows.push([
      vi ? 'Các tháng tổng hợp' : 'Months covered',
      data.months.length === 0 ? '—' : `${data.months.join(', ')} (${data.months.length})`,
    ]);
  else if (data.previousPeriod !== null) rows.push([vi ? 'So sánh với' : 'Compared with', data.previousPeriod]);
  for (const n of data.notes) rows.push([vi ? 'Lưu ý' : 'Note', noteText(n, data, lang, iso(data.asOf))]);
  rows.push(
    [
      vi ? 'Trạng thái' : 'Status',
      vi
        ? 'đạt / chưa đạt: giá trị so với mục tiêu theo phép so sánh của mục tiêu (≥ hoặc ≤), mục tiêu của năm hoặc mốc gần nhất sau đó; chưa có dữ liệu: không có số liệu; mốc hoàn thành: mục tiêu dạng mốc, ghi nhận thủ công, không đánh giá từ dữ liệu'
        : 'met / not met: the value against the target by its comparison (≥ or ≤), the target of the year or the next one set; no data: no figures; completion milestone: a milestone target, recorded by hand, not judged from data',
    ],
    [
      vi ? 'Mục tiêu' : 'Targets',
      vi
        ? 'config/regulatory/targets.json: mục tiêu của các kế hoạch theo địa bàn, chỉ tiêu và năm, kèm cơ quan chủ trì và nguồn (nguyên tắc "6 rõ")'
        : 'config/regulatory/targets.json: the plans’ targets by locality, indicator and year, with their owner and source (the plans’ "6 rõ")',
    ],
    [
      vi ? 'Đơn vị' : 'Units',
      vi
        ? 'Tỷ lệ ghi bằng số phần trăm (85,3 nghĩa là 85,3 %); thay đổi của tỷ lệ tính bằng điểm phần trăm; thời gian theo giờ Việt Nam (UTC+7)'
        : 'Percentages are numbers of percent (85.3 means 85.3 %); changes of a percentage are in percentage points; times are Vietnam time (UTC+7)',
    ],
    [
      vi ? 'Nước thải' : 'Wastewater',
      vi
        ? `Trung bình ${data.averaging === 'hour' ? 'giờ' : 'ngày'}; chỉ giá trị ở trạng thái "đang đo"; một nhà máy đạt trong tháng khi có dữ liệu và không ngày nào vượt`
        : `${data.averaging === 'hour' ? 'Hourly' : 'Daily'} averages; only values reported as "measuring"; a plant is compliant in a month when it had data and no day exceeded`,
    ],
  );
  if (data.gridFactor !== null)
    rows.push([
      vi ? 'Hệ số phát thải lưới điện' : 'Grid emission factor',
      `${num(data.gridFactor.tCO2PerMWh, lang, 4)} tCO2/MWh (${data.gridFactor.year}): ${data.gridFactor.reference}`,
    ]);
  rows.push([
    vi ? 'Tính nhất quán' : 'Consistency',
    vi
      ? 'Cùng dữ liệu luôn cho cùng tệp; giá trị trùng với điểm chỉ tiêu mà hệ thống lưu; báo cáo năm là tổng hợp của các báo cáo tháng'
      : 'The same data always gives the same file; values are the indicator points the platform stores; the yearly report is made from the monthly ones',
  ]);
  return rows;
}
