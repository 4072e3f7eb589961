/**
 * Dumping alerts through the whole all-in-one: a camera publishes a detection over MQTT, the
 * commune police's system receives a signed webhook (verified here with our own HMAC check),
 * follows the acknowledgement link in it (GET shows a page, POST acts), the inbox resolves the
 * alert, each change is on the bus, and the dumping indicators count the police's outcome.
 */
import { createHmac } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { type AllInOne, AllInOneConfigSchema, startAllInOne } from '@hpg/all-in-one';
import type { AlertNotice } from '@hpg/contracts';
import { createLogger } from '@hpg/platform';
import { eventually } from '@hpg/ports/testing';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVICES, PASSWORD, policeRules, writeFleetRegistry } from './fleet-fixture.ts';

const SECRET = 'police-vinh-am-shared-secret-0123456789';

interface Received {
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  readonly signatureOk: boolean;
}

describe('dumping alert to the commune police, end to end', () => {
  let dir: string;
  let app: AllInOne;
  let receiver: Server;
  const received: Received[] = [];
  const notices: AlertNotice[] = [];
  let client: mqtt.MqttClient;

  beforeAll(async () => {
    const written = await writeFleetRegistry();
    dir = written.dir;
    const fleet = written.file;
    receiver = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => {
        body += c;
      });
      req.on('end', () => {
        const ts = String(req.headers['x-hpg-timestamp']);
        const expected = `sha256=${createHmac('sha256', SECRET).update(`${ts}.${body}`).digest('hex')}`;
        received.push({ headers: req.headers, body, signatureOk: req.headers['x-hpg-signature'] === expected });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const port = (receiver.address() as { port: number }).port;
    const rules = policeRules(
      { webhook: { url: `http://127.0.0.1:${port}/hook`, secretRef: 'police-vinh-am' } },
      { minScore: 0.7, escalateAfterMinutes: 15, severity: 'high' },
    );
    writeFileSync(join(dir, 'rules.json'), JSON.stringify(rules));
    writeFileSync(join(dir, 'secrets.json'), JSON.stringify({ 'police-vinh-am': SECRET }));
    const config = AllInOneConfigSchema.parse({
      registryFile: fleet,
      mqtt: { port: 0 },
      api: { port: 0 },
      store: { path: join(dir, 'store.sqlite') },
      simulator: { enabled: false },
      auth: { enabled: false },
      indicators: { enabled: false },
      alerts: {
        rulesFile: join(dir, 'rules.json'),
        storePath: join(dir, 'alerts.sqlite'),
        secretsFile: join(dir, 'secrets.json'),
        tickMs: 200,
        channels: { webhook: { enabled: true } },
      },
      log: { level: 'silent' },
    });
    app = await startAllInOne(config, createLogger({ name: 'e2e-alerts', level: 'silent' }));
    await app.bus.subscribe('alerts', { group: 'e2e-watch' }, async (batch) => {
      notices.push(...batch);
    });
    client = await mqtt.connectAsync(app.mqttUrl, {
      username: DEVICES.cam,
      password: PASSWORD(DEVICES.cam),
      clientId: 'e2e-cam',
      reconnectPeriod: 0,
    });
  });

  afterAll(async () => {
    await client?.endAsync();
    await app?.stop();
    await new Promise((r) => receiver?.close(r));
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  const api = async (path: string, init?: RequestInit) => {
    const res = await fetch(`${app.apiUrl}${path}`, init);
    const text = await res.text();
    return { status: res.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
  };
  const detection = (eventId: string, score: number, at: number) =>
    JSON.stringify({
      v: 1,
      deviceId: DEVICES.cam,
      ts: new Date(at).toISOString(),
      eventId,
      phase: 'start',
      label: 'waste',
      score,
      zone: 'bank',
      box: [10, 10, 200, 180],
      snapshot: { url: `http://nvr.local/api/events/${eventId}/snapshot.jpg` },
      startedAt: new Date(at).toISOString(),
    });

  it('tells the police once per pile, signed, in Vietnamese, with a link to acknowledge', async () => {
    const now = Date.now();
    const topic = `hpg/v1/devices/${DEVICES.cam}/detection`;
    // A low-score detection is below the rule; the same pile seen again 5 minutes later is one incident.
    await client.publishAsync(topic, detection('evt-low', 0.4, now - 20 * 60_000), { qos: 1 });
    await client.publishAsync(topic, detection('evt-a', 0.92, now - 10 * 60_000), { qos: 1 });
    await client.publishAsync(topic, detection('evt-b', 0.88, now - 5 * 60_000), { qos: 1 });
    await eventually(() => expect(received).toHaveLength(1), 15_000);
    // Give a duplicate every chance to show up.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(received).toHaveLength(1);
    const [hook] = received;
    expect(hook?.signatureOk).toBe(true);
    expect(hook?.headers['idempotency-key']).toMatch(/\/webhook\/ca-vinh-am$/);
    const body = JSON.parse(hook?.body ?? '{}') as {
      message: { lang: string; subject: string; text: string };
      alert: { kind: string; localityId: string };
      links: Record<string, string>;
    };
    expect(body.message.lang).toBe('vi');
    expect(body.alert).toMatchObject({ kind: 'dumping', localityId: 'vinh-am' });
    expect(`${body.message.subject}\n${body.message.text}`).toMatch(/Bờ kênh/);
    expect(Object.values(body.links).some((l) => l.includes('/api/v1/alerts/actions/'))).toBe(true);
  });

  it('acknowledges through the link (GET only shows a page), resolves from the inbox, publishes each step', async () => {
    const body = JSON.parse(received[0]?.body ?? '{}') as { links: Record<string, string> };
    const link = Object.values(body.links).find((l) => l.includes('/api/v1/alerts/actions/')) as string;
    const path = new URL(link).pathname;
    const list = await api('/api/v1/alerts?localityId=vinh-am');
    const [alert] = list.json().alerts as { id: string; status: string }[];
    expect(alert?.status).toBe('open');

    const page = await api(path);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Xác nhận');
    expect((await api(`/api/v1/alerts/${alert?.id}`)).json().alert).toMatchObject({ status: 'open' });

    const acted = await api(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'note=%C4%90%C3%A3+c%E1%BB%AD+t%E1%BB%95+tu%E1%BA%A7n+tra',
    });
    expect(acted.status).toBe(200);
    const detail = (await api(`/api/v1/alerts/${alert?.id}`)).json();
    expect(detail.alert).toMatchObject({ status: 'acknowledged' });
    const history = (detail.alert as { history: { action: string; actor: string; note: string | null }[] }).history;
    expect(history.at(-1)).toMatchObject({ action: 'acknowledged', actor: 'ca-vinh-am', note: 'Đã cử tổ tuần tra' });
    const deliveries = detail.deliveries as { channel: string; status: string }[];
    expect(deliveries).toEqual([expect.objectContaining({ channel: 'webhook', status: 'delivered' })]);
    expect(JSON.stringify(deliveries)).not.toContain('127.0.0.1'); // addresses stay inside

    // Resolving before acknowledging is refused elsewhere; here it follows the acknowledgement.
    const resolved = await api(`/api/v1/alerts/${alert?.id}/actions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'resolve', note: 'Đã thu gom' }),
    });
    expect(resolved.status).toBe(200);
    const again = await api(`/api/v1/alerts/${alert?.id}/actions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'false_alarm' }),
    });
    expect(again.status).toBe(409);
    await eventually(() =>
      expect(notices.map((n) => n.type)).toEqual(expect.arrayContaining(['opened', 'acknowledged', 'resolved'])),
    );
    expect(notices.every((n) => n.alertId === alert?.id)).toBe(true);

    // The dumping indicators count the police's outcome: one alert, confirmed, with its response times.
    const local = new Date(Date.now() - 10 * 60_000 + 7 * 3_600_000);
    const month = `${local.getUTCFullYear()}-${String(local.getUTCMonth() + 1).padStart(2, '0')}`;
    const report = (await api(`/api/v1/indicators/dumping?month=${month}&localityId=vinh-am`)).json();
    const ind = report.indicators as { incidents: number; alerts: Record<string, number | null> };
    expect(ind.incidents).toBe(1);
    expect(ind.alerts).toMatchObject({ incidents: 1, confirmed: 1, falseAlarms: 0, pending: 0, falseAlarmShare: 0 });
    expect(ind.alerts.medianMinutesToAcknowledge).toBeGreaterThanOrEqual(0);
    expect(ind.alerts.medianMinutesToClose).toBeGreaterThanOrEqual(ind.alerts.medianMinutesToAcknowledge as number);
    const city = (await api(`/api/v1/indicators/dumping?month=${month}&localityId=tan-minh`)).json();
    expect((city.indicators as { alerts: { incidents: number } }).alerts.incidents).toBe(0);
  });

  it('refuses a tampered link and an unknown alert', async () => {
    const bad = await api('/api/v1/alerts/actions/v1.eyJ4IjoxfQ.AAAA', { method: 'POST' });
    expect(bad.status).toBe(400);
    expect((await api('/api/v1/alerts/nope')).status).toBe(404);
    expect((await api('/api/v1/alerts?status=bogus')).status).toBe(400);
  });
});
