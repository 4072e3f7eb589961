/**
 * The Kafka bus against a real broker (started for the integration run by tests/engines): the
 * shared bus contract, then what only Kafka can show.
 */
import { randomUUID } from 'node:crypto';
import { describeBusContract, eventually, reading, T0 } from '@hpg/ports/testing';
import { Kafka } from 'kafkajs';
import { describe, expect, inject, it } from 'vitest';
import { DEAD_LETTER_TOPIC, KafkaBus } from '../src/index.ts';

const engines = inject('engines');
const brokers = engines?.kafka === undefined ? [] : [engines.kafka.bootstrap];
const describeWithKafka = engines?.kafka === undefined ? describe.skip : describe;

const open = async () => {
  const bus = await KafkaBus.connect({
    brokers,
    clientId: 'contract',
    prefix: `t${randomUUID().slice(0, 8)}.`,
    partitions: 3,
    retry: { baseMs: 50, maxMs: 500, attemptsForUnknown: 2 },
  });
  return { bus, cleanup: () => bus.close() };
};

describeWithKafka('Kafka bus', () => {
  describeBusContract('kafka', open, 60_000);

  it('keeps dead letters on the dead-letter topic, with their error', async () => {
    const prefix = `t${randomUUID().slice(0, 8)}.`;
    const bus = await KafkaBus.connect({
      brokers,
      clientId: 'dlq',
      prefix,
      retry: { baseMs: 10, maxMs: 50, attemptsForUnknown: 0 },
    });
    try {
      await bus.subscribe('readings', { group: 'g' }, async () => {
        throw new Error('poison');
      });
      await bus.publish('readings', [{ key: 'dev-x', value: reading({ deviceId: 'dev-x' }) }]);
      const kafka = new Kafka({ clientId: 'reader', brokers, logLevel: 0 });
      const consumer = kafka.consumer({ groupId: `${prefix}reader` });
      const seen: { key: string; value: string }[] = [];
      await consumer.connect();
      await consumer.subscribe({ topic: `${prefix}${DEAD_LETTER_TOPIC}`, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          seen.push({ key: message.key?.toString() ?? '', value: message.value?.toString() ?? '' });
        },
      });
      await eventually(() => expect(seen).toHaveLength(1), 60_000);
      expect(seen[0]?.key).toBe('dev-x');
      const dl = JSON.parse(seen[0]?.value ?? '{}');
      expect(dl).toMatchObject({ group: `${prefix}g.hpg.readings.v1`, error: 'Error: poison' });
      expect(JSON.parse(dl.value)).toMatchObject({ deviceId: 'dev-x', ts: T0 });
      await consumer.disconnect();
    } finally {
      await bus.close();
    }
  });

  it('answers health with the cluster', async () => {
    const { bus, cleanup } = await open();
    try {
      const h = await bus.health();
      expect(h.ok).toBe(true);
      expect(h.detail).toContain('1 broker');
    } finally {
      await cleanup();
    }
  });
});
