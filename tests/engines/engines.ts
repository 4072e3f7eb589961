/**
 * Throwaway instances of the production engines (Kafka, InfluxDB, Mosquitto) for integration
 * tests, started with the native scripts in infra/native on free ports and private data
 * directories, so they never meet the machine's own services.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

export type EngineName = 'kafka' | 'influxdb' | 'mosquitto';

export interface EngineHandle {
  /** The environment that names this instance to its script (ports, data dir). */
  readonly env: Record<string, string>;
}

export interface EnginesInfo {
  readonly kafka?: EngineHandle & { readonly bootstrap: string };
  readonly influx?: EngineHandle & { readonly url: string };
  readonly mqtt?: EngineHandle & { readonly url: string };
}

/** Ports this process handed out: the kernel may give a just-closed port again to the next caller. */
const handedOut = new Set<number>();

export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await new Promise<number>((res, rej) => {
      const s = createServer();
      s.once('error', rej);
      s.listen(0, '127.0.0.1', () => {
        const a = s.address();
        s.close(() => (typeof a === 'object' && a !== null ? res(a.port) : rej(new Error('no port'))));
      });
    });
    // Engines started side by side each ask for ports before any binds them.
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('no free port that this process has not already handed out');
}

/** Runs `infra/native/<engine>.sh <command>` for the instance named by `env`. */
export function engineScript(engine: EngineName, command: string, env: Record<string, string>): Promise<string> {
  return new Promise((res, rej) => {
    const child = spawn('bash', [join(ROOT, 'infra/native', `${engine}.sh`), command], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('error', rej);
    child.on('exit', (code) =>
      code === 0 ? res(out) : rej(new Error(`${engine}.sh ${command} exited ${code}:\n${out.slice(-3000)}`)),
    );
  });
}

/** Mosquitto settings the delivery guarantees rely on (see infra/README.md). */
export const MOSQUITTO_DELIVERY_CONF = ['max_inflight_messages 1000', 'max_queued_messages 0', 'persistence true'].join(
  '\n',
);

export async function startKafka(): Promise<NonNullable<EnginesInfo['kafka']>> {
  const port = await freePort();
  const controller = await freePort();
  const env = {
    HPG_KAFKA_PORT: String(port),
    HPG_KAFKA_CONTROLLER_PORT: String(controller),
    HPG_KAFKA_DATA_DIR: mkdtempSync(join(tmpdir(), 'hpg-kafka-')),
  };
  await engineScript('kafka', 'start', env);
  return { env, bootstrap: `127.0.0.1:${port}` };
}

export async function startInflux(): Promise<NonNullable<EnginesInfo['influx']>> {
  const port = await freePort();
  const rpc = await freePort();
  const env = {
    HPG_INFLUX_PORT: String(port),
    HPG_INFLUX_RPC_PORT: String(rpc),
    HPG_INFLUX_DATA_DIR: mkdtempSync(join(tmpdir(), 'hpg-influx-')),
  };
  await engineScript('influxdb', 'start', env);
  return { env, url: `http://127.0.0.1:${port}` };
}

export async function startMosquitto(): Promise<NonNullable<EnginesInfo['mqtt']>> {
  const port = await freePort();
  const env = {
    HPG_MOSQUITTO_PORT: String(port),
    HPG_MOSQUITTO_DATA_DIR: mkdtempSync(join(tmpdir(), 'hpg-mosquitto-')),
    HPG_MOSQUITTO_EXTRA_CONF: MOSQUITTO_DELIVERY_CONF,
  };
  await engineScript('mosquitto', 'start', env);
  return { env, url: `mqtt://127.0.0.1:${port}` };
}
