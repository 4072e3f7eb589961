import { FormatsConfigSchema } from '@hpg/decoders';
import { describe, expect, it } from 'vitest';
import { subscriptionsFor } from '../src/index.ts';

describe('subscriptionsFor', () => {
  it('subscribes to our API, station files and every enabled foreign format under its prefix', () => {
    const all = subscriptionsFor(FormatsConfigSchema.parse({}));
    expect(all).toEqual([
      'hpg/v1/devices/+/+',
      'hpg/v1/stations/+/file',
      'frigate/#',
      'onvif/#',
      'solar/#',
      'tele/#',
      'stat/#',
      'sunspec/#',
    ]);
    const some = subscriptionsFor(
      FormatsConfigSchema.parse({
        frigate: { prefix: 'nvr1' },
        tasmota: { enabled: false },
        onvif: { enabled: false },
      }),
    );
    expect(some).toEqual(['hpg/v1/devices/+/+', 'hpg/v1/stations/+/file', 'nvr1/#', 'solar/#', 'sunspec/#']);
  });
});
