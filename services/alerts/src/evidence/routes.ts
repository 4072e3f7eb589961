/**
 * Evidence HTTP routes, registered on the API server in the all-in-one (through its `routes`
 * hook, beside the alert routes) and on the alert service's own server in production:
 *   GET    /api/v1/evidence/:sha256?token=&download=1   the file, verified against its hash
 *   GET    /api/v1/evidence/alerts/:alertId?token=      an alert's evidence (links sent before it was stored)
 *   POST   /api/v1/evidence/:sha256/link                a short-lived signed link for the signed-in user
 *   POST   /api/v1/evidence/:sha256/hold                { actor, note } keep it past retention
 *   DELETE /api/v1/evidence/:sha256/hold                { actor, note } (body or query) release it
 *   GET    /api/v1/evidence/holds                       what is held, by whom, why
 *   GET    /api/v1/audit?sha256=&actor=&action=&alertId=&from=&to=&limit=   the access log (auditors)
 *   GET    /api/v1/audit/verify                         recomputes the audit log's hash chain (auditors)
 * Files are served `private, no-store`, `nosniff`, inline (attachment with `download=1`) named by
 * their hash. Refusals answer an HTML page (Vietnamese, then English) to a browser and JSON
 * otherwise; each is in the audit log.
 *
 * Each route declares its policy for the API's access-control hook (sign-in, issue #9: default-deny
 * under /api/): the file routes are public there — the signed link is the credential, and the
 * evidence service decides and audits every attempt itself — the others need `evidence:read`,
 * `evidence:hold` or `audit:read`. Without that hook the declarations are inert.
 */
import { principalOf, type RoutePolicy } from '@hpg/auth';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';
import { z } from 'zod';
import { AUDIT_ACTIONS, type AuditEntry } from './audit.ts';
import type { Caller, Denial, EvidenceService, HoldOutcome } from './service.ts';
import { SHA256_PATTERN } from './store.ts';

const TEXT: Record<Denial, { status: number; vi: string; en: string }> = {
  invalid_hash: {
    status: 400,
    vi: 'Mã băm không hợp lệ (cần 64 ký tự thập lục phân viết thường)',
    en: 'Not a valid evidence hash (64 lowercase hexadecimal characters)',
  },
  no_credentials: {
    status: 401,
    vi: 'Cần liên kết có chữ ký hoặc người dùng đã đăng nhập',
    en: 'A signed link or a signed-in user is required',
  },
  invalid_link: { status: 401, vi: 'Liên kết không hợp lệ', en: 'This link is not valid' },
  link_expired: {
    status: 410,
    vi: 'Liên kết đã hết hạn: mở cảnh báo trong hộp thư cảnh báo',
    en: 'This link has expired: open the alert in the inbox',
  },
  link_scope: { status: 403, vi: 'Liên kết này dành cho hình ảnh khác', en: 'This link is for other evidence' },
  role_not_allowed: {
    status: 403,
    vi: 'Vai trò của bạn không được xem hình ảnh bằng chứng hoặc nhật ký truy cập',
    en: 'Your role may not see evidence or its access log',
  },
  not_found: {
    status: 404,
    vi: 'Không có hình ảnh này (có thể đã hết thời hạn lưu trữ)',
    en: 'No such evidence (it may be past its retention period)',
  },
  not_yet_available: {
    status: 404,
    vi: 'Chưa có hình ảnh lưu trữ cho cảnh báo này; thử lại sau ít phút',
    en: 'No stored evidence for this alert yet; try again in a few minutes',
  },
  too_large: { status: 413, vi: 'Tệp quá lớn để phục vụ', en: 'The file is too large to serve' },
  hash_mismatch: {
    status: 409,
    vi: 'Tệp bằng chứng không khớp mã băm: đã từ chối và ghi nhận',
    en: 'The evidence file does not match its hash: refused and reported',
  },
};

const html = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const wantsHtml = (req: FastifyRequest) => {
  const accept = req.headers.accept ?? '';
  return accept.includes('text/html') && !accept.startsWith('application/json');
};

