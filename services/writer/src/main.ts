/**
 * The writer as its own process, for production: the bus on Kafka into InfluxDB.
 *   HPG_KAFKA_BROKERS=host:9092 HPG_INFLUX_URL=http://host:8086 HPG_INFLUX_DATABASE=hpg node services/writer/src/main.ts
 */
import { KAFKA_ENV, KafkaBus, KafkaConfigSchema } from '@hpg/bus-kafka';
import { runService, ServiceBaseSchema } from '@hpg/platform';
import { INFLUX_ENV, InfluxConfigSchema, openInfluxStore, toInfluxOptions } from '@hpg/store-influx';
import { WRITER_ENV, WriterConfigSchema } from './config.ts';
import { createWriter } from './writer.ts';

const Schema = ServiceBaseSchema.extend({
  kafka: KafkaConfigSchema,
  influx: InfluxConfigSchema,
  writer: WriterConfigSchema.prefault({}),
});

await runService({
  name: 'hpg-writer',
  schema: Schema,
  bindings: { ...KAFKA_ENV, ...INFLUX_ENV, ...WRITER_ENV },
  async start(config, { logger, metrics, lifecycle }) {
    const store = await openInfluxStore(toInfluxOptions(config.influx));
    lifecycle.onShutdown('store', () => store.close());
    const bus = await KafkaBus.connect({
      ...config.kafka,
      clientId: 'hpg-writer',
      onClientLog: (level, message, extra) => logger[level]({ kafka: extra }, message),
      onDeadLetter: (dl) => logger.error({ topic: dl.topic, key: dl.key, error: dl.error }, 'dead letter'),
      onHandlerError: ({ topic, attempt, error }) =>
        logger.warn({ topic, attempt, err: error }, 'write failed; retrying'),
    });
    const writer = createWriter({ bus, store, logger, metrics }, config.writer);
    // Stop consuming (the batches in hand finish and commit) before the bus and the store close.
    lifecycle.onShutdownFirst('bus', () => bus.close());
    lifecycle.onShutdownFirst('writer: stop consuming', () => writer.stop());
    await writer.start();
    return [
      { name: 'kafka', check: () => bus.health() },
      { name: 'influxdb', check: () => store.health() },
    ];
  },
});
