/**
 * `pnpm start`: bundles the all-in-one from the current sources (scripts/build.ts) and runs the
 * bundle with the services' launch flags and environment (packages/platform/src/node-flags.ts),
 * so the one place that names them is also what the newcomer's command uses.
 * Ctrl+C reaches the service itself (same process group); a SIGTERM sent to this process is passed
 * on. The exit code is the service's.
 */
import { spawn } from 'node:child_process';
import { SERVICE_ENV, SERVICE_NODE_FLAGS } from '../packages/platform/src/node-flags.ts';
import { buildServices, ROOT, serviceBundle } from './build.ts';

const [built] = await buildServices(['all-in-one'], (line) => process.stderr.write(`[build] ${line}\n`));
process.stderr.write(`[build] all-in-one bundled in ${built?.ms} ms\n`);
const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, serviceBundle('all-in-one')], {
  cwd: ROOT,
  env: { ...process.env, ...SERVICE_ENV },
  stdio: 'inherit',
});
// The service stops in order on its own signal; this process waits for it.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal === null ? 1 : 128);
});
