import type { ConnectorStatus, EvConnectorStatus, EvMeterValues, EvSession } from '@hpg/contracts';
import { describe, expect, it } from 'vitest';
import { localHour, localMidnight, type Published, runFleet } from './fleet-run.ts';

const DAYS = 14;
const runs = runFleet({
  seed: 3,
  from: localMidnight(2026, 9, 7),
  hours: DAYS * 24,
  filter: { kinds: ['ev_charger'] },
});
const key = (r: Published, connectorId: number) => `${r.deviceId}#${connectorId}`;

const ALLOWED: Record<string, readonly ConnectorStatus[]> = {
  Available: ['Preparing', 'Faulted'],
  Preparing: ['Charging', 'Available'],
  Charging: ['SuspendedEV', 'Finishing', 'Faulted'],
  SuspendedEV: ['Finishing'],
  Finishing: ['Available'],
  Faulted: ['Available'],
};

describe('EV charger model', () => {
  it('moves connectors through OCPP statuses in order, with occasional faults', () => {
    const last = new Map<string, ConnectorStatus>();
    const seen = new Set<ConnectorStatus>();
    for (const r of runs) {
      if (r.emission.message !== 'connector-status') continue;
      const p = r.emission.payload as EvConnectorStatus;
      const k = key(r, p.connectorId);
      const prev = last.get(k);
      if (prev !== undefined) expect(ALLOWED[prev]).toContain(p.status);
      last.set(k, p.status);
      seen.add(p.status);
    }
    for (const s of ['Available', 'Preparing', 'Charging', 'Finishing', 'Faulted'] as const) expect(seen).toContain(s);
  });

  it('keeps each connector energy register monotonic, within and across sessions, and pairs start/stop', () => {
    const register = new Map<string, number>();
    const open = new Map<string, EvSession>();
    let sessions = 0;
    for (const r of runs) {
      const m = r.emission;
      if (m.message === 'meter-values') {
        const p = m.payload as EvMeterValues;
        const k = key(r, p.connectorId);
        const v = p.metrics.energy_register?.value ?? Number.NaN;
        expect(v).toBeGreaterThanOrEqual(register.get(k) ?? 0);
        register.set(k, v);
        expect(p.sessionId).toBe(open.get(k)?.sessionId);
        const start = open.get(k)?.meter.value ?? Number.POSITIVE_INFINITY;
        expect(v).toBeGreaterThanOrEqual(start);
      } else if (m.message === 'session') {
        const p = m.payload as EvSession;
        const k = key(r, p.connectorId);
        expect(p.meter.value).toBeGreaterThanOrEqual(register.get(k) ?? 0);
        register.set(k, p.meter.value);
        if (p.event === 'start') {
          expect(open.has(k)).toBe(false);
          open.set(k, p);
          sessions++;
        } else {
          expect(open.get(k)?.sessionId).toBe(p.sessionId);
          expect(p.meter.value).toBeGreaterThan(open.get(k)?.meter.value ?? Number.POSITIVE_INFINITY);
          open.delete(k);
        }
      }
    }
    expect(sessions).toBeGreaterThan(DAYS * 9);
  });

  it('sees more drivers arrive in the evening peak than at night or mid-morning', () => {
    const starts = runs
      .filter((r) => r.emission.message === 'session' && (r.emission.payload as EvSession).event === 'start')
      .map((r) => localHour(r.at));
    const perHour = (a: number, b: number) => starts.filter((h) => h >= a && h < b).length / (b - a);
    expect(perHour(18, 22)).toBeGreaterThan(1.5 * perHour(8, 11));
    expect(perHour(18, 22)).toBeGreaterThan(4 * perHour(0, 5));
  });
});
