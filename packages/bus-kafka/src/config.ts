import { z } from 'zod';

/** Kafka settings shared by every service that uses the bus on Kafka. */
export const KafkaConfigSchema = z.object({
  brokers: z.array(z.string().regex(/^[^:\s]+:\d+$/, 'host:port')).min(1),
  /** Prepended to topic and consumer-group names (environments sharing a cluster). */
  prefix: z.string().default(''),
  partitions: z.number().int().min(1).max(1000).default(6),
  replicationFactor: z.number().int().min(1).max(10).default(1),
  lingerMs: z.number().int().min(0).max(1000).default(5),
  /**
   * Most bytes one fetch brings of each partition (Kafka's max.partition.fetch.bytes). What a
   * consumer holds at once is about this × its partitions, parsed; behind a backlog every fetch is
   * full. 256 KB is ~1,000 readings a partition per fetch (kafkajs' default, 1 MB, held the writer
   * ~4 × as many records in memory for no gain in throughput).
   */
  fetchPartitionBytes: z
    .number()
    .int()
    .min(1024)
    .max(64 * 1_048_576)
    .default(262_144),
});
export type KafkaConfig = z.infer<typeof KafkaConfigSchema>;

export const KAFKA_ENV = {
  HPG_KAFKA_BROKERS: { path: 'kafka.brokers', type: 'list', description: 'bootstrap brokers, host:port,…' },
  HPG_KAFKA_PREFIX: { path: 'kafka.prefix', type: 'string', description: 'topic and group name prefix' },
  HPG_KAFKA_PARTITIONS: { path: 'kafka.partitions', type: 'int', description: 'partitions of topics created' },
  HPG_KAFKA_REPLICATION: { path: 'kafka.replicationFactor', type: 'int', description: 'replication of topics created' },
  HPG_KAFKA_LINGER_MS: { path: 'kafka.lingerMs', type: 'int', description: 'producer batching wait, ms' },
  HPG_KAFKA_FETCH_PARTITION_BYTES: {
    path: 'kafka.fetchPartitionBytes',
    type: 'int',
    description: 'most bytes per partition per fetch',
  },
} as const;
