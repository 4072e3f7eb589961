/**
 * Device passwords are kept only as salted scrypt hashes (RFC 7914), with their cost parameters
 * stored beside them so they can be raised per device without a flag day. A credential may also
 * carry the PBKDF2-HMAC-SHA512 hash of the same password for an external broker (Mosquitto, EMQX),
 * which cannot check scrypt: the broker files are then generated from the registry.
 *
 * Rotation: a device holds one credential, or two while it switches passwords (the old one and
 * the newly issued one, which is last); finishing the rotation keeps the newest only.
 */
import { pbkdf2, randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';
import type { BrokerHash, Credential } from './schema.ts';

/** Interactive-login cost recommended for scrypt (N = 2^14, r = 8, p = 1: 16 MiB, tens of ms). */
export const DEFAULT_SCRYPT = { n: 16_384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

/**
 * PBKDF2 iterations of broker hashes. Issued passwords are 192 random bits, which no iteration
 * count makes guessable or unguessable; the count mostly costs the broker, which hashes on every
 * CONNECT on its one thread (about 6 ms here at 10,000, so a thousand devices reconnecting after
 * a restart cost it six seconds). Mosquitto's own tool uses 101 (2.0) or 1,000 (2.1), EMQX 4,096.
 */
export const DEFAULT_BROKER_ITERATIONS = 10_000;
const BROKER_KEY_LENGTH = 64;
const SALT_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

function derive(password: string, salt: Buffer, c: { n: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_LENGTH, { N: c.n, r: c.r, p: c.p, maxmem: 256 * c.n * c.r }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

function deriveBroker(password: string, salt: string, iterations: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    pbkdf2(password, Buffer.from(salt, 'utf8'), iterations, BROKER_KEY_LENGTH, 'sha512', (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** A new device password: 24 random bytes as base64url (32 characters, 192 bits). */
export function generateDevicePassword(): string {
  return randomBytes(24).toString('base64url');
}

export async function hashPassword(
  password: string,
  cost: { n: number; r: number; p: number } = DEFAULT_SCRYPT,
): Promise<Credential> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, cost);
  return { algo: 'scrypt', ...cost, salt: salt.toString('base64'), hash: key.toString('base64') };
}

/** The broker hash of a password; `salt` (12 characters of the salt alphabet) is random unless given. */
export async function hashBrokerPassword(
  password: string,
  iterations: number = DEFAULT_BROKER_ITERATIONS,
  salt: string = Array.from({ length: 12 }, () => SALT_ALPHABET[randomInt(SALT_ALPHABET.length)]).join(''),
): Promise<BrokerHash> {
  const key = await deriveBroker(password, salt, iterations);
  return { algo: 'pbkdf2-sha512', iterations, salt, hash: key.toString('base64') };
}

export async function verifyBrokerPassword(password: string, h: BrokerHash): Promise<boolean> {
  const expected = Buffer.from(h.hash, 'base64');
  const key = await deriveBroker(password, h.salt, h.iterations);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A credential for a new password: its scrypt hash and its broker hash, stamped with the time. */
export async function issueCredential(
  password: string,
  options: { scrypt?: { n: number; r: number; p: number }; brokerIterations?: number; now?: Date } = {},
): Promise<Credential> {
  const [scrypted, broker] = await Promise.all([
    hashPassword(password, options.scrypt),
    hashBrokerPassword(password, options.brokerIterations),
  ]);
  return { ...scrypted, broker, issuedAt: (options.now ?? new Date()).toISOString() };
}

/** The credential `password` matches, if any (two may be valid during a rotation). */
export async function matchingCredential(
  password: string,
  credentials: readonly Credential[],
): Promise<Credential | undefined> {
  for (const c of credentials) {
    const expected = Buffer.from(c.hash, 'base64');
    const key = await derive(password, Buffer.from(c.salt, 'base64'), c);
    if (key.length === expected.length && timingSafeEqual(key, expected)) return c;
  }
  return undefined;
}

/** True when `password` matches one of the credentials (two may be valid during a rotation). */
export async function verifyPassword(password: string, credentials: readonly Credential[]): Promise<boolean> {
  return (await matchingCredential(password, credentials)) !== undefined;
}

/**
 * Starts a rotation: the new credential goes last. A device holds at most two, and which of two a
 * device mid-rotation still uses is not known here, so a third is refused rather than dropping one.
 */
export function withIssued(credentials: readonly Credential[], issued: Credential): Credential[] {
  if (credentials.length >= 2) {
    throw new Error(
      'a rotation is in progress (two credentials): finish it (revoke --keep-newest) or abandon it (revoke --keep-oldest) first',
    );
  }
  return [...credentials, issued];
}

/**
 * Ends a rotation: keeps the newest credential (the device switched) or the oldest (it could
 * not: the new password is withdrawn). Throws when there is nothing to revoke.
 */
export function afterRevoke(credentials: readonly Credential[], keep: 'newest' | 'oldest'): Credential[] {
  if (credentials.length < 2) {
    throw new Error(
      'the device has a single credential: nothing to revoke (issue a new one first; to lock a device out, disable it)',
    );
  }
  const kept = keep === 'newest' ? credentials.at(-1) : credentials[0];
  return kept === undefined ? [] : [kept];
}
