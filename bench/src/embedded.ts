/**
 * Embedded-mode throughput: the all-in-one process (its own process, one core's worth of work)
 * fed by the load generator (a second process), against the raw broker ceiling measured in the
 * same run with the same load generator; then publish → queryable latency: 200 probe readings
 * among a fixed load (default 5,000 msg/s), each polled through the API until it is returned.
 * CPU and RSS of the all-in-one (its /metrics) and of the load generator over the throughput
 * phase. Prints a table and writes JSON (bench-results/embedded.json).
 *
 *   node bench/src/embedded.ts [devices=100] [seconds=15] [window=32] [latencyRate=5000]
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SERVICE_ENV } from '@hpg/platform';
import mqtt from 'mqtt';
import { freePort } from '../../tests/engines/engines.ts';
import { benchDeviceId, benchPassword, writeBenchRegistry } from './bench-fleet.ts';
import { percentile, probeLatencies, serviceArgs } from './stack.ts';

const [devicesArg = '100', secondsArg = '15', windowArg = '32', latencyRateArg = '5000'] = process.argv.slice(2);
const root = resolve(import.meta.dirname, '../..');

function run(args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('exit', (code) => (code === 0 ? res(out) : rej(new Error(`${args.join(' ')} exited ${code}`))));
  });
}

async function metric(api: string, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${api}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `) || l.startsWith(`${name}${labels}{`));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

const dir = mkdtempSync(join(tmpdir(), 'hpg-bench-'));
try {
  const registry = join(dir, 'registry.json');
  // One more device than the load generator uses: the latency probe.
  await writeBenchRegistry(registry, Number(devicesArg) + 1);

  // Baseline: the broker alone (Aedes, no authentication, no ingest), same load generator.
  const ceilingPort = await freePort();
  const ceiling = spawn(process.execPath, ['bench/src/broker-ceiling.ts', String(ceilingPort)], {
    cwd: root,
    stdio: 'inherit',
  });
  await new Promise((r) => setTimeout(r, 800));
  const baseline = JSON.parse(
    await run(['bench/src/load.ts', `mqtt://127.0.0.1:${ceilingPort}`, devicesArg, secondsArg, windowArg]),
  );
  ceiling.kill('SIGTERM');

  const mqttPort = await freePort();
  const apiPort = await freePort();
  // The bench registry has one locality; the alert rules must name only it (the engine watches every reading).
  const rules = join(dir, 'alert-rules.json');
  writeFileSync(
    rules,
    JSON.stringify({
      version: 1,
      localities: [
        {
          localityId: 'hai-phong',
          devices: {
            offline: { deviceKinds: ['energy_meter'], missedIntervals: 3, minMinutes: 15, severity: 'medium' },
          },
          // Rules that apply need someone to tell (the alert rules refuse otherwise); no channel is on here.
          contacts: {
            operator: {
              escalateAfterMinutes: 60,
              chain: [{ id: 'bench-operator', name: 'Vận hành (thử nghiệm)', reach: { email: 'ops@example.org' } }],
            },
          },
        },
      ],
    }),
  );
  const app = spawn(process.execPath, await serviceArgs('all-in-one'), {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      ...SERVICE_ENV,
      HPG_REGISTRY: registry,
      HPG_MQTT_PORT: String(mqttPort),
      HPG_API_PORT: String(apiPort),
      HPG_STORE_PATH: join(dir, 'store.sqlite'),
      HPG_SIM_ENABLED: 'false',
      HPG_AUTH_ENABLED: 'false',
      HPG_ALERT_RULES: rules,
      HPG_LOG_LEVEL: 'warn',
    },
  });
  const api = `http://127.0.0.1:${apiPort}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${api}/healthz`)).ok) break;
    } catch {}
    if (i > 100 || app.exitCode !== null) throw new Error('all-in-one did not start (HPG_LOG_LEVEL=warn shows why)');
    await new Promise((r) => setTimeout(r, 100));
  }
  const cpu0 = await metric(api, 'hpg_process_cpu_seconds_total');
  const t0 = performance.now();
  const load = JSON.parse(
    await run(['bench/src/load.ts', `mqtt://127.0.0.1:${mqttPort}`, devicesArg, secondsArg, windowArg]),
  );
  let stored = 0;
  for (;;) {
    stored = await metric(api, 'hpg_writer_records_total', '{topic="readings"}');
    if (stored >= load.acked) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const wall = (performance.now() - t0) / 1000;
  const endToEnd = stored / wall;
  const appCpuPercent = (((await metric(api, 'hpg_process_cpu_seconds_total')) - cpu0) / wall) * 100;
  const rss = await metric(api, 'hpg_process_resident_memory_bytes');

  // Latency: probes among a fixed-rate load, each polled through the API until it is stored.
  const latencyLoad = run([
    'bench/src/load.ts',
    `mqtt://127.0.0.1:${mqttPort}`,
    devicesArg,
    '25',
    windowArg,
    latencyRateArg,
  ]);
  await new Promise((r) => setTimeout(r, 3_000));
  const probeId = benchDeviceId(Number(devicesArg));
  const probe = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, {
    clientId: probeId,
    username: probeId,
    password: benchPassword(probeId),
    clean: true,
  });
  const latencies = await probeLatencies(probe, probeId, async (ts) => {
    const body = (await (await fetch(`${api}/api/v1/readings?deviceId=${probeId}&from=${ts}&to=${ts + 1}`)).json()) as {
      count?: number;
    };
    return (body.count ?? 0) > 0;
  });
  await probe.endAsync();
  await latencyLoad;
  const pct = (p: number) => Math.round(percentile(latencies, p));
  const refused = await metric(api, 'hpg_ingest_messages_total', '{outcome="refusal"}');
  app.kill('SIGTERM');
  await new Promise((r) => app.on('exit', r));
  const result = {
    devices: Number(devicesArg),
    seconds: Number(secondsArg),
    window: Number(windowArg),
    brokerCeilingMsgPerSec: Math.round(baseline.rate),
    pipelineAckedMsgPerSec: Math.round(load.rate),
    pipelineStoredMsgPerSec: Math.round(endToEnd),
    ratioToCeiling: Number((load.rate / baseline.rate).toFixed(3)),
    stored,
    refused,
    rssMb: Math.round(rss / 1e6),
    allInOneCpuPercent: Math.round(appCpuPercent),
    loadGeneratorCpuPercent: Math.round((load.cpuSeconds / wall) * 100),
    latencyRateMsgPerSec: Number(latencyRateArg),
    probes: latencies.length,
    latencyP50Ms: pct(50),
    latencyP95Ms: pct(95),
    latencyP99Ms: pct(99),
  };
  console.table(result);
  mkdirSync(join(root, 'bench-results'), { recursive: true });
  writeFileSync(join(root, 'bench-results', 'embedded.json'), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
