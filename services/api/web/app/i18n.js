/**
 * Every user-facing string, Vietnamese first, English second, and the formats of numbers and
 * times. The choice is kept in localStorage; Vietnamese is the default. Times are always shown in
 * Asia/Ho_Chi_Minh, whatever the device's own time zone.
 */
export const TIME_ZONE = 'Asia/Ho_Chi_Minh';
const STORAGE_KEY = 'hpg.lang';

export const STRINGS = {
  vi: {
    'app.title': 'Giám sát chuyển đổi xanh Hải Phòng',
    'app.short': 'Chuyển đổi xanh HP',
    'lang.other': 'English',
    'lang.switch': 'Chuyển giao diện sang tiếng Anh',
    locality: 'Địa bàn',
    logout: 'Đăng xuất',
    'nav.label': 'Các trang',
    skip: 'Đến nội dung chính',
    'nav.overview': 'Tổng quan',
    'nav.inbox': 'Hộp thư cảnh báo',
    'nav.exports': 'Báo cáo',
    loading: 'Đang tải…',
    'error.load': 'Không tải được dữ liệu: {message}',
    'error.network': 'Không kết nối được tới máy chủ.',
    'error.forbidden': 'Vai trò của bạn không được xem mục này.',
    none: '—',
    'role.admin': 'Quản trị hệ thống',
    'role.environment': 'Cán bộ môi trường',
    'role.police': 'Công an',
    'role.viewer': 'Người xem',

    'login.title': 'Đăng nhập',
    'login.intro': 'Dành cho cán bộ môi trường, công an xã, phường và quản trị viên.',
    'login.username': 'Tên đăng nhập',
    'login.password': 'Mật khẩu',
    'login.submit': 'Đăng nhập',
    'login.bad': 'Sai tên đăng nhập hoặc mật khẩu.',
    'login.rate': 'Đăng nhập sai quá nhiều lần; vui lòng thử lại sau một phút.',
    'login.expired': 'Phiên đăng nhập đã kết thúc; vui lòng đăng nhập lại.',
    'login.nothing': 'Tài khoản này không có quyền xem trang nào.',

    'overview.title': 'Tổng quan',
    'overview.month': 'Tháng',
    'overview.indicators': 'Chỉ tiêu so với kế hoạch',
    'overview.map': 'Bản đồ điểm giám sát',
    'overview.readings': 'Số liệu trực tiếp',
    'overview.readings.note': 'Tự động cập nhật mỗi 5 giây.',
    'overview.readings.updated': 'Cập nhật lúc {time}',
    'overview.readings.none': 'Chưa có số liệu nào trong một giờ qua.',
    'col.time': 'Thời gian',
    'col.site': 'Điểm',
    'col.type': 'Loại',
    'col.values': 'Giá trị',
    'col.period': 'Kỳ',
    'col.kind': 'Loại kỳ',
    'col.format': 'Định dạng',
    'col.lang': 'Ngôn ngữ',
    'col.size': 'Dung lượng',
    'col.created': 'Tạo lúc',

    'map.aria': 'Bản đồ {n} điểm giám sát',
    'map.none': 'Không có điểm giám sát nào.',
    'map.osm': 'Mở trên OpenStreetMap',
    'map.hint': 'Chạm vào một điểm để xem tên.',
    'kind.wastewater_plant': 'Trạm xử lý nước thải',
    'kind.building': 'Công trình có điện mặt trời',
    'kind.facility': 'Cơ sở sử dụng năng lượng',
    'kind.charging_station': 'Trạm sạc xe điện',
    'kind.camera_spot': 'Điểm camera giám sát đổ thải',

    'ind.wastewater': 'Nước thải',
    'ind.wastewater.plants': 'Trạm xử lý đạt quy chuẩn',
    'ind.wastewater.central': 'Trạm tập trung KCN, CCN đạt quy chuẩn',
    'ind.wastewater.monitored': '{n} trạm có số liệu',
    'ind.solar': 'Điện mặt trời mái nhà',
    'ind.solar.active': 'Hệ thống hoạt động trong 24 giờ qua',
    'ind.solar.installations': 'trên {n} hệ thống',
    'ind.solar.energy': 'Sản lượng điện',
    'ind.co2': 'CO₂ giảm phát thải',
    'ind.ev': 'Xe điện',
    'ind.ev.stations': 'Trạm sạc hoạt động',
    'ind.ev.ofStations': 'trên {n} trạm',
    'ind.ev.sessions': 'Phiên sạc',
    'ind.ev.energy': 'Điện năng đã sạc',
    'ind.ev.availability': 'Tỷ lệ sẵn sàng của đầu sạc',
    'ind.energy': 'Tiết kiệm năng lượng',
    'ind.energy.all': 'Mức tiết kiệm so với đường cơ sở',
    'ind.energy.facilities': '{n} cơ sở được đánh giá',
    'sector.industry': 'Công nghiệp',
    'sector.business_services': 'Thương mại, dịch vụ',
    'sector.public': 'Khu vực công',
    'sector.residential': 'Hộ gia đình',
    'ind.dumping': 'Đổ thải trái phép',
    'ind.dumping.incidents': 'Vụ việc',
    'ind.dumping.detections': 'Lượt phát hiện',
    'ind.dumping.confirmed': 'Đã xử lý',
    'ind.dumping.falseAlarms': 'Báo động nhầm',
    'ind.dumping.pending': 'Đang chờ xử lý',
    'ind.dumping.ack': 'Thời gian tiếp nhận (trung vị)',
    'unit.minutes': '{n} phút',
    'unit.tonnes': 'tấn',
    'target.label': 'Chỉ tiêu',
    'target.complete': 'hoàn thành',
    'target.year': 'năm {year}',
    'target.owner': 'Chủ trì: {owner}',
    'target.source': 'Nguồn: {source}',
    'status.met': 'Đạt',
    'status.unmet': 'Chưa đạt',
    'status.nodata': 'Chưa có dữ liệu',
    'status.notarget': 'Không có chỉ tiêu kế hoạch',
    'status.milestone': 'Mốc hoàn thành (ghi nhận thủ công)',

    'meas.wastewater': 'Nước thải',
    'meas.solar': 'Điện mặt trời',
    'meas.meter': 'Công tơ điện',
    'meas.ev_meter': 'Công tơ trạm sạc',
    'meas.ev_session': 'Phiên sạc',
    'meas.ev_status': 'Trạng thái đầu sạc',
    'metric.ac_power': 'Công suất',
    'metric.dc_power': 'Công suất DC',
    'metric.energy_today': 'Điện hôm nay',
    'metric.energy_lifetime': 'Điện lũy kế',
    'metric.temperature': 'Nhiệt độ',
    'metric.flow_in': 'Lưu lượng vào',
    'metric.flow_out': 'Lưu lượng ra',
    'metric.ph': 'pH',
    'metric.cod': 'COD',
    'metric.bod5': 'BOD5',
    'metric.tss': 'TSS',
    'metric.nh4': 'Amoni',
    'metric.tn': 'Tổng N',
    'metric.tp': 'Tổng P',
    'metric.color': 'Độ màu',
    'metric.power': 'Công suất',
    'metric.energy_import': 'Điện năng nhận',
    'metric.energy_register': 'Chỉ số công tơ',
    'metric.soc': 'Mức pin',
    'metric.dc_voltage': 'Điện áp DC',
    'metric.dc_current': 'Dòng DC',
    'metric.ac_voltage': 'Điện áp AC',
    'metric.ac_current': 'Dòng AC',
    'metric.ac_frequency': 'Tần số',
    'metric.efficiency': 'Hiệu suất',
    'metric.state': 'Trạng thái',
    'metric.status': 'Trạng thái',

    'inbox.title': 'Hộp thư cảnh báo',
    'inbox.filter': 'Hiển thị',
    'inbox.pending': 'Đang chờ xử lý',
    'inbox.all': 'Tất cả gần đây',
    'inbox.none': 'Không có cảnh báo nào đang chờ xử lý.',
    'inbox.noneAll': 'Không có cảnh báo nào.',
    'inbox.note': 'Tự động cập nhật mỗi 10 giây. Giờ Việt Nam (UTC+7).',
    'inbox.count': '{n} cảnh báo',
    'akind.dumping': 'Đổ thải trái phép',
    'akind.wastewater_exceedance': 'Nước thải vượt quy chuẩn',
    'akind.wastewater_silence': 'Trạm quan trắc nước thải mất số liệu',
    'akind.device_offline': 'Thiết bị mất kết nối',
    'akind.charger_faulted': 'Trạm sạc báo lỗi',
    'akind.inverter_fault': 'Biến tần điện mặt trời báo lỗi',
    'sev.low': 'Mức thấp',
    'sev.medium': 'Mức trung bình',
    'sev.high': 'Mức cao',
    'sev.critical': 'Khẩn cấp',
    'ast.open': 'Mới',
    'ast.acknowledged': 'Đã tiếp nhận',
    'ast.resolved': 'Đã xử lý xong',
    'ast.false_alarm': 'Báo động nhầm',
    'alert.detected': 'Phát hiện lúc',
    'alert.lastSeen': 'Lần cuối ghi nhận',
    'alert.place': 'Địa điểm',
    'alert.coords': 'Tọa độ',
    'alert.ongoing': 'Đang diễn ra',
    'alert.ended': 'Đã kết thúc lúc {time}',
    'alert.label': 'Nhận dạng',
    'alert.zone': 'Khu vực',
    'alert.confidence': 'Độ tin cậy',
    'alert.detections': 'Số lần phát hiện',
    'alert.snapshot': 'Ảnh bằng chứng',
    'alert.snapshot.none': 'Chưa có ảnh lưu trữ cho cảnh báo này.',
    'alert.snapshot.denied': 'Vai trò của bạn không được xem ảnh bằng chứng.',
    'alert.snapshot.error': 'Không mở được ảnh: {message}',
    'alert.snapshot.logged': 'Mỗi lần xem ảnh đều được ghi vào nhật ký truy cập.',
    'alert.snapshot.open': 'Mở ảnh gốc',
    'alert.history': 'Lịch sử xử lý',
    'alert.parameter': 'Thông số',
    'alert.average': 'Trung bình {minutes} phút',
    'alert.limit': 'Giới hạn',
    'alert.ratio': 'Cao nhất: gấp {ratio} lần giới hạn',
    'alert.lastValid': 'Số liệu hợp lệ cuối cùng',
    'alert.device': 'Thiết bị',
    'alert.connector': 'Đầu sạc',
    'alert.errorCode': 'Mã lỗi',
    'alert.after': 'Kéo dài quá {n} phút',
    'alert.escalated': 'Đã chuyển cấp {n}',
    'alert.note': 'Ghi chú (không bắt buộc)',
    'hist.opened': 'Mở cảnh báo',
    'hist.updated': 'Cập nhật',
    'hist.cleared': 'Hết hiện tượng',
    'hist.escalated': 'Chuyển cấp',
    'hist.unrouted': 'Chưa có người nhận',
    'hist.acknowledged': 'Tiếp nhận',
    'hist.resolved': 'Xử lý xong',
    'hist.false_alarm': 'Báo động nhầm',
    'hist.system': 'hệ thống',
    'act.acknowledge': 'Tiếp nhận',
    'act.resolve': 'Đã xử lý xong',
    'act.false_alarm': 'Báo động nhầm',
    'act.done': 'Đã ghi nhận: {status}',
    'act.failed': 'Không thực hiện được: {message}',
    'act.conflict': 'Cảnh báo đã được người khác xử lý; đã tải lại.',
    'label.waste': 'rác thải',
    'label.abandoned_object': 'vật bị bỏ lại',

    'exports.title': 'Báo cáo',
    'exports.intro':
      'Báo cáo tháng và năm: các chỉ tiêu của địa bàn so với chỉ tiêu kế hoạch, kèm cơ quan chủ trì và nguồn.',
    'exports.make': 'Tải báo cáo',
    'exports.period': 'Kỳ báo cáo',
    'exports.month': 'Tháng',
    'exports.year': 'Năm',
    'exports.format': 'Định dạng',
    'exports.lang': 'Ngôn ngữ của báo cáo',
    'exports.download': 'Tải về',
    'exports.running': 'Kỳ đang diễn ra: số liệu tính đến lúc tải.',
    'exports.list': 'Các tệp đã tạo',
    'exports.none': 'Chưa có tệp nào cho địa bàn này.',
    'exports.unavailable': 'Máy chủ này chưa bật chức năng xuất báo cáo.',
    'ekind.month': 'Tháng',
    'ekind.year': 'Năm',
    'langname.vi': 'Tiếng Việt',
    'langname.en': 'Tiếng Anh',
  },
  en: {
    'app.title': 'Hai Phong green-transition monitor',
    'app.short': 'HP green transition',
    'lang.other': 'Tiếng Việt',
    'lang.switch': 'Switch the interface to Vietnamese',
    locality: 'Locality',
    logout: 'Sign out',
    'nav.label': 'Pages',
    skip: 'Skip to the content',
    'nav.overview': 'Overview',
    'nav.inbox': 'Alert inbox',
    'nav.exports': 'Reports',
    loading: 'Loading…',
    'error.load': 'Could not load the data: {message}',
    'error.network': 'The server cannot be reached.',
    'error.forbidden': 'Your role may not see this.',
    none: '—',
    'role.admin': 'Administrator',
    'role.environment': 'Environment officer',
    'role.police': 'Police',
    'role.viewer': 'Viewer',

    'login.title': 'Sign in',
    'login.intro': 'For environment officers, commune and ward police, and administrators.',
    'login.username': 'Username',
    'login.password': 'Password',
    'login.submit': 'Sign in',
    'login.bad': 'Wrong username or password.',
    'login.rate': 'Too many attempts; please try again in a minute.',
    'login.expired': 'Your session has ended; please sign in again.',
    'login.nothing': 'This account may not see any page.',

    'overview.title': 'Overview',
    'overview.month': 'Month',
    'overview.indicators': 'Indicators against the plans’ targets',
    'overview.map': 'Map of monitored sites',
    'overview.readings': 'Live readings',
    'overview.readings.note': 'Updates every 5 seconds.',
    'overview.readings.updated': 'Updated at {time}',
    'overview.readings.none': 'No readings in the last hour.',
    'col.time': 'Time',
    'col.site': 'Site',
    'col.type': 'Type',
    'col.values': 'Values',
    'col.period': 'Period',
    'col.kind': 'Kind',
    'col.format': 'Format',
    'col.lang': 'Language',
    'col.size': 'Size',
    'col.created': 'Made at',

    'map.aria': 'Map of {n} monitored sites',
    'map.none': 'No monitored sites.',
    'map.osm': 'Open in OpenStreetMap',
    'map.hint': 'Tap a marker to see its name.',
    'kind.wastewater_plant': 'Wastewater treatment plant',
    'kind.building': 'Building with rooftop solar',
    'kind.facility': 'Energy-using facility',
    'kind.charging_station': 'EV charging station',
    'kind.camera_spot': 'Dumping camera spot',

    'ind.wastewater': 'Wastewater',
    'ind.wastewater.plants': 'Plants compliant',
    'ind.wastewater.central': 'Central industrial plants compliant',
    'ind.wastewater.monitored': '{n} plants with data',
    'ind.solar': 'Rooftop solar',
    'ind.solar.active': 'Installations active in the last 24 hours',
    'ind.solar.installations': 'of {n} installations',
    'ind.solar.energy': 'Energy produced',
    'ind.co2': 'CO₂ avoided',
    'ind.ev': 'Electric vehicles',
    'ind.ev.stations': 'Charging stations operational',
    'ind.ev.ofStations': 'of {n} stations',
    'ind.ev.sessions': 'Charging sessions',
    'ind.ev.energy': 'Energy delivered',
    'ind.ev.availability': 'Connector availability',
    'ind.energy': 'Energy savings',
    'ind.energy.all': 'Savings against the baseline',
    'ind.energy.facilities': '{n} facilities judged',
    'sector.industry': 'Industry',
    'sector.business_services': 'Business and services',
    'sector.public': 'Public sector',
    'sector.residential': 'Households',
    'ind.dumping': 'Illegal dumping',
    'ind.dumping.incidents': 'Incidents',
    'ind.dumping.detections': 'Detections',
    'ind.dumping.confirmed': 'Resolved',
    'ind.dumping.falseAlarms': 'False alarms',
    'ind.dumping.pending': 'Waiting for action',
    'ind.dumping.ack': 'Time to acknowledge (median)',
    'unit.minutes': '{n} min',
    'unit.tonnes': 't',
    'target.label': 'Target',
    'target.complete': 'completed',
    'target.year': 'by {year}',
    'target.owner': 'Owner: {owner}',
    'target.source': 'Source: {source}',
    'status.met': 'Met',
    'status.unmet': 'Not met',
    'status.nodata': 'No data yet',
    'status.notarget': 'No plan target',
    'status.milestone': 'Milestone (recorded by hand)',

    'meas.wastewater': 'Wastewater',
    'meas.solar': 'Solar',
    'meas.meter': 'Energy meter',
    'meas.ev_meter': 'Charger meter',
    'meas.ev_session': 'Charging session',
    'meas.ev_status': 'Connector status',
    'metric.ac_power': 'Power',
    'metric.dc_power': 'DC power',
    'metric.energy_today': 'Energy today',
    'metric.energy_lifetime': 'Lifetime energy',
    'metric.temperature': 'Temperature',
    'metric.flow_in': 'Inflow',
    'metric.flow_out': 'Outflow',
    'metric.ph': 'pH',
    'metric.cod': 'COD',
    'metric.bod5': 'BOD5',
    'metric.tss': 'TSS',
    'metric.nh4': 'Ammonium',
    'metric.tn': 'Total N',
    'metric.tp': 'Total P',
    'metric.color': 'Colour',
    'metric.power': 'Power',
    'metric.energy_import': 'Energy imported',
    'metric.energy_register': 'Meter register',
    'metric.soc': 'State of charge',
    'metric.dc_voltage': 'DC voltage',
    'metric.dc_current': 'DC current',
    'metric.ac_voltage': 'AC voltage',
    'metric.ac_current': 'AC current',
    'metric.ac_frequency': 'Frequency',
    'metric.efficiency': 'Efficiency',
    'metric.state': 'State',
    'metric.status': 'Status',

    'inbox.title': 'Alert inbox',
    'inbox.filter': 'Show',
    'inbox.pending': 'Waiting for action',
    'inbox.all': 'All recent',
    'inbox.none': 'No alerts waiting for action.',
    'inbox.noneAll': 'No alerts.',
    'inbox.note': 'Updates every 10 seconds. Viet Nam time (UTC+7).',
    'inbox.count': '{n} alerts',
    'akind.dumping': 'Illegal dumping',
    'akind.wastewater_exceedance': 'Wastewater over its limit',
    'akind.wastewater_silence': 'Wastewater station silent',
    'akind.device_offline': 'Device offline',
    'akind.charger_faulted': 'Charger faulted',
    'akind.inverter_fault': 'Solar inverter fault',
    'sev.low': 'Low',
    'sev.medium': 'Medium',
    'sev.high': 'High',
    'sev.critical': 'Critical',
    'ast.open': 'New',
    'ast.acknowledged': 'Acknowledged',
    'ast.resolved': 'Resolved',
    'ast.false_alarm': 'False alarm',
    'alert.detected': 'Detected at',
    'alert.lastSeen': 'Last seen',
    'alert.place': 'Place',
    'alert.coords': 'Coordinates',
    'alert.ongoing': 'Ongoing',
    'alert.ended': 'Ended at {time}',
    'alert.label': 'Detected as',
    'alert.zone': 'Zone',
    'alert.confidence': 'Confidence',
    'alert.detections': 'Detections',
    'alert.snapshot': 'Evidence snapshot',
    'alert.snapshot.none': 'No stored snapshot for this alert yet.',
    'alert.snapshot.denied': 'Your role may not see evidence images.',
    'alert.snapshot.error': 'Could not open the image: {message}',
    'alert.snapshot.logged': 'Every view of an image is written to the access log.',
    'alert.snapshot.open': 'Open the full image',
    'alert.history': 'History',
    'alert.parameter': 'Parameter',
    'alert.average': '{minutes}-minute average',
    'alert.limit': 'Limit',
    'alert.ratio': 'Worst: {ratio} times the limit',
    'alert.lastValid': 'Last valid data',
    'alert.device': 'Device',
    'alert.connector': 'Connector',
    'alert.errorCode': 'Error code',
    'alert.after': 'Lasting over {n} min',
    'alert.escalated': 'Escalated to level {n}',
    'alert.note': 'Note (optional)',
    'hist.opened': 'Opened',
    'hist.updated': 'Updated',
    'hist.cleared': 'Condition ended',
    'hist.escalated': 'Escalated',
    'hist.unrouted': 'No one to send it to',
    'hist.acknowledged': 'Acknowledged',
    'hist.resolved': 'Resolved',
    'hist.false_alarm': 'False alarm',
    'hist.system': 'system',
    'act.acknowledge': 'Acknowledge',
    'act.resolve': 'Resolve',
    'act.false_alarm': 'False alarm',
    'act.done': 'Recorded: {status}',
    'act.failed': 'Could not do it: {message}',
    'act.conflict': 'Someone else acted on this alert; reloaded.',
    'label.waste': 'waste',
    'label.abandoned_object': 'abandoned object',

    'exports.title': 'Reports',
    'exports.intro':
      'Monthly and yearly reports: the locality’s indicators against the plans’ targets, with whose target it is and its source.',
    'exports.make': 'Download a report',
    'exports.period': 'Period',
    'exports.month': 'Month',
    'exports.year': 'Year',
    'exports.format': 'Format',
    'exports.lang': 'Report language',
    'exports.download': 'Download',
    'exports.running': 'A running period: data up to the moment of download.',
    'exports.list': 'Files produced',
    'exports.none': 'No files for this locality yet.',
    'exports.unavailable': 'Exports are not enabled on this server.',
    'ekind.month': 'Month',
    'ekind.year': 'Year',
    'langname.vi': 'Vietnamese',
    'langname.en': 'English',
  },
};

