import { describe, expect, it } from 'vitest';
import { hashPassword, Registry, RegistryError, verifyPassword } from '../src/index.ts';

const cheap = { n: 1024, r: 8, p: 1 };
const cred = { algo: 'scrypt', ...cheap, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'x'.repeat(44) };
const base = () => ({
  version: 1,
  localities: [
    { id: 'hai-phong', kind: 'city', name: 'Thành phố Hải Phòng', nameEn: 'Hai Phong', parentId: null },
    { id: 'tan-minh', kind: 'commune', name: 'Xã Tân Minh', nameEn: 'Tan Minh', parentId: 'hai-phong' },
    { id: 'vinh-am', kind: 'commune', name: 'Xã Vĩnh Am', nameEn: 'Vinh Am', parentId: 'hai-phong' },
  ],
  sites: [
    {
      id: 's1',
      localityId: 'tan-minh',
      name: 'Trạm sạc',
      location: { lat: 20.9, lon: 106.6 },
      kind: 'charging_station',
    },
  ],
  devices: [{ id: 'ch-1', siteId: 's1', kind: 'ev_charger', intervalSeconds: 60, credentials: [cred] }],
});

describe('Registry', () => {
  it('places a device at its site and locality', () => {
    const r = Registry.from(base());
    expect(r.placement('ch-1')).toMatchObject({ site: { id: 's1' }, locality: { id: 'tan-minh' } });
    expect(r.placement('nope')).toBeUndefined();
  });

  it('expands the city to every locality under it', () => {
    expect(Registry.from(base()).localityScope('hai-phong').sort()).toEqual(['hai-phong', 'tan-minh', 'vinh-am']);
    expect(Registry.from(base()).localityScope('vinh-am')).toEqual(['vinh-am']);
  });

  it('reports every broken reference at once', () => {
    const data = base();
    data.sites.push({
      id: 's2',
      localityId: 'atlantis',
      name: 'x',
      location: { lat: 0, lon: 0 },
      kind: 'charging_station',
    });
    data.devices.push({ id: 'ch-1', siteId: 'nowhere', kind: 'ev_charger', intervalSeconds: 60, credentials: [cred] });
    data.devices.push({ id: 'cam-1', siteId: 's1', kind: 'camera', intervalSeconds: 60, credentials: [cred] });
    try {
      Registry.from(data);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(RegistryError);
      const problems = (err as RegistryError).problems.join('\n');
      expect(problems).toContain('atlantis');
      expect(problems).toContain('"ch-1" appears twice');
      expect(problems).toContain('site "nowhere" is unknown');
      expect(problems).toContain('a camera cannot be installed at a charging_station');
    }
  });

  it('refuses malformed data with the field path', () => {
    const data = base() as { devices: { intervalSeconds: unknown }[] };
    (data.devices[0] as { intervalSeconds: unknown }).intervalSeconds = '60';
    expect(() => Registry.from(data)).toThrow(/devices\.0\.intervalSeconds/);
  });
});

describe('device credentials', () => {
  it('verifies the right password, refuses a wrong one, and accepts either of two during rotation', async () => {
    const old = await hashPassword('old-secret', cheap);
    const next = await hashPassword('new-secret', cheap);
    expect(old.hash).not.toContain('old-secret');
    expect(await verifyPassword('old-secret', [old])).toBe(true);
    expect(await verifyPassword('wrong', [old])).toBe(false);
    expect(await verifyPassword('new-secret', [old, next])).toBe(true);
    expect(await verifyPassword('new-secret', [old])).toBe(false);
  });

  it('salts each hash', async () => {
    const a = await hashPassword('same', cheap);
    const b = await hashPassword('same', cheap);
    expect(a.hash).not.toBe(b.hash);
  });
});
