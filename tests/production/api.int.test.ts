/**
 * The API as its own process, reading what the writer stored in InfluxDB.
 */
import { spawn } from 'node:child_process';
import { reading, T0 } from '@hpg/ports/testing';
import { openInfluxStore } from '@hpg/store-influx';
import { describe, expect, inject, it } from 'vitest';
import { serviceBundle } from '../../scripts/build.ts';
import { USER_PASSWORD, writeFleetRegistry, writeFleetUsers } from '../e2e/fleet-fixture.ts';
import { freePort, ROOT } from '../engines/engines.ts';
import { isolation } from './stack.ts';

const engines = inject('engines');
const describeWithInflux = engines?.influx === undefined ? describe.skip : describe;

describeWithInflux('API process on InfluxDB', () => {
  it('serves readings by locality and device, and reports the store in /healthz', async () => {
    const url = engines.influx?.url ?? '';
    const { database } = isolation();
    const store = await openInfluxStore({ url, database, createDatabase: true });
    await store.writeReadings([
      reading({
        deviceId: 'pv-e2e-01',
        siteId: 'school-tan-minh',
        localityId: 'tan-minh',
        measurement: 'solar',
        values: { ac_power: 1200 },
        quality: {},
      }),
      reading({ deviceId: 'ww-e2e-01', siteId: 'wwtp-vinh-am', localityId: 'vinh-am', ts: T0 + 60_000 }),
    ]);
    await store.close();
    const { dir, file } = await writeFleetRegistry();
    const port = await freePort();
    const child = spawn(process.execPath, [serviceBundle('api')], {
      cwd: ROOT,
      env: {
        ...process.env,
        HPG_REGISTRY: file,
        HPG_USERS_FILE: await writeFleetUsers(dir),
        HPG_INFLUX_URL: url,
        HPG_INFLUX_DATABASE: database,
        HPG_API_PORT: String(port),
        HPG_LOG_LEVEL: 'warn',
      },
      stdio: 'ignore',
    });
    try {
      const api = `http://127.0.0.1:${port}`;
      for (let i = 0; i < 300; i++) {
        const ok = await fetch(`${api}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const health = (await (await fetch(`${api}/healthz`)).json()) as { checks: { name: string; ok: boolean }[] };
      expect(health.checks).toContainEqual(expect.objectContaining({ name: 'store', ok: true }));
      const range = `from=${T0 - 1}&to=${T0 + 3_600_000}`;
      expect((await fetch(`${api}/api/v1/readings?localityId=hai-phong&${range}`)).status).toBe(401);
      const login = await fetch(`${api}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'mt-city', password: USER_PASSWORD('mt-city') }),
      });
      const headers = { authorization: `Bearer ${((await login.json()) as { token: string }).token}` };
      const city = (await (
        await fetch(`${api}/api/v1/readings?localityId=hai-phong&${range}`, { headers })
      ).json()) as {
        count: number;
      };
      expect(city.count).toBe(2);
      const tanMinh = (await (
        await fetch(`${api}/api/v1/readings?localityId=tan-minh&${range}`, { headers })
      ).json()) as {
        readings: { deviceId: string; values: Record<string, number> }[];
      };
      expect(tanMinh.readings).toEqual([
        expect.objectContaining({ deviceId: 'pv-e2e-01', values: { ac_power: 1200 } }),
      ]);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
