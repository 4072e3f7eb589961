/**
 * Where a process's CPU time went, from a V8 CPU profile (`node --cpu-prof`; the benches write one
 * per service with HPG_BENCH_PROFILE_DIR): self time by function and by package, busy time only.
 *
 *   node bench/src/profile-summary.ts <file.cpuprofile> [top=25]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const [file, topArg = '25'] = process.argv.slice(2);
if (file === undefined) {
  process.stderr.write('usage: node bench/src/profile-summary.ts <file.cpuprofile> [top]\n');
  process.exit(2);
}
const top = Number(topArg);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => {
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});

/** A package (node_modules/.pnpm/<name>), a workspace file, or a runtime bucket. */
const owner = (url: string) =>
  url === ''
    ? '(runtime: idle, GC, native)'
    : (/node_modules\/\.pnpm\/([^/]+)/.exec(url)?.[1] ??
      url.replace(/^.*\/work\/[^/]+\//, '').replace(/^file:\/\//, ''));

const byFunction = new Map<string, number>();
const byOwner = new Map<string, number>();
let busy = 0;
let idle = 0;
for (const [id, us] of selfUs) {
  const f = nodes.get(id)?.callFrame;
  if (f === undefined) continue;
  if (f.functionName === '(idle)') {
    idle += us;
    continue;
  }
  busy += us;
  const fn = `${f.functionName || '(anonymous)'} ${owner(f.url)}:${f.lineNumber + 1}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  byOwner.set(owner(f.url), (byOwner.get(owner(f.url)) ?? 0) + us);
}
const rows = (m: Map<string, number>) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, us]) => ({
      where: k,
      'self ms': Math.round(us / 1000),
      '% of busy': Number(((100 * us) / busy).toFixed(1)),
    }));
console.log(`${file}: busy ${Math.round(busy / 1000)} ms, idle ${Math.round(idle / 1000)} ms`);
console.table(rows(byOwner));
console.table(rows(byFunction));
