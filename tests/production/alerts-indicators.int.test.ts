/**
 * The alert and indicator services as their own processes on the real engines: a camera's
 * detection through Mosquitto and Kafka reaches the police's webhook (signature checked here), is
 * acknowledged through the link on the alert service's own port, and the indicator service writes
 * the month's points into InfluxDB from what the writer stored. Production mode refuses to start
 * the alert service without a link secret.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openInfluxStore } from '@hpg/store-influx';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { USER_PASSWORD, writeFleetRegistry, writeFleetUsers } from '../e2e/fleet-fixture.ts';
import { freePort } from '../engines/engines.ts';
import { type Engines, isolation, type ServiceProcess, serviceEnv, startService, stopService } from './stack.ts';

const engines = inject('engines');
const complete = engines?.kafka !== undefined && engines.influx !== undefined && engines.mqtt !== undefined;
const describeWithEngines = complete ? describe : describe.skip;
const e = engines as Engines;
const SECRET = 'police-webhook-secret-for-the-production-test';
const LINK_SECRET = 'link-secret-for-the-production-test-0123456789';
const SESSION_SECRET = 'session-secret-for-the-production-test-0123456789';

describeWithEngines('alert and indicator services on Kafka and InfluxDB', () => {
  const services: ServiceProcess[] = [];
  const clients: MqttClient[] = [];
  const hooks: { body: string; ok: boolean }[] = [];
  let receiver: Server;
  let env: Record<string, string>;
  let alertsHttp: string;
  let database: string;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        const expected = `sha256=${createHmac('sha256', SECRET).update(`${req.headers['x-hpg-timestamp']}.${body}`).digest('hex')}`;
        hooks.push({ body, ok: req.headers['x-hpg-signature'] === expected });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const hookPort = (receiver.address() as { port: number }).port;
    const dir = mkdtempSync(join(tmpdir(), 'hpg-prod-alerts-'));
    writeFileSync(
      join(dir, 'rules.json'),
      JSON.stringify({
        version: 1,
        localities: [
          {
            localityId: 'hai-phong',
            dumping: { labels: ['waste'], minScore: 0.7, dedupeWindowMinutes: 60 },
            contacts: {
              police: {
                escalateAfterMinutes: 30,
                chain: [
                  {
                    id: 'ca-vinh-am',
                    name: 'Công an xã Vĩnh Am',
                    reach: { webhook: { url: `http://127.0.0.1:${hookPort}/h`, secretRef: 'police' } },
                  },
                ],
              },
            },
          },
        ],
      }),
    );
    const iso = isolation();
    database = iso.database;
    const { file } = await writeFleetRegistry();
    const alertsPort = await freePort();
    alertsHttp = `http://127.0.0.1:${alertsPort}`;
    env = {
      ...serviceEnv(e, iso, file),
      HPG_ENV: 'production',
      HPG_ALERT_RULES: join(dir, 'rules.json'),
      HPG_ALERT_STORE_PATH: join(dir, 'alerts.sqlite'),
      HPG_ALERT_SECRET_POLICE: SECRET,
      HPG_ALERT_LINK_SECRET: LINK_SECRET,
      HPG_ALERT_LINK_BASE_URL: `${alertsHttp}/api/v1/alerts/actions`,
      HPG_ALERT_HTTP_PORT: String(alertsPort),
      HPG_SESSION_SECRET: SESSION_SECRET,
      HPG_USERS_FILE: await writeFleetUsers(dir),
      HPG_EVIDENCE_DIR: join(dir, 'evidence'),
      HPG_EVIDENCE_AUDIT_PATH: join(dir, 'evidence-audit.sqlite'),
      HPG_INFLUX_CREATE_DATABASE: 'true',
      HPG_INDICATORS_TICK_MS: '500',
      HPG_INDICATORS_SETTLE_MS: '1000',
      HPG_INDICATORS_LIVE_EVERY_MS: '0',
    };
    services.push(await startService('writer', env));
    services.push(await startService('alerts', env));
    services.push(await startService('indicators', env));
    services.push(await startService('ingest', env));
    for (const id of ['cam-e2e-01', 'pv-e2e-01']) {
      clients.push(await mqtt.connectAsync(e.mqtt.url, { clientId: `${id}-${iso.kafkaPrefix}`, username: id }));
    }
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await Promise.all(services.map((s) => stopService(s)));
    await new Promise((r) => receiver?.close(r));
  });

  it('sends a signed webhook for a detection and takes the acknowledgement through its link', async () => {
    const now = Date.now();
    const payload = {
      v: 1,
      deviceId: 'cam-e2e-01',
      ts: new Date(now - 60_000).toISOString(),
      eventId: 'prod-evt-1',
      phase: 'start',
      label: 'waste',
      score: 0.93,
      zone: 'bank',
      startedAt: new Date(now - 60_000).toISOString(),
    };
    await clients[0]?.publishAsync('hpg/v1/devices/cam-e2e-01/detection', JSON.stringify(payload), { qos: 1 });
    const deadline = Date.now() + 60_000;
    while (hooks.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(hooks).toHaveLength(1);
    expect(hooks[0]?.ok).toBe(true);
    const links = (JSON.parse(hooks[0]?.body ?? '{}') as { links: Record<string, string> }).links;
    const link = Object.values(links).find(
      (l) => typeof l === 'string' && l.startsWith(`${alertsHttp}/api/v1/alerts/actions/`),
    ) as string;
    expect(link).toBeDefined();
    const acted = await fetch(link, { method: 'POST' });
    expect(acted.status).toBe(200);
    // The inbox wants a sign-in: the commune's police, with the token the API would give too.
    expect((await fetch(`${alertsHttp}/api/v1/alerts?localityId=vinh-am`)).status).toBe(401);
    const login = await fetch(`${alertsHttp}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ca-vinh-am', password: USER_PASSWORD('ca-vinh-am') }),
    });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    const authorization = `Bearer ${token}`;
    const list = (await (
      await fetch(`${alertsHttp}/api/v1/alerts?localityId=vinh-am`, { headers: { authorization } })
    ).json()) as {
      alerts: { status: string; kind: string }[];
    };
    expect(list.alerts).toEqual([expect.objectContaining({ kind: 'dumping', status: 'acknowledged' })]);
  });

  it('writes the month’s indicator points into InfluxDB from what the writer stored', async () => {
    const base = Date.now() - 2 * 3_600_000;
    const solar = (i: number, wh: number) =>
      JSON.stringify({
        v: 1,
        deviceId: 'pv-e2e-01',
        ts: new Date(base + i * 60_000).toISOString(),
        state: 'mppt',
        metrics: { ac_power: { value: 1500, unit: 'W' }, energy_lifetime: { value: wh, unit: 'Wh' } },
      });
    for (const [i, wh] of [
      [0, 10_000],
      [1, 10_400],
      [2, 11_000],
    ] as const) {
      await clients[1]?.publishAsync('hpg/v1/devices/pv-e2e-01/telemetry', solar(i, wh), { qos: 1 });
    }
    const store = await openInfluxStore({ url: e.influx.url, database });
    try {
      const local = new Date(base + 7 * 3_600_000);
      const label = `${local.getUTCFullYear()}-${String(local.getUTCMonth() + 1).padStart(2, '0')}`;
      const deadline = Date.now() + 90_000;
      let value: number | null | undefined;
      while (Date.now() < deadline) {
        const points = await store.queryIndicators({
          indicators: ['solar.energy_kwh'],
          scopeIds: ['tan-minh'],
          period: 'month',
          from: 0,
          to: Date.now() + 86_400_000 * 32,
          limit: 100,
        });
        value = points.find((p) => p.label === label)?.value;
        if (value === 1) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      // 10,000 → 11,000 Wh: 1 kWh.
      expect(value).toBe(1);
    } finally {
      await store.close();
    }
  });

  it.each([
    ['a link secret', 'HPG_ALERT_LINK_SECRET'],
    ['a session secret', 'HPG_SESSION_SECRET'],
  ])('refuses to start the alert service in production without %s', async (_what, name) => {
    const { [name]: _drop, ...without } = env;
    const port = await freePort();
    await expect(
      startService('alerts', {
        ...without,
        HPG_ALERT_HTTP_PORT: String(port),
        HPG_ALERT_STORE_PATH: join(tmpdir(), `a-${port}.sqlite`),
      }),
    ).rejects.toThrow(new RegExp(name));
  });
});
