/**
 * The alert service as its own process, for production: the bus on Kafka; alerts and the outbox
 * in a SQLite file on this host; the inbox and action-link routes on their own port (a reverse
 * proxy sends /api/v1/alerts to it); evidence access, its audit log and retention (/api/v1/evidence,
 * /api/v1/audit), over the evidence directory ingest writes, on shared protected storage.
 *   HPG_KAFKA_BROKERS=host:9092 HPG_ENV=production HPG_ALERT_LINK_SECRET=… node services/alerts/src/main.ts
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AUTH_ENV, installSignIn, MainAuthConfigSchema, startAuth } from '@hpg/auth';
import { KAFKA_ENV, KafkaBus, KafkaConfigSchema } from '@hpg/bus-kafka';
import { runService, ServiceBaseSchema } from '@hpg/platform';
import { Registry } from '@hpg/registry';
import { loadRegulatory } from '@hpg/reports';
import Fastify from 'fastify';
import { z } from 'zod';
import { ALERTS_ENV, AlertServiceConfigSchema } from './config.ts';
import {
  defaultEvidenceBaseUrl,
  EVIDENCE_ENV,
  EvidenceConfigSchema,
  EvidenceService,
  registerEvidenceRoutes,
} from './evidence/index.ts';
import { registerAlertRoutes } from './routes.ts';
import { loadAlertSecrets } from './secrets.ts';
import { AlertService } from './service.ts';

const Schema = ServiceBaseSchema.extend({
  kafka: KafkaConfigSchema,
  alerts: AlertServiceConfigSchema.prefault({}),
  /** Evidence access and retention: the evidence directory must be ingest's (shared, protected storage). */
  evidence: EvidenceConfigSchema.extend({
    enabled: z.boolean().default(true),
    dir: z.string().min(1).default('var/evidence'),
    auditPath: z.string().min(1).default('var/evidence-audit.sqlite'),
  }).prefault({}),
  http: z
    .object({ host: z.string().min(1).default('127.0.0.1'), port: z.number().int().min(0).max(65_535).default(8081) })
    .prefault({}),
  /** Sign-in: the same users file and session secret as the API, so one token works on both. */
  auth: MainAuthConfigSchema.prefault({}),
  registryFile: z.string().min(1).default('config/registry.demo.json'),
  regulatoryDir: z.string().min(1).default('config/regulatory'),
});

await runService({
  name: 'hpg-alerts',
  schema: Schema,
  bindings: {
    ...KAFKA_ENV,
    ...ALERTS_ENV,
    ...EVIDENCE_ENV,
    HPG_EVIDENCE_ACCESS_ENABLED: {
      path: 'evidence.enabled',
      type: 'bool',
      description: 'serve evidence, run retention',
    },
    HPG_EVIDENCE_DIR: {
      path: 'evidence.dir',
      type: 'string',
      description: 'evidence store directory (ingest writes it)',
    },
    HPG_ALERT_HTTP_HOST: { path: 'http.host', type: 'string', description: 'alert routes listen address' },
    HPG_ALERT_HTTP_PORT: { path: 'http.port', type: 'int', description: 'alert routes port' },
    ...AUTH_ENV,
    HPG_REGISTRY: { path: 'registryFile', type: 'string', description: 'registry JSON file' },
    HPG_REGULATORY_DIR: { path: 'regulatoryDir', type: 'string', description: 'standards, targets, factors' },
  },
  async start(config, { logger, metrics, lifecycle }) {
    const secrets = loadAlertSecrets(config.alerts, process.env);
    if (secrets.development) logger.warn('using the development action-link secret: set HPG_ALERT_LINK_SECRET');
    const registry = Registry.from(JSON.parse(readFileSync(resolve(config.registryFile), 'utf8')));
    const regulatory = loadRegulatory(config.regulatoryDir);
    const bus = await KafkaBus.connect({
      ...config.kafka,
      clientId: 'hpg-alerts',
      onClientLog: (level, message, extra) => logger[level]({ kafka: extra }, message),
      onDeadLetter: (dl) => logger.error({ topic: dl.topic, key: dl.key, error: dl.error }, 'dead letter'),
      onHandlerError: ({ topic, attempt, error }) => logger.warn({ topic, attempt, err: error }, 'handler failed'),
    });
    const service = new AlertService(
      { bus, registry: () => registry, regulatory, secrets, logger, metrics },
      config.evidence.enabled && config.alerts.evidenceBaseUrl === undefined
        ? { ...config.alerts, evidenceBaseUrl: defaultEvidenceBaseUrl(config.alerts.links.baseUrl) }
        : config.alerts,
    );
    lifecycle.onShutdownFirst('bus', () => bus.close());
    lifecycle.onShutdownFirst('alerts: stop', () => service.stop());
    await service.start();
    const evidence = config.evidence.enabled
      ? new EvidenceService(
          {
            logger: logger.child({ service: 'evidence' }),
            metrics,
            linkSecrets: secrets.linkSecrets,
            alerts: () => service.store,
          },
          config.evidence,
        )
      : undefined;
    if (evidence !== undefined) {
      evidence.start();
      lifecycle.onShutdownFirst('evidence: audit log and retention', () => evidence.stop());
    }
    // Production refuses sign-in off, a missing or short session secret, and the demo users.
    const auth = startAuth(config.auth, () => registry, process.env, logger);
    const app = Fastify({ logger: false, bodyLimit: 65_536, routerOptions: { maxParamLength: 2048 } });
    installSignIn(app, () => registry, auth);
    registerAlertRoutes(app, { service: () => service, registry: () => registry, linkSecrets: secrets.linkSecrets });
    if (evidence !== undefined) registerEvidenceRoutes(app, { service: () => evidence });
    await app.listen({ host: config.http.host, port: config.http.port });
    lifecycle.onShutdownFirst('alert routes', () => app.close());
    return [{ name: 'kafka', check: () => bus.health() }];
  },
});
