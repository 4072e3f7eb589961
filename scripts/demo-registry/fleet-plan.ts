/**
 * The demo fleet: sites with plausible coordinates inside Hai Phong and Vietnamese names, and the
 * devices bound to them. Sites and devices are illustrative (no real operator's data); they cover
 * what the plans measure (../../../shared/domain/plan-targets.md):
 * - central wastewater treatment of industrial clusters and parks (city 100 %, Vĩnh Am 100 %) and
 *   domestic treatment (Bạch Đằng), with standard, column, Kq and Kf per wastewater.md;
 * - rooftop solar at offices, schools and households in Tân Minh (10 → 50 installations) and at
 *   public buildings and factories elsewhere;
 * - energy meters by sector for the energy-savings targets (city, Bạch Đằng);
 * - public EV charging stations (city network by 2027, Vĩnh Am and Tân Minh stations);
 * - cameras at dumping-risk spots in Tân Minh and Vĩnh Am, watched with the commune police.
 */
import type { DeviceKind } from '../../packages/contracts/src/index.ts';
import type { Site } from '../../packages/registry/src/index.ts';

export interface PlannedDevice {
  readonly id: string;
  readonly kind: DeviceKind;
  readonly name: string;
}

export interface PlannedSite {
  readonly site: Site;
  readonly devices: readonly PlannedDevice[];
}

/** Registry intervals: stations every 5 min, inverters and chargers every minute, cameras event-driven. */
export const INTERVAL_SECONDS: Record<DeviceKind, number> = {
  wastewater_station: 300,
  solar_inverter: 60,
  energy_meter: 300,
  ev_charger: 60,
  camera: 3600,
};

const TZ = 'Asia/Ho_Chi_Minh';
const nn = (i: number) => String(i).padStart(2, '0');

type PlantSpec = Extract<Site, { kind: 'wastewater_plant' }>['wastewater'];

function plant(
  id: string,
  localityId: string,
  name: string,
  at: [number, number],
  wastewater: PlantSpec,
  stationId: string,
): PlannedSite {
  return {
    site: {
      id,
      kind: 'wastewater_plant',
      localityId,
      name,
      location: { lat: at[0], lon: at[1] },
      timeZone: TZ,
      wastewater,
    },
    devices: [{ id: stationId, kind: 'wastewater_station', name: `Trạm quan trắc nước thải tự động – ${name}` }],
  };
}

function building(
  id: string,
  localityId: string,
  name: string,
  at: [number, number],
  sector: NonNullable<Site['sector']>,
  solarCapacityKwp: number,
  inverterIds: readonly string[],
  meterId?: string,
): PlannedSite {
  const devices: PlannedDevice[] = inverterIds.map((d, i) => ({
    id: d,
    kind: 'solar_inverter',
    name: `Biến tần điện mặt trời mái nhà – ${name}${inverterIds.length > 1 ? ` (số ${i + 1})` : ''}`,
  }));
  if (meterId !== undefined) devices.push({ id: meterId, kind: 'energy_meter', name: `Công tơ điện – ${name}` });
  return {
    site: {
      id,
      kind: 'building',
      localityId,
      name,
      location: { lat: at[0], lon: at[1] },
      timeZone: TZ,
      sector,
      solarCapacityKwp,
    },
    devices,
  };
}

/**
 * Demo energy baselines: a business-as-usual forecast of each facility's yearly consumption, the
 * form the plans' savings targets are stated against ("so với dự báo", plan 002 §II.1.2 (4)).
 * Illustrative values for the demo fleet only, sized on the simulator's sector demand (about
 * 45 % of the middle of its peak range, all year) and growing 3 % a year; a real facility's
 * forecast comes from its energy audit.
 */
const DEMO_FORECAST_2026_WH: Record<NonNullable<Site['sector']>, number> = {
  industry: 1_450_000 * 0.45 * 8_760,
  business_services: 230_000 * 0.45 * 8_760,
  public: 85_000 * 0.45 * 8_760,
  residential: 5_500 * 0.45 * 8_760,
};

function demoForecast(sector: NonNullable<Site['sector']>) {
  const yearWh: Record<string, number> = {};
  for (let y = 2026; y <= 2030; y++) yearWh[String(y)] = Math.round(DEMO_FORECAST_2026_WH[sector] * 1.03 ** (y - 2026));
  return { method: 'forecast' as const, yearWh };
}

