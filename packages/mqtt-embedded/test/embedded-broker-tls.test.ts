/**
 * MQTT over TLS on the embedded broker with device client certificates. The certificates are made
 * here with openssl (a device CA, the broker's server certificate, device certificates whose CN
 * is the device id, and one from a CA the broker does not trust), with real MQTT clients.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuthFailure } from '@hpg/ports';
import { hashPassword, Registry } from '@hpg/registry';
import mqtt from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedBroker, startEmbeddedBroker } from '../src/index.ts';

let dir: string;
let registry: Registry;
const pem = (name: string) => readFileSync(join(dir, name));

function openssl(...args: string[]) {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

/** A CA, and certificates signed by it: `cn` as subject, and for the server 127.0.0.1 as its address. */
function makeCa(name: string) {
  openssl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.crt`,
  );
}

function makeCert(ca: string, cn: string, server = false) {
  openssl(
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-subj',
    `/CN=${cn}`,
    '-keyout',
    `${cn}.key`,
    '-out',
    `${cn}.csr`,
  );
  writeFileSync(
    join(dir, `${cn}.ext`),
    server ? 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' : 'extendedKeyUsage=clientAuth\n',
  );
  openssl(
    'x509',
    '-req',
    '-in',
    `${cn}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    `${cn}.ext`,
    '-out',
    `${cn}.crt`,
  );
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hpg-tls-'));
  makeCa('device-ca');
  makeCa('other-ca');
  makeCert('device-ca', 'broker', true);
  makeCert('device-ca', 'm1');
  makeCert('device-ca', 'ghost');
  makeCert('other-ca', 'm2');
  const cost = { n: 1024, r: 8, p: 1 };
  registry = Registry.from({
    version: 1,
    localities: [{ id: 'hai-phong', kind: 'city', name: 'Thành phố Hải Phòng', nameEn: 'Hai Phong', parentId: null }],
    sites: [{ id: 'f1', localityId: 'hai-phong', name: 'F1', location: { lat: 20.8, lon: 106.7 }, kind: 'facility' }],
    devices: await Promise.all(
      ['m1', 'm2'].map(async (id) => ({
        id,
        siteId: 'f1',
        kind: 'energy_meter' as const,
        intervalSeconds: 60,
        credentials: [await hashPassword(`pw-${id}`, cost)],
      })),
    ),
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('embedded broker over TLS with client certificates', () => {
  let broker: EmbeddedBroker;
  const failures: AuthFailure[] = [];
  const received: { topic: string; publisher: string | null | undefined }[] = [];
  afterEach(async () => {
    await broker?.close();
    failures.length = 0;
    received.length = 0;
  });

  const start = async (requireClientCert: boolean) => {
    broker = await startEmbeddedBroker({
      host: '127.0.0.1',
      port: 0,
      registry: () => registry,
      tls: {
        host: '127.0.0.1',
        port: 0,
        cert: pem('broker.crt'),
        key: pem('broker.key'),
        ca: pem('device-ca.crt'),
        requireClientCert,
      },
    });
    broker.source.onAuthFailure((f) => failures.push(f));
    await broker.source.start(async (m) => {
      received.push({ topic: m.topic, publisher: m.publisher });
    });
    return `mqtts://127.0.0.1:${broker.tlsPort}`;
  };

  type Login = { cert?: string; username?: string; password?: string };
  const options = (o: Login) => ({
    ca: pem('device-ca.crt'),
    ...(o.cert === undefined ? {} : { cert: pem(`${o.cert}.crt`), key: pem(`${o.cert}.key`) }),
    ...(o.username === undefined ? {} : { username: o.username }),
    ...(o.password === undefined ? {} : { password: o.password }),
    reconnectPeriod: 0,
    connectTimeout: 5_000,
  });
  const connect = (url: string, o: Login) => mqtt.connectAsync(url, options(o));
  /** Whether the broker turns the client away (TLS 1.3 refuses a client certificate after the handshake: a closed connection, not always an error). */
  const turnedAway = (url: string, o: Login) =>
    new Promise<boolean>((resolve) => {
      const c = mqtt.connect(url, options(o));
      c.once('connect', () => {
        c.end(true);
        resolve(false);
      });
      for (const e of ['error', 'close'] as const)
        c.once(e, () => {
          c.end(true);
          resolve(true);
        });
    });

  it('takes a device certificate as the identity, without a password, and its publishes reach ingest', async () => {
    const url = await start(true);
    const c = await connect(url, { cert: 'm1' });
    await c.publishAsync('hpg/v1/devices/m1/reading', '{}', { qos: 1 });
    await c.endAsync();
    expect(received).toEqual([{ topic: 'hpg/v1/devices/m1/reading', publisher: 'm1' }]);
    expect(broker.port).not.toBe(broker.tlsPort);
  });

  it('refuses a certificate used under another device’s name, and one for a device not in the registry', async () => {
    const url = await start(true);
    await expect(connect(url, { cert: 'm1', username: 'm2' })).rejects.toThrow();
    await expect(connect(url, { cert: 'ghost' })).rejects.toThrow();
    expect(failures.map((f) => f.reason)).toEqual([
      'certificate of "m1" used as "m2"',
      'certificate for unknown or disabled device "ghost"',
    ]);
    expect(received).toEqual([]);
  });

  it('with client certificates required, lets in neither a password nor a certificate from another CA', async () => {
    const url = await start(true);
    expect(await turnedAway(url, { username: 'm1', password: 'pw-m1' })).toBe(true);
    expect(await turnedAway(url, { cert: 'm2' })).toBe(true);
    // The same client with its own certificate gets in: the refusals above are the certificates'.
    expect(await turnedAway(url, { cert: 'm1' })).toBe(false);
    expect(received).toEqual([]);
  });

  it('with client certificates optional, still takes a password over TLS, and checks it', async () => {
    const url = await start(false);
    const c = await connect(url, { username: 'm2', password: 'pw-m2' });
    await c.publishAsync('hpg/v1/devices/m2/reading', '{}', { qos: 1 });
    await c.endAsync();
    await expect(connect(url, { username: 'm2', password: 'wrong' })).rejects.toThrow();
    expect(received).toEqual([{ topic: 'hpg/v1/devices/m2/reading', publisher: 'm2' }]);
    expect(failures.map((f) => f.reason)).toEqual(['wrong password']);
  });
});
