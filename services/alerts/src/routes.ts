/**
 * Alert HTTP routes, registered on the API server in the all-in-one and on the alert service's
 * own server in production (a reverse proxy sends /api/v1/alerts to it):
 *   GET  /api/v1/alerts?localityId=&status=open,acknowledged&active=true&limit=
 *   GET  /api/v1/alerts/:id                       the alert, its history and its deliveries
 *   POST /api/v1/alerts/:id/actions               { action, actor, note } (the inbox)
 *   GET  /api/v1/alerts/actions/:token            confirmation page of a link sent in a message
 *   POST /api/v1/alerts/actions/:token            performs it (form field `note`)
 *   POST /api/v1/alerts/deliveries/:id/requeue    sends a given-up delivery again
 * A link in a message does nothing on GET: mail scanners and chat previews open links, and an
 * acknowledgement must be a person's act.
 */
import { ACTIONS, ALERT_STATUSES, type AlertRecord, type Delivery, LifecycleError, verifyAction } from '@hpg/alerts';
import { ALERT_ROLES_SEEN, type Principal, principalOf } from '@hpg/auth';
import type { Registry } from '@hpg/registry';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AlertService } from './service.ts';

export const AlertListQuerySchema = z
  .object({
    localityId: z.string().min(1).default('hai-phong'),
    status: z
      .string()
      .transform((s) => s.split(',').filter((x) => x !== ''))
      .pipe(z.array(z.enum(ALERT_STATUSES)))
      .optional(),
    active: z.enum(['true', 'false']).optional(),
    limit: z.coerce.number().int().min(1).max(1_000).default(100),
  })
  .strict();

export const AlertActionBodySchema = z
  .object({
    action: z.enum(ACTIONS),
    note: z.string().max(2_000).nullable().optional(),
  })
  .strict();

const ACTION_TEXT: Record<(typeof ACTIONS)[number], { vi: string; en: string }> = {
  acknowledge: { vi: 'Xác nhận đã tiếp nhận', en: 'Acknowledge' },
  resolve: { vi: 'Đã xử lý xong', en: 'Resolved' },
  false_alarm: { vi: 'Báo động nhầm', en: 'False alarm' },
};

const STATUS_CODE: Record<string, number> = {
  not_found: 404,
  invalid_transition: 409,
  invalid_link: 400,
  link_expired: 410,
};

/** What a delivery shows outside the service: no addresses, no message bodies (personal data). */
function deliveryView(d: Delivery) {
  return {
    id: d.id,
    channel: d.channel,
    contactId: d.contactId,
    notice: d.notice,
    status: d.status,
    attempts: d.attempts,
    lastError: d.lastError,
    lastAttemptAt: d.lastAttemptAt,
    deliveredAt: d.deliveredAt,
    idempotencyKey: d.idempotencyKey,
  };
}

function alertView(r: AlertRecord) {
  return {
    ...r.alert,
    status: r.status,
    active: r.active,
    clearedAt: r.clearedAt,
    role: r.role,
    escalationLevel: r.escalationLevel,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    history: r.history,
  };
}

const html = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

function page(reply: FastifyReply, status: number, title: string, body: string) {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(
      `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${html(title)}</title></head><body style="font-family:sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem">${body}</body></html>`,
    );
}

export function registerAlertRoutes(
  app: FastifyInstance,
  deps: { service: () => AlertService; registry: () => Registry; linkSecrets: readonly string[]; now?: () => number },
): void {
  // Encapsulated: the form parser of the confirmation page applies to these routes only.
  void app.register((scope, _options, done) => {
    alertRoutes(scope, deps);
    done();
  });
}

