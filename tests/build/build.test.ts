/**
 * The service bundles (scripts/build.ts): our modules keep finding the files beside their sources,
 * and the all-in-one runs from its bundle as `pnpm start` runs it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SERVICE_NODE_FLAGS } from '@hpg/platform';
import { afterAll, describe, expect, it } from 'vitest';
import { buildServices, bundleModule, ROOT } from '../../scripts/build.ts';
import { freePort } from '../engines/engines.ts';

const dir = mkdtempSync(join(tmpdir(), 'hpg-build-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('bundles', () => {
  it('rewrites import.meta of our modules to their source location, relative to the bundle', async () => {
    const src = join(dir, 'fixture', 'src');
    mkdirSync(join(src, 'lib'), { recursive: true });
    writeFileSync(
      join(src, 'lib', 'where.ts'),
      [
        "import { fileURLToPath } from 'node:url';",
        "export const assets: string = fileURLToPath(new URL('../assets/', import.meta.url));",
        'export const here: string = import.meta.dirname;',
        'export const self: string = import.meta.filename;',
      ].join('\n'),
    );
    writeFileSync(join(src, 'main.ts'), "export { assets, here, self } from './lib/where.ts';\n");
    const out = join(dir, 'fixture', 'elsewhere', 'dist', 'main.mjs');
    const warnings: string[] = [];
    await bundleModule(join(src, 'main.ts'), out, (l) => warnings.push(l));
    const m = (await import(pathToFileURL(out).href)) as { assets: string; here: string; self: string };
    expect(m.assets).toBe(`${join(src, 'assets')}/`);
    expect(m.here).toBe(join(src, 'lib'));
    expect(m.self).toBe(join(src, 'lib', 'where.ts'));
    expect(warnings).toEqual([]);
  });

  it('refuses a service that does not exist', async () => {
    await expect(buildServices(['no-such-service'])).rejects.toThrow(/no service "no-such-service"/);
  });

  it('starts the all-in-one from its bundle: healthy, serving the web app found beside the API sources', async () => {
    // Built into the test's own directory: the integration project's setup may be writing
    // services/all-in-one/dist at the same moment. Locations are relative, so either place works.
    const bundle = join(dir, 'all-in-one', 'main.mjs');
    await bundleModule(join(ROOT, 'services', 'all-in-one', 'src', 'main.ts'), bundle);
    const apiPort = await freePort();
    let out = '';
    const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, bundle], {
      cwd: ROOT,
      env: {
        ...process.env,
        HPG_MQTT_PORT: String(await freePort()),
        HPG_API_PORT: String(apiPort),
        HPG_STORE_PATH: join(dir, 'store.sqlite'),
        // Nothing written into the checkout: the services that keep files of their own are off.
        HPG_ALERTS_ENABLED: 'false',
        HPG_EXPORTS_ENABLED: 'false',
        HPG_EVIDENCE_ACCESS_ENABLED: 'false',
        HPG_SIM_ENABLED: 'false',
        HPG_AUTH_ENABLED: 'false',
        HPG_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    child.stdout?.on('data', (d) => {
      out += d;
    });
    child.stderr?.on('data', (d) => {
      out += d;
    });
    const api = `http://127.0.0.1:${apiPort}`;
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`the all-in-one bundle exited:\n${out}`);
      const ok = await fetch(`${api}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (i > 300) throw new Error(`the all-in-one bundle was not healthy after 30 s:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const page = await fetch(`${api}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toMatch(/<html lang="vi"/);
    child.kill('SIGTERM');
    const code = await new Promise((r) => child.on('exit', (c, s) => r(c ?? s)));
    expect(code).toBe(0);
  }, 60_000);
});
