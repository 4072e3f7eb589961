/**
 * `pnpm dashboards`: writes every dashboard to dashboards/<uid>.json at the repository root
 * (the folder infra/grafana/provisioning/dashboards/hpg.yaml points Grafana at) and removes
 * files of dashboards that no longer exist. `--check` writes nothing and exits 1 when the
 * folder differs from a fresh generation (for CI or a pre-commit hook).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderAll } from './render.ts';

export const DASHBOARDS_DIR = resolve(import.meta.dirname, '../../../dashboards');

/** Files that differ from a fresh generation: missing, changed, or left over. */
export function differences(dir: string): string[] {
  const rendered = renderAll();
  const existing = new Set(listJson(dir));
  const out: string[] = [];
  for (const r of rendered) {
    if (!existing.has(r.file)) out.push(`missing ${r.file}`);
    else if (readFileSync(join(dir, r.file), 'utf8') !== r.json) out.push(`changed ${r.file}`);
    existing.delete(r.file);
  }
  for (const f of existing) out.push(`left over ${f}`);
  return out;
}

function listJson(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
}

export function generate(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const rendered = renderAll();
  const keep = new Set(rendered.map((r) => r.file));
  for (const f of listJson(dir)) if (!keep.has(f)) rmSync(join(dir, f));
  for (const r of rendered) writeFileSync(join(dir, r.file), r.json);
  return rendered.map((r) => r.file);
}

if (import.meta.main) {
  const check = process.argv.includes('--check');
  if (check) {
    const diff = differences(DASHBOARDS_DIR);
    if (diff.length > 0) {
      process.stderr.write(
        `dashboards/ is not what the code generates (run pnpm dashboards):\n  ${diff.join('\n  ')}\n`,
      );
      process.exit(1);
    }
    process.stdout.write('dashboards/ is up to date\n');
  } else {
    const files = generate(DASHBOARDS_DIR);
    process.stdout.write(`wrote ${files.length} dashboards to ${DASHBOARDS_DIR}: ${files.join(', ')}\n`);
  }
}
