/**
 * HTTP API: health that checks its dependencies, Prometheus metrics, readings by device / site /
 * locality / time range, detections, and the refusals with their reasons.
 */

import { installSignIn, type Principal, principalOf, type SignIn } from '@hpg/auth';
import { metricsByMeasurement, REFUSAL_REASONS } from '@hpg/contracts';
import { type Exporter, registerExportRoutes } from '@hpg/exports';
import { type Logger, type Registry as MetricsRegistry, type OpsCheck, runCheck } from '@hpg/platform';
import type { Store } from '@hpg/ports';
import type { Registry } from '@hpg/registry';
import type { Regulatory, ReportDeps } from '@hpg/reports';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { ApiConfig } from './config.ts';
import { indicatorReport, MonthQuerySchema, PointsQuerySchema, WastewaterQuerySchema } from './indicators.ts';
import { collectRoutes, openApiDocument } from './openapi.ts';
import {
  DetectionsQuerySchema,
  ReadingsQuerySchema,
  RefusalsQuerySchema,
  SummaryQuerySchema,
  window,
} from './query.ts';
import { registerWebApp } from './web.ts';

/** A dependency /healthz checks (the same shape the services' ops endpoints use). */
export type HealthCheck = OpsCheck;

export interface ApiDeps {
  readonly store: Store;
  readonly registry: () => Registry;
  readonly metrics: MetricsRegistry;
  readonly logger: Logger;
  /** Everything /healthz checks besides the store. */
  readonly health: readonly HealthCheck[];
  /** Standards, targets and factors; without them the indicator routes answer 503. */
  readonly regulatory?: Regulatory;
  /** The police's outcomes of dumping alerts (where the alert store is reachable). */
  readonly dumpingOutcomes?: ReportDeps['dumpingOutcomes'];
  readonly now?: () => number;
  /**
   * Sign-in and access control. Absent: development and tests only — every request runs as an
   * administrator of the whole city (production mains refuse that).
   */
  readonly auth?: SignIn;
  /** Monthly and yearly exports: listed and downloaded under /api/v1/exports, within the caller's scope. */
  readonly exporter?: () => Exporter;
  /** More routes on the same server (the alert inbox in the all-in-one). */
  readonly routes?: (app: FastifyInstance) => void;
}

export interface Api {
  readonly port: number;
  readonly url: string;
  readonly server: FastifyInstance;
  close(): Promise<void>;
}

function badRequest(reply: FastifyReply, error: z.ZodError) {
  return reply.code(400).send({
    error: {
      code: 'invalid_query',
      message: 'the query string is invalid',
      details: error.issues.map((i) => `${i.path.join('.') || '(query)'}: ${i.message}`),
    },
  });
}

