/**
 * The OCPP gateway as its own process, for production: chargers over OCPP-J (1.6 and 2.0.1)
 * to the bus on Kafka.
 *   HPG_KAFKA_BROKERS=host:9092 HPG_REGISTRY=… HPG_OCPP_PORT=9220 node services/ocpp-gateway/src/main.ts
 */
import { readFileSync } from 'node:fs';
import { KAFKA_ENV, KafkaBus, KafkaConfigSchema } from '@hpg/bus-kafka';
import { runService, ServiceBaseSchema } from '@hpg/platform';
import { Registry } from '@hpg/registry';
import { z } from 'zod';
import { OCPP_ENV, OcppGatewayConfigSchema } from './config.ts';
import { startOcppGateway } from './gateway.ts';

const Schema = ServiceBaseSchema.extend({
  registryFile: z.string().min(1),
  kafka: KafkaConfigSchema,
  ocpp: OcppGatewayConfigSchema.prefault({}),
});

await runService({
  name: 'hpg-ocpp-gateway',
  schema: Schema,
  bindings: {
    HPG_REGISTRY: { path: 'registryFile', type: 'string', description: 'registry JSON file' },
    ...KAFKA_ENV,
    ...OCPP_ENV,
  },
  async start(config, { logger, metrics, lifecycle }) {
    const registry = Registry.from(JSON.parse(readFileSync(config.registryFile, 'utf8')));
    const bus = await KafkaBus.connect({
      ...config.kafka,
      clientId: 'hpg-ocpp-gateway',
      onClientLog: (level, message, extra) => logger[level]({ kafka: extra }, message),
    });
    lifecycle.onShutdown('bus', () => bus.close());
    const gateway = await startOcppGateway(
      { bus, registry: () => registry, logger, metrics, stateFile: config.ocpp.stateFile },
      config.ocpp,
    );
    // Stop taking calls (those in hand reach Kafka first), then close the bus.
    lifecycle.onShutdownFirst('ocpp: stop taking calls', () => gateway.close());
    logger.info({ url: gateway.url }, 'OCPP-J central system listening');
    return [{ name: 'kafka', check: () => bus.health() }];
  },
});
