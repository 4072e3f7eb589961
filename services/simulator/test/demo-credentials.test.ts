import { createHmac } from 'node:crypto';
import type { DeviceKind } from '@hpg/contracts';
import { verifyPassword } from '@hpg/registry';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DEMO_FLEET_SECRET, demoDevicePassword } from '../src/demo-credentials.ts';
import { demoRegistry } from './fleet-run.ts';

describe('demo device passwords', () => {
  it('are HMAC-SHA256(secret, deviceId) in base64url, distinct per device and per secret', () => {
    const p = demoDevicePassword('s3cret-fleet', 'pv-tan-minh-school-03');
    expect(p).toBe(createHmac('sha256', 's3cret-fleet').update('pv-tan-minh-school-03').digest('base64url'));
    expect(p).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(demoDevicePassword('s3cret-fleet', 'pv-tan-minh-school-02')).not.toBe(p);
    expect(demoDevicePassword('other-fleet', 'pv-tan-minh-school-03')).not.toBe(p);
  });

  it('match the hashes in config/registry.demo.json for the default development secret', async () => {
    const registry = demoRegistry();
    const oneOfEach = new Map<DeviceKind, (typeof registry.data.devices)[number]>();
    for (const d of registry.data.devices) if (!oneOfEach.has(d.kind)) oneOfEach.set(d.kind, d);
    expect(oneOfEach.size).toBe(5);
    for (const d of oneOfEach.values()) {
      expect(await verifyPassword(demoDevicePassword(DEFAULT_DEMO_FLEET_SECRET, d.id), d.credentials)).toBe(true);
      expect(await verifyPassword(demoDevicePassword('not-the-fleet-secret', d.id), d.credentials)).toBe(false);
    }
  });
});

describe('demo registry', () => {
  it('holds the plan localities and a fleet of every kind, with kebab-case ASCII ids', () => {
    const { localities, sites, devices } = demoRegistry().data;
    expect(localities.map((l) => l.id).sort()).toEqual(
      [
        'hai-phong',
        'bach-dang',
        'viet-hoa',
        'tan-minh',
        'vinh-am',
        'hong-bang',
        'ngo-quyen',
        'gia-vien',
        'le-chan',
        'an-bien',
      ].sort(),
    );
    for (const x of [...localities, ...sites, ...devices]) expect(x.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(devices.length).toBeGreaterThanOrEqual(60);
    expect(devices.length).toBeLessThanOrEqual(90);
    const tanMinhSolar = sites.filter(
      (s) => s.localityId === 'tan-minh' && s.kind === 'building' && s.solarCapacityKwp,
    );
    expect(tanMinhSolar.length).toBeGreaterThanOrEqual(10);
    const cameraLocalities = new Set(sites.filter((s) => s.kind === 'camera_spot').map((s) => s.localityId));
    expect([...cameraLocalities].sort()).toEqual(['tan-minh', 'vinh-am']);
  });
});
