/**
 * Simulator settings, validated at creation. Defaults match the all-in-one process
 * (services/all-in-one/src/config.ts) so both behave alike when run standalone.
 */
import { DEVICE_KINDS, IdSchema } from '@hpg/contracts';
import { RegistryDataSchema } from '@hpg/registry';
import { z } from 'zod';
import { DEFAULT_DEMO_FLEET_SECRET } from './demo-credentials.ts';

export const DeviceFilterSchema = z.object({
  ids: z.array(IdSchema).optional(),
  kinds: z.array(z.enum(DEVICE_KINDS)).optional(),
  localities: z.array(IdSchema).optional(),
  /** At most this many devices (after the other filters, in registry order). */
  limit: z.number().int().positive().optional(),
});

export const SimulatorConfigSchema = z.object({
  /** The broker devices publish to, e.g. `mqtt://127.0.0.1:1884`. */
  brokerUrl: z.string().regex(/^(mqtts?|tcp|ssl|tls|wss?):\/\/.+/, 'an mqtt://, mqtts://, ws:// or wss:// URL'),
  /** A registry JSON file (path, resolved against the working directory) or the registry data itself. */
  registry: z.union([z.string().min(1), RegistryDataSchema]),
  /** Development-only secret the demo devices' passwords derive from (demo-credentials.ts). */
  fleetSecret: z.string().min(8).default(DEFAULT_DEMO_FLEET_SECRET),
  /** Same seed (and start time), same fleet output. */
  seed: z.number().int().default(20_260_129),
  /**
   * Simulated seconds per real second. Above 1 the simulated clock runs ahead of the wall clock
   * unless `startAt` is in the past; ingest refuses timestamps more than 5 minutes ahead.
   */
  speed: z.number().positive().max(100_000).default(1),
  /** Where simulated time starts (ISO 8601); default: now. */
  startAt: z.iso.datetime({ offset: true }).optional(),
  /**
   * Total messages/s across the fleet instead of each device's registry interval (load tests):
   * every device steps more often, timestamps stay on the simulated clock.
   */
  ratePerSecond: z.number().positive().max(1_000_000).optional(),
  /** Publish this many hours of history before `startAt` as fast as allowed, then go live. */
  backfillHours: z
    .number()
    .min(0)
    .max(24 * 60)
    .default(0),
  /** Which registry devices to simulate; all enabled ones by default. */
  devices: DeviceFilterSchema.optional(),
  /** QoS 1 publishes awaiting PUBACK across the fleet before generation pauses (back-pressure). */
  maxInFlight: z.number().int().min(1).max(1_000_000).default(10_000),
  /** How long start() waits for the devices' first connection. */
  connectTimeoutMs: z.number().int().positive().default(10_000),
  /** How long stop() waits for in-flight publishes before closing the connections anyway. */
  stopTimeoutMs: z.number().int().positive().default(10_000),
  /** Progress log period; 0 disables it. */
  logEverySeconds: z.number().min(0).default(60),
});

/** Settings as callers write them (defaults optional). */
export type SimulatorConfig = z.input<typeof SimulatorConfigSchema>;
/** Settings with defaults applied. */
export type ResolvedSimulatorConfig = z.output<typeof SimulatorConfigSchema>;
