/** A small registry with one device of every kind and known passwords, for end-to-end tests. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword } from '@hpg/registry';

// Cheap scrypt cost: the tests exercise the check, not its strength.
const COST = { n: 1024, r: 8, p: 1 };
export const PASSWORD = (deviceId: string) => `pw-${deviceId}-e2e`;

export const DEVICES = {
  ww: 'ww-e2e-01',
  pv: 'pv-e2e-01',
  mt: 'mt-e2e-01',
  ch: 'ch-e2e-01',
  cam: 'cam-e2e-01',
} as const;

export async function writeFleetRegistry(): Promise<{ dir: string; file: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'hpg-e2e-'));
  const cred = async (id: string) => [await hashPassword(PASSWORD(id), COST)];
  const loc = { lat: 20.86, lon: 106.68 };
  const data = {
    version: 1,
    localities: [
      { id: 'hai-phong', kind: 'city', name: 'Thành phố Hải Phòng', nameEn: 'Hai Phong City', parentId: null },
      { id: 'tan-minh', kind: 'commune', name: 'Xã Tân Minh', nameEn: 'Tan Minh Commune', parentId: 'hai-phong' },
      { id: 'vinh-am', kind: 'commune', name: 'Xã Vĩnh Am', nameEn: 'Vinh Am Commune', parentId: 'hai-phong' },
    ],
    sites: [
      {
        id: 'wwtp-vinh-am',
        localityId: 'vinh-am',
        name: 'Trạm XLNT tập trung CCN Vĩnh Am',
        location: loc,
        kind: 'wastewater_plant',
        wastewater: {
          standard: 'QCVN40:2011',
          column: 'B',
          kq: 0.9,
          kf: 1.0,
          designFlowM3PerDay: 1500,
          centralIndustrial: true,
        },
      },
      {
        id: 'school-tan-minh',
        localityId: 'tan-minh',
        name: 'Trường THCS Tân Minh',
        location: loc,
        kind: 'building',
        solarCapacityKwp: 30,
      },
      { id: 'evs-tan-minh', localityId: 'tan-minh', name: 'Trạm sạc UBND xã', location: loc, kind: 'charging_station' },
      {
        id: 'spot-vinh-am',
        localityId: 'vinh-am',
        name: 'Bờ kênh',
        location: loc,
        kind: 'camera_spot',
        zones: ['bank'],
      },
    ],
    devices: [
      {
        id: DEVICES.ww,
        siteId: 'wwtp-vinh-am',
        kind: 'wastewater_station',
        intervalSeconds: 300,
        credentials: await cred(DEVICES.ww),
      },
      {
        id: DEVICES.pv,
        siteId: 'school-tan-minh',
        kind: 'solar_inverter',
        intervalSeconds: 60,
        credentials: await cred(DEVICES.pv),
      },
      {
        id: DEVICES.mt,
        siteId: 'school-tan-minh',
        kind: 'energy_meter',
        intervalSeconds: 300,
        credentials: await cred(DEVICES.mt),
      },
      {
        id: DEVICES.ch,
        siteId: 'evs-tan-minh',
        kind: 'ev_charger',
        intervalSeconds: 60,
        credentials: await cred(DEVICES.ch),
      },
      {
        id: DEVICES.cam,
        siteId: 'spot-vinh-am',
        kind: 'camera',
        intervalSeconds: 3600,
        credentials: await cred(DEVICES.cam),
      },
    ],
  };
  const file = join(dir, 'registry.json');
  writeFileSync(file, JSON.stringify(data, null, 2));
  return { dir, file };
}

/** Sign-ins for the fleet registry, one per role and scope; password `pw-<id>`. */
export const FLEET_USERS = [
  { id: 'admin', role: 'admin', localityId: 'hai-phong' },
  { id: 'mt-city', role: 'environment', localityId: 'hai-phong' },
  { id: 'mt-tan-minh', role: 'environment', localityId: 'tan-minh' },
  { id: 'ca-vinh-am', role: 'police', localityId: 'vinh-am' },
  { id: 'ca-tan-minh', role: 'police', localityId: 'tan-minh' },
  { id: 'xem', role: 'viewer', localityId: 'hai-phong' },
] as const;
export const USER_PASSWORD = (id: string) => `pw-${id}`;

export async function writeFleetUsers(dir: string): Promise<string> {
  const users = await Promise.all(
    FLEET_USERS.map(async (u) => ({
      ...u,
      name: `Test ${u.id}`,
      credentials: [await hashPassword(USER_PASSWORD(u.id), COST)],
    })),
  );
  const file = join(dir, 'users.json');
  writeFileSync(file, JSON.stringify({ version: 1, users }));
  return file;
}

/**
 * Alert rules for the city: dumping (label `waste`) to the police of Vĩnh Am through `reach`
 * (email, or a signed webhook in tests that receive it), deduplicated over 60 minutes.
 */
export function policeRules(
  reach: Record<string, unknown>,
  o: { minScore?: number; escalateAfterMinutes?: number; severity?: string } = {},
) {
  return {
    version: 1,
    localities: [
      {
        localityId: 'hai-phong',
        dumping: {
          labels: ['waste'],
          minScore: o.minScore ?? 0.5,
          dedupeWindowMinutes: 60,
          ...(o.severity === undefined ? {} : { severity: o.severity }),
        },
        contacts: {
          police: {
            escalateAfterMinutes: o.escalateAfterMinutes ?? 30,
            chain: [{ id: 'ca-vinh-am', name: 'Công an xã Vĩnh Am', reach }],
          },
        },
      },
    ],
  };
}

/** The police rules by email (no real mail goes out in tests), written to `dir/rules.json`. */
export function writeFleetAlertRules(dir: string): string {
  const file = join(dir, 'rules.json');
  writeFileSync(file, JSON.stringify(policeRules({ email: 'ca@example.org' })));
  return file;
}
