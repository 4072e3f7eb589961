/**
 * The API's OpenAPI 3.1 document, generated from the routes the server actually registered and
 * the zod schemas that validate their queries and bodies (`z.toJSONSchema`, input side: what a
 * client sends). Served at GET /api/v1/openapi.json; `pnpm openapi` writes it to docs/openapi.json.
 *
 * Each route's access policy comes from its own route config (the sign-in guard's), so the
 * document says who may call it exactly as the server enforces it. A route registered without an
 * entry in ROUTE_DOCS fails the test that compares the two, so the document cannot drift.
 */
import {
  AlertActionBodySchema,
  AlertListQuerySchema,
  AuditQuerySchema,
  EvidenceFileQuerySchema,
  HoldBodySchema,
} from '@hpg/alert-service';
import { LoginSchema, PERMISSIONS, type Permission, ROLE_PERMISSIONS, ROLES, type RoutePolicy } from '@hpg/auth';
import { DetectionSchema, IndicatorPointSchema, ReadingSchema, RefusalSchema } from '@hpg/contracts';
import { ExportDownloadQuerySchema, ExportListQuerySchema } from '@hpg/exports';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { MonthQuerySchema, PointsQuerySchema, WastewaterQuerySchema } from './indicators.ts';
import { DetectionsQuerySchema, ReadingsQuerySchema, RefusalsQuerySchema, SummaryQuerySchema } from './query.ts';

export interface RouteDoc {
  readonly tag: string;
  readonly summary: string;
  readonly description?: string;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  /** The 200 answer's JSON body, where a schema describes it. */
  readonly response?: z.ZodType;
  /** Media types of a 200 answer that is not JSON. */
  readonly produces?: readonly string[];
}

const ERROR = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
const list = <T extends z.ZodType>(key: string, item: T) =>
  z.object({ from: z.number(), to: z.number(), count: z.number().int(), [key]: z.array(item) });
const indicator = (what: string, query: z.ZodType = MonthQuerySchema): RouteDoc => ({
  tag: 'indicators',
  summary: `${what} of a locality (and what is under it) for a month cut in Asia/Ho_Chi_Minh, against the plans' targets`,
  query,
});

