/**
 * Device passwords are kept only as salted scrypt hashes (RFC 7914), with their cost parameters
 * stored beside them so they can be raised per device without a flag day.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { Credential } from './schema.ts';

/** Interactive-login cost recommended for scrypt (N = 2^14, r = 8, p = 1: 16 MiB, tens of ms). */
export const DEFAULT_SCRYPT = { n: 16_384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, c: { n: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_LENGTH, { N: c.n, r: c.r, p: c.p, maxmem: 256 * c.n * c.r }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

export async function hashPassword(
  password: string,
  cost: { n: number; r: number; p: number } = DEFAULT_SCRYPT,
): Promise<Credential> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, cost);
  return { algo: 'scrypt', ...cost, salt: salt.toString('base64'), hash: key.toString('base64') };
}

/** True when `password` matches one of the credentials (two may be valid during a rotation). */
export async function verifyPassword(password: string, credentials: readonly Credential[]): Promise<boolean> {
  for (const c of credentials) {
    const expected = Buffer.from(c.hash, 'base64');
    const key = await derive(password, Buffer.from(c.salt, 'base64'), c);
    if (key.length === expected.length && timingSafeEqual(key, expected)) return true;
  }
  return false;
}
