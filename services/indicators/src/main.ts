/**
 * The indicator service as its own process, for production: the bus on Kafka, the store on InfluxDB.
 *   HPG_KAFKA_BROKERS=host:9092 HPG_INFLUX_URL=http://host:8086 HPG_INFLUX_DATABASE=hpg \
 *     node services/indicators/src/main.ts
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { KAFKA_ENV, KafkaBus, KafkaConfigSchema } from '@hpg/bus-kafka';
import { runService, ServiceBaseSchema } from '@hpg/platform';
import { Registry } from '@hpg/registry';
import { loadRegulatory } from '@hpg/reports';
import { INFLUX_ENV, InfluxConfigSchema, openInfluxStore, toInfluxOptions } from '@hpg/store-influx';
import { z } from 'zod';
import { INDICATORS_ENV, IndicatorServiceConfigSchema } from './config.ts';
import { IndicatorService } from './service.ts';

const Schema = ServiceBaseSchema.extend({
  kafka: KafkaConfigSchema,
  influx: InfluxConfigSchema,
  indicators: IndicatorServiceConfigSchema.prefault({}),
  registryFile: z.string().min(1).default('config/registry.demo.json'),
  regulatoryDir: z.string().min(1).default('config/regulatory'),
});

await runService({
  name: 'hpg-indicators',
  schema: Schema,
  bindings: {
    ...KAFKA_ENV,
    ...INFLUX_ENV,
    ...INDICATORS_ENV,
    HPG_REGISTRY: { path: 'registryFile', type: 'string', description: 'registry JSON file' },
    HPG_REGULATORY_DIR: { path: 'regulatoryDir', type: 'string', description: 'standards, targets, factors' },
  },
  async start(config, { logger, metrics, lifecycle }) {
    const registry = Registry.from(JSON.parse(readFileSync(resolve(config.registryFile), 'utf8')));
    const regulatory = loadRegulatory(config.regulatoryDir);
    const store = await openInfluxStore(toInfluxOptions(config.influx));
    lifecycle.onShutdown('store', () => store.close());
    const bus = await KafkaBus.connect({
      ...config.kafka,
      clientId: 'hpg-indicators',
      onClientLog: (level, message, extra) => logger[level]({ kafka: extra }, message),
      onDeadLetter: (dl) => logger.error({ topic: dl.topic, key: dl.key, error: dl.error }, 'dead letter'),
      onHandlerError: ({ topic, attempt, error }) => logger.warn({ topic, attempt, err: error }, 'handler failed'),
    });
    const service = new IndicatorService(
      { bus, store, registry: () => registry, regulatory, logger, metrics },
      config.indicators,
    );
    lifecycle.onShutdownFirst('bus', () => bus.close());
    lifecycle.onShutdownFirst('indicators: stop', () => service.stop());
    await service.start();
    return [
      { name: 'kafka', check: () => bus.health() },
      { name: 'influxdb', check: () => store.health() },
    ];
  },
});
