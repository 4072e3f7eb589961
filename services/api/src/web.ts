/**
 * The web app (issue 7): plain HTML, CSS and browser ES modules from `services/api/web/`, served by
 * the API itself, so every mode (the all-in-one, the API alone) has it without a bundler, a CDN or
 * a download at run time.
 *
 *   GET /                   the app's page (sign-in, overview, inbox, exports: client-side views)
 *   GET /app/<file>         its scripts, styles and images
 *   GET /app/policy.json    what each role may do (from @hpg/auth), so the UI offers only that
 *
 * These routes are outside /api/, so the access-control hook does not guard them (the data behind
 * the page is all under /api/ and keeps its policies); the hook's security headers (CSP with
 * `script-src 'self'`, no inline scripts) apply to them as to every answer.
 *
 * Files are read from the web directory only: the name must be a plain relative path of safe
 * characters (no `..`, no dot-files, no encoded separators), the resolved path must stay inside the
 * directory, symbolic links are not followed and only regular files with a known extension are
 * served.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALERT_ROLES_SEEN, ROLE_PERMISSIONS } from '@hpg/auth';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** The web directory beside `src/`. */
export const WEB_DIR = fileURLToPath(new URL('../web/', import.meta.url));

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
};

/** Path segments of letters, digits, `-`, `_` and dots not at their start; at most 8 deep. */
const SAFE_PATH = /^(?:[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}\/){0,7}[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/;
/** Larger files are not part of the app. */
const MAX_BYTES = 2 * 1024 * 1024;

export interface WebAppOptions {
  /** Where the files are (default: `services/api/web`). */
  readonly dir?: string;
}

function notFound(reply: FastifyReply) {
  return reply.code(404).send({ error: { code: 'not_found', message: 'no such file' } });
}

/** Reads `name` under `root` when it is a safe name of a regular file (not a link); undefined otherwise. */
async function readWebFile(root: string, name: string): Promise<Buffer | undefined> {
  if (!SAFE_PATH.test(name) || name.split('/').some((s) => s.includes('..'))) return undefined;
  if (CONTENT_TYPES[extname(name)] === undefined) return undefined;
  const path = resolve(root, name);
  if (!path.startsWith(root.endsWith(sep) ? root : `${root}${sep}`)) return undefined;
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    // O_NOFOLLOW: a symbolic link in the last component is refused by the kernel.
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    const stat = await handle.stat();
    if (!stat.isFile() || stat.size > MAX_BYTES) return undefined;
    return await handle.readFile();
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}

/** Registers the web app's routes on the API server. */
export function registerWebApp(app: FastifyInstance, options: WebAppOptions = {}): void {
  const root = resolve(options.dir ?? WEB_DIR);
  const policy = JSON.stringify({ permissions: ROLE_PERMISSIONS, alertRoles: ALERT_ROLES_SEEN });

  const serve = async (reply: FastifyReply, name: string) => {
    const bytes = await readWebFile(root, name);
    if (bytes === undefined) return notFound(reply);
    return (
      reply
        .header('content-type', CONTENT_TYPES[extname(name)] as string)
        // Small files, revalidated on every load: a new version shows at the next reload.
        .header('cache-control', 'no-cache')
        .send(bytes)
    );
  };

  app.get('/', async (_req, reply) => serve(reply, 'index.html'));
  app.get('/app/policy.json', async (_req, reply) =>
    reply.header('content-type', 'application/json; charset=utf-8').header('cache-control', 'no-cache').send(policy),
  );
  app.get<{ Params: { '*': string } }>('/app/*', async (req, reply) => serve(reply, `app/${req.params['*']}`));
}
