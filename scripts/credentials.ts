/**
 * Device credentials (README "Device credentials and ACLs"):
 *
 *   pnpm -s credentials issue <deviceId> [--registry file] [--mosquitto-passwd file] [--iterations n]
 *   pnpm -s credentials revoke <deviceId> [--keep-newest | --keep-oldest] [--registry file] [--mosquitto-passwd file]
 *   pnpm -s credentials service <user> --mosquitto-passwd file [--registry file] [--iterations n]
 *
 * `issue` generates a random password, adds its hashes (scrypt for the embedded broker, PBKDF2 for
 * Mosquitto/EMQX) to the device in the registry file as its newest credential, next to the one it
 * has (a rotation: both are valid on the embedded broker), writes the device's line of a Mosquitto
 * password file, and prints the password once on stdout (messages go to stderr). `revoke` ends a
 * rotation, keeping the newest credential (the device switched; the default) or the oldest (it
 * could not), and rewrites the device's Mosquitto line to match. `service` writes a Mosquitto line
 * for a user that is not a device (ingest, the health check) and prints its password.
 *
 * Registry default: HPG_REGISTRY, else config/registry.demo.json. Mosquitto rereads its password
 * file on SIGHUP (`bash infra/native/mosquitto.sh reload` for the native instance).
 */
import { parseArgs } from 'node:util';
import {
  afterRevoke,
  type BrokerHash,
  type Credential,
  currentBrokerHash,
  DEFAULT_BROKER_ITERATIONS,
  generateDevicePassword,
  hashBrokerPassword,
  issueCredential,
  mosquittoPasswdLine,
  Registry,
  RegistryError,
  upsertPasswdLine,
  withIssued,
} from '../packages/registry/src/index.ts';
import { fail, readText, registryPath, userPath, withLock, writeAtomically } from './broker-auth/files.ts';

const USAGE = `usage:
  pnpm -s credentials issue <deviceId> [--registry file] [--mosquitto-passwd file] [--iterations n]
  pnpm -s credentials revoke <deviceId> [--keep-newest | --keep-oldest] [--registry file] [--mosquitto-passwd file]
  pnpm -s credentials service <user> --mosquitto-passwd file [--registry file] [--iterations n]`;

