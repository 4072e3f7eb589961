/**
 * The all-in-one process's configuration: every service's section in one schema, loaded from
 * defaults, an optional JSON file (HPG_CONFIG) and environment variables, validated at start.
 */

import { ALERTS_ENV, AlertServiceConfigSchema, EVIDENCE_ENV, EvidenceConfigSchema } from '@hpg/alert-service';
import { API_ENV, ApiConfigSchema } from '@hpg/api';
import { AUTH_ENV, MainAuthConfigSchema } from '@hpg/auth';
import { EXPORTS_ENV, ExportsConfigSchema } from '@hpg/exports';
import { INDICATORS_ENV, IndicatorServiceConfigSchema } from '@hpg/indicator-service';
import {
  FRIGATE_SERVICES_ENV,
  FrigateServicesConfigSchema,
  INGEST_ENV,
  IngestConfigSchema,
  STATION_FILES_ENV,
  StationFilesConfigSchema,
} from '@hpg/ingest';
import { OCPP_ENV, OcppGatewayConfigSchema } from '@hpg/ocpp-gateway';
import { type EnvBinding, loadConfig } from '@hpg/platform';
import { WRITER_ENV, WriterConfigSchema } from '@hpg/writer';
import { z } from 'zod';

export const AllInOneConfigSchema = z.object({
  log: z
    .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
    .prefault({}),
  /** Localities, sites and devices (with credential hashes). */
  registryFile: z.string().min(1).default('config/registry.demo.json'),
  mqtt: z
    .object({
      host: z.string().min(1).default('127.0.0.1'),
      // 1884, not 1883: machines that already run a broker (Mosquitto) keep 1883.
      port: z.number().int().min(0).max(65_535).default(1884),
      /**
       * MQTT over TLS on a second port, on when a certificate and key are given. With `caFile`
       * (the device CA) devices may log in with a client certificate whose CN is their id;
       * `requireClientCert` makes that the only way in on this port.
       */
      tls: z
        .object({
          port: z.number().int().min(0).max(65_535).default(8883),
          certFile: z.string().min(1).optional(),
          keyFile: z.string().min(1).optional(),
          caFile: z.string().min(1).optional(),
          requireClientCert: z.boolean().default(false),
        })
        .refine((t) => (t.certFile === undefined) === (t.keyFile === undefined), 'give both certFile and keyFile')
        .refine((t) => !t.requireClientCert || t.caFile !== undefined, 'requireClientCert needs caFile')
        .prefault({}),
    })
    .prefault({}),
  api: ApiConfigSchema.prefault({}),
  /** Sign-in and access control of the API (and the alert inbox on it). */
  auth: MainAuthConfigSchema.prefault({}),
  store: z.object({ path: z.string().min(1).default('var/hpg.sqlite') }).prefault({}),
  bus: z
    .object({
      partitions: z.number().int().min(1).max(256).default(4),
      capacity: z.number().int().min(100).max(10_000_000).default(20_000),
    })
    .prefault({}),
  ingest: IngestConfigSchema.prefault({}),
  writer: WriterConfigSchema.prefault({}),
  /** Standards, targets and emission factors (config/regulatory). */
  regulatoryDir: z.string().min(1).default('config/regulatory'),
  /** The indicator service: recomputes windows as data arrives, writes indicator points. */
  indicators: IndicatorServiceConfigSchema.extend({ enabled: z.boolean().default(true) }).prefault({}),
  /**
   * Alerts to police and officers. The demo rules' contacts are placeholders (example.org), so the
   * webhook channel is off unless HPG_ALERT_WEBHOOK_ENABLED=true: alerts and their pending
   * deliveries are still stored and shown, and go out once a channel is enabled.
   */
  alerts: AlertServiceConfigSchema.extend({
    enabled: z.boolean().default(true),
    /** Default: `alerts.sqlite` beside the store file, so all data lives in one directory. */
    storePath: z.string().min(1).optional(),
  }).prefault({
    channels: { webhook: { enabled: false } },
  }),
  /** Wastewater stations' transfer files from an FTP drop directory (off unless enabled). */
  stationFiles: StationFilesConfigSchema.prefault({}),
  /** The OCPP-J central system for EV chargers (off by default: the demo fleet speaks our JSON API). */
  ocpp: OcppGatewayConfigSchema.extend({
    enabled: z.boolean().default(false),
    host: z.string().min(1).default('127.0.0.1'),
    stateFile: z.string().min(1).default('var/ocpp-state.json'),
  }).prefault({}),
  /** Evidence fetching and reconciliation for cameras behind Frigate NVR. */
  frigate: FrigateServicesConfigSchema.prefault({}),
  /**
   * Evidence access (signed links, the audit log, holds) and retention. Files: `dir`, else ingest's
   * `frigate.evidence.dir` (HPG_EVIDENCE_DIR); audit log: `auditPath`, else `evidence-audit.sqlite`
   * beside the store file.
   */
  evidence: EvidenceConfigSchema.extend({ enabled: z.boolean().default(true) }).prefault({}),
  /**
   * Monthly and yearly exports: kept in `dir` (default `exports/` beside the store file), served at
   * /api/v1/exports, and produced on schedule (from the 1st, the previous month; in early December,
   * the year so far; in January, the previous year).
   */
  exports: ExportsConfigSchema.extend({ enabled: z.boolean().default(true) }).prefault({}),
  simulator: z
    .object({
      enabled: z.boolean().default(true),
      seed: z.number().int().default(20_260_129),
      /** Simulated seconds per real second at each device's own interval (1 = real time). */
      speed: z.number().positive().max(100_000).default(1),
      /** Total messages/s across the fleet instead of each device's interval (benchmarks). */
      ratePerSecond: z.number().positive().max(1_000_000).optional(),
      /** Publishes this many past hours first, so dashboards have history at once. */
      backfillHours: z
        .number()
        .min(0)
        .max(24 * 60)
        .default(24),
      /** Development-only secret the demo fleet's passwords derive from; never a real device's. */
      fleetSecret: z.string().min(8).default('hpg-demo-fleet'),
    })
    .prefault({}),
});
export type AllInOneConfig = z.infer<typeof AllInOneConfigSchema>;

