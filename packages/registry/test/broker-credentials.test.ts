import { pbkdf2Sync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  afterRevoke,
  type Credential,
  CredentialSchema,
  emqxUsersCsv,
  generateDevicePassword,
  hashBrokerPassword,
  issueCredential,
  matchingCredential,
  mosquittoPasswdLine,
  Registry,
  upsertPasswdLine,
  verifyBrokerPassword,
  verifyMosquittoPasswdLine,
  verifyPassword,
  withIssued,
} from '../src/index.ts';

const cheap = { n: 1024, r: 8, p: 1 };

/** Written by Debian's mosquitto_passwd 2.0.11 (`mosquitto_passwd -c -b f dev1 secret-pw`). */
const FROM_MOSQUITTO_PASSWD =
  'dev1:$7$101$FZF2gX2QyTPPc+TB$UvBySvLod+LP1TJR32yctPvgLXN+UA4JtmHZWlUmpIo2iO85taNrVS8QqhaCoKm9rcy6A2Aj32iMnnjfEwAGrQ==';

describe('issued credentials', () => {
  it('generates distinct 192-bit passwords', () => {
    const a = generateDevicePassword();
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(Buffer.from(a, 'base64url')).toHaveLength(24);
    expect(generateDevicePassword()).not.toBe(a);
  });

  it('hashes the password for the embedded broker (scrypt) and for external brokers (PBKDF2), both checkable', async () => {
    const c = await issueCredential('pw-1', { scrypt: cheap, brokerIterations: 1000, now: new Date(0) });
    expect(CredentialSchema.parse(c)).toEqual(c);
    expect(c.issuedAt).toBe('1970-01-01T00:00:00.000Z');
    expect(JSON.stringify(c)).not.toContain('pw-1');
    expect(await verifyPassword('pw-1', [c])).toBe(true);
    expect(await verifyPassword('pw-2', [c])).toBe(false);
    const broker = c.broker;
    if (broker === undefined) throw new Error('no broker hash');
    expect(broker).toMatchObject({ algo: 'pbkdf2-sha512', iterations: 1000 });
    expect(broker.salt).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(await verifyBrokerPassword('pw-1', broker)).toBe(true);
    expect(await verifyBrokerPassword('pw-2', broker)).toBe(false);
  });

  it('refuses broker hashes no broker could check', () => {
    const ok = { algo: 'scrypt', ...cheap, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'x'.repeat(44) };
    const broker = { algo: 'pbkdf2-sha512', iterations: 10_000, salt: 'abcdefghijkl', hash: `${'A'.repeat(86)}==` };
    expect(CredentialSchema.safeParse({ ...ok, broker }).success).toBe(true);
    expect(CredentialSchema.safeParse({ ...ok, broker: { ...broker, salt: 'abcdefghijklm' } }).success).toBe(false);
    expect(CredentialSchema.safeParse({ ...ok, broker: { ...broker, salt: 'abcdefghijk:' } }).success).toBe(false);
    expect(CredentialSchema.safeParse({ ...ok, broker: { ...broker, iterations: 101 } }).success).toBe(false);
    expect(CredentialSchema.safeParse({ ...ok, broker: { ...broker, hash: 'AAAA' } }).success).toBe(false);
  });

  it('tells which credential a password matches', async () => {
    const old = await issueCredential('old', { scrypt: cheap, brokerIterations: 1000 });
    const next = await issueCredential('new', { scrypt: cheap, brokerIterations: 1000 });
    expect(await matchingCredential('new', [old, next])).toBe(next);
    expect(await matchingCredential('old', [old, next])).toBe(old);
    expect(await matchingCredential('other', [old, next])).toBeUndefined();
  });
});

describe('rotation', () => {
  const c = (hash: string) => ({ hash }) as Credential;

  it('adds the new credential last and refuses a third', () => {
    expect(withIssued([c('a')], c('b'))).toEqual([c('a'), c('b')]);
    expect(withIssued([], c('a'))).toEqual([c('a')]);
    expect(() => withIssued([c('a'), c('b')], c('c'))).toThrow(/rotation is in progress/);
  });

  it('ends a rotation on the newest or the oldest, and needs one to end', () => {
    expect(afterRevoke([c('a'), c('b')], 'newest')).toEqual([c('b')]);
    expect(afterRevoke([c('a'), c('b')], 'oldest')).toEqual([c('a')]);
    expect(() => afterRevoke([c('a')], 'newest')).toThrow(/nothing to revoke/);
  });
});

