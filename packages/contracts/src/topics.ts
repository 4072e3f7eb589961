/**
 * The MQTT device API: topic scheme and the payload schema of each message kind.
 *
 *   hpg/v1/devices/{deviceId}/{message}
 *
 * A device publishes only under its own id (the broker enforces it, ingest checks it again) and
 * only the message kinds of its device kind. The map below is the single source both the
 * producers (devices, the simulator) and the consumer (ingest) are typed from.
 */
import type { z } from 'zod';
import {
  DetectionEventSchema,
  EvConnectorStatusSchema,
  EvMeterValuesSchema,
  EvSessionSchema,
  MeterReadingSchema,
  SolarTelemetrySchema,
  WastewaterSampleSchema,
} from './device-api.ts';
import type { DeviceKind, Measurement } from './device-kinds.ts';

export const DEVICE_TOPIC_PREFIX = 'hpg/v1/devices/';

interface DeviceMessageSpec {
  readonly schema: z.ZodType;
  readonly deviceKind: DeviceKind;
  /** The bus record it becomes: a reading of this measurement, or a detection. */
  readonly becomes: Measurement | 'detection';
}

export const deviceMessages = {
  sample: { schema: WastewaterSampleSchema, deviceKind: 'wastewater_station', becomes: 'wastewater' },
  telemetry: { schema: SolarTelemetrySchema, deviceKind: 'solar_inverter', becomes: 'solar' },
  meter: { schema: MeterReadingSchema, deviceKind: 'energy_meter', becomes: 'meter' },
  'connector-status': { schema: EvConnectorStatusSchema, deviceKind: 'ev_charger', becomes: 'ev_status' },
  'meter-values': { schema: EvMeterValuesSchema, deviceKind: 'ev_charger', becomes: 'ev_meter' },
  session: { schema: EvSessionSchema, deviceKind: 'ev_charger', becomes: 'ev_session' },
  detection: { schema: DetectionEventSchema, deviceKind: 'camera', becomes: 'detection' },
} as const satisfies Record<string, DeviceMessageSpec>;

export type DeviceMessageKind = keyof typeof deviceMessages;
export type DeviceMessagePayload<K extends DeviceMessageKind> = z.infer<(typeof deviceMessages)[K]['schema']>;

export function isDeviceMessageKind(s: string): s is DeviceMessageKind {
  return Object.hasOwn(deviceMessages, s);
}

/** The topic a device publishes a message kind on. */
export function deviceTopic(deviceId: string, message: DeviceMessageKind): string {
  return `${DEVICE_TOPIC_PREFIX}${deviceId}/${message}`;
}

/** The topic filter ingest subscribes to. */
export const DEVICE_TOPIC_FILTER = `${DEVICE_TOPIC_PREFIX}+/+`;

/** Splits a device topic; `undefined` when it is not one of ours. The message kind is not checked here. */
export function parseDeviceTopic(topic: string): { deviceId: string; message: string } | undefined {
  if (!topic.startsWith(DEVICE_TOPIC_PREFIX)) return undefined;
  const rest = topic.slice(DEVICE_TOPIC_PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1 || rest.indexOf('/', slash + 1) !== -1) return undefined;
  return { deviceId: rest.slice(0, slash), message: rest.slice(slash + 1) };
}

/** Message kinds a device kind may publish. */
export function messagesOf(kind: DeviceKind): DeviceMessageKind[] {
  return (Object.keys(deviceMessages) as DeviceMessageKind[]).filter((m) => deviceMessages[m].deviceKind === kind);
}
