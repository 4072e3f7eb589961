/**
 * Writes docs/openapi.json: the OpenAPI document of the whole API as the all-in-one composes it
 * (readings, indicators, alerts, evidence, exports, sign-in), read from a throwaway instance on
 * free ports (demo registry and rules, no simulator) — the same document GET /api/v1/openapi.json
 * serves.   pnpm openapi
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../packages/platform/src/index.ts';
import { AllInOneConfigSchema, startAllInOne } from '../services/all-in-one/src/index.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hpg-openapi-'));
const app = await startAllInOne(
  AllInOneConfigSchema.parse({
    registryFile: join(root, 'config/registry.demo.json'),
    regulatoryDir: join(root, 'config/regulatory'),
    mqtt: { port: 0 },
    api: { port: 0 },
    store: { path: join(dir, 'store.sqlite') },
    simulator: { enabled: false },
    indicators: { enabled: false },
    exports: { enabled: true },
    auth: { enabled: true, usersFile: join(root, 'config/users.demo.json') },
    alerts: { rulesFile: join(root, 'config/alerts/rules.demo.json') },
    log: { level: 'silent' },
  }),
  createLogger({ name: 'openapi', level: 'silent' }),
);
try {
  const doc = await (await fetch(`${app.apiUrl}/api/v1/openapi.json`)).json();
  mkdirSync(join(root, 'docs'), { recursive: true });
  writeFileSync(join(root, 'docs/openapi.json'), `${JSON.stringify(doc, null, 2)}\n`);
  process.stdout.write(`docs/openapi.json: ${Object.keys((doc as { paths: object }).paths).length} paths\n`);
} finally {
  await app.stop();
  rmSync(dir, { recursive: true, force: true });
}
