import { describe, expect, it } from 'vitest';
import { deviceTopic, messagesOf, parseDeviceTopic } from '../src/index.ts';

describe('device topics', () => {
  it('round-trips a device topic', () => {
    expect(parseDeviceTopic(deviceTopic('ww-1', 'sample'))).toEqual({ deviceId: 'ww-1', message: 'sample' });
  });

  it('rejects topics with missing or extra levels', () => {
    for (const t of [
      'hpg/v1/devices/ww-1',
      'hpg/v1/devices//sample',
      'hpg/v1/devices/ww-1/',
      'hpg/v1/devices/a/b/c',
      'x/ww-1/sample',
    ]) {
      expect(parseDeviceTopic(t), t).toBeUndefined();
    }
  });

  it('gives each device kind its message kinds', () => {
    expect(messagesOf('ev_charger').sort()).toEqual(['connector-status', 'meter-values', 'session']);
    expect(messagesOf('camera')).toEqual(['detection']);
  });
});
