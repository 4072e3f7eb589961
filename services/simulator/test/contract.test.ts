/**
 * Every payload the demo fleet generates over a simulated day must be accepted twice: by the
 * contract schema of its topic, and by ingest's decoder with the demo registry (as a reading or a
 * detection, never a refusal).
 */
import { deviceMessages, deviceTopic, messagesOf } from '@hpg/contracts';
import { DEFAULT_LIMITS, decodeNativeJson } from '@hpg/decoders';
import { describe, expect, it } from 'vitest';
import { demoRegistry, localMidnight, runFleet } from './fleet-run.ts';

describe('demo fleet output against the device API contract and ingest', () => {
  it('is accepted for every device of the demo registry over a simulated day', () => {
    const registry = demoRegistry();
    // A summer day starting at 18:00 local: evening charging peak, night dumping, a midnight reset.
    const runs = runFleet({ seed: 20_260_129, from: localMidnight(2026, 6, 15) + 18 * 3_600_000, hours: 24 });
    let n = 0;
    const ctx = { registry, limits: DEFAULT_LIMITS, newId: () => `r${n++}` };
    const failures: string[] = [];
    const seenDevices = new Set<string>();
    const seenMessages = new Set<string>();
    for (const r of runs) {
      const { message, payload } = r.emission;
      seenDevices.add(r.deviceId);
      seenMessages.add(message);
      if (!messagesOf(r.kind).includes(message)) failures.push(`${r.deviceId}: ${message} is not a ${r.kind} message`);
      const parsed = deviceMessages[message].schema.safeParse(payload);
      if (!parsed.success) {
        failures.push(`${r.deviceId} ${message}: schema: ${parsed.error.message}`);
        continue;
      }
      expect(payload.ts).toMatch(/Z$/);
      const out = decodeNativeJson(
        {
          topic: deviceTopic(r.deviceId, message),
          payload: Buffer.from(JSON.stringify(payload)),
          receivedAt: Date.parse(payload.ts),
          publisher: r.deviceId,
        },
        ctx,
      );
      const want = deviceMessages[message].becomes === 'detection' ? 'detection' : 'reading';
      if (out.kind !== want) {
        failures.push(
          `${r.deviceId} ${message}: ${out.kind === 'refusal' ? `${out.record.reason}: ${out.record.detail}` : out.kind}`,
        );
      }
      if (failures.length > 20) break;
    }
    expect(failures).toEqual([]);
    expect(runs.length).toBeGreaterThan(40_000);
    // Every device published (cameras are event-driven but see at least one event over 10 cameras).
    const silent = registry.data.devices.filter((d) => d.kind !== 'camera' && !seenDevices.has(d.id)).map((d) => d.id);
    expect(silent).toEqual([]);
    expect([...seenMessages].sort()).toEqual(Object.keys(deviceMessages).sort());
  });
});
