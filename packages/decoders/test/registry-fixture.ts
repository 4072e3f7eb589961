import { Registry } from '@hpg/registry';

const credential = { algo: 'scrypt', n: 16384, r: 8, p: 1, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'x'.repeat(44) };

/** One device of every kind, in Tân Minh (local time UTC+7). */
export function testRegistry(): Registry {
  return Registry.from({
    version: 1,
    localities: [
      { id: 'hai-phong', kind: 'city', name: 'Thành phố Hải Phòng', nameEn: 'Hai Phong City', parentId: null },
      { id: 'tan-minh', kind: 'commune', name: 'Xã Tân Minh', nameEn: 'Tan Minh Commune', parentId: 'hai-phong' },
    ],
    sites: [
      {
        id: 'wwtp-1',
        localityId: 'tan-minh',
        name: 'Trạm XLNT CCN',
        location: { lat: 20.9, lon: 106.6 },
        kind: 'wastewater_plant',
        wastewater: {
          standard: 'QCVN40:2011',
          column: 'B',
          kq: 0.9,
          kf: 1.0,
          designFlowM3PerDay: 2000,
          centralIndustrial: true,
        },
      },
      { id: 'school-1', localityId: 'tan-minh', name: 'Trường', location: { lat: 20.9, lon: 106.6 }, kind: 'building' },
      {
        id: 'ev-1',
        localityId: 'tan-minh',
        name: 'Trạm sạc',
        location: { lat: 20.9, lon: 106.6 },
        kind: 'charging_station',
      },
      {
        id: 'spot-1',
        localityId: 'tan-minh',
        name: 'Bờ sông',
        location: { lat: 20.9, lon: 106.6 },
        kind: 'camera_spot',
      },
    ],
    devices: [
      { id: 'ww-1', siteId: 'wwtp-1', kind: 'wastewater_station', intervalSeconds: 300, credentials: [credential] },
      { id: 'pv-1', siteId: 'school-1', kind: 'solar_inverter', intervalSeconds: 60, credentials: [credential] },
      { id: 'mt-1', siteId: 'school-1', kind: 'energy_meter', intervalSeconds: 300, credentials: [credential] },
      { id: 'ch-1', siteId: 'ev-1', kind: 'ev_charger', intervalSeconds: 60, credentials: [credential] },
      { id: 'cam-1', siteId: 'spot-1', kind: 'camera', intervalSeconds: 3600, credentials: [credential] },
      {
        id: 'off-1',
        siteId: 'school-1',
        kind: 'energy_meter',
        intervalSeconds: 300,
        enabled: false,
        credentials: [credential],
      },
    ],
  });
}
