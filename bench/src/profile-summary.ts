/**
 * Where a process's CPU time went, from a V8 CPU profile (`node --cpu-prof`; the benches write one
 * per service with HPG_BENCH_PROFILE_DIR): self time by function and by package, busy time only.
 * A frame in a service bundle (`dist/main.mjs`) is told by its place in the sources, through the
 * bundle's source map.
 *
 *   node bench/src/profile-summary.ts <file.cpuprofile> [top=25]
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
    readonly columnNumber: number;
  };
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
      url
        .replace(/^.*\/work\/[^/]+\//, '')
        .replace(/^file:\/\//, '')
        .replace(/^(\.\.\/)+/, ''));

/** Each bundle's source map, read once (undefined: not a bundle, or no map beside it). */
const maps = new Map<string, SourceMap | undefined>();
function sourceMapOf(url: string): SourceMap | undefined {
  if (!maps.has(url)) {
    const path = url.startsWith('file://') ? fileURLToPath(url) : url;
    const map = path.endsWith('.mjs') && existsSync(`${path}.map`) ? `${path}.map` : undefined;
    maps.set(url, map === undefined ? undefined : new SourceMap(JSON.parse(readFileSync(map, 'utf8'))));
  }
  return maps.get(url);
}

/** Where a frame's code was written: its source file and line (through the bundle's map). */
function placeOf(f: ProfileNode['callFrame']): { url: string; line: number } {
  const map = sourceMapOf(f.url);
  const entry = map?.findEntry(f.lineNumber, f.columnNumber);
  if (entry === undefined || !('originalSource' in entry)) return { url: f.url, line: f.lineNumber + 1 };
  return { url: entry.originalSource, line: entry.originalLine + 1 };
}

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
  const place = placeOf(f);
  const fn = `${f.functionName || '(anonymous)'} ${owner(place.url)}:${place.line}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  byOwner.set(owner(place.url), (byOwner.get(owner(place.url)) ?? 0) + us);
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