/** Every route the API serves, in any composition (the all-in-one adds alerts, evidence and exports). */
export const ROUTE_DOCS: Readonly<Record<string, RouteDoc>> = {
  'GET /healthz': { tag: 'operations', summary: 'Health: 200 when the store, bus and broker answer, else 503' },
  'GET /metrics': {
    tag: 'operations',
    summary: 'Prometheus metrics (open on loopback; elsewhere ops:read)',
    produces: ['text/plain'],
  },
  'GET /api/v1/openapi.json': { tag: 'operations', summary: 'This document' },
  'POST /api/v1/auth/login': {
    tag: 'sign-in',
    summary: 'Sign in: sets the HttpOnly session cookie; returns the CSRF token and a bearer token',
    body: LoginSchema,
  },
  'POST /api/v1/auth/logout': { tag: 'sign-in', summary: 'Sign out (clears the cookie)' },
  'GET /api/v1/auth/session': { tag: 'sign-in', summary: 'Who is signed in, their role and localities' },
  'GET /api/v1/readings': {
    tag: 'data',
    summary: 'Readings by device, site or locality and time (half-open window; default the last hour)',
    query: ReadingsQuerySchema,
    response: list('readings', ReadingSchema),
  },
  'GET /api/v1/detections': {
    tag: 'data',
    summary: 'Camera detections by device or locality and time (personal data: police and admin)',
    query: DetectionsQuerySchema,
    response: list('detections', DetectionSchema),
  },
  'GET /api/v1/refusals': {
    tag: 'data',
    summary: 'Refused device input with its reason (raw bytes: admin only)',
    query: RefusalsQuerySchema,
    response: list('refusals', RefusalSchema),
  },
  'GET /api/v1/refusals/summary': {
    tag: 'data',
    summary: 'Refusal counts by reason',
    query: SummaryQuerySchema,
  },
  'GET /api/v1/localities': { tag: 'registry', summary: 'Localities within the caller’s scope' },
  'GET /api/v1/sites': { tag: 'registry', summary: 'Sites within the caller’s scope, with coordinates' },
  'GET /api/v1/devices': { tag: 'registry', summary: 'Devices within the caller’s scope (never their credentials)' },
  'GET /api/v1/units': { tag: 'registry', summary: 'The unit catalogue per measurement and metric' },
  'GET /api/v1/indicators/wastewater': indicator(
    'Wastewater compliance (each plant by its own standard, column, Kq and Kf)',
    WastewaterQuerySchema,
  ),
  'GET /api/v1/indicators/solar': indicator('Rooftop solar: energy, specific yield, CO2 avoided, installations'),
  'GET /api/v1/indicators/ev': indicator('EV charging: sessions, energy, availability, stations operational'),
  'GET /api/v1/indicators/dumping': indicator('Illegal dumping: detections, incidents, outcomes, hotspots'),
  'GET /api/v1/indicators/energy': indicator('Energy savings against baselines, by facility, sector and locality'),
  'GET /api/v1/indicators/points': {
    tag: 'indicators',
    summary: 'Stored indicator points (day, month, year windows) by indicator and scope',
    query: PointsQuerySchema,
    response: z.object({ count: z.number().int(), points: z.array(IndicatorPointSchema) }),
  },
  'GET /api/v1/alerts': {
    tag: 'alerts',
    summary: 'Alerts of a locality the caller handles (police: dumping), newest first',
    query: AlertListQuerySchema,
  },
  'GET /api/v1/alerts/{id}': { tag: 'alerts', summary: 'One alert with its deliveries per channel and recipient' },
  'POST /api/v1/alerts/{id}/actions': {
    tag: 'alerts',
    summary: 'Acknowledge, resolve or mark a false alarm (the signed-in user is the actor)',
    body: AlertActionBodySchema,
  },
  'GET /api/v1/alerts/actions/{token}': {
    tag: 'alerts',
    summary: 'A signed action link from a message: a confirmation page (a GET never acts)',
    produces: ['text/html'],
  },
  'POST /api/v1/alerts/actions/{token}': {
    tag: 'alerts',
    summary: 'Carries out a signed action link (expiring, single alert and action)',
  },
  'POST /api/v1/alerts/deliveries/{id}/requeue': {
    tag: 'alerts',
    summary: 'Sends a delivery that was given up again (after a channel was fixed)',
  },
  'POST /api/v1/evidence/{sha256}/link': {
    tag: 'evidence',
    summary: 'A short-lived signed link of the caller’s own to open an evidence file (the issue is audited)',
  },
  'GET /api/v1/evidence/{sha256}': {
    tag: 'evidence',
    summary: 'An evidence file by content hash, opened with a signed link (`token`); every access audited',
    query: EvidenceFileQuerySchema,
    produces: ['image/jpeg', 'image/png', 'video/mp4', 'application/octet-stream'],
  },
  'GET /api/v1/evidence/alerts/{alertId}': {
    tag: 'evidence',
    summary: 'The snapshot of an alert, opened with a signed link (`token`); every access audited',
    query: EvidenceFileQuerySchema,
    produces: ['image/jpeg', 'image/png', 'application/octet-stream'],
  },
  'GET /api/v1/evidence/holds': { tag: 'evidence', summary: 'Evidence kept beyond retention, with who and why' },
  'POST /api/v1/evidence/{sha256}/hold': {
    tag: 'evidence',
    summary: 'Keep a file as evidence beyond retention',
    body: HoldBodySchema,
  },
  'DELETE /api/v1/evidence/{sha256}/hold': {
    tag: 'evidence',
    summary: 'Release a hold (retention applies again)',
    body: HoldBodySchema,
  },
  'GET /api/v1/audit': { tag: 'evidence', summary: 'The evidence access log', query: AuditQuerySchema },
  'GET /api/v1/audit/verify': { tag: 'evidence', summary: 'Checks the access log’s hash chain end to end' },
  'GET /api/v1/exports': {
    tag: 'exports',
    summary: 'Produced monthly and yearly exports within the caller’s scope',
    query: ExportListQuerySchema,
  },
  'GET /api/v1/exports/{locality}/{file}': {
    tag: 'exports',
    summary: 'One export, `<YYYY-MM|YYYY>.<xlsx|csv|json>`: the stored file, else made on demand',
    query: ExportDownloadQuerySchema,
    produces: [
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'text/csv; charset=utf-8',
      'application/json',
    ],
  },
};

export interface RegisteredRoute {
  readonly method: string;
  /** OpenAPI form: `/api/v1/alerts/{id}`. */
  readonly path: string;
  readonly policy: RoutePolicy | undefined;
}