let args: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: {
      registry: { type: 'string' },
      'mosquitto-passwd': { type: 'string' },
      iterations: { type: 'string' },
      'keep-newest': { type: 'boolean' },
      'keep-oldest': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
try {
  args = parse();
} catch (err) {
  fail(`${(err as Error).message}\n${USAGE}`, 2);
}
const [command, name, ...extra] = args.positionals;
if (args.values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (command === undefined || name === undefined || extra.length > 0) fail(USAGE, 2);

const iterations = (() => {
  const raw = args.values.iterations;
  if (raw === undefined) return DEFAULT_BROKER_ITERATIONS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1000 || n > 10_000_000) fail('--iterations: an integer from 1000 to 10000000', 2);
  return n;
})();
const passwdFile =
  args.values['mosquitto-passwd'] === undefined ? undefined : userPath(args.values['mosquitto-passwd']);
const registryFile = registryPath(args.values.registry);

interface RawRegistry {
  devices?: { id?: unknown; credentials?: Credential[] }[];
}

/** The registry file as written (unknown keys and defaults untouched), validated after the change. */
function loadRaw(): { text: string; raw: RawRegistry } {
  const text = readText(registryFile);
  if (text === undefined) throw new Error(`no registry file at ${registryFile}`);
  try {
    const raw = JSON.parse(text) as RawRegistry;
    Registry.from(raw);
    return { text, raw };
  } catch (err) {
    throw new Error(`${registryFile}: ${(err as Error).message}`);
  }
}

function rawDevice(raw: RawRegistry, id: string) {
  const d = raw.devices?.find((x) => x.id === id);
  if (d === undefined) throw new Error(`${registryFile}: no device "${id}"`);
  return d;
}

/** Writes the registry, then the password file; if the second fails, the registry is put back. */
function save(before: string, raw: RawRegistry, passwd?: { user: string; line: string | undefined }): void {
  let after: string;
  try {
    Registry.from(raw);
    after = `${JSON.stringify(raw, null, 2)}\n`;
  } catch (err) {
    const detail = err instanceof RegistryError ? err.problems.join('; ') : (err as Error).message;
    throw new Error(`the change would make the registry invalid: ${detail}`);
  }
  writeAtomically(registryFile, after, 0o644);
  if (passwd === undefined || passwdFile === undefined) return;
  try {
    writeAtomically(passwdFile, upsertPasswdLine(readText(passwdFile) ?? '', passwd.user, passwd.line));
  } catch (err) {
    writeAtomically(registryFile, before);
    throw new Error(`could not write ${passwdFile} (${(err as Error).message}); the registry was left unchanged`);
  }
}

/** Runs `fn` holding the registry's lock and, when one is written, the password file's. */
function lockedFiles<T>(fn: () => Promise<T>): Promise<T> {
  return withLock(registryFile, () => (passwdFile === undefined ? fn() : withLock(passwdFile, fn)));
}

/** When the change takes effect: brokers read these files at start and (Mosquitto) on SIGHUP. */
function reloadHint(registryToo = true): string {
  const when = [
    ...(registryToo ? ['the all-in-one at its next start'] : []),
    ...(passwdFile === undefined
      ? []
      : ['Mosquitto on SIGHUP (bash infra/native/mosquitto.sh reload, or kill -HUP its pid)']),
  ];
  return `; it takes effect when the broker reads the files again: ${when.join('; ')}`;
}

try {
  switch (command) {
    case 'issue':
      await lockedFiles(async () => {
        const { text, raw } = loadRaw();
        const device = rawDevice(raw, name);
        const password = generateDevicePassword();
        const issued = await issueCredential(password, { brokerIterations: iterations });
        try {
          device.credentials = withIssued(device.credentials ?? [], issued);
        } catch (err) {
          throw new Error(`device "${name}": ${(err as Error).message}`);
        }
        const line = mosquittoPasswdLine(name, issued.broker as BrokerHash);
        save(text, raw, { user: name, line });
        const n = device.credentials.length;
        process.stderr.write(
          `device "${name}": new credential issued in ${registryFile} (${n === 2 ? 'the old one stays valid on the embedded broker until "revoke"' : 'its only one'})${passwdFile === undefined ? '' : `; its line in ${passwdFile} now holds the new password only`}${reloadHint()}.\nThe password, shown once:\n`,
        );
        process.stdout.write(`${password}\n`);
      });
      break;
    case 'revoke': {
      if (args.values['keep-newest'] && args.values['keep-oldest']) fail('--keep-newest or --keep-oldest, not both', 2);
      const keep = args.values['keep-oldest'] ? 'oldest' : 'newest';
      await lockedFiles(async () => {
        const { text, raw } = loadRaw();
        const device = rawDevice(raw, name);
        try {
          device.credentials = afterRevoke(device.credentials ?? [], keep);
        } catch (err) {
          throw new Error(`device "${name}": ${(err as Error).message}`);
        }
        const h = currentBrokerHash(device.credentials);
        if (h === undefined && passwdFile !== undefined) {
          process.stderr.write(
            `device "${name}": the kept credential has no broker hash; its Mosquitto line is removed\n`,
          );
        }
        save(text, raw, { user: name, line: h === undefined ? undefined : mosquittoPasswdLine(name, h) });
        process.stderr.write(
          `device "${name}": kept its ${keep} credential in ${registryFile}, the other is revoked${reloadHint()}.\n`,
        );
      });
      break;
    }
    case 'service': {
      if (passwdFile === undefined) fail('service: --mosquitto-passwd is required', 2);
      if (!/^[A-Za-z0-9._-]{1,64}$/.test(name)) fail(`"${name}": letters, digits, ".", "_", "-"; at most 64`, 2);
      const text = readText(registryFile);
      if (text !== undefined && (JSON.parse(text) as RawRegistry).devices?.some((d) => d.id === name)) {
        fail(`"${name}" is a device in ${registryFile}: use "issue" for devices`);
      }
      await withLock(passwdFile, async () => {
        const password = generateDevicePassword();
        const line = mosquittoPasswdLine(name, await hashBrokerPassword(password, iterations));
        writeAtomically(passwdFile, upsertPasswdLine(readText(passwdFile) ?? '', name, line));
        process.stderr.write(
          `user "${name}" written to ${passwdFile}${reloadHint(false)}.\nThe password, shown once:\n`,
        );
        process.stdout.write(`${password}\n`);
      });
      break;
    }
    default:
      fail(USAGE, 2);
  }
} catch (err) {
  fail((err as Error).message);
}