function facility(
  id: string,
  localityId: string,
  name: string,
  at: [number, number],
  sector: NonNullable<Site['sector']>,
  meterId: string,
): PlannedSite {
  return {
    site: {
      id,
      kind: 'facility',
      localityId,
      name,
      location: { lat: at[0], lon: at[1] },
      timeZone: TZ,
      sector,
      energyBaseline: demoForecast(sector),
    },
    devices: [{ id: meterId, kind: 'energy_meter', name: `Công tơ điện – ${name}` }],
  };
}

function chargingStation(
  id: string,
  localityId: string,
  name: string,
  at: [number, number],
  chargerIds: readonly string[],
): PlannedSite {
  return {
    site: { id, kind: 'charging_station', localityId, name, location: { lat: at[0], lon: at[1] }, timeZone: TZ },
    devices: chargerIds.map((d, i) => ({ id: d, kind: 'ev_charger', name: `Trụ sạc số ${i + 1} – ${name}` })),
  };
}

function cameraSpot(
  id: string,
  localityId: string,
  name: string,
  at: [number, number],
  zones: readonly string[],
  cameraIds: readonly string[],
): PlannedSite {
  return {
    site: {
      id,
      kind: 'camera_spot',
      localityId,
      name,
      location: { lat: at[0], lon: at[1] },
      timeZone: TZ,
      zones: [...zones],
    },
    devices: cameraIds.map((d, i) => ({ id: d, kind: 'camera', name: `Camera AI số ${i + 1} – ${name}` })),
  };
}

/**
 * Kq and Kf per QCVN 40:2011 as summarised in wastewater.md: rivers without flow data Kq 0.9,
 * coastal water used for aquatic life 1.0; Kf 1.1 for 50–500 m³/day, 1.0 for 500–5,000, 0.9 above.
 * QCVN 14:2008 plants keep K in `kf` (1.0 for large facilities) and Kq = 1 (none in that standard).
 */
const wastewater: PlannedSite[] = [
  plant(
    'wwtp-vinh-am-ccn-01',
    'vinh-am',
    'Trạm xử lý nước thải tập trung Cụm công nghiệp Vĩnh Am 1',
    [20.6712, 106.4526],
    { standard: 'QCVN40:2011', column: 'B', kq: 0.9, kf: 1.0, designFlowM3PerDay: 1500, centralIndustrial: true },
    'ww-vinh-am-ccn-01',
  ),
  plant(
    'wwtp-vinh-am-ccn-02',
    'vinh-am',
    'Trạm xử lý nước thải tập trung Cụm công nghiệp Vĩnh Am 2',
    [20.6588, 106.4371],
    { standard: 'QCVN40:2011', column: 'B', kq: 0.9, kf: 1.1, designFlowM3PerDay: 400, centralIndustrial: true },
    'ww-vinh-am-ccn-02',
  ),
  plant(
    'wwtp-tan-minh-ccn-01',
    'tan-minh',
    'Trạm xử lý nước thải tập trung Cụm công nghiệp Tân Minh',
    [20.7064, 106.5788],
    { standard: 'QCVN40:2011', column: 'A', kq: 0.9, kf: 1.0, designFlowM3PerDay: 800, centralIndustrial: true },
    'ww-tan-minh-ccn-01',
  ),
  plant(
    'wwtp-bach-dang-kcn-01',
    'bach-dang',
    'Nhà máy xử lý nước thải tập trung Khu công nghiệp phía Bắc phường Bạch Đằng',
    [20.9618, 106.7452],
    { standard: 'QCVN40:2011', column: 'B', kq: 1.0, kf: 0.9, designFlowM3PerDay: 6000, centralIndustrial: true },
    'ww-bach-dang-kcn-01',
  ),
  plant(
    'wwtp-viet-hoa-ccn-01',
    'viet-hoa',
    'Trạm xử lý nước thải tập trung Cụm công nghiệp Việt Hòa',
    [20.9559, 106.2889],
    { standard: 'QCVN40:2011', column: 'B', kq: 0.9, kf: 1.0, designFlowM3PerDay: 1200, centralIndustrial: true },
    'ww-viet-hoa-ccn-01',
  ),
  plant(
    'wwtp-le-chan-domestic-01',
    'le-chan',
    'Nhà máy xử lý nước thải sinh hoạt Vĩnh Niệm',
    [20.8301, 106.6702],
    { standard: 'QCVN14:2008', column: 'B', kq: 1, kf: 1.0, designFlowM3PerDay: 36000, centralIndustrial: false },
    'ww-le-chan-domestic-01',
  ),
  plant(
    'wwtp-bach-dang-domestic-01',
    'bach-dang',
    'Trạm xử lý nước thải sinh hoạt phường Bạch Đằng',
    [20.9497, 106.7291],
    { standard: 'QCVN14:2008', column: 'B', kq: 1, kf: 1.0, designFlowM3PerDay: 3000, centralIndustrial: false },
    'ww-bach-dang-domestic-01',
  ),
];