const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** Records every route as it is registered (install before any route). */
export function collectRoutes(app: FastifyInstance): () => RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  app.addHook('onRoute', (r) => {
    const methods = (Array.isArray(r.method) ? r.method : [r.method]).filter((m) => m !== 'HEAD');
    const policy = (r.config as { auth?: RoutePolicy } | undefined)?.auth;
    for (const method of methods) routes.push({ method, path: openApiPath(r.url), policy });
  });
  return () => routes;
}

/** The pages of the web app and other non-API routes are not part of the document. */
const documented = (r: RegisteredRoute) => r.path.startsWith('/api/') || r.path === '/healthz' || r.path === '/metrics';

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });

function parameters(r: RegisteredRoute, doc: RouteDoc) {
  const params = [...r.path.matchAll(/\{([^}]+)\}/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  if (doc.query === undefined) return params;
  const q = schema(doc.query) as { properties?: Record<string, object>; required?: string[] };
  for (const [name, s] of Object.entries(q.properties ?? {})) {
    params.push({ name, in: 'query', required: q.required?.includes(name) ?? false, schema: s as { type: string } });
  }
  return params;
}

const rolesWith = (p: Permission) => ROLES.filter((role) => ROLE_PERMISSIONS[role].includes(p));

function access(policy: RoutePolicy | undefined) {
  if (policy?.public === true) return { security: [], 'x-access': 'public' };
  if (policy?.permission === undefined) return { 'x-access': 'refused (no policy)' };
  const who = rolesWith(policy.permission).join(', ');
  return {
    security: [{ bearer: [] }, { session: [] }],
    'x-permission': policy.permission,
    'x-roles': rolesWith(policy.permission),
    'x-access': `${policy.permission} (${who})${policy.loopbackOpen === true ? '; open on loopback' : ''}`,
  };
}

/** Routes the server registered that ROUTE_DOCS does not describe, and entries no route has. */
export function undocumented(routes: readonly RegisteredRoute[]): { routes: string[]; docs: string[] } {
  const keys = new Set(routes.filter(documented).map((r) => `${r.method} ${r.path}`));
  return {
    routes: [...keys].filter((k) => ROUTE_DOCS[k] === undefined).sort(),
    docs: Object.keys(ROUTE_DOCS)
      .filter((k) => !keys.has(k))
      .sort(),
  };
}

export function openApiDocument(routes: readonly RegisteredRoute[], serverUrl?: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of [...routes].filter(documented).sort((a, b) => a.path.localeCompare(b.path))) {
    const doc = ROUTE_DOCS[`${r.method} ${r.path}`] ?? { tag: 'other', summary: '(undocumented)' };
    const ok =
      doc.produces !== undefined
        ? Object.fromEntries(doc.produces.map((t) => [t, {}]))
        : { 'application/json': { schema: doc.response === undefined ? {} : schema(doc.response) } };
    paths[r.path] ??= {};
    (paths[r.path] as Record<string, unknown>)[r.method.toLowerCase()] = {
      tags: [doc.tag],
      summary: doc.summary,
      ...(doc.description === undefined ? {} : { description: doc.description }),
      operationId: `${r.method.toLowerCase()}${r.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      parameters: parameters(r, doc),
      ...(doc.body === undefined
        ? {}
        : { requestBody: { required: true, content: { 'application/json': { schema: schema(doc.body) } } } }),
      ...access(r.policy),
      responses: {
        '200': { description: 'OK', content: ok },
        ...(r.policy?.public === true
          ? {}
          : {
              '401': { description: 'Not signed in', content: { 'application/json': { schema: schema(ERROR) } } },
              '403': {
                description: 'Role or locality not allowed (out_of_scope), or a missing CSRF token with the cookie',
                content: { 'application/json': { schema: schema(ERROR) } },
              },
            }),
        '400': { description: 'Invalid query or body', content: { 'application/json': { schema: schema(ERROR) } } },
        '429': { description: 'Rate limited (Retry-After)' },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Hai Phong green-transition monitor API',
      version: '1',
      description:
        'Readings, detections, refusals, indicators against the plans’ targets, alerts, evidence and exports. ' +
        `Every /api/ route needs a sign-in except where its access says public; roles: ${ROLES.join(', ')}; ` +
        `permissions: ${PERMISSIONS.join(', ')}. Users see only their own locality and what is under it.`,
    },
    ...(serverUrl === undefined ? {} : { servers: [{ url: serverUrl }] }),
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'The token from POST /api/v1/auth/login' },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'hpg_session',
          description: 'Session cookie; state changes also need the x-csrf-token header',
        },
      },
    },
    paths,
  };
}