function alertRoutes(
  app: FastifyInstance,
  deps: { service: () => AlertService; registry: () => Registry; linkSecrets: readonly string[]; now?: () => number },
): void {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 16_384 },
    (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );
  const now = deps.now ?? Date.now;
  const who = (req: FastifyRequest) => principalOf(req) as Principal;
  /** An alert a user may see: in their scope, and of a role they handle (police: dumping). */
  const visible = (p: Principal, r: AlertRecord) =>
    p.scope.has(r.alert.localityId) && ALERT_ROLES_SEEN[p.role].includes(r.role);
  const hidden = (reply: FastifyReply) =>
    // The same answer as for a missing alert: another commune's alerts are not even confirmed to exist.
    reply.code(404).send({ error: { code: 'not_found', message: 'no such alert' } });
  const fail = (reply: FastifyReply, err: unknown) => {
    if (err instanceof LifecycleError) {
      return reply.code(STATUS_CODE[err.code] ?? 400).send({ error: { code: err.code, message: err.message } });
    }
    throw err;
  };

  app.get('/api/v1/alerts', { config: { auth: { permission: 'alerts:read' } } }, async (req, reply) => {
    const p = who(req);
    const raw = req.query as Record<string, unknown>;
    const q = AlertListQuerySchema.safeParse(raw.localityId === undefined ? { ...raw, localityId: p.localityId } : raw);
    if (!q.success) {
      return reply
        .code(400)
        .send({ error: { code: 'invalid_query', message: q.error.issues.map((i) => i.message).join('; ') } });
    }
    const registry = deps.registry();
    if (registry.locality(q.data.localityId) === undefined) {
      return reply
        .code(404)
        .send({ error: { code: 'unknown_locality', message: `no locality "${q.data.localityId}"` } });
    }
    if (!p.scope.has(q.data.localityId)) {
      return reply
        .code(403)
        .send({ error: { code: 'out_of_scope', message: 'this locality is outside yours (ngoài địa bàn)' } });
    }
    const alerts = deps
      .service()
      .store.list({
        localityIds: registry.localityScope(q.data.localityId),
        ...(q.data.status === undefined ? {} : { statuses: q.data.status }),
        ...(q.data.active === undefined ? {} : { active: q.data.active === 'true' }),
        limit: q.data.limit,
      })
      .filter((r) => visible(p, r))
      .map(alertView);
    return { count: alerts.length, alerts };
  });

  app.get<{ Params: { id: string } }>(
    '/api/v1/alerts/:id',
    { config: { auth: { permission: 'alerts:read' } } },
    async (req, reply) => {
      const found = deps.service().store.withDeliveries(req.params.id);
      if (found === undefined || !visible(who(req), found.record)) return hidden(reply);
      return { alert: alertView(found.record), deliveries: found.deliveries.map(deliveryView) };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/alerts/:id/actions',
    { config: { auth: { permission: 'alerts:act' } } },
    async (req, reply) => {
      const p = who(req);
      const existing = deps.service().store.get(req.params.id);
      if (existing === undefined || !visible(p, existing)) return hidden(reply);
      const body = AlertActionBodySchema.safeParse(req.body);
      if (!body.success) {
        return reply.code(400).send({
          error: {
            code: 'invalid_body',
            message: body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
          },
        });
      }
      try {
        const rec = await deps.service().transition(req.params.id, body.data.action, {
          actor: p.id,
          note: body.data.note ?? null,
        });
        return { alert: alertView(rec) };
      } catch (err) {
        return fail(reply, err);
      }
    },
  );

  const linkRoute = { config: { auth: { public: true } } };
  app.get<{ Params: { token: string } }>('/api/v1/alerts/actions/:token', linkRoute, async (req, reply) => {
    const v = verifyAction(req.params.token, deps.linkSecrets, now());
    if (!v.ok) {
      const expired = v.reason === 'expired';
      return page(
        reply,
        expired ? 410 : 400,
        'Liên kết không hợp lệ',
        `<h1>${expired ? 'Liên kết đã hết hạn' : 'Liên kết không hợp lệ'}</h1><p lang="en">${expired ? 'This link has expired' : 'This link is not valid'}: open the alert in the inbox instead.</p>`,
      );
    }
    const rec = deps.service().store.get(v.claims.alertId);
    const text = ACTION_TEXT[v.claims.action];
    const site = rec === undefined ? undefined : deps.registry().site(rec.alert.siteId);
    return page(
      reply,
      200,
      text.vi,
      `<h1>${html(text.vi)}</h1><p lang="en">${html(text.en)}</p>` +
        `<p>Cảnh báo / Alert: <code>${html(v.claims.alertId)}</code>${site === undefined ? '' : ` — ${html(site.name)}`}</p>` +
        `<p>Trạng thái hiện tại / Current status: <strong>${html(rec?.status ?? '?')}</strong></p>` +
        `<form method="post"><label>Ghi chú / Note<br><textarea name="note" rows="3" style="width:100%"></textarea></label>` +
        `<p><button type="submit" style="font-size:1.2rem;padding:.5rem 1rem">${html(text.vi)} / ${html(text.en)}</button></p></form>`,
    );
  });

  app.post<{ Params: { token: string } }>('/api/v1/alerts/actions/:token', linkRoute, async (req, reply) => {
    const body = req.body as { note?: unknown } | undefined;
    const note = typeof body?.note === 'string' && body.note.trim() !== '' ? body.note.slice(0, 2_000) : null;
    try {
      const rec = await deps.service().act(req.params.token, note);
      return page(
        reply,
        200,
        'Đã ghi nhận',
        `<h1>Đã ghi nhận</h1><p lang="en">Recorded.</p><p>Trạng thái / Status: <strong>${html(rec.status)}</strong></p>`,
      );
    } catch (err) {
      if (err instanceof LifecycleError) {
        return page(
          reply,
          STATUS_CODE[err.code] ?? 400,
          'Không thực hiện được',
          `<h1>Không thực hiện được</h1><p lang="en">${html(err.message)}</p>`,
        );
      }
      throw err;
    }
  });

  app.post<{ Params: { id: string } }>(
    '/api/v1/alerts/deliveries/:id/requeue',
    { config: { auth: { permission: 'alerts:requeue' } } },
    async (req, reply) => {
      const id = Number(req.params.id);
      if (!Number.isSafeInteger(id) || id < 1)
        return reply.code(400).send({ error: { code: 'invalid_id', message: 'delivery ids are positive integers' } });
      const ok = deps.service().store.outbox.requeue(id, now());
      if (!ok)
        return reply
          .code(409)
          .send({ error: { code: 'not_failed', message: 'only a given-up delivery can be requeued' } });
      return { requeued: id };
    },
  );
}
