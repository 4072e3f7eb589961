/**
 * The contract every MessageSource passes (the embedded broker and an external broker alike):
 * a device's QoS 1 message reaches the handler intact, and the device gets its PUBACK only after
 * the handler resolved; once stopped, nothing more is taken or acknowledged.
 */
import type { RawMessage } from '@hpg/decoders';
import mqtt from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MessageSource } from '../source.ts';
import { eventually } from './fixtures.ts';

export interface SourceHarness {
  readonly source: MessageSource;
  /** Where devices connect, and a device's credentials that the broker accepts. */
  readonly url: string;
  readonly device: { readonly id: string; readonly password: string };
  /** Whether the source knows who published (an embedded broker does; an external one does not). */
  readonly knowsPublisher: boolean;
  readonly cleanup: () => Promise<void>;
}

/**
 * `acknowledges`: who receives the source's acknowledgement. An embedded broker acknowledges to
 * the device itself; a subscriber on an external broker acknowledges to the broker (which
 * acknowledged the device when it stored the message), and shows it by redelivering what was not
 * acknowledged.
 */
export function describeSourceContract(
  name: string,
  open: () => Promise<SourceHarness>,
  acknowledges: 'device' | 'broker',
): void {
  describe(`MessageSource contract: ${name}`, () => {
    let h: SourceHarness;
    const clients: mqtt.MqttClient[] = [];
    beforeEach(async () => {
      h = await open();
    });
    afterEach(async () => {
      await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
      await h.source.stop();
      await h.cleanup();
    });
    const device = async () => {
      const c = await mqtt.connectAsync(h.url, {
        username: h.device.id,
        password: h.device.password,
        clientId: `contract-${h.device.id}-${clients.length}`,
        reconnectPeriod: 0,
      });
      clients.push(c);
      return c;
    };
    const topic = () => `hpg/v1/devices/${h.device.id}/meter`;

    it('hands every message to the handler with its topic and exact bytes, in order', async () => {
      const got: RawMessage[] = [];
      await h.source.start(async (m) => void got.push(m));
      const c = await device();
      const payloads = [Buffer.from('{"n":1}'), Buffer.from([0xff, 0x00, 0x7b]), Buffer.alloc(10_000, 0x61)];
      for (const p of payloads) await c.publishAsync(topic(), p, { qos: 1 });
      // Through an external broker the device's PUBACK comes before the delivery to the source.
      await eventually(() => expect(got).toHaveLength(3));
      expect(got.map((m) => m.topic)).toEqual([topic(), topic(), topic()]);
      for (const [i, m] of got.entries()) expect(m.payload.equals(payloads[i] as Buffer)).toBe(true);
      for (const m of got) {
        expect(m.publisher).toBe(h.knowsPublisher ? h.device.id : null);
        expect(Math.abs(m.receivedAt - Date.now())).toBeLessThan(10_000);
      }
    });

    const itIf = (when: boolean) => (when ? it : () => undefined);

    itIf(acknowledges === 'broker')(
      'gets a message again when its handler failed: it was not acknowledged',
      async () => {
        const seen: string[] = [];
        let failures = 0;
        await h.source.start(async (m) => {
          const text = m.payload.toString();
          seen.push(text);
          if (text === 'fail-once' && failures === 0) {
            failures++;
            throw new Error('bus unavailable');
          }
        });
        const c = await device();
        await c.publishAsync(topic(), 'fail-once', { qos: 1 });
        await c.publishAsync(topic(), 'after', { qos: 1 });
        for (let i = 0; i < 250 && seen.filter((s) => s === 'fail-once').length < 2; i++) {
          await new Promise((r) => setTimeout(r, 40));
        }
        expect(seen.filter((s) => s === 'fail-once')).toHaveLength(2);
        expect(seen).toContain('after');
      },
    );

    itIf(acknowledges === 'device')('acknowledges to the device only after the handler resolved', async () => {
      let release: () => void = () => {};
      let calls = 0;
      await h.source.start(async () => {
        calls++;
        await new Promise<void>((r) => {
          release = r;
        });
      });
      const c = await device();
      let acked = false;
      const publishing = c.publishAsync(topic(), '{}', { qos: 1 }).then(() => {
        acked = true;
      });
      for (let i = 0; i < 100 && calls === 0; i++) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 100));
      expect(calls).toBe(1);
      expect(acked).toBe(false);
      release();
      await publishing;
      expect(acked).toBe(true);
    });

    it('takes nothing once stopped', async () => {
      const got: RawMessage[] = [];
      await h.source.start(async (m) => void got.push(m));
      await h.source.stop();
      const c = await device();
      c.publish(topic(), '{}', { qos: 1 });
      await new Promise((r) => setTimeout(r, 300));
      expect(got).toEqual([]);
    });
  });
}
