import { describe, expect, it } from 'vitest';
import { Registry, RegistryError } from '../src/index.ts';

const cred = { algo: 'scrypt', n: 1024, r: 8, p: 1, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'x'.repeat(44) };
const loc = { lat: 20.9, lon: 106.6 };
const device = (id: string, siteId: string, kind: string, external?: object, enabled = true) => ({
  id,
  siteId,
  kind,
  intervalSeconds: 60,
  enabled,
  credentials: [cred],
  ...(external !== undefined && { external }),
});
const data = (devices: object[]) => ({
  version: 1,
  localities: [{ id: 'hai-phong', kind: 'city', name: 'Thành phố Hải Phòng', nameEn: 'Hai Phong', parentId: null }],
  sites: [
    { id: 'bank', localityId: 'hai-phong', name: 'Bờ kênh', location: loc, kind: 'camera_spot', zones: ['riverbank'] },
    { id: 'school', localityId: 'hai-phong', name: 'Trường', location: loc, kind: 'building' },
    { id: 'market', localityId: 'hai-phong', name: 'Chợ', location: loc, kind: 'facility' },
  ],
  devices,
});

function problemsOf(input: unknown): string {
  try {
    Registry.from(input);
  } catch (err) {
    expect(err).toBeInstanceOf(RegistryError);
    return (err as RegistryError).problems.join('\n');
  }
  return '';
}

describe('Registry: foreign bindings', () => {
  it('keeps devices without bindings valid', () => {
    expect(problemsOf(data([device('pv-1', 'school', 'solar_inverter')]))).toBe('');
  });

  it('finds enabled devices by their foreign ids', () => {
    const r = Registry.from(
      data([
        device('cam-1', 'bank', 'camera', { frigate: { camera: 'bank_east', zones: ['riverbank'] } }),
        device('cam-2', 'bank', 'camera', { frigate: { camera: 'bank_west', publishedBy: 'cam-1' } }, false),
        device('cam-3', 'bank', 'camera', { onvif: { id: 'axis-01' } }),
        device('pv-1', 'school', 'solar_inverter', { opendtu: { serial: '114190641177' } }),
        device('pv-2', 'school', 'solar_inverter', { sunspec: { id: 'roof-103' } }),
        device('mt-1', 'market', 'energy_meter', { tasmota: { topic: 'shelly25', channel: 1 } }),
        device('mt-2', 'market', 'energy_meter', { tasmota: { topic: 'shelly25', channel: 2 } }),
      ]),
    );
    expect(r.byExternal('frigate', 'bank_east')).toMatchObject({
      placement: { device: { id: 'cam-1' }, site: { id: 'bank' }, locality: { id: 'hai-phong' } },
      binding: { camera: 'bank_east', zones: ['riverbank'] },
    });
    expect(r.byExternal('frigate', 'bank_west')).toBeUndefined(); // disabled
    expect(r.byExternal('frigate', 'garage')).toBeUndefined();
    expect(r.byExternal('onvif', 'axis-01')?.placement.device.id).toBe('cam-3');
    expect(r.byExternal('opendtu', '114190641177')?.placement.device.id).toBe('pv-1');
    expect(r.byExternal('sunspec', 'roof-103')?.placement.device.id).toBe('pv-2');
    expect(r.allByExternal('tasmota', 'shelly25').map((e) => [e.placement.device.id, e.binding.channel])).toEqual([
      ['mt-1', 1],
      ['mt-2', 2],
    ]);
    // Kinds are separate name spaces.
    expect(r.byExternal('sunspec', '114190641177')).toBeUndefined();
  });

  it('reports every binding problem at once', () => {
    const problems = problemsOf(
      data([
        device('cam-1', 'bank', 'camera', { frigate: { camera: 'bank_east' } }),
        device('cam-2', 'bank', 'camera', { frigate: { camera: 'bank_east' } }, false), // disabled still clashes
        device('pv-1', 'school', 'solar_inverter', { opendtu: { serial: '1141' }, sunspec: { id: 'a' } }),
        device('pv-2', 'school', 'solar_inverter', {
          opendtu: { serial: '1141' },
          sunspec: { id: 'b', publishedBy: 'ghost' },
        }),
        device('mt-1', 'market', 'energy_meter', { tasmota: { topic: 'pow' } }),
        device('mt-2', 'market', 'energy_meter', { tasmota: { topic: 'pow', channel: 2 } }),
        device('mt-3', 'market', 'energy_meter', { tasmota: { topic: 'dual', channel: 1 } }),
        device('mt-4', 'market', 'energy_meter', { tasmota: { topic: 'dual', channel: 1 } }),
        device('mt-5', 'market', 'energy_meter', { frigate: { camera: 'meter_cam' } }),
      ]),
    );
    expect(problems).toContain('device "cam-2": frigate "bank_east" is already bound to device "cam-1"');
    expect(problems).toContain('device "pv-2": opendtu "1141" is already bound to device "pv-1"');
    expect(problems).toContain('device "pv-2": sunspec.publishedBy "ghost" is not a device');
    expect(problems).toContain('device "mt-2": tasmota "pow" channel 2 is already bound to device "mt-1"');
    expect(problems).toContain('device "mt-4": tasmota "dual" channel 1 is already bound to device "mt-3"');
    expect(problems).toContain('device "mt-5": a frigate binding belongs on a camera, not on this energy_meter');
  });

  it('refuses malformed bindings with their path: topic wildcards, unknown kinds, bad channels', () => {
    const problems = problemsOf(
      data([
        device('cam-1', 'bank', 'camera', { frigate: { camera: 'bank/east' } }),
        device('cam-2', 'bank', 'camera', { frigat: { camera: 'x' } }),
        device('mt-1', 'market', 'energy_meter', { tasmota: { topic: 'pow', channel: 0 } }),
        device('pv-1', 'school', 'solar_inverter', { opendtu: { serial: '#' } }),
        device('cam-3', 'bank', 'camera', { frigate: { camera: 'c3', baseUrl: 'http://admin:secret@nvr.local:5000' } }),
      ]),
    );
    expect(problems).toContain('devices.4.external.frigate.baseUrl: no credentials in the URL');
    expect(problems).toContain('devices.0.external.frigate.camera');
    expect(problems).toContain('devices.1.external');
    expect(problems).toContain('devices.2.external.tasmota.channel');
    expect(problems).toContain('devices.3.external.opendtu.serial');
  });
});