const tanMinhHouseholds: PlannedSite[] = [
  [20.7031, 106.5652, 5.5],
  [20.7012, 106.5701, 3.3],
  [20.6985, 106.5623, 8.2],
  [20.6958, 106.5749, 4.4],
  [20.7049, 106.5598, 6.6],
  [20.6931, 106.5681, 3.0],
  [20.7077, 106.5733, 10.0],
].map(([lat, lon, kwp], i) =>
  building(
    `bldg-tan-minh-house-${nn(i + 1)}`,
    'tan-minh',
    `Hộ gia đình số ${nn(i + 1)}, xã Tân Minh`,
    [lat ?? 20.7, lon ?? 106.57],
    'residential',
    kwp ?? 5,
    [`pv-tan-minh-house-${nn(i + 1)}`],
  ),
);

const solarBuildings: PlannedSite[] = [
  building(
    'bldg-tan-minh-office-01',
    'tan-minh',
    'Trụ sở Đảng ủy – HĐND – UBND xã Tân Minh',
    [20.7002, 106.5697],
    'public',
    30,
    ['pv-tan-minh-office-01', 'pv-tan-minh-office-02'],
    'em-tan-minh-public-01',
  ),
  building('bldg-tan-minh-school-01', 'tan-minh', 'Trường Mầm non Tân Minh', [20.6991, 106.5668], 'public', 15, [
    'pv-tan-minh-school-01',
  ]),
  building('bldg-tan-minh-school-02', 'tan-minh', 'Trường Tiểu học Tân Minh', [20.7023, 106.5719], 'public', 25, [
    'pv-tan-minh-school-02',
  ]),
  building('bldg-tan-minh-school-03', 'tan-minh', 'Trường THCS Tân Minh', [20.6976, 106.5731], 'public', 30, [
    'pv-tan-minh-school-03',
  ]),
  building('bldg-tan-minh-clinic-01', 'tan-minh', 'Trạm Y tế xã Tân Minh', [20.7009, 106.5642], 'public', 10, [
    'pv-tan-minh-clinic-01',
  ]),
  building('bldg-tan-minh-culture-01', 'tan-minh', 'Nhà văn hóa xã Tân Minh', [20.7015, 106.5684], 'public', 8, [
    'pv-tan-minh-culture-01',
  ]),
  ...tanMinhHouseholds,
  building(
    'bldg-bach-dang-office-01',
    'bach-dang',
    'Trụ sở UBND phường Bạch Đằng',
    [20.9551, 106.7348],
    'public',
    40,
    ['pv-bach-dang-office-01'],
    'em-bach-dang-public-01',
  ),
  building(
    'bldg-bach-dang-factory-01',
    'bach-dang',
    'Nhà xưởng số 3, Khu công nghiệp phía Bắc phường Bạch Đằng',
    [20.9633, 106.7481],
    'industry',
    300,
    ['pv-bach-dang-factory-01', 'pv-bach-dang-factory-02', 'pv-bach-dang-factory-03'],
    'em-bach-dang-industry-01',
  ),
  building('bldg-vinh-am-office-01', 'vinh-am', 'Trụ sở UBND xã Vĩnh Am', [20.6651, 106.4462], 'public', 30, [
    'pv-vinh-am-office-01',
  ]),
  building('bldg-vinh-am-school-01', 'vinh-am', 'Trường THCS Vĩnh Am', [20.6672, 106.4431], 'public', 25, [
    'pv-vinh-am-school-01',
  ]),
  building('bldg-viet-hoa-school-01', 'viet-hoa', 'Trường THPT phường Việt Hòa', [20.9522, 106.3018], 'public', 50, [
    'pv-viet-hoa-school-01',
  ]),
  building(
    'bldg-ngo-quyen-public-01',
    'ngo-quyen',
    'Trung tâm Phục vụ hành chính công (tòa nhà công)',
    [20.8571, 106.6983],
    'public',
    100,
    ['pv-ngo-quyen-public-01', 'pv-ngo-quyen-public-02'],
    'em-ngo-quyen-public-01',
  ),
  building('bldg-le-chan-school-01', 'le-chan', 'Trường Tiểu học phường Lê Chân', [20.8426, 106.6781], 'public', 20, [
    'pv-le-chan-school-01',
  ]),
];

