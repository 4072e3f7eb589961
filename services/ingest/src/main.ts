/**
 * Ingest as its own process, for production: devices' messages from an external MQTT broker
 * (shared subscription, persistent session) to the bus on Kafka.
 *   HPG_MQTT_URL=mqtt://… HPG_KAFKA_BROKERS=host:9092 HPG_REGISTRY=… node services/ingest/src/main.ts
 */
import { readFileSync } from 'node:fs';
import { KAFKA_ENV, KafkaBus, KafkaConfigSchema } from '@hpg/bus-kafka';
import { createSubscriberSource, MQTT_SUBSCRIBER_ENV, MqttSubscriberConfigSchema } from '@hpg/mqtt-client';
import { runService, ServiceBaseSchema } from '@hpg/platform';
import { Registry } from '@hpg/registry';
import { z } from 'zod';
import { INGEST_ENV, IngestConfigSchema } from './config.ts';
import { FRIGATE_SERVICES_ENV, FrigateServicesConfigSchema, startFrigateServices } from './frigate/index.ts';
import { createIngest, limitsOf } from './ingest.ts';
import { createStationFileWatcher, STATION_FILES_ENV, StationFilesConfigSchema } from './station-files/index.ts';
import { subscriptionsFor } from './subscriptions.ts';

const Schema = ServiceBaseSchema.extend({
  registryFile: z.string().min(1),
  mqtt: MqttSubscriberConfigSchema,
  kafka: KafkaConfigSchema,
  ingest: IngestConfigSchema.prefault({}),
  stationFiles: StationFilesConfigSchema.prefault({}),
  frigate: FrigateServicesConfigSchema.prefault({}),
});

await runService({
  name: 'hpg-ingest',
  schema: Schema,
  bindings: {
    HPG_REGISTRY: { path: 'registryFile', type: 'string', description: 'registry JSON file' },
    ...MQTT_SUBSCRIBER_ENV,
    ...KAFKA_ENV,
    ...INGEST_ENV,
    ...STATION_FILES_ENV,
    ...FRIGATE_SERVICES_ENV,
  },
  async start(config, { logger, metrics, lifecycle }) {
    const registry = Registry.from(JSON.parse(readFileSync(config.registryFile, 'utf8')));
    const bus = await KafkaBus.connect({
      ...config.kafka,
      clientId: config.mqtt.clientId,
      onClientLog: (level, message, extra) => logger[level]({ kafka: extra }, message),
    });
    lifecycle.onShutdown('bus', () => bus.close());
    const frigate = await startFrigateServices(
      {
        bus,
        registry: () => registry,
        formats: config.ingest.formats,
        limits: limitsOf(config.ingest),
        logger,
        metrics,
      },
      config.frigate,
    );
    lifecycle.onShutdownFirst('frigate: evidence and reconciliation', () => frigate.stop());
    const source = createSubscriberSource({
      ...config.mqtt,
      topics: [...subscriptionsFor(config.ingest.formats), ...config.mqtt.extraTopics],
      onEvent: (event, detail) => {
        logger[event === 'error' ? 'warn' : 'info']({ detail }, `mqtt ${event}`);
        // Frigate publishes events at QoS 0: what passed while we were away is pulled from its API.
        if (event === 'connected') frigate.onReconnect();
      },
    });
    const ingest = createIngest({ source, bus, registry: () => registry, logger, metrics }, config.ingest);
    // Runs before 'bus': stop taking messages, let those in hand reach Kafka and be acknowledged.
    lifecycle.onShutdownFirst('ingest: stop taking messages', () => ingest.stop());
    await ingest.start();
    if (config.stationFiles.enabled) {
      const watcher = createStationFileWatcher(
        { bus, registry: () => registry, logger, metrics, limits: limitsOf(config.ingest) },
        config.stationFiles,
      );
      await watcher.start();
      lifecycle.onShutdownFirst('station files: stop taking files', () => watcher.stop());
    }
    return [
      { name: 'mqtt', check: () => source.health() },
      { name: 'kafka', check: () => bus.health() },
    ];
  },
});