function stored() {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi';
  }
}

let current = stored();
const listeners = new Set();

export function getLang() {
  return current;
}

/** The locale of Intl formats. */
export function locale() {
  return current === 'vi' ? 'vi-VN' : 'en-GB';
}

export function onLangChange(fn) {
  listeners.add(fn);
}

export function setLang(lang) {
  current = lang === 'en' ? 'en' : 'vi';
  try {
    localStorage.setItem(STORAGE_KEY, current);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
  applyI18n(document);
  for (const fn of listeners) fn(current);
}

/** The string for `key` in the current language, `{name}` replaced from `vars`. */
export function t(key, vars = {}) {
  const text = STRINGS[current][key] ?? STRINGS.vi[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (vars[name] === undefined ? m : String(vars[name])));
}

/** Whether `key` has a string (for optional labels: metric names, detector labels). */
export function has(key) {
  return key in STRINGS[current];
}

/** Fills the static page: `data-i18n` (text), `data-i18n-aria-label`, `data-i18n-placeholder`, `data-i18n-title`. */
export function applyI18n(root) {
  document.documentElement.lang = current;
  document.title = t('app.title');
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const attr of ['aria-label', 'placeholder', 'title']) {
    const data = `data-i18n-${attr}`;
    for (const el of root.querySelectorAll(`[${data}]`)) el.setAttribute(attr, t(el.getAttribute(data)));
  }
}

