/**
 * The operations endpoints every standalone service serves: GET /healthz, which checks its
 * dependencies (200 when all answer, 503 with each check's detail otherwise), and GET /metrics
 * in the Prometheus text format.
 */
import { createServer, type Server } from 'node:http';
import type { HealthReport } from '@hpg/ports';
import type { Registry } from 'prom-client';

export interface OpsCheck {
  readonly name: string;
  readonly check: () => Promise<HealthReport> | HealthReport;
}

export interface OpsServer {
  readonly port: number;
  close(): Promise<void>;
}

const TIMEOUT_MS = 2_000;

/** Runs one check with a time limit; a check that throws or hangs reports not ok. */
export async function runCheck(c: OpsCheck): Promise<HealthReport & { name: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const r = await Promise.race([
      Promise.resolve(c.check()),
      new Promise<HealthReport>((resolve) => {
        timer = setTimeout(() => resolve({ ok: false, detail: `no answer in ${TIMEOUT_MS} ms` }), TIMEOUT_MS);
      }),
    ]);
    return { name: c.name, ...r };
  } catch (err) {
    return { name: c.name, ok: false, detail: String(err) };
  } finally {
    clearTimeout(timer);
  }
}

export async function startOpsServer(o: {
  host: string;
  port: number;
  metrics: Registry;
  checks: readonly OpsCheck[];
}): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') {
      void Promise.all(o.checks.map(runCheck)).then((checks) => {
        const ok = checks.every((c) => c.ok);
        res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: ok ? 'ok' : 'unavailable', checks }));
      });
      return;
    }
    if (req.method === 'GET' && path === '/metrics') {
      o.metrics.metrics().then(
        (body) => {
          res.writeHead(200, { 'content-type': o.metrics.contentType });
          res.end(body);
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":{"code":"not_found"}}');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const a = server.address();
  return {
    port: typeof a === 'object' && a !== null ? a.port : o.port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