export async function startApi(deps: ApiDeps, config: ApiConfig): Promise<Api> {
  const now = deps.now ?? Date.now;
  // maxParamLength: signed action links carry their token in the path.
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024, routerOptions: { maxParamLength: 2048 } });
  // Before any route: the OpenAPI document lists what was really registered, with its policy.
  const registered = collectRoutes(app);
  installSignIn(app, deps.registry, deps.auth);
  // Built once, on first request: no route can be added once the server listens.
  let openApi: Record<string, unknown> | undefined;
  app.get('/api/v1/openapi.json', { config: { auth: { public: true } } }, async () => {
    openApi ??= openApiDocument(registered());
    return openApi;
  });
  /** The caller (routes with a permission always have one). */
  const who = (req: FastifyRequest): Principal => principalOf(req) as Principal;
  const outOfScope = (reply: FastifyReply, what: string) =>
    reply
      .code(403)
      .send({ error: { code: 'out_of_scope', message: `${what} is outside your locality (ngoài địa bàn)` } });
  const everywhere = (p: Principal) => deps.registry().data.localities.every((l) => p.scope.has(l.id));
  /** A device's or site's locality, for scope checks; undefined when unknown. */
  const localityOfDevice = (id: string) => {
    const d = deps.registry().data.devices.find((x) => x.id === id);
    return d === undefined ? undefined : deps.registry().site(d.siteId)?.localityId;
  };
  const clampLimit = (l: number | undefined) => Math.min(l ?? 1000, config.maxLimit);

  app.setErrorHandler((err: { statusCode?: number; message?: string }, _req, reply) => {
    const status = err.statusCode !== undefined && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) deps.logger.error({ err }, 'request failed');
    // A 500 says nothing of the internals; the log has the error.
    const message = status === 500 ? 'internal error' : (err.message ?? 'bad request');
    void reply.code(status).send({ error: { code: status === 500 ? 'internal' : 'bad_request', message } });
  });

  app.get('/healthz', { config: { auth: { public: true } } }, async (_req, reply) => {
    const checks = await Promise.all(
      [{ name: 'store', check: () => deps.store.health() }, ...deps.health].map(runCheck),
    );
    const ok = checks.every((c) => c.ok);
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', checks });
  });

  app.get('/metrics', { config: { auth: { permission: 'ops:read', loopbackOpen: true } } }, async (_req, reply) => {
    const body = await deps.metrics.metrics();
    return reply.header('content-type', deps.metrics.contentType).send(body);
  });

  // The web app (/ and /app/*), outside /api/: the data it shows keeps the API's policies.
  registerWebApp(app);

  app.get('/api/v1/readings', { config: { auth: { permission: 'readings:read' } } }, async (req, reply) => {
    const q = ReadingsQuerySchema.safeParse(req.query);
    if (!q.success) return badRequest(reply, q.error);
    const { from, to } = window(q.data, now());
    const registry = deps.registry();
    if (q.data.localityId !== undefined && registry.locality(q.data.localityId) === undefined) {
      return reply
        .code(404)
        .send({ error: { code: 'unknown_locality', message: `no locality "${q.data.localityId}"` } });
    }
    const p = who(req);
    if (q.data.localityId !== undefined && !p.scope.has(q.data.localityId)) return outOfScope(reply, 'this locality');
    if (q.data.deviceId !== undefined && !p.scope.has(localityOfDevice(q.data.deviceId) ?? '')) {
      return outOfScope(reply, 'this device');
    }
    if (q.data.siteId !== undefined && !p.scope.has(registry.site(q.data.siteId)?.localityId ?? '')) {
      return outOfScope(reply, 'this site');
    }
    // Without a scope in the query, a user limited to part of the city gets that part.
    const limitToScope =
      q.data.deviceId === undefined && q.data.siteId === undefined && q.data.localityId === undefined && !everywhere(p);
    const readings = await deps.store.queryReadings({
      ...(q.data.deviceId !== undefined && { deviceId: q.data.deviceId }),
      ...(q.data.siteId !== undefined && { siteId: q.data.siteId }),
      ...(q.data.localityId !== undefined && { localityIds: registry.localityScope(q.data.localityId) }),
      ...(limitToScope && { localityIds: [...p.scope] }),
      ...(q.data.measurement !== undefined && { measurement: q.data.measurement }),
      from,
      to,
      limit: clampLimit(q.data.limit),
      order: q.data.order ?? 'asc',
    });
    return { from, to, count: readings.length, units: unitsTable(), readings };
  });

  app.get('/api/v1/detections', { config: { auth: { permission: 'detections:read' } } }, async (req, reply) => {
    const q = DetectionsQuerySchema.safeParse(req.query);
    if (!q.success) return badRequest(reply, q.error);
    const { from, to } = window(q.data, now());
    const p = who(req);
    if (q.data.localityId !== undefined && !p.scope.has(q.data.localityId)) return outOfScope(reply, 'this locality');
    if (q.data.deviceId !== undefined && !p.scope.has(localityOfDevice(q.data.deviceId) ?? '')) {
      return outOfScope(reply, 'this device');
    }
    const limitToScope = q.data.deviceId === undefined && q.data.localityId === undefined && !everywhere(p);
    const detections = await deps.store.queryDetections({
      ...(q.data.deviceId !== undefined && { deviceId: q.data.deviceId }),
      ...(q.data.localityId !== undefined && { localityIds: deps.registry().localityScope(q.data.localityId) }),
      ...(limitToScope && { localityIds: [...p.scope] }),
      from,
      to,
      limit: clampLimit(q.data.limit),
    });
    return { from, to, count: detections.length, detections };
  });

  app.get('/api/v1/refusals', { config: { auth: { permission: 'refusals:read' } } }, async (req, reply) => {
    const q = RefusalsQuerySchema.safeParse(req.query);
    if (!q.success) return badRequest(reply, q.error);
    const { from, to } = window(q.data, now());
    const refusals = await deps.store.queryRefusals({
      ...(q.data.reason !== undefined && { reason: q.data.reason }),
      ...(q.data.deviceId !== undefined && { deviceId: q.data.deviceId }),
      from,
      to,
      limit: clampLimit(q.data.limit),
    });
    return { from, to, count: refusals.length, refusals };
  });

  app.get('/api/v1/refusals/summary', { config: { auth: { permission: 'refusals:read' } } }, async (req, reply) => {
    const q = SummaryQuerySchema.safeParse(req.query);
    if (!q.success) return badRequest(reply, q.error);
    const { from, to } = window(q.data, now());
    const counts = await deps.store.countRefusals(from, to);
    const byReason = Object.entries(counts).map(([reason, count]) => ({
      reason,
      count,
      description: REFUSAL_REASONS[reason as keyof typeof REFUSAL_REASONS],
    }));
    return { from, to, total: byReason.reduce((s, r) => s + r.count, 0), byReason };
  });

  /** An indicator route: query validated, locality known, regulatory data loaded, then computed. */
  const indicatorRoute = <Q extends { localityId: string }>(
    path: string,
    schema: z.ZodType<Q>,
    compute: (d: ReportDeps, q: Q) => Promise<object>,
  ) =>
    app.get(path, { config: { auth: { permission: 'indicators:read' } } }, async (req, reply) => {
      const p = who(req);
      // Without a locality, a user's own (the city for city users).
      const raw = req.query as Record<string, unknown>;
      const q = schema.safeParse(raw.localityId === undefined ? { ...raw, localityId: p.localityId } : raw);
      if (!q.success) return badRequest(reply, q.error);
      const registry = deps.registry();
      if (registry.locality(q.data.localityId) === undefined) {
        return reply
          .code(404)
          .send({ error: { code: 'unknown_locality', message: `no locality "${q.data.localityId}"` } });
      }
      if (!p.scope.has(q.data.localityId)) return outOfScope(reply, 'this locality');
      if (deps.regulatory === undefined) {
        return reply
          .code(503)
          .send({ error: { code: 'no_regulatory_data', message: 'regulatory data is not loaded' } });
      }
      const reportDeps: ReportDeps = {
        store: deps.store,
        registry,
        regulatory: deps.regulatory,
        now: now(),
        ...(deps.dumpingOutcomes === undefined ? {} : { dumpingOutcomes: deps.dumpingOutcomes }),
      };
      return compute(reportDeps, q.data);
    });
  indicatorRoute('/api/v1/indicators/wastewater', WastewaterQuerySchema, (d, q) => indicatorReport(d, 'wastewater', q));
  for (const kind of ['solar', 'ev', 'dumping', 'energy'] as const) {
    indicatorRoute(`/api/v1/indicators/${kind}`, MonthQuerySchema, (d, q) => indicatorReport(d, kind, q));
  }
  app.get('/api/v1/indicators/points', { config: { auth: { permission: 'indicators:read' } } }, async (req, reply) => {
    const q = PointsQuerySchema.safeParse(req.query);
    if (!q.success) return badRequest(reply, q.error);
    const p = who(req);
    const { indicator, scopeId, period, ...range } = q.data;
    const points = await deps.store.queryIndicators({
      ...range,
      ...(indicator === undefined ? {} : { indicators: indicator }),
      ...(scopeId === undefined ? {} : { scopeIds: scopeId }),
      ...(period === undefined ? {} : { period }),
    });
    // Points of localities and sites outside the caller's scope are left out.
    return { points: points.filter((x) => p.scope.has(x.localityId)) };
  });

  const registryRead = { config: { auth: { permission: 'registry:read' as const } } };
  app.get('/api/v1/localities', registryRead, async () => ({ localities: deps.registry().data.localities }));
  app.get('/api/v1/sites', registryRead, async (req) => {
    const p = who(req);
    return { sites: deps.registry().data.sites.filter((x) => p.scope.has(x.localityId)) };
  });
  // Credentials never leave the registry.
  app.get('/api/v1/devices', registryRead, async (req) => {
    const p = who(req);
    return {
      devices: deps
        .registry()
        .data.devices.filter((d) => p.scope.has(localityOfDevice(d.id) ?? ''))
        .map(({ credentials: _c, ...d }) => d),
    };
  });
  app.get('/api/v1/units', registryRead, async () => ({ units: unitsTable() }));

  const exporter = deps.exporter;
  if (exporter !== undefined)
    registerExportRoutes(app, { exporter, scopeOf: (req) => who(req as FastifyRequest).scope });
  deps.routes?.(app);
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  let closing: Promise<void> | undefined;
  return {
    port,
    url: `http://${config.host}:${port}`,
    server: app,
    close() {
      closing ??= app.close();
      return closing;
    },
  };
}

let units: Record<string, Record<string, string>> | undefined;
/** measurement → metric → canonical unit. */
function unitsTable(): Record<string, Record<string, string>> {
  units ??= Object.fromEntries(
    Object.entries(metricsByMeasurement).map(([m, specs]) => [
      m,
      Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, spec.unit])),
    ]),
  );
  return units;
}