function refuse(req: FastifyRequest, reply: FastifyReply, denial: Denial) {
  const t = TEXT[denial];
  reply.code(t.status).header('cache-control', 'no-store').header('x-content-type-options', 'nosniff');
  if (!wantsHtml(req)) return reply.send({ error: { code: denial, message: `${t.vi} / ${t.en}` } });
  return reply
    .header('content-type', 'text/html; charset=utf-8')
    .send(
      `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer"><title>${html(t.vi)}</title></head>` +
        `<body style="font-family:sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem"><h1>${html(t.vi)}</h1><p lang="en">${html(t.en)}</p>` +
        '<p><small>Mọi lần truy cập hình ảnh bằng chứng đều được ghi nhật ký. / Every access to evidence is logged.</small></p></body></html>',
    );
}

const single = (v: string | string[] | undefined) => (typeof v === 'string' && v !== '' ? v : undefined);
/** The placeholder until sign-in: who the caller says they are (trusted only where configured). */
const headerUser = (req: FastifyRequest): Caller | undefined => {
  const actor = single(req.headers['x-hpg-user']);
  const role = single(req.headers['x-hpg-role']);
  return actor === undefined && role === undefined ? undefined : { actor, role, via: 'header' };
};

/** A route's policy for the access-control hook. */
const policy = (auth: RoutePolicy): RouteShorthandOptions => ({ config: { auth } });

export const EvidenceFileQuerySchema = z.object({
  token: z.string().min(1).max(4096).optional(),
  download: z.enum(['1', 'true', '0', 'false']).optional(),
});

/** ISO 8601 or epoch milliseconds. */
const instant = z.string().transform((s, ctx) => {
  const n = /^\d{1,16}$/.test(s) ? Number(s) : Date.parse(s);
  if (!Number.isFinite(n)) {
    ctx.addIssue({ code: 'custom', message: `"${s}" is not ISO 8601 or epoch milliseconds` });
    return z.NEVER;
  }
  return n;
});

export const AuditQuerySchema = z
  .object({
    sha256: z.string().regex(SHA256_PATTERN, '64 lowercase hexadecimal characters').optional(),
    actor: z.string().min(1).max(128).optional(),
    action: z.enum(AUDIT_ACTIONS).optional(),
    alertId: z.string().min(1).max(256).optional(),
    from: instant.optional(),
    to: instant.optional(),
    limit: z.coerce.number().int().min(1).max(1_000).default(100),
  })
  .strict();

export const HoldBodySchema = z
  .object({
    /** Who holds: the signed-in (or header) user; without one, the caller names them (as the inbox did). */
    actor: z.string().min(1).max(128),
    note: z.string().max(2_000).nullable().optional(),
  })
  .strict();

const HOLD_STATUS: Record<HoldOutcome, number> = {
  held: 201,
  already_held: 200,
  released: 200,
  not_held: 404,
  not_found: 404,
  invalid_hash: 400,
};

const auditView = (e: AuditEntry) => ({ ...e, atIso: new Date(e.at).toISOString() });

export interface EvidenceRouteDeps {
  readonly service: () => EvidenceService;
}

/**
 * Who is calling, besides a signed link: the signed-in user the access-control hook put on the
 * request (on routes with a permission; with sign-in off, its development administrator), else the
 * header placeholder (trusted only where configured).
 */
function caller(req: FastifyRequest): Caller | undefined {
  const p = principalOf(req);
  if (p !== undefined) return { actor: p.id, role: p.role, via: 'session' };
  return headerUser(req);
}

