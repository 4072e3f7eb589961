/**
 * A throwaway `influxd` (1.x, as Debian ships it) for the adapter's tests: free ports on
 * 127.0.0.1, a temp directory for meta/data/wal, a generated config, killed after the suite.
 * It never touches the system instance (8086, /var/lib/influxdb).
 *
 * A missing engine fails the suite in CI (tests that are skipped there prove nothing) and is
 * skipped locally with a loud message.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, closeSync, constants, openSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe } from 'vitest';

const isCI = () => {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
};

/** `$HPG_INFLUXD_BIN`, else `influxd` on the PATH. */
export function findInfluxd(): string | undefined {
  const explicit = process.env.HPG_INFLUXD_BIN;
  const candidates =
    explicit !== undefined && explicit !== ''
      ? [explicit]
      : (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'influxd'));
  for (const path of candidates) {
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

const INSTALL_HINT =
  'install it with `apt-get install influxdb` (Debian: 1.6.x) or `bash infra/native/influxdb.sh install`, or set HPG_INFLUXD_BIN';

export interface InfluxdEngine {
  /** The binary; undefined when the suite is skipped. */
  readonly bin: string | undefined;
  readonly describe: typeof describe | typeof describe.skip;
}

/** `describe` when influxd is there; locally `describe.skip` with a warning; in CI it throws. */
export function influxdEngine(): InfluxdEngine {
  const bin = findInfluxd();
  if (bin !== undefined) return { bin, describe };
  if (isCI()) throw new Error(`influxd not found, and CI must run the InfluxDB store tests: ${INSTALL_HINT}`);
  console.warn(
    `\n!!! influxd not found: the InfluxDB store tests are SKIPPED (in CI they fail).\n!!! To run them, ${INSTALL_HINT}.\n`,
  );
  return { bin: undefined, describe: describe.skip };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export interface Influxd {
  readonly url: string;
  readonly version: string;
  stop(): Promise<void>;
}

function config(dir: string, httpPort: number, rpcPort: number): string {
  return `reporting-disabled = true
# The backup/restore RPC service; its default 127.0.0.1:8088 would clash with other instances.
bind-address = "127.0.0.1:${rpcPort}"

[meta]
  dir = "${dir}/meta"

[data]
  dir = "${dir}/data"
  wal-dir = "${dir}/wal"
  query-log-enabled = false

[http]
  bind-address = "127.0.0.1:${httpPort}"
  log-enabled = false

[monitor]
  store-enabled = false

[continuous_queries]
  enabled = false
`;
}

async function waitForPing(url: string, child: ChildProcess, log: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`influxd exited (${child.exitCode ?? child.signalCode}):\n${await tail(log)}`);
    }
    try {
      const res = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1_000) });
      await res.text();
      if (res.status === 204) return res.headers.get('x-influxdb-version') ?? 'unknown';
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline)
      throw new Error(`influxd did not answer /ping within ${timeoutMs} ms:\n${await tail(log)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function tail(log: string): Promise<string> {
  const text = await readFile(log, 'utf8').catch(() => '');
  return text.split('\n').slice(-20).join('\n');
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function startInfluxd(bin: string, timeoutMs = 30_000): Promise<Influxd> {
  const dir = await mkdtemp(join(tmpdir(), 'hpg-influxd-'));
  const log = join(dir, 'influxd.log');
  // A port found free can be taken before influxd binds it: try again with others.
  for (let attempt = 1; ; attempt++) {
    const [httpPort, rpcPort] = [await freePort(), await freePort()];
    const conf = join(dir, 'influxdb.conf');
    await writeFile(conf, config(dir, httpPort, rpcPort));
    const fd = openSync(log, 'a');
    const child = spawn(bin, ['run', '-config', conf], { stdio: ['ignore', fd, fd] });
    closeSync(fd);
    const url = `http://127.0.0.1:${httpPort}`;
    try {
      const version = await waitForPing(url, child, log, timeoutMs);
      return {
        url,
        version,
        stop: async () => {
          await stopChild(child);
          await rm(dir, { recursive: true, force: true });
        },
      };
    } catch (err) {
      await stopChild(child);
      if (attempt >= 3 || !String(err).includes('address already in use')) {
        await rm(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }
}

/** Raw InfluxQL against the test server, for setup and for looking behind the adapter. */
export async function influxql(url: string, q: string, db?: string): Promise<unknown[][]> {
  const params = new URLSearchParams({ q, epoch: 'ms' });
  if (db !== undefined) params.set('db', db);
  const res = await fetch(`${url}/query`, { method: 'POST', body: params });
  const body = (await res.json()) as {
    results?: { error?: string; series?: { values?: unknown[][] }[] }[];
    error?: string;
  };
  const error = body.error ?? body.results?.find((r) => r.error !== undefined)?.error;
  if (error !== undefined) throw new Error(`${q}: ${error}`);
  return (body.results ?? []).flatMap((r) => (r.series ?? []).flatMap((s) => s.values ?? []));
}

/** Raw line protocol, for points the adapter would never write. */
export async function writeRaw(url: string, db: string, lines: string, precision = 'ms'): Promise<void> {
  const res = await fetch(`${url}/write?db=${encodeURIComponent(db)}&precision=${precision}`, {
    method: 'POST',
    body: lines,
  });
  const text = await res.text();
  if (res.status !== 204) throw new Error(`write: HTTP ${res.status} ${text}`);
}
