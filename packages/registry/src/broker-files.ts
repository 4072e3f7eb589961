/**
 * Credential files of external brokers, made from the registry's broker hashes (no I/O here):
 *
 * - Mosquitto 2 `password_file`: one `user:$7$<iterations>$<salt>$<hash>` line per user, salt and
 *   hash base64 (the format `mosquitto_passwd` writes for `sha512-pbkdf2`). One password per user:
 *   a device's line carries its newest credential.
 * - EMQX built-in database: the CSV its `bootstrap_file` (with `bootstrap_type = hash`) and its
 *   import-users API read, `user_id,password_hash,salt,is_superuser`, the hash as lowercase hex,
 *   for `password_hash_algorithm {name = pbkdf2, mac_fun = sha512, iterations = N}`: one iteration
 *   count for every user, which the CSV therefore requires.
 */
import { pbkdf2Sync, timingSafeEqual } from 'node:crypto';
import type { BrokerHash, Credential, Device } from './schema.ts';

/** Mosquitto's password-file line of a user. */
export function mosquittoPasswdLine(user: string, h: BrokerHash): string {
  if (!/^[^\s:]+$/.test(user)) throw new Error(`"${user}" cannot be a Mosquitto user name (no ":" or white space)`);
  return `${user}:$7$${h.iterations}$${Buffer.from(h.salt, 'utf8').toString('base64')}$${h.hash}`;
}

/**
 * Whether a Mosquitto `$7$` password-file line (any salt bytes, as `mosquitto_passwd` writes them)
 * accepts the password: a check of the format, for tests and operators.
 */
export function verifyMosquittoPasswdLine(line: string, password: string): boolean {
  const m = /^[^:]+:\$7\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(line.trim());
  if (m === null) return false;
  const expected = Buffer.from(m[3] as string, 'base64');
  const key = pbkdf2Sync(password, Buffer.from(m[2] as string, 'base64'), Number(m[1]), expected.length, 'sha512');
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** The broker hash a broker should check for a device: its newest credential's, if it has one. */
export function currentBrokerHash(credentials: readonly Credential[]): BrokerHash | undefined {
  return credentials.at(-1)?.broker;
}

/**
 * A password file with the user's line replaced, appended when missing, or removed when `line` is
 * undefined; every other line (other users, comments) is kept as it was.
 */
export function upsertPasswdLine(text: string, user: string, line: string | undefined): string {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const out: string[] = [];
  let placed = false;
  for (const l of lines) {
    const colon = l.indexOf(':');
    if (colon > 0 && l.slice(0, colon) === user) {
      if (line !== undefined && !placed) out.push(line);
      placed = true;
    } else {
      out.push(l);
    }
  }
  if (!placed && line !== undefined) out.push(line);
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

export interface EmqxUsers {
  readonly csv: string;
  /** The PBKDF2 iteration count EMQX's authenticator must be configured with. */
  readonly iterations: number | undefined;
  /** Enabled devices left out, with why. */
  readonly skipped: readonly { readonly deviceId: string; readonly why: string }[];
}

/** EMQX's user CSV for the enabled devices whose newest credential has a broker hash. */
export function emqxUsersCsv(devices: readonly Device[]): EmqxUsers {
  const rows = ['user_id,password_hash,salt,is_superuser'];
  const skipped: { deviceId: string; why: string }[] = [];
  let iterations: number | undefined;
  for (const d of [...devices].sort((a, b) => a.id.localeCompare(b.id))) {
    if (!d.enabled) continue;
    const h = currentBrokerHash(d.credentials);
    if (h === undefined) {
      skipped.push({ deviceId: d.id, why: 'its newest credential has no broker hash (issue one)' });
      continue;
    }
    iterations ??= h.iterations;
    if (h.iterations !== iterations) {
      throw new Error(
        `EMQX checks every user with one iteration count: device "${d.id}" has ${h.iterations}, others ${iterations}; reissue to align them`,
      );
    }
    rows.push(`${d.id},${Buffer.from(h.hash, 'base64').toString('hex')},${h.salt},false`);
  }
  return { csv: `${rows.join('\n')}\n`, iterations, skipped };
}
