/**
 * Builds the services' bundles once before the integration project: the production tests start
 * each service the way production does, from `services/<name>/dist/main.mjs` (scripts/build.ts).
 */
import { buildServices } from '../scripts/build.ts';

export default async function setup() {
  const built = await buildServices(undefined, (line) => process.stderr.write(`[build] ${line}\n`));
  process.stderr.write(`[build] ${built.length} service bundles in ${built.reduce((t, b) => t + b.ms, 0)} ms\n`);
}
