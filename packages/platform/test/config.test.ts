import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, loadConfig } from '../src/index.ts';

const Schema = z.object({
  api: z
    .object({ port: z.number().int().min(0).max(65535).default(8080), host: z.string().default('127.0.0.1') })
    .prefault({}),
  sim: z.object({ enabled: z.boolean().default(true), rate: z.number().positive().optional() }).prefault({}),
});
const bindings = {
  HPG_API_PORT: { path: 'api.port', type: 'int', description: '' },
  HPG_SIM_ENABLED: { path: 'sim.enabled', type: 'bool', description: '' },
  HPG_SIM_RATE: { path: 'sim.rate', type: 'number', description: '' },
} as const;

describe('loadConfig', () => {
  it('applies defaults, then the file, then the environment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hpg-cfg-'));
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ api: { port: 9000, host: '0.0.0.0' } }));
    const c = loadConfig(Schema, { env: { HPG_API_PORT: '9100', HPG_SIM_ENABLED: 'false' }, bindings, file });
    expect(c).toEqual({ api: { port: 9100, host: '0.0.0.0' }, sim: { enabled: false } });
  });

  it('lists every problem at once, each with where it came from', () => {
    try {
      loadConfig(Schema, { env: { HPG_API_PORT: 'eighty', HPG_SIM_ENABLED: 'maybe', HPG_SIM_RATE: '-5' }, bindings });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const p = (err as ConfigError).problems;
      expect(p).toHaveLength(3);
      expect(p[0]).toContain('HPG_API_PORT="eighty": expected an integer');
      expect(p[1]).toContain('HPG_SIM_ENABLED="maybe"');
      expect(p[2]).toMatch(/sim\.rate: .*HPG_SIM_RATE/);
    }
  });

  it('reports an unreadable file as a problem, not a crash', () => {
    expect(() => loadConfig(Schema, { env: {}, bindings, file: '/nonexistent/c.json' })).toThrow(ConfigError);
  });
});
