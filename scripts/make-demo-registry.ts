/**
 * Writes config/registry.demo.json: the demo localities, sites and devices (demo-registry/), each
 * device with the scrypt hash of its password derived from the development-only fleet secret
 * (services/simulator/src/demo-credentials.ts), so no password is committed. Deterministic except
 * the salts. Run from anywhere:
 *
 *   node scripts/make-demo-registry.ts            # secret from HPG_SIM_FLEET_SECRET or the default
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hashPassword, Registry, type RegistryData } from '../packages/registry/src/index.ts';
import { DEFAULT_DEMO_FLEET_SECRET, demoDevicePassword } from '../services/simulator/src/demo-credentials.ts';
import { demoFleetPlan, INTERVAL_SECONDS } from './demo-registry/fleet-plan.ts';
import { demoLocalities } from './demo-registry/localities.ts';

const secret = process.env.HPG_SIM_FLEET_SECRET || DEFAULT_DEMO_FLEET_SECRET;
const out = fileURLToPath(new URL('../config/registry.demo.json', import.meta.url));

const planned = demoFleetPlan.flatMap((p) => p.devices.map((d) => ({ ...d, siteId: p.site.id })));
// scrypt runs on libuv's thread pool: hashing concurrently takes about a second for the fleet.
const devices = await Promise.all(
  planned.map(async (d) => ({
    id: d.id,
    siteId: d.siteId,
    kind: d.kind,
    name: d.name,
    intervalSeconds: INTERVAL_SECONDS[d.kind],
    enabled: true,
    credentials: [await hashPassword(demoDevicePassword(secret, d.id))],
  })),
);

const data: RegistryData = {
  version: 1,
  localities: [...demoLocalities],
  sites: demoFleetPlan.map((p) => p.site),
  devices,
};
// Validate shape and references before writing: a broken registry must never reach the file.
Registry.from(data);
writeFileSync(out, `${JSON.stringify(data, null, 2)}\n`);

const byKind = new Map<string, number>();
for (const d of devices) byKind.set(d.kind, (byKind.get(d.kind) ?? 0) + 1);
process.stdout.write(
  `wrote ${out}: ${data.localities.length} localities, ${data.sites.length} sites, ${devices.length} devices (${[
    ...byKind,
  ]
    .map(([k, n]) => `${k} ${n}`)
    .join(', ')})\n`,
);
