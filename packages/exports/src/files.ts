/**
 * Export files on disk: `<dir>/<period>/<locality>_<period>.<ext>` (English: `…_<period>.en.<ext>`),
 * written atomically (a temporary file renamed into place) with their modification time set to
 * when they were produced, and listed with size and SHA-256.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { FORMATS, type Format, type Lang } from './model.ts';
import { localIso } from './period.ts';

const NAME = /^([a-z0-9][a-z0-9._-]{0,63})_(\d{4}(?:-(?:0[1-9]|1[0-2]))?)(\.en)?\.(xlsx|csv|json)$/;
const PERIOD_DIR = /^\d{4}(?:-(?:0[1-9]|1[0-2]))?$/;

export function exportFileName(localityId: string, period: string, format: Format, lang: Lang): string {
  return `${localityId}_${period}${lang === 'en' ? '.en' : ''}.${format}`;
}

/** Path of an export relative to the exports directory (always with `/`). */
export function exportRelativePath(localityId: string, period: string, format: Format, lang: Lang): string {
  return `${period}/${exportFileName(localityId, period, format, lang)}`;
}

export function parseExportFileName(
  name: string,
): { locality: string; period: string; format: Format; lang: Lang } | undefined {
  const m = NAME.exec(name);
  if (m === null) return undefined;
  return {
    locality: m[1] as string,
    period: m[2] as string,
    lang: m[3] === undefined ? 'vi' : 'en',
    format: m[4] as Format,
  };
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface ExportFile {
  readonly locality: string;
  readonly period: string;
  readonly kind: 'month' | 'year';
  readonly format: Format;
  readonly lang: Lang;
  /** Relative to the exports directory. */
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
  /** When it was produced (its modification time), local ISO 8601. */
  readonly createdAt: string;
  readonly createdAtMs: number;
}

/** Hashes are kept while a file's size and modification time stay the same. */
const hashes = new Map<string, { size: number; mtimeMs: number; sha256: string }>();

async function fileSha(path: string, size: number, mtimeMs: number): Promise<string> {
  const known = hashes.get(path);
  if (known !== undefined && known.size === size && known.mtimeMs === mtimeMs) return known.sha256;
  const sha = sha256(await readFile(path));
  hashes.set(path, { size, mtimeMs, sha256: sha });
  return sha;
}

/** Every export file under `dir`, ordered by period (newest first), locality, format and language. */
export async function listExportFiles(dir: string): Promise<ExportFile[]> {
  const out: ExportFile[] = [];
  let periods: string[];
  try {
    periods = (await readdir(dir, { withFileTypes: true }))
      .filter((d) => d.isDirectory() && PERIOD_DIR.test(d.name))
      .map((d) => d.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  for (const period of periods) {
    for (const name of await readdir(join(dir, period))) {
      const parsed = parseExportFileName(name);
      if (parsed === undefined || parsed.period !== period) continue;
      const path = join(dir, period, name);
      let st: Awaited<ReturnType<typeof stat>>;
      try {
        st = await stat(path);
      } catch {
        continue; // replaced or removed meanwhile
      }
      if (!st.isFile()) continue;
      out.push({
        ...parsed,
        kind: period.length === 4 ? 'year' : 'month',
        path: `${period}/${name}`,
        size: st.size,
        sha256: await fileSha(path, st.size, st.mtimeMs),
        createdAt: localIso(Math.round(st.mtimeMs)),
        createdAtMs: Math.round(st.mtimeMs),
      });
    }
  }
  const fmt = (f: Format) => FORMATS.indexOf(f);
  return out.sort(
    (a, b) =>
      (a.period < b.period ? 1 : a.period > b.period ? -1 : 0) ||
      (a.locality < b.locality ? -1 : a.locality > b.locality ? 1 : 0) ||
      fmt(a.format) - fmt(b.format) ||
      (a.lang < b.lang ? 1 : a.lang > b.lang ? -1 : 0),
  );
}

/** Modification time of a file (rounded to the millisecond), or undefined when it does not exist. */
export async function producedAt(path: string): Promise<number | undefined> {
  try {
    return Math.round((await stat(path)).mtimeMs);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Writes `bytes` to `path` atomically and stamps it with the time it was produced. Returns
 * whether the content changed (an identical file is only re-stamped).
 */
export async function writeExportFile(path: string, bytes: Uint8Array, at: number): Promise<'written' | 'unchanged'> {
  await mkdir(dirname(path), { recursive: true });
  let same = false;
  try {
    const old = await readFile(path);
    same = old.length === bytes.length && Buffer.compare(old, bytes) === 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (!same) {
    const tmp = `${path}.${randomUUID()}.tmp`;
    try {
      await writeFile(tmp, bytes);
      await utimes(tmp, new Date(at), new Date(at));
      await rename(tmp, path);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  } else await utimes(path, new Date(at), new Date(at));
  return same ? 'unchanged' : 'written';
}
