/**
 * An EV charger speaking OCPP 1.6 to the all-in-one's central system, through to the store: a
 * real OCPP client library drives a charging session over a socket, and the HTTP API finds the
 * connector statuses, meter values and the session in canonical units and UTC.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { type AllInOne, AllInOneConfigSchema, startAllInOne } from '@hpg/all-in-one';
import { createLogger } from '@hpg/platform';
import { eventually } from '@hpg/ports/testing';
import { RPCClient } from 'ocpp-rpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVICES, PASSWORD, writeFleetRegistry } from './fleet-fixture.ts';

describe('OCPP charger through the all-in-one', () => {
  let app: AllInOne;
  let dir: string;
  let charger: RPCClient;
  const base = Date.now() - 30 * 60_000;
  const iso = (ms: number) => new Date(ms).toISOString();

  beforeAll(async () => {
    const fleet = await writeFleetRegistry();
    dir = fleet.dir;
    const config = AllInOneConfigSchema.parse({
      registryFile: fleet.file,
      mqtt: { port: 0 },
      api: { port: 0 },
      store: { path: join(dir, 'store.sqlite') },
      ocpp: { enabled: true, port: 0, stateFile: join(dir, 'ocpp.json') },
      simulator: { enabled: false },
      auth: { enabled: false },
      alerts: { enabled: false },
      log: { level: 'silent' },
    });
    app = await startAllInOne(config, createLogger({ name: 'e2e', level: 'silent' }));
    charger = new RPCClient({
      endpoint: `${app.ocppUrl}/ocpp`,
      identity: DEVICES.ch,
      password: PASSWORD(DEVICES.ch),
      protocols: ['ocpp1.6'],
      reconnect: false,
    } as ConstructorParameters<typeof RPCClient>[0]);
    await charger.connect();
  });

  afterAll(async () => {
    await charger?.close({ force: true });
    await app?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('stores a whole charging session', async () => {
    const boot = (await charger.call('BootNotification', { chargePointVendor: 'Test', chargePointModel: 'AC22' })) as {
      status: string;
    };
    expect(boot.status).toBe('Accepted');
    await charger.call('StatusNotification', {
      connectorId: 1,
      errorCode: 'NoError',
      status: 'Preparing',
      timestamp: iso(base),
    });
    const start = (await charger.call('StartTransaction', {
      connectorId: 1,
      idTag: 'CARD-1',
      meterStart: 250_000,
      timestamp: iso(base + 1_000),
    })) as { transactionId: number };
    await charger.call('MeterValues', {
      connectorId: 1,
      transactionId: start.transactionId,
      meterValue: [
        {
          timestamp: iso(base + 60_000),
          sampledValue: [
            { value: '251.5', measurand: 'Energy.Active.Import.Register', unit: 'kWh' },
            { value: '7200', measurand: 'Power.Active.Import', unit: 'W' },
          ],
        },
      ],
    });
    await charger.call('StopTransaction', {
      transactionId: start.transactionId,
      meterStop: 262_000,
      timestamp: iso(base + 120_000),
      reason: 'EVDisconnected',
    });

    const url = `${app.apiUrl}/api/v1/readings?deviceId=${DEVICES.ch}&from=${base - 1}&to=${Date.now() + 60_000}&order=asc`;
    let readings: {
      measurement: string;
      ts: number;
      channel: string;
      values: Record<string, number>;
      states: Record<string, string>;
    }[] = [];
    await eventually(async () => {
      readings = ((await (await fetch(url)).json()) as { readings: typeof readings }).readings;
      expect(readings).toHaveLength(4);
    });
    expect(readings.map((r) => [r.measurement, r.ts, r.channel])).toEqual([
      ['ev_status', base, '1'],
      ['ev_session', base + 1_000, '1'],
      ['ev_meter', base + 60_000, '1'],
      ['ev_session', base + 120_000, '1'],
    ]);
    expect(readings[0]?.states.status).toBe('Preparing');
    expect(readings[1]).toMatchObject({
      values: { energy_register: 250_000 },
      states: { event: 'start', sessionId: String(start.transactionId) },
    });
    expect(readings[2]?.values).toEqual({ energy_register: 251_500, power: 7200 });
    expect(readings[3]).toMatchObject({
      values: { energy_register: 262_000 },
      states: { event: 'stop', reason: 'EVDisconnected' },
    });
  });
});