export function fmtNumber(n, maximumFractionDigits = 1) {
  if (n === null || n === undefined || !Number.isFinite(n)) return t('none');
  return new Intl.NumberFormat(locale(), { maximumFractionDigits }).format(n);
}

export function fmtPercent(n, digits = 1) {
  return n === null || n === undefined ? t('none') : `${fmtNumber(n, digits)} %`;
}

/** Date and time in Viet Nam. */
export function fmtDateTime(ms) {
  if (ms === null || ms === undefined) return t('none');
  return new Intl.DateTimeFormat(locale(), {
    timeZone: TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(ms);
}

/** Time of day in Viet Nam, with seconds. */
export function fmtTime(ms) {
  return new Intl.DateTimeFormat(locale(), {
    timeZone: TIME_ZONE,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).format(ms);
}

export function fmtBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${fmtNumber(n / 1024, 1)} KB`;
  return `${fmtNumber(n / 1024 / 1024, 1)} MB`;
}

/** The local (Asia/Ho_Chi_Minh, UTC+7 all year) month of `ms`, `monthsBack` months earlier: YYYY-MM. */
export function localMonth(ms = Date.now(), monthsBack = 0) {
  const d = new Date(ms + 7 * 3_600_000);
  const total = d.getUTCFullYear() * 12 + d.getUTCMonth() - monthsBack;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
}