const metered: PlannedSite[] = [
  facility(
    'fac-bach-dang-industry-02',
    'bach-dang',
    'Xưởng cơ khí đóng tàu ven sông Bạch Đằng',
    [20.9472, 106.7524],
    'industry',
    'em-bach-dang-industry-02',
  ),
  facility(
    'fac-bach-dang-industry-03',
    'bach-dang',
    'Nhà máy sản xuất vật liệu xây dựng không nung',
    [20.9665, 106.7389],
    'industry',
    'em-bach-dang-industry-03',
  ),
  facility(
    'fac-bach-dang-business-01',
    'bach-dang',
    'Khách sạn và nhà hàng ven sông, phường Bạch Đằng',
    [20.9528, 106.7312],
    'business_services',
    'em-bach-dang-business-01',
  ),
  facility(
    'fac-bach-dang-business-02',
    'bach-dang',
    'Siêu thị tổng hợp phường Bạch Đằng',
    [20.9563, 106.7381],
    'business_services',
    'em-bach-dang-business-02',
  ),
  facility(
    'fac-bach-dang-public-02',
    'bach-dang',
    'Trường THCS Bạch Đằng',
    [20.9541, 106.7402],
    'public',
    'em-bach-dang-public-02',
  ),
  facility(
    'fac-hong-bang-industry-01',
    'hong-bang',
    'Nhà máy chế biến thực phẩm, phường Hồng Bàng',
    [20.8702, 106.6594],
    'industry',
    'em-hong-bang-industry-01',
  ),
  facility(
    'fac-an-bien-industry-01',
    'an-bien',
    'Xí nghiệp in và bao bì, phường An Biên',
    [20.8478, 106.6859],
    'industry',
    'em-an-bien-industry-01',
  ),
  facility(
    'fac-ngo-quyen-business-01',
    'ngo-quyen',
    'Trung tâm thương mại, phường Ngô Quyền',
    [20.8549, 106.7042],
    'business_services',
    'em-ngo-quyen-business-01',
  ),
  facility(
    'fac-le-chan-business-01',
    'le-chan',
    'Khách sạn trung tâm, phường Lê Chân',
    [20.8452, 106.6816],
    'business_services',
    'em-le-chan-business-01',
  ),
  facility(
    'fac-an-bien-business-01',
    'an-bien',
    'Chợ và dãy cửa hàng, phường An Biên',
    [20.8503, 106.6797],
    'business_services',
    'em-an-bien-business-01',
  ),
  facility(
    'fac-gia-vien-public-01',
    'gia-vien',
    'Bệnh viện đa khoa, phường Gia Viên',
    [20.8596, 106.6871],
    'public',
    'em-gia-vien-public-01',
  ),
  facility(
    'fac-hong-bang-public-01',
    'hong-bang',
    'Trụ sở cơ quan hành chính, phường Hồng Bàng',
    [20.8655, 106.6736],
    'public',
    'em-hong-bang-public-01',
  ),
];

