import { hostname } from 'node:os';
import { z } from 'zod';

/** Ingest's connection to an external MQTT broker. */
export const MqttSubscriberConfigSchema = z.object({
  url: z.string().regex(/^mqtts?:\/\/[^/]+$/, 'mqtt://host:port or mqtts://host:port'),
  /** Stable per instance: the broker keeps this session's messages while the instance is away. */
  clientId: z.string().min(1).max(64).default(`hpg-ingest-${hostname()}`),
  username: z.string().optional(),
  password: z.string().optional(),
  shareGroup: z.string().min(1).default('hpg-ingest'),
  /** Extra topic filters beyond those ingest derives from the formats it decodes. */
  extraTopics: z.array(z.string().min(1)).default([]),
  maxInFlight: z.number().int().min(1).max(100_000).default(2_000),
});
export type MqttSubscriberConfig = z.infer<typeof MqttSubscriberConfigSchema>;

export const MQTT_SUBSCRIBER_ENV = {
  HPG_MQTT_URL: { path: 'mqtt.url', type: 'string', description: 'external broker, mqtt://host:port' },
  HPG_MQTT_CLIENT_ID: {
    path: 'mqtt.clientId',
    type: 'string',
    description: 'stable client id of this ingest instance',
  },
  HPG_MQTT_USERNAME: { path: 'mqtt.username', type: 'string', description: "ingest's broker user" },
  HPG_MQTT_PASSWORD: { path: 'mqtt.password', type: 'string', description: "ingest's broker password" },
  HPG_MQTT_SHARE_GROUP: { path: 'mqtt.shareGroup', type: 'string', description: 'shared-subscription group' },
  HPG_MQTT_EXTRA_TOPICS: { path: 'mqtt.extraTopics', type: 'list', description: 'more topic filters, comma-separated' },
  HPG_MQTT_MAX_IN_FLIGHT: { path: 'mqtt.maxInFlight', type: 'int', description: 'messages in hand before pausing' },
} as const;
