/**
 * Composes every service in one process on the embedded engines: Aedes (MQTT), the in-process
 * bus and the SQLite store. The services are the same code that runs alone against Mosquitto,
 * Kafka and InfluxDB; only the adapters passed in differ.
 *
 * Start order: store → bus → writer → indicators → alerts → station files → ingest → broker → API → simulator
 * (consumers before producers). Stop order is the reverse of the data flow: stop taking device
 * messages and station files, let the bus drain into the store, then close.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import {
  AlertService,
  defaultEvidenceBaseUrl,
  EvidenceService,
  loadAlertSecrets,
  registerAlertRoutes,
  registerEvidenceRoutes,
} from '@hpg/alert-service';
import { type Api, startApi } from '@hpg/api';
import { startAuth } from '@hpg/auth';
import { MemoryBus } from '@hpg/bus-memory';
import { Exporter, ExportScheduler } from '@hpg/exports';
import { IndicatorService } from '@hpg/indicator-service';
import { createIngest, createStationFileWatcher, limitsOf, startFrigateServices } from '@hpg/ingest';
import { startEmbeddedBroker } from '@hpg/mqtt-embedded';
import { startOcppGateway } from '@hpg/ocpp-gateway';
import { createMetrics, Gauge, Lifecycle, type Logger } from '@hpg/platform';
import { Registry } from '@hpg/registry';
import { loadRegulatory } from '@hpg/reports';
import { createSimulator } from '@hpg/simulator';
import { openSqliteStore } from '@hpg/store-sqlite';
import { createWriter } from '@hpg/writer';
import type { AllInOneConfig } from './config.ts';
import { evidencePaths } from './evidence.ts';

export interface AllInOne {
  readonly mqttUrl: string;
  /** `mqtts://…` when the TLS listener runs. */
  readonly mqttTlsUrl: string | undefined;
  readonly apiUrl: string;
  /** The OCPP-J central system's URL when it runs. */
  readonly ocppUrl: string | undefined;
  readonly registry: Registry;
  readonly bus: MemoryBus;
  readonly lifecycle: Lifecycle;
  /** Ordered shutdown; resolves true when every step succeeded. Idempotent. */
  stop(): Promise<boolean>;
}

/** How long shutdown waits for the bus to drain into the store before closing anyway. */
const DRAIN_TIMEOUT_MS = 30_000;

export function loadRegistry(file: string): Registry {
  return Registry.from(JSON.parse(readFileSync(resolve(file), 'utf8')));
}

