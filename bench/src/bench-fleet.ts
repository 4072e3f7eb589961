/** A registry of N bench devices (energy meters at one facility) with known, cheap-to-check passwords. */
import { writeFileSync } from 'node:fs';
import { hashPassword } from '@hpg/registry';

export const benchPassword = (id: string) => `bench-${id}`;
export const benchDeviceId = (i: number) => `bench-mt-${String(i).padStart(4, '0')}`;

export async function writeBenchRegistry(file: string, devices: number): Promise<string[]> {
  const ids = Array.from({ length: devices }, (_, i) => benchDeviceId(i));
  // Login cost is not what is measured: a low scrypt cost keeps N logins quick.
  const cost = { n: 1024, r: 8, p: 1 };
  const data = {
    version: 1,
    localities: [
      { id: 'hai-phong', kind: 'city', name: 'Thành phố Hải Phòng', nameEn: 'Hai Phong City', parentId: null },
    ],
    sites: [
      {
        id: 'bench-site',
        localityId: 'hai-phong',
        name: 'Bench',
        location: { lat: 20.86, lon: 106.68 },
        kind: 'facility',
        sector: 'industry',
      },
    ],
    devices: await Promise.all(
      ids.map(async (id) => ({
        id,
        siteId: 'bench-site',
        kind: 'energy_meter',
        intervalSeconds: 60,
        credentials: [await hashPassword(benchPassword(id), cost)],
      })),
    ),
  };
  writeFileSync(file, JSON.stringify(data));
  return ids;
}