describe('Mosquitto password file', () => {
  it("reads mosquitto_passwd's own lines", () => {
    expect(verifyMosquittoPasswdLine(FROM_MOSQUITTO_PASSWD, 'secret-pw')).toBe(true);
    expect(verifyMosquittoPasswdLine(FROM_MOSQUITTO_PASSWD, 'secret-pw2')).toBe(false);
    expect(verifyMosquittoPasswdLine('dev1:$6$abc$def', 'secret-pw')).toBe(false);
  });

  it('writes $7$ lines: PBKDF2-SHA512 over the 12 salt characters, salt and key in base64', async () => {
    const h = await hashBrokerPassword('s3cret', 2000, 'abcdefghijkl');
    const line = mosquittoPasswdLine('dev-1', h);
    const key = pbkdf2Sync('s3cret', 'abcdefghijkl', 2000, 64, 'sha512').toString('base64');
    expect(line).toBe(`dev-1:$7$2000$${Buffer.from('abcdefghijkl').toString('base64')}$${key}`);
    expect(verifyMosquittoPasswdLine(line, 's3cret')).toBe(true);
    expect(verifyMosquittoPasswdLine(line, 's3cret!')).toBe(false);
    expect(() => mosquittoPasswdLine('a:b', h)).toThrow();
  });

  it("replaces, appends or removes one user's line and keeps the others", () => {
    const file = '# users\nhpg-ingest:$7$x\ndev-1:$7$old\ndev-10:$7$other\n';
    expect(upsertPasswdLine(file, 'dev-1', 'dev-1:$7$new')).toBe(
      '# users\nhpg-ingest:$7$x\ndev-1:$7$new\ndev-10:$7$other\n',
    );
    expect(upsertPasswdLine(file, 'dev-2', 'dev-2:$7$n')).toBe(`${file}dev-2:$7$n\n`);
    expect(upsertPasswdLine(file, 'dev-1', undefined)).toBe('# users\nhpg-ingest:$7$x\ndev-10:$7$other\n');
    expect(upsertPasswdLine('', 'dev-1', 'dev-1:$7$n')).toBe('dev-1:$7$n\n');
    expect(upsertPasswdLine('dev-1:$7$a\ndev-1:$7$b\n', 'dev-1', 'dev-1:$7$c')).toBe('dev-1:$7$c\n');
  });
});

describe('EMQX users CSV', () => {
  const registry = async (iterations: number[]) => {
    const creds = await Promise.all(
      iterations.map((it, i) => issueCredential(`pw-${i}`, { scrypt: cheap, brokerIterations: it })),
    );
    const device = (id: string, credentials: Credential[], enabled = true) => ({
      id,
      siteId: 'f1',
      kind: 'energy_meter',
      intervalSeconds: 60,
      enabled,
      credentials,
    });
    const legacy = { algo: 'scrypt' as const, ...cheap, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'x'.repeat(44) };
    return Registry.from({
      version: 1,
      localities: [{ id: 'hp', kind: 'city', name: 'HP', nameEn: 'HP', parentId: null }],
      sites: [{ id: 'f1', localityId: 'hp', name: 'F1', location: { lat: 20.8, lon: 106.7 }, kind: 'facility' }],
      devices: [
        ...creds.map((c, i) => device(`m${i}`, [legacy, c])),
        device('old', [legacy]),
        device('off', [creds[0] as Credential], false),
      ],
    });
  };

  it('lists each enabled device with its newest broker hash as EMQX computes it (hex PBKDF2 over the salt string)', async () => {
    const r = await registry([1000, 1000]);
    const users = emqxUsersCsv(r.data.devices);
    const lines = users.csv.trimEnd().split('\n');
    expect(lines[0]).toBe('user_id,password_hash,salt,is_superuser');
    expect(lines).toHaveLength(3);
    const [id, hash, salt, su] = (lines[1] as string).split(',');
    expect([id, su]).toEqual(['m0', 'false']);
    expect(hash).toBe(pbkdf2Sync('pw-0', salt as string, 1000, 64, 'sha512').toString('hex'));
    expect(users.iterations).toBe(1000);
    expect(users.skipped).toEqual([{ deviceId: 'old', why: expect.stringContaining('no broker hash') }]);
  });

  it('refuses devices hashed with different iteration counts (EMQX has one)', async () => {
    const r = await registry([1000, 2000]);
    expect(() => emqxUsersCsv(r.data.devices)).toThrow(/one iteration count/);
  });
});