export async function startAllInOne(config: AllInOneConfig, logger: Logger): Promise<AllInOne> {
  const lifecycle = new Lifecycle(logger);
  const metrics = createMetrics();
  const registry = loadRegistry(config.registryFile);
  const currentRegistry = () => registry;
  const regulatory = loadRegulatory(resolve(config.regulatoryDir));
  const started: (() => Promise<void>)[] = [];
  try {
    const storePath = resolve(config.store.path);
    mkdirSync(dirname(storePath), { recursive: true });
    const store = await openSqliteStore({ path: storePath });
    started.push(() => store.close());

    const bus = new MemoryBus({
      partitions: config.bus.partitions,
      capacity: config.bus.capacity,
      onDeadLetter: (dl) =>
        logger.error({ topic: dl.topic, group: dl.group, key: dl.key, error: dl.error }, 'dead letter'),
      onHandlerError: ({ topic, group, attempt, error }) =>
        logger.warn({ topic, group, attempt, err: error }, 'bus handler failed; redelivering'),
    });
    started.push(() => bus.close());
    new Gauge({
      name: 'hpg_bus_lag_records',
      help: 'Records published but not yet committed, by topic and consumer group',
      labelNames: ['topic', 'group'],
      registers: [metrics],
      collect() {
        for (const l of bus.lag()) this.set({ topic: l.topic, group: l.group }, l.lag);
      },
    });

    const writer = createWriter({ bus, store, logger: logger.child({ service: 'writer' }), metrics }, config.writer);
    await writer.start();
    started.push(() => writer.stop());

    // Set once the alert service runs: the dumping indicators count the police's outcomes.
    let alertService: AlertService | undefined;
    const dumpingOutcomes = async (q: { localityIds: readonly string[]; from: number; to: number }) =>
      (await alertService?.dumpingOutcomes(q)) ?? [];
    const indicators = config.indicators.enabled
      ? new IndicatorService(
          {
            bus,
            store,
            registry: currentRegistry,
            regulatory,
            logger: logger.child({ service: 'indicators' }),
            metrics,
            ...(config.alerts.enabled ? { dumpingOutcomes } : {}),
          },
          config.indicators,
        )
      : undefined;
    if (indicators !== undefined) {
      await indicators.start();
      started.push(() => indicators.stop());
    }

    const alertSecrets = loadAlertSecrets(config.alerts, process.env);
    const alerts = config.alerts.enabled
      ? new AlertService(
          {
            bus,
            registry: currentRegistry,
            regulatory,
            secrets: alertSecrets,
            logger: logger.child({ service: 'alerts' }),
            metrics,
          },
          {
            ...config.alerts,
            storePath: config.alerts.storePath ?? join(dirname(storePath), 'alerts.sqlite'),
            // Police messages carry signed links to the evidence routes served below.
            ...(config.evidence.enabled && config.alerts.evidenceBaseUrl === undefined
              ? { evidenceBaseUrl: defaultEvidenceBaseUrl(config.alerts.links.baseUrl) }
              : {}),
          },
        )
      : undefined;
    alertService = alerts;
    if (alerts !== undefined) {
      if (alertSecrets.development)
        logger.warn('alerts: development action-link secret in use (HPG_ALERT_LINK_SECRET)');
      await alerts.start();
      started.push(() => alerts.stop());
    }

    const evidencePlace = evidencePaths(config);
    const evidence = config.evidence.enabled
      ? new EvidenceService(
          {
            logger: logger.child({ service: 'evidence' }),
            metrics,
            linkSecrets: alertSecrets.linkSecrets,
            detections: store,
            ...(alerts === undefined ? {} : { alerts: () => alerts.store }),
          },
          { ...config.evidence, dir: evidencePlace.dir, auditPath: evidencePlace.auditPath },
        )
      : undefined;
    if (evidence !== undefined) {
      evidence.start();
      started.push(() => evidence.stop());
    }

    const stationFiles = config.stationFiles.enabled
      ? createStationFileWatcher(
          {
            bus,
            registry: currentRegistry,
            logger: logger.child({ service: 'station-files' }),
            metrics,
            limits: limitsOf(config.ingest),
          },
          config.stationFiles,
        )
      : undefined;
    if (stationFiles !== undefined) {
      await stationFiles.start();
      started.push(() => stationFiles.stop());
    }

    // Frigate evidence and reconciliation (the embedded broker has no reconnection to signal:
    // reconciliation runs at start and periodically).
    const frigate = await startFrigateServices(
      {
        bus,
        registry: currentRegistry,
        formats: config.ingest.formats,
        limits: limitsOf(config.ingest),
        logger: logger.child({ service: 'frigate' }),
        metrics,
      },
      config.frigate,
    );
    started.push(() => frigate.stop());
    frigate.onReconnect();

    const tls = config.mqtt.tls;
    const broker = await startEmbeddedBroker({
      host: config.mqtt.host,
      port: config.mqtt.port,
      registry: currentRegistry,
      ...(tls.certFile === undefined || tls.keyFile === undefined
        ? {}
        : {
            tls: {
              host: config.mqtt.host,
              port: tls.port,
              cert: readFileSync(resolve(tls.certFile)),
              key: readFileSync(resolve(tls.keyFile)),
              ...(tls.caFile === undefined ? {} : { ca: readFileSync(resolve(tls.caFile)) }),
              requireClientCert: tls.requireClientCert,
            },
          }),
    });
    started.push(() => broker.close());
    const ingest = createIngest(
      { source: broker.source, bus, registry: currentRegistry, logger: logger.child({ service: 'ingest' }), metrics },
      config.ingest,
    );
    await ingest.start();
    new Gauge({
      name: 'hpg_mqtt_connected_clients',
      help: 'Clients connected to the embedded MQTT broker',
      registers: [metrics],
      collect() {
        this.set(broker.connectedClients());
      },
    });

    const ocpp = config.ocpp.enabled
      ? await startOcppGateway(
          {
            bus,
            registry: currentRegistry,
            logger: logger.child({ service: 'ocpp-gateway' }),
            metrics,
            stateFile: resolve(config.ocpp.stateFile),
          },
          config.ocpp,
        )
      : undefined;
    if (ocpp !== undefined) started.push(() => ocpp.close());

    const exporter = config.exports.enabled
      ? new Exporter(
          {
            store,
            registry: currentRegistry,
            regulatory,
            logger: logger.child({ service: 'exports' }),
            ...(alerts === undefined ? {} : { dumpingOutcomes }),
          },
          {
            dir: resolve(config.exports.dir ?? join(dirname(storePath), 'exports')),
            averaging: config.indicators.averaging,
          },
        )
      : undefined;
    const auth = startAuth(config.auth, currentRegistry, process.env, logger.child({ service: 'auth' }));
    const api: Api = await startApi(
      {
        store,
        registry: currentRegistry,
        metrics,
        logger: logger.child({ service: 'api' }),
        regulatory,
        ...(auth === undefined ? {} : { auth }),
        ...(alerts === undefined ? {} : { dumpingOutcomes }),
        ...(exporter === undefined ? {} : { exporter: () => exporter }),
        ...(alerts === undefined && evidence === undefined
          ? {}
          : {
              routes: (app) => {
                if (alerts !== undefined) {
                  registerAlertRoutes(app, {
                    service: () => alerts,
                    registry: currentRegistry,
                    linkSecrets: alertSecrets.linkSecrets,
                  });
                }
                if (evidence !== undefined) registerEvidenceRoutes(app, { service: () => evidence });
              },
            }),
        health: [
          { name: 'bus', check: () => bus.health() },
          {
            name: 'mqtt',
            check: async () => ({ ok: true, detail: `embedded broker, ${broker.connectedClients()} clients` }),
          },
        ],
      },
      config.api,
    );
    started.push(() => api.close());
    const mqttUrl = `mqtt://${config.mqtt.host}:${broker.port}`;
    const exportScheduler =
      exporter === undefined
        ? undefined
        : new ExportScheduler({ exporter, logger: logger.child({ service: 'exports' }) }, config.exports);
    exportScheduler?.start();
    if (exportScheduler !== undefined) started.push(() => exportScheduler.stop());

    const simulator = config.simulator.enabled
      ? createSimulator(
          { logger: logger.child({ service: 'simulator' }) },
          {
            brokerUrl: mqttUrl,
            registry: registry.data,
            fleetSecret: config.simulator.fleetSecret,
            seed: config.simulator.seed,
            speed: config.simulator.speed,
            ...(config.simulator.ratePerSecond !== undefined && { ratePerSecond: config.simulator.ratePerSecond }),
            backfillHours: config.simulator.backfillHours,
          },
        )
      : undefined;
    if (simulator !== undefined) await simulator.start();

    // Shutdown: producers first, then drain, then close what holds data.
    if (simulator !== undefined) lifecycle.onShutdown('simulator', () => simulator.stop());
    if (exportScheduler !== undefined) lifecycle.onShutdown('exports: scheduler', () => exportScheduler.stop());
    lifecycle.onShutdown('ingest: stop taking device messages', () => ingest.stop());
    if (ocpp !== undefined) lifecycle.onShutdown('ocpp: stop taking calls', () => ocpp.close());
    if (stationFiles !== undefined) lifecycle.onShutdown('station files: stop taking files', () => stationFiles.stop());
    lifecycle.onShutdown('frigate: evidence and reconciliation', () => frigate.stop());
    lifecycle.onShutdown('mqtt broker', () => broker.close());
    lifecycle.onShutdown('bus: drain into the store', async () => {
      const drained = bus.drained();
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), DRAIN_TIMEOUT_MS).unref());
      if ((await Promise.race([drained, timeout])) === 'timeout') {
        throw new Error(`bus not drained after ${DRAIN_TIMEOUT_MS} ms: ${JSON.stringify(bus.lag())}`);
      }
    });
    if (indicators !== undefined) lifecycle.onShutdown('indicators', () => indicators.stop());
    if (alerts !== undefined) lifecycle.onShutdown('alerts', () => alerts.stop());
    lifecycle.onShutdown('writer', () => writer.stop());
    lifecycle.onShutdown('bus', () => bus.close());
    lifecycle.onShutdown('api', () => api.close());
    if (evidence !== undefined) lifecycle.onShutdown('evidence: audit log and retention', () => evidence.stop());
    lifecycle.onShutdown('store', () => store.close());

    return {
      mqttUrl,
      mqttTlsUrl: broker.tlsPort === undefined ? undefined : `mqtts://${config.mqtt.host}:${broker.tlsPort}`,
      apiUrl: api.url,
      ocppUrl: ocpp?.url,
      registry,
      bus,
      lifecycle,
      stop: () => lifecycle.shutdown('stop requested'),
    };
  } catch (err) {
    // A half-started process releases what it opened (ports, the store file) before failing.
    for (const close of started.reverse()) await close().catch(() => undefined);
    throw err;
  }
}
