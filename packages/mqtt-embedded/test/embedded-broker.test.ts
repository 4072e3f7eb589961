import type { AuthFailure } from '@hpg/ports';
import { describeSourceContract } from '@hpg/ports/testing';
import { type Credential, hashPassword, Registry } from '@hpg/registry';
import mqtt from 'mqtt';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedBroker, startEmbeddedBroker } from '../src/index.ts';

let registry: Registry;
beforeAll(async () => {
  const cost = { n: 1024, r: 8, p: 1 };
  registry = Registry.from({
    version: 1,
    localities: [{ id: 'hai-phong', kind: 'city', name: 'Thành phố Hải Phòng', nameEn: 'Hai Phong', parentId: null }],
    sites: [{ id: 'f1', localityId: 'hai-phong', name: 'F1', location: { lat: 20.8, lon: 106.7 }, kind: 'facility' }],
    devices: [
      {
        id: 'm1',
        siteId: 'f1',
        kind: 'energy_meter',
        intervalSeconds: 60,
        credentials: [await hashPassword('pw-m1', cost)],
      },
      {
        id: 'm2',
        siteId: 'f1',
        kind: 'energy_meter',
        intervalSeconds: 60,
        credentials: [await hashPassword('pw-m2', cost)],
      },
    ],
  });
});

describe('embedded broker', () => {
  let broker: EmbeddedBroker;
  afterEach(async () => {
    await broker?.close();
  });

  const start = async () => {
    broker = await startEmbeddedBroker({
      host: '127.0.0.1',
      port: 0,
      registry: () => registry,
      observers: [{ username: 'watcher', password: 'watch' }],
    });
    return `mqtt://127.0.0.1:${broker.port}`;
  };

  it('lets a device in with its password and refuses a wrong one, reporting the failure', async () => {
    const url = await start();
    const failures: AuthFailure[] = [];
    broker.source.onAuthFailure((f) => failures.push(f));
    const ok = await mqtt.connectAsync(url, { username: 'm1', password: 'pw-m1', reconnectPeriod: 0 });
    await ok.endAsync();
    await expect(mqtt.connectAsync(url, { username: 'm1', password: 'pw-m2', reconnectPeriod: 0 })).rejects.toThrow();
    await expect(mqtt.connectAsync(url, { username: 'ghost', password: 'x', reconnectPeriod: 0 })).rejects.toThrow();
    expect(failures.map((f) => [f.username, f.reason])).toEqual([
      ['m1', 'wrong password'],
      ['ghost', 'unknown or disabled device'],
    ]);
  });

  it('accepts both passwords during a rotation and refuses the revoked one, even right after a cached login', async () => {
    const cost = { n: 1024, r: 8, p: 1 };
    const [old, next] = await Promise.all([hashPassword('pw-old', cost), hashPassword('pw-new', cost)]);
    const withCredentials = (credentials: Credential[]) =>
      Registry.from({
        ...registry.data,
        devices: registry.data.devices.map((d) => (d.id === 'm1' ? { ...d, credentials } : d)),
      });
    let current = withCredentials([old]);
    broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, registry: () => current });
    const url = `mqtt://127.0.0.1:${broker.port}`;
    const login = async (password: string) => {
      try {
        const c = await mqtt.connectAsync(url, { username: 'm1', password, reconnectPeriod: 0 });
        await c.endAsync();
        return true;
      } catch {
        return false;
      }
    };
    expect(await login('pw-old')).toBe(true); // now cached
    current = withCredentials([old, next]); // issue
    expect([await login('pw-old'), await login('pw-new')]).toEqual([true, true]);
    current = withCredentials([next]); // revoke the old one
    expect([await login('pw-old'), await login('pw-new')]).toEqual([false, true]);
    current = withCredentials([old]); // a rotation abandoned: the new one goes, although cached
    expect([await login('pw-new'), await login('pw-old')]).toEqual([false, true]);
  });

  it('does not acknowledge what arrives once ingest stopped, so the device keeps it', async () => {
    const url = await start();
    await broker.source.start(async () => {});
    await broker.source.stop();
    const c = await mqtt.connectAsync(url, { username: 'm1', password: 'pw-m1', reconnectPeriod: 0 });
    const closed = new Promise<void>((r) => c.once('close', () => r()));
    let acked = false;
    c.publish('hpg/v1/devices/m1/meter', '{}', { qos: 1 }, (err) => {
      if (!err) acked = true;
    });
    await closed;
    expect(acked).toBe(false);
    c.end(true);
  });

  it('lets a device subscribe only under its own id; an observer sees device traffic', async () => {
    const url = await start();
    await broker.source.start(async () => {});
    const m2 = await mqtt.connectAsync(url, { username: 'm2', password: 'pw-m2', reconnectPeriod: 0 });
    // SUBACK 0x80 (failure): mqtt.js rejects the subscription.
    await expect(m2.subscribeAsync('hpg/v1/devices/m1/#', { qos: 1 })).rejects.toThrow(/Subscribe error/);
    await expect(m2.subscribeAsync('hpg/v1/devices/m2/cmd', { qos: 1 })).resolves.toHaveLength(1);
    const watcher = await mqtt.connectAsync(url, { username: 'watcher', password: 'watch', reconnectPeriod: 0 });
    await watcher.subscribeAsync('hpg/v1/devices/+/meter', { qos: 0 });
    const seen = new Promise<string>((r) => watcher.once('message', (t) => r(t)));
    const m1 = await mqtt.connectAsync(url, { username: 'm1', password: 'pw-m1', reconnectPeriod: 0 });
    await m1.publishAsync('hpg/v1/devices/m1/meter', '{}', { qos: 1 });
    expect(await seen).toBe('hpg/v1/devices/m1/meter');
    await Promise.all([m1.endAsync(), m2.endAsync(), watcher.endAsync()]);
  });
});

describeSourceContract(
  'embedded broker',
  async () => {
    const b = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, registry: () => registry });
    return {
      source: b.source,
      url: `mqtt://127.0.0.1:${b.port}`,
      device: { id: 'm1', password: 'pw-m1' },
      knowsPublisher: true,
      cleanup: () => b.close(),
    };
  },
  'device',
);
