/**
 * A registry for the broker-access tests: a device of each kind, foreign bindings of every format
 * (one published by a gateway device, one by a disabled device), and a disabled device.
 */
import type { Credential, RegistryData } from '@hpg/registry';

const placeholder: Credential = {
  algo: 'scrypt',
  n: 1024,
  r: 8,
  p: 1,
  salt: 'c2FsdHNhbHRzYWx0c2FsdA==',
  hash: 'x'.repeat(44),
};

const at = { lat: 20.9, lon: 106.6 };

/** Plain JSON, as a registry file holds it; `credentials` default to a placeholder hash. */
export function brokerAclRegistryData(credentials: Record<string, Credential[]> = {}): RegistryData {
  const device = (d: Record<string, unknown> & { id: string }) => ({
    intervalSeconds: 300,
    enabled: true,
    credentials: credentials[d.id] ?? [placeholder],
    ...d,
  });
  return {
    version: 1,
    localities: [{ id: 'hai-phong', kind: 'city', name: 'Thành phố Hải Phòng', nameEn: 'Hai Phong', parentId: null }],
    sites: [
      {
        id: 'wwtp-1',
        localityId: 'hai-phong',
        name: 'Trạm XLNT',
        location: at,
        kind: 'wastewater_plant',
        wastewater: {
          standard: 'QCVN40:2011',
          column: 'B',
          kq: 0.9,
          kf: 1,
          designFlowM3PerDay: 2000,
          centralIndustrial: true,
        },
      },
      { id: 'school-1', localityId: 'hai-phong', name: 'Trường', location: at, kind: 'building' },
      { id: 'spot-1', localityId: 'hai-phong', name: 'Bờ sông', location: at, kind: 'camera_spot', zones: [] },
    ],
    devices: [
      device({ id: 'ww-1', siteId: 'wwtp-1', kind: 'wastewater_station', name: 'Trạm quan trắc số 1' }),
      device({ id: 'pv-1', siteId: 'school-1', kind: 'solar_inverter', external: { sunspec: { id: 'roof-1' } } }),
      device({
        id: 'pv-2',
        siteId: 'school-1',
        kind: 'solar_inverter',
        external: { opendtu: { serial: '114190641177', publishedBy: 'pv-1' } },
      }),
      device({ id: 'mt-1', siteId: 'school-1', kind: 'energy_meter', external: { tasmota: { topic: 'shelly25' } } }),
      device({
        id: 'mt-2',
        siteId: 'school-1',
        kind: 'energy_meter',
        external: { tasmota: { topic: 'plug2', publishedBy: 'off-1' } },
      }),
      device({ id: 'off-1', siteId: 'school-1', kind: 'energy_meter', enabled: false }),
      device({ id: 'cam-1', siteId: 'spot-1', kind: 'camera', external: { frigate: { camera: 'bank_cam' } } }),
      device({
        id: 'cam-2',
        siteId: 'spot-1',
        kind: 'camera',
        external: { frigate: { camera: 'canal', publishedBy: 'cam-1' }, onvif: { id: 'gate"2' } },
      }),
    ],
  } as RegistryData;
}
