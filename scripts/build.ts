/**
 * Builds each service into one JavaScript file, `services/<name>/dist/main.mjs` (with its source
 * map), the way production, the image, the production tests and the benches start them.
 *
 *   pnpm build [service …]     # every service when none is named
 *
 * Why: Node.js runs our TypeScript directly by stripping its types when each module loads, and a
 * process started that way holds the stripper (a WebAssembly module and its memory) and the
 * sources for as long as it runs: about 45 MB more RSS for the ingest graph than the same code
 * bundled (bench/src/memory.ts measures both at full load). Development and unit tests still run
 * the sources; only the long-running processes run the bundles.
 *
 * A bundle keeps the repository's layout around it: a module that finds a file next to itself
 * (`new URL('../web/', import.meta.url)`) gets its own source location, rewritten relative to the
 * bundle, so the bundle must stay at `services/<name>/dist/` in a checkout or image.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { type Plugin, rolldown } from 'rolldown';

export const ROOT = resolve(import.meta.dirname, '..');

/** Every service with a `src/main.ts`. */
export function serviceNames(): string[] {
  return readdirSync(join(ROOT, 'services'))
    .filter((n) => existsSync(join(ROOT, 'services', n, 'src', 'main.ts')))
    .sort();
}

/** Where a service's bundle is. */
export function serviceBundle(name: string): string {
  return join(ROOT, 'services', name, 'dist', 'main.mjs');
}

/**
 * `import.meta.url` / `import.meta.dirname` of our own modules point at their source file, as a
 * path relative to the bundle, so files found beside a module are found from the bundle too.
 * Third-party modules keep theirs (none that a service loads looks beside itself).
 */
function ownLocations(outDir: string): Plugin {
  return {
    name: 'hpg-own-locations',
    transform(code, id) {
      // Virtual modules (the bundler's runtime, \0-prefixed) and third-party code keep theirs.
      if (id.startsWith('\0') || id.includes(`${sep}node_modules${sep}`) || !code.includes('import.meta.')) return null;
      const rel = relative(outDir, id).split(sep).join('/');
      const url = `new URL(${JSON.stringify(rel)}, import.meta.url)`;
      const next = code
        .replaceAll('import.meta.url', `${url}.href`)
        .replaceAll('import.meta.dirname', `__hpgDirname(${url})`)
        .replaceAll('import.meta.filename', `__hpgFilename(${url})`);
      if (next === code) return null;
      const helpers =
        next.includes('__hpgDirname') || next.includes('__hpgFilename')
          ? "import { fileURLToPath as __hpgFilename } from 'node:url';\nimport { dirname as __hpgDir } from 'node:path';\nconst __hpgDirname = (u) => __hpgDir(__hpgFilename(u));\n"
          : '';
      return { code: helpers + next, map: null };
    },
  };
}

/** Bundles the named services (all when empty); returns each one's bundle path and time. */
export async function buildServices(
  names: readonly string[] = serviceNames(),
  log: (line: string) => void = () => {},
): Promise<{ name: string; file: string; ms: number }[]> {
  const known = new Set(serviceNames());
  const built: { name: string; file: string; ms: number }[] = [];
  for (const name of names) {
    if (!known.has(name)) throw new Error(`no service "${name}" (services: ${[...known].join(', ')})`);
    const t0 = performance.now();
    const file = serviceBundle(name);
    await bundleModule(join(ROOT, 'services', name, 'src', 'main.ts'), file, (line) => log(`${name}: ${line}`));
    built.push({ name, file, ms: Math.round(performance.now() - t0) });
  }
  return built;
}

/** One ES module and everything it imports (Node's built-ins aside) into `file`, with a source map. */
export async function bundleModule(input: string, file: string, log: (line: string) => void = () => {}): Promise<void> {
  const bundle = await rolldown({
    input,
    platform: 'node',
    external: [/^node:/],
    plugins: [ownLocations(dirname(file))],
    logLevel: 'warn',
    onLog(level, entry) {
      // Warnings from third-party code (eval in a dependency, and the like) are theirs, not ours.
      if (entry.id?.includes(`${sep}node_modules${sep}`) !== true) log(`${level}: ${entry.message}`);
    },
  });
  try {
    await bundle.write({ file, format: 'esm', sourcemap: true });
  } finally {
    await bundle.close();
  }
}

if (import.meta.main) {
  const names = process.argv.slice(2);
  const log = (line: string) => process.stderr.write(`[build] ${line}\n`);
  for (const b of await buildServices(names.length === 0 ? serviceNames() : names, log)) {
    log(`${b.name}: ${relative(ROOT, b.file)} in ${b.ms} ms`);
  }
}
