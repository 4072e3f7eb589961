/**
 * File handling shared by the credential and ACL commands: paths relative to where pnpm was
 * invoked, atomic replacement (a broker reloading mid-write never reads half a file), and a lock
 * so two operators do not rotate against the same registry at once.
 */
import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** `pnpm <script>` runs in the repository root; INIT_CWD is where the operator typed it. */
export function userPath(p: string): string {
  return resolve(process.env.INIT_CWD ?? process.cwd(), p);
}

/** The registry file: `--registry`, else HPG_REGISTRY, else the demo registry. */
export function registryPath(flag: string | undefined): string {
  return userPath(flag ?? process.env.HPG_REGISTRY ?? 'config/registry.demo.json');
}

export function readText(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

/**
 * Replaces the file's content at once (write beside it, then rename), keeping its permissions; a
 * new file gets `mode` (credential files: 0600, readable by the broker's user only).
 */
export function writeAtomically(path: string, text: string, mode = 0o600): void {
  const keep = existsSync(path) ? statSync(path).mode & 0o777 : mode;
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  writeFileSync(tmp, text, { mode: keep });
  try {
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** Runs `fn` holding `<path>.lock` (created exclusively), removed afterwards. */
export async function withLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${path}.lock`;
  let fd: number;
  try {
    fd = openSync(lock, 'wx');
  } catch {
    throw new Error(`${lock} exists: another credentials command is running (or one crashed: remove the file)`);
  }
  closeSync(fd);
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

/** Prints the message to stderr and exits 1 (usage 2). */
export function fail(message: string, code = 1): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}