export function registerEvidenceRoutes(app: FastifyInstance, deps: EvidenceRouteDeps): void {
  const serve = async (
    req: FastifyRequest,
    reply: FastifyReply,
    target: { sha256: string } | { alertId: string },
  ): Promise<unknown> => {
    const q = EvidenceFileQuerySchema.safeParse(req.query);
    const query = q.success ? q.data : {};
    const outcome = await deps.service().access({
      target,
      // A malformed query still gets its attempt audited (as a link that is not valid).
      token: q.success ? query.token : '',
      user: caller(req),
      download: query.download === '1' || query.download === 'true',
      remoteAddress: req.ip ?? null,
    });
    if (!outcome.ok) return refuse(req, reply, outcome.denial);
    const f = outcome.file;
    return reply
      .code(200)
      .header('content-type', f.contentType)
      .header('content-length', f.bytes.length)
      .header('cache-control', 'private, no-store')
      .header('x-content-type-options', 'nosniff')
      .header(
        'content-disposition',
        `${outcome.action === 'download' ? 'attachment' : 'inline'}; filename="${f.sha256}.${f.ext}"`,
      )
      .header('content-security-policy', 'sandbox')
      .header('referrer-policy', 'no-referrer')
      .header('x-hpg-evidence-sha256', f.sha256)
      .send(f.bytes);
  };

  const file = { ...policy({ public: true }), exposeHeadRoute: false };
  app.get<{ Params: { sha256: string } }>('/api/v1/evidence/:sha256', file, (req, reply) =>
    serve(req, reply, { sha256: req.params.sha256 }),
  );
  app.get<{ Params: { alertId: string } }>('/api/v1/evidence/alerts/:alertId', file, (req, reply) =>
    serve(req, reply, { alertId: req.params.alertId }),
  );

  app.get('/api/v1/evidence/holds', policy({ permission: 'evidence:read' }), async () => {
    const holds = deps
      .service()
      .audit.holds()
      .map((h) => ({ ...h, atIso: new Date(h.at).toISOString() }));
    return { count: holds.length, holds };
  });

  const holdRoute =
    (release: boolean) => async (req: FastifyRequest<{ Params: { sha256: string } }>, reply: FastifyReply) => {
      const input: Record<string, unknown> = { ...(req.query as object), ...((req.body as object | undefined) ?? {}) };
      const named = typeof input.actor === 'string' ? input.actor : undefined;
      const actor = deps.service().actorOf(caller(req), named);
      const body = HoldBodySchema.safeParse({ ...input, ...(actor === undefined ? {} : { actor }) });
      if (!body.success) {
        return reply.code(400).send({
          error: {
            code: 'invalid_body',
            message: body.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '),
          },
        });
      }
      const args = {
        sha256: req.params.sha256,
        actor: body.data.actor,
        note: body.data.note ?? null,
        remoteAddress: req.ip ?? null,
      };
      const service = deps.service();
      const outcome = release ? service.release(args) : await service.hold(args);
      if (outcome === 'invalid_hash' || outcome === 'not_found') return refuse(req, reply, outcome);
      const hold = service.audit.getHold(args.sha256) ?? null;
      return reply.code(HOLD_STATUS[outcome]).send({ outcome, hold });
    };
  // A signed-in user opens evidence through a short-lived link of their own: the file routes are
  // public to the access-control hook (the police's links need no login), so they see no session.
  app.post<{ Params: { sha256: string } }>(
    '/api/v1/evidence/:sha256/link',
    policy({ permission: 'evidence:read' }),
    async (req, reply) => {
      const issued = await deps.service().issueLink({
        sha256: req.params.sha256,
        user: caller(req),
        remoteAddress: req.ip ?? null,
      });
      if (!issued.ok) return refuse(req, reply, issued.denial);
      return reply.header('cache-control', 'no-store').send(issued);
    },
  );

  const holding = policy({ permission: 'evidence:hold' });
  app.post<{ Params: { sha256: string } }>('/api/v1/evidence/:sha256/hold', holding, holdRoute(false));
  app.delete<{ Params: { sha256: string } }>('/api/v1/evidence/:sha256/hold', holding, holdRoute(true));

  const auditing = policy({ permission: 'audit:read' });
  app.get('/api/v1/audit', auditing, async (req, reply) => {
    const service = deps.service();
    const asked = (req.query as { sha256?: unknown } | undefined)?.sha256;
    const auth = service.authorizeAuditRead(caller(req), req.ip ?? null, typeof asked === 'string' ? asked : undefined);
    if (!auth.ok) return refuse(req, reply, auth.denial);
    const q = AuditQuerySchema.safeParse(req.query);
    if (!q.success) {
      return reply.code(400).send({
        error: {
          code: 'invalid_query',
          message: q.error.issues.map((i) => `${i.path.join('.') || '(query)'}: ${i.message}`).join('; '),
        },
      });
    }
    const entries = service.audit.query(q.data).map(auditView);
    return reply.header('cache-control', 'no-store').send({ count: entries.length, entries });
  });

  app.get('/api/v1/audit/verify', auditing, async (req, reply) => {
    const service = deps.service();
    const auth = service.authorizeAuditRead(caller(req), req.ip ?? null);
    if (!auth.ok) return refuse(req, reply, auth.denial);
    return reply.header('cache-control', 'no-store').send({ ...service.audit.verify(), head: service.audit.head() });
  });
}
