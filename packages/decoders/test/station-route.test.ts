import { describe, expect, it } from 'vitest';
import { createDecoderState, DEFAULT_FORMATS, DEFAULT_LIMITS, decodeMessage } from '../src/index.ts';
import { testRegistry } from './registry-fixture.ts';

describe('decoder router: station files over MQTT', () => {
  it('routes hpg/v1/stations/{station}/file to the station-file decoder, keeping good lines and refusing bad ones', () => {
    // 09:55 local (UTC+7) = 02:55 UTC. Line 3 has too few fields.
    const text = 'COD\t61.5\tmg/L\t20261122095500\t00\r\npH\t7.2\t-\t20261122095500\t01\r\nTSS\t12\r\n';
    const out = decodeMessage(
      {
        topic: 'hpg/v1/stations/WW-1/file',
        payload: Buffer.from(text),
        receivedAt: Date.UTC(2026, 10, 22, 3),
        publisher: 'ww-1',
      },
      {
        registry: testRegistry(),
        limits: DEFAULT_LIMITS,
        newId: () => 'x',
        formats: DEFAULT_FORMATS,
        state: createDecoderState(),
      },
    );
    const reading = out.find((o) => o.kind === 'reading');
    expect(reading?.kind === 'reading' && reading.record).toMatchObject({
      deviceId: 'ww-1',
      ts: Date.UTC(2026, 10, 22, 2, 55),
      values: { cod: 61.5, ph: 7.2 },
      quality: { cod: 'measuring', ph: 'calibrating' },
    });
    const refusals = out.filter((o) => o.kind === 'refusal');
    expect(refusals).toHaveLength(1);
    expect(refusals[0]?.kind === 'refusal' && refusals[0].record.detail).toContain('line 3');
  });
});