export const ALL_IN_ONE_ENV: Record<string, EnvBinding> = {
  HPG_LOG_LEVEL: { path: 'log.level', type: 'string', description: 'fatal|error|warn|info|debug|trace|silent' },
  HPG_REGISTRY: { path: 'registryFile', type: 'string', description: 'registry JSON file' },
  HPG_MQTT_HOST: { path: 'mqtt.host', type: 'string', description: 'embedded MQTT broker listen address' },
  HPG_MQTT_PORT: { path: 'mqtt.port', type: 'int', description: 'embedded MQTT broker port' },
  HPG_MQTT_TLS_PORT: { path: 'mqtt.tls.port', type: 'int', description: 'MQTT over TLS port (8883)' },
  HPG_MQTT_TLS_CERT: {
    path: 'mqtt.tls.certFile',
    type: 'string',
    description: 'broker certificate (PEM): turns TLS on',
  },
  HPG_MQTT_TLS_KEY: { path: 'mqtt.tls.keyFile', type: 'string', description: 'broker private key (PEM)' },
  HPG_MQTT_TLS_CA: { path: 'mqtt.tls.caFile', type: 'string', description: 'device CA (PEM): client certificates' },
  HPG_MQTT_TLS_REQUIRE_CLIENT_CERT: {
    path: 'mqtt.tls.requireClientCert',
    type: 'bool',
    description: 'TLS port: client certificate only',
  },
  HPG_STORE_PATH: { path: 'store.path', type: 'string', description: 'embedded store file (SQLite)' },
  ...AUTH_ENV,
  HPG_REGULATORY_DIR: { path: 'regulatoryDir', type: 'string', description: 'standards, targets, factors' },
  HPG_INDICATORS_ENABLED: { path: 'indicators.enabled', type: 'bool', description: 'run the indicator service' },
  ...INDICATORS_ENV,
  HPG_EXPORTS_ENABLED: { path: 'exports.enabled', type: 'bool', description: 'scheduled exports and their routes' },
  ...EXPORTS_ENV,
  HPG_ALERTS_ENABLED: { path: 'alerts.enabled', type: 'bool', description: 'run the alert service' },
  ...ALERTS_ENV,
  HPG_BUS_PARTITIONS: { path: 'bus.partitions', type: 'int', description: 'partitions per bus topic' },
  HPG_BUS_CAPACITY: { path: 'bus.capacity', type: 'int', description: 'uncommitted records per partition' },
  HPG_SIM_ENABLED: { path: 'simulator.enabled', type: 'bool', description: 'run the simulated fleet' },
  HPG_SIM_SEED: { path: 'simulator.seed', type: 'int', description: 'simulator random seed' },
  HPG_SIM_SPEED: { path: 'simulator.speed', type: 'number', description: 'simulated seconds per second' },
  HPG_SIM_RATE: { path: 'simulator.ratePerSecond', type: 'number', description: 'total messages/s (load)' },
  HPG_SIM_BACKFILL_HOURS: { path: 'simulator.backfillHours', type: 'number', description: 'history to publish first' },
  HPG_SIM_FLEET_SECRET: { path: 'simulator.fleetSecret', type: 'string', description: 'demo fleet password secret' },
  HPG_OCPP_ENABLED: { path: 'ocpp.enabled', type: 'bool', description: 'run the OCPP-J central system' },
  ...OCPP_ENV,
  ...FRIGATE_SERVICES_ENV,
  HPG_EVIDENCE_ACCESS_ENABLED: {
    path: 'evidence.enabled',
    type: 'bool',
    description: 'serve evidence with its audit log, run retention',
  },
  ...EVIDENCE_ENV,
  ...API_ENV,
  ...INGEST_ENV,
  ...WRITER_ENV,
  ...STATION_FILES_ENV,
};

export function loadAllInOneConfig(env: Readonly<Record<string, string | undefined>>): AllInOneConfig {
  return loadConfig(AllInOneConfigSchema, { env, bindings: ALL_IN_ONE_ENV, file: env.HPG_CONFIG });
}