const charging: PlannedSite[] = [
  chargingStation(
    'evs-tan-minh-01',
    'tan-minh',
    'Trạm sạc xe điện trung tâm xã Tân Minh',
    [20.6996, 106.5709],
    ['ev-tan-minh-01'],
  ),
  chargingStation(
    'evs-vinh-am-01',
    'vinh-am',
    'Trạm sạc xe điện UBND xã Vĩnh Am',
    [20.6645, 106.4473],
    ['ev-vinh-am-01'],
  ),
  chargingStation(
    'evs-vinh-am-02',
    'vinh-am',
    'Trạm sạc xe điện Cụm công nghiệp Vĩnh Am',
    [20.6703, 106.4541],
    ['ev-vinh-am-02'],
  ),
  chargingStation(
    'evs-bach-dang-01',
    'bach-dang',
    'Trạm sạc xe điện phường Bạch Đằng',
    [20.9537, 106.7326],
    ['ev-bach-dang-01'],
  ),
  chargingStation(
    'evs-viet-hoa-01',
    'viet-hoa',
    'Trạm sạc xe điện phường Việt Hòa',
    [20.9541, 106.2967],
    ['ev-viet-hoa-01'],
  ),
  chargingStation(
    'evs-ngo-quyen-01',
    'ngo-quyen',
    'Trạm sạc xe điện công cộng, phường Ngô Quyền',
    [20.8562, 106.7017],
    ['ev-ngo-quyen-01', 'ev-ngo-quyen-02'],
  ),
  chargingStation(
    'evs-le-chan-01',
    'le-chan',
    'Trạm sạc xe điện công cộng, phường Lê Chân',
    [20.8417, 106.6743],
    ['ev-le-chan-01'],
  ),
  chargingStation(
    'evs-hong-bang-01',
    'hong-bang',
    'Trạm sạc xe điện công cộng, phường Hồng Bàng',
    [20.8643, 106.6689],
    ['ev-hong-bang-01'],
  ),
];

const cameras: PlannedSite[] = [
  cameraSpot(
    'spot-tan-minh-01',
    'tan-minh',
    'Bờ sông Văn Úc, đoạn chân đê xã Tân Minh',
    [20.7118, 106.5812],
    ['bo-song', 'chan-de'],
    ['cam-tan-minh-01'],
  ),
  cameraSpot(
    'spot-tan-minh-02',
    'tan-minh',
    'Kênh thủy lợi cạnh cánh đồng xã Tân Minh',
    [20.6947, 106.5605],
    ['bo-kenh'],
    ['cam-tan-minh-02'],
  ),
  cameraSpot(
    'spot-tan-minh-03',
    'tan-minh',
    'Bãi đất trống cạnh đường trục xã Tân Minh',
    [20.6969, 106.5764],
    ['bai-dat-trong', 'le-duong'],
    ['cam-tan-minh-03'],
  ),
  cameraSpot(
    'spot-tan-minh-04',
    'tan-minh',
    'Khu vực phía sau Cụm công nghiệp Tân Minh',
    [20.7081, 106.5803],
    ['cong-sau', 'bai-tap-ket'],
    ['cam-tan-minh-04', 'cam-tan-minh-05'],
  ),
  cameraSpot(
    'spot-vinh-am-01',
    'vinh-am',
    'Chân đê sông Hóa, xã Vĩnh Am',
    [20.6731, 106.4318],
    ['chan-de', 'bai-soi'],
    ['cam-vinh-am-01'],
  ),
  cameraSpot(
    'spot-vinh-am-02',
    'vinh-am',
    'Cống tiêu nước đầu thôn, xã Vĩnh Am',
    [20.6612, 106.4498],
    ['mieng-cong'],
    ['cam-vinh-am-02'],
  ),
  cameraSpot(
    'spot-vinh-am-03',
    'vinh-am',
    'Đường vào Cụm công nghiệp Vĩnh Am',
    [20.6694, 106.4557],
    ['le-duong', 'bai-dat-trong'],
    ['cam-vinh-am-03', 'cam-vinh-am-04'],
  ),
  cameraSpot(
    'spot-vinh-am-04',
    'vinh-am',
    'Bãi ven sông Thái Bình, xã Vĩnh Am',
    [20.6553, 106.4612],
    ['bai-ven-song'],
    ['cam-vinh-am-05'],
  ),
];

export const demoFleetPlan: readonly PlannedSite[] = [
  ...wastewater,
  ...solarBuildings,
  ...metered,
  ...charging,
  ...cameras,
];
