/**
 * HTTP routes, registered on the API's server through its `routes` hook:
 *
 *   GET /api/v1/exports                                   produced files: locality, period, format,
 *       ?localityId=&period=&format=                      language, size, sha256, createdAt, url
 *   GET /api/v1/exports/:locality/:period.:format         one export (?lang=vi|en, default vi):
 *                                                         the stored file, or made on demand — the
 *                                                         same bytes as the CLI
 *
 * Access: every route declares the `exports:read` permission in its route config (the API's
 * sign-in guard, @hpg/auth, refuses an /api/ route without a policy), and a caller limited to part
 * of the city (`scopeOf`) sees and downloads only the localities in their scope.
 *
 * The app is typed by the little of Fastify used here, so this package needs no web framework.
 */

import { z } from 'zod';
import { ExportError } from './build.ts';
import type { Exporter } from './exporter.ts';
import { displayFileName } from './labels.ts';
import { FORMATS, type Format, LANGS, type Lang } from './model.ts';
import { parsePeriod } from './period.ts';
import { CONTENT_TYPES } from './render.ts';

export interface RouteRequest {
  readonly params: unknown;
  readonly query: unknown;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export interface RouteReply {
  code(status: number): RouteReply;
  header(name: string, value: string): RouteReply;
  send(body?: unknown): RouteReply;
}

export type RouteHandler = (req: RouteRequest, reply: RouteReply) => Promise<unknown>;

/** The part of a Fastify instance the routes use. */
export interface RouteHost {
  get(path: string, handler: RouteHandler): unknown;
  get(path: string, options: object, handler: RouteHandler): unknown;
}

export interface ExportRoutesDeps {
  readonly exporter: () => Exporter;
  /** The localities the caller may see (with sign-in: the principal's scope); all when undefined. */
  readonly scopeOf?: (req: RouteRequest) => ReadonlySet<string> | undefined;
  /** Route options of every route; default: the `exports:read` permission for the sign-in guard. */
  readonly routeOptions?: object;
}

export const EXPORT_ROUTE_OPTIONS = { config: { auth: { permission: 'exports:read' } } } as const;

const fail = (reply: RouteReply, status: number, code: string, message: string) =>
  reply.code(status).send({ error: { code, message } });

/** RFC 5987 encoding of a UTF-8 file name for `filename*`. */
function encodeRfc5987(s: string): string {
  return encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `attachment` with an ASCII name (the file's own) and the Vietnamese (or English) title as `filename*`. */
export function contentDisposition(asciiName: string, displayName: string): string {
  return `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeRfc5987(displayName)}`;
}

const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);

/** Query of the listing (the API's OpenAPI document is generated from these schemas). */
export const ExportListQuerySchema = z
  .object({
    localityId: z.string().min(1).max(128).optional(),
    period: z
      .string()
      .regex(/^\d{4}(-(0[1-9]|1[0-2]))?$/, 'YYYY-MM or YYYY')
      .optional(),
    format: z.enum(FORMATS).optional(),
  })
  .strict();

/** Query of a download. */
export const ExportDownloadQuerySchema = z.object({ lang: z.enum(LANGS).default('vi') }).strict();

const issues = (e: z.ZodError) => e.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');

export function registerExportRoutes(app: RouteHost, deps: ExportRoutesDeps): void {
  const options = deps.routeOptions ?? EXPORT_ROUTE_OPTIONS;
  const get = (path: string, handler: RouteHandler) => app.get(path, options, handler);
  const visible = (req: RouteRequest, localityId: string) => deps.scopeOf?.(req)?.has(localityId) ?? true;

  get('/api/v1/exports', async (req, reply) => {
    const q = ExportListQuerySchema.safeParse(req.query ?? {});
    if (!q.success) return fail(reply, 400, 'invalid_query', issues(q.error));
    const { localityId, period, format } = q.data;
    const files = (await deps.exporter().list()).filter(
      (f) =>
        visible(req, f.locality) &&
        (localityId === undefined || f.locality === localityId) &&
        (period === undefined || f.period === period) &&
        (format === undefined || f.format === format),
    );
    return reply.send({
      count: files.length,
      exports: files.map(({ createdAtMs: _ms, ...f }) => ({
        ...f,
        url: `/api/v1/exports/${f.locality}/${f.period}.${f.format}${f.lang === 'vi' ? '' : `?lang=${f.lang}`}`,
      })),
    });
  });

  get('/api/v1/exports/:locality/:file', async (req, reply) => {
    const params = req.params as Record<string, unknown>;
    const q = ExportDownloadQuerySchema.safeParse(req.query ?? {});
    if (!q.success) return fail(reply, 400, 'invalid_query', issues(q.error));
    const localityId = str(params.locality) ?? '';
    const file = str(params.file) ?? '';
    const dot = file.lastIndexOf('.');
    const period = parsePeriod(file.slice(0, dot));
    const format = file.slice(dot + 1) as Format;
    const lang: Lang = q.data.lang;
    if (dot <= 0 || period === undefined)
      return fail(reply, 400, 'invalid_period', 'the file must be <YYYY-MM>.<format> or <YYYY>.<format>');
    if (!FORMATS.includes(format))
      return fail(reply, 404, 'unknown_format', `format must be one of ${FORMATS.join(', ')}`);
    const exporter = deps.exporter();
    const locality = exporter.registry().locality(localityId);
    if (locality === undefined) return fail(reply, 404, 'unknown_locality', `no locality "${localityId}"`);
    if (!visible(req, localityId))
      return fail(reply, 403, 'out_of_scope', 'this locality is outside your locality (ngoài địa bàn)');
    try {
      const d = await exporter.download(localityId, period, format, lang);
      const etag = `"${d.sha256}"`;
      const ext = `.${format}`;
      reply
        .header('content-type', CONTENT_TYPES[format])
        .header(
          'content-disposition',
          contentDisposition(
            d.fileName,
            `${displayFileName({ period: period.label, locality, localityNames: {} }, lang)}${ext}`,
          ),
        )
        .header('etag', etag)
        .header('cache-control', 'no-cache')
        .header('x-content-type-options', 'nosniff');
      if (req.headers['if-none-match'] === etag) return reply.code(304).send();
      return reply.send(Buffer.from(d.bytes.buffer, d.bytes.byteOffset, d.bytes.byteLength));
    } catch (err) {
      // Unknown locality, or a period not begun: nothing to download.
      if (err instanceof ExportError) return fail(reply, 404, err.code, err.message);
      throw err;
    }
  });
}
