/**
 * The OpenAPI document (issue #7): generated from the routes the running all-in-one registered
 * (API, alerts, evidence, exports, sign-in) and the zod schemas that validate them. Every route is
 * described and every description has a route; parameters, bodies and access are those the
 * server enforces.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ACTIONS } from '@hpg/alerts';
import { type AllInOne, AllInOneConfigSchema, startAllInOne } from '@hpg/all-in-one';
import { ROUTE_DOCS } from '@hpg/api';
import { createLogger } from '@hpg/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFleetAlertRules, writeFleetRegistry, writeFleetUsers } from './fleet-fixture.ts';

interface Operation {
  tags: string[];
  summary: string;
  parameters: { name: string; in: string; required: boolean; schema: Record<string, unknown> }[];
  requestBody?: { content: { 'application/json': { schema: { properties: Record<string, { enum?: string[] }> } } } };
  security?: unknown[];
  'x-permission'?: string;
  'x-roles'?: string[];
}
type Doc = { openapi: string; paths: Record<string, Record<string, Operation>> };

describe('OpenAPI document of the running API', () => {
  let dir: string;
  let app: AllInOne;
  let doc: Doc;

  beforeAll(async () => {
    const fleet = await writeFleetRegistry();
    dir = fleet.dir;
    app = await startAllInOne(
      AllInOneConfigSchema.parse({
        registryFile: fleet.file,
        mqtt: { port: 0 },
        api: { port: 0 },
        store: { path: join(dir, 'store.sqlite') },
        simulator: { enabled: false },
        indicators: { enabled: false },
        auth: { enabled: true, usersFile: await writeFleetUsers(dir) },
        alerts: { rulesFile: writeFleetAlertRules(dir) },
        log: { level: 'silent' },
      }),
      createLogger({ name: 'openapi', level: 'silent' }),
    );
    const res = await fetch(`${app.apiUrl}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as Doc;
  });

  afterAll(async () => {
    await app?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })),
    );

  it('describes every registered route, and describes no route that is not there', () => {
    expect(doc.openapi).toBe('3.1.0');
    const keys = operations().map((o) => o.key);
    expect(keys.filter((k) => ROUTE_DOCS[k] === undefined)).toEqual([]);
    expect(Object.keys(ROUTE_DOCS).filter((k) => !keys.includes(k))).toEqual([]);
    // Nothing outside the API (the web app's pages) is in it.
    expect(keys.every((k) => / \/(api\/|healthz|metrics)/.test(k))).toBe(true);
  });

  it('is the document kept in docs/openapi.json (regenerate with pnpm openapi)', () => {
    const kept = JSON.parse(readFileSync(join(import.meta.dirname, '../../docs/openapi.json'), 'utf8')) as Doc;
    expect(Object.keys(kept.paths).sort()).toEqual(Object.keys(doc.paths).sort());
    expect(kept.paths).toEqual(doc.paths);
  });

  it('takes query parameters and bodies from the validating zod schemas', () => {
    const op = (k: string) => operations().find((o) => o.key === k)?.op as Operation;
    const readings = op('GET /api/v1/readings').parameters;
    expect(readings.map((p) => p.name).sort()).toEqual(
      ['deviceId', 'from', 'limit', 'localityId', 'measurement', 'order', 'siteId', 'to'].sort(),
    );
    expect(readings.find((p) => p.name === 'order')?.schema.enum).toEqual(['asc', 'desc']);
    const month = op('GET /api/v1/indicators/wastewater').parameters.find((p) => p.name === 'month');
    expect(month).toMatchObject({ in: 'query', required: true, schema: { pattern: '^\\d{4}-(0[1-9]|1[0-2])$' } });
    const action = op('POST /api/v1/alerts/{id}/actions');
    expect(action.parameters).toContainEqual(expect.objectContaining({ name: 'id', in: 'path', required: true }));
    expect(action.requestBody?.content['application/json'].schema.properties.action?.enum).toEqual([...ACTIONS]);
    expect(op('GET /api/v1/exports/{locality}/{file}').parameters.find((p) => p.name === 'lang')?.schema.enum).toEqual([
      'vi',
      'en',
    ]);
  });

  it('states each route’s access as the server enforces it', async () => {
    const op = (k: string) => operations().find((o) => o.key === k)?.op as Operation;
    expect(op('POST /api/v1/auth/login').security).toEqual([]);
    expect(op('GET /api/v1/refusals')['x-roles']).toEqual(['admin']);
    expect(op('GET /api/v1/detections')['x-roles']).toEqual(['admin', 'police']);
    expect(op('GET /api/v1/exports')['x-roles']).toEqual(['admin', 'environment', 'viewer']);
    // Every operation that is not public answers 401 without a sign-in.
    for (const { key, op: o } of operations()) {
      if (o.security?.length === 0 || key.startsWith('GET /metrics')) continue;
      const [method, path] = key.split(' ') as [string, string];
      const url = `${app.apiUrl}${path.replace(/\{[^}]+\}/g, 'x')}`;
      const res = await fetch(url, {
        method,
        ...(method === 'GET' ? {} : { body: '{}' }),
        headers: method === 'GET' ? {} : { 'content-type': 'application/json' },
      });
      expect(res.status, key).toBe(401);
    }
  });
});
