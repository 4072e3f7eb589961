/**
 * Reads the content-addressed evidence directory that ingest writes (Frigate snapshots and clips):
 * `<dir>/<sha256[0..2]>/<sha256>.<ext>`.
 *
 * A file is named by the SHA-256 of its bytes, so it can be checked: every read hashes what it
 * read and refuses a file whose bytes no longer match its name (edited, swapped, corrupted) —
 * such a file is never served. Hashes are taken only in their canonical form (64 lowercase hex
 * digits) and paths are built from a validated hash and a fixed list of extensions, never from the
 * request, so no input reaches the file system as a path. Only regular files are read: a symbolic
 * link planted in the directory is not followed.
 */
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';

export const SHA256_PATTERN = /^[0-9a-f]{64}$/;

/** True only for the canonical form: 64 lowercase hexadecimal digits. */
export function isSha256(value: unknown): value is string {
  return typeof value === 'string' && SHA256_PATTERN.test(value);
}

/** Extensions the store holds and how each is served; anything else is not evidence. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  mp4: 'video/mp4',
};
const EXTENSIONS = Object.keys(CONTENT_TYPES);

export interface EvidenceFile {
  readonly sha256: string;
  readonly ext: string;
  readonly contentType: string;
  readonly path: string;
  readonly bytes: Buffer;
  /** When the file was stored (its modification time; files are written once). */
  readonly storedAt: number;
}

/** A file in the store, without its bytes (for retention). */
export interface EvidenceEntry {
  readonly sha256: string;
  readonly ext: string;
  readonly path: string;
  readonly size: number;
  readonly storedAt: number;
}

export type ReadFailure = 'invalid_hash' | 'not_found' | 'too_large' | 'hash_mismatch';
export type ReadResult =
  | { readonly ok: true; readonly file: EvidenceFile }
  | { readonly ok: false; readonly reason: ReadFailure; readonly path?: string; readonly actual?: string };

export interface EvidenceStoreOptions {
  readonly dir: string;
  /** Largest file read into memory to be checked and served (default 256 MiB). */
  readonly maxBytes?: number;
}

export class EvidenceStore {
  readonly dir: string;
  readonly #maxBytes: number;

  constructor(options: EvidenceStoreOptions) {
    this.dir = options.dir;
    this.#maxBytes = options.maxBytes ?? 256 * 1024 * 1024;
  }

  /** The regular file holding `sha256`, without reading it; undefined when there is none. */
  async locate(sha256: string): Promise<EvidenceEntry | undefined> {
    if (!isSha256(sha256)) return undefined;
    for (const ext of EXTENSIONS) {
      const path = join(this.dir, sha256.slice(0, 2), `${sha256}.${ext}`);
      const st = await lstat(path).catch(() => undefined);
      if (st?.isFile() === true) return { sha256, ext, path, size: st.size, storedAt: st.mtimeMs };
    }
    return undefined;
  }

  /** Reads and verifies: the bytes are returned only when their SHA-256 is the file's name. */
  async read(sha256: string): Promise<ReadResult> {
    if (!isSha256(sha256)) return { ok: false, reason: 'invalid_hash' };
    const entry = await this.locate(sha256);
    if (entry === undefined) return { ok: false, reason: 'not_found' };
    if (entry.size > this.#maxBytes) return { ok: false, reason: 'too_large', path: entry.path };
    let bytes: Buffer;
    try {
      bytes = await readFile(entry.path);
    } catch {
      return { ok: false, reason: 'not_found' };
    }
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== sha256) return { ok: false, reason: 'hash_mismatch', path: entry.path, actual };
    return {
      ok: true,
      file: {
        sha256,
        ext: entry.ext,
        contentType: CONTENT_TYPES[entry.ext] ?? 'application/octet-stream',
        path: entry.path,
        bytes,
        storedAt: entry.storedAt,
      },
    };
  }

  /**
   * Every evidence file: `<dir>/<2 hex>/<sha256>.<known ext>` whose prefix directory matches its
   * hash. Anything else (temporary files of a write in progress, stray files) is not listed, so
   * retention never touches it.
   */
  async *entries(): AsyncGenerator<EvidenceEntry> {
    const prefixes = await readdir(this.dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [];
      throw err;
    });
    for (const prefix of prefixes.sort((a, b) => a.name.localeCompare(b.name))) {
      if (!prefix.isDirectory() || !/^[0-9a-f]{2}$/.test(prefix.name)) continue;
      const names = await readdir(join(this.dir, prefix.name)).catch(() => [] as string[]);
      for (const name of names.sort()) {
        const m = /^([0-9a-f]{64})\.([a-z0-9]+)$/.exec(name);
        if (m === null) continue;
        const [, sha256 = '', ext = ''] = m;
        if (!sha256.startsWith(prefix.name) || CONTENT_TYPES[ext] === undefined) continue;
        const path = join(this.dir, prefix.name, name);
        const st = await lstat(path).catch(() => undefined);
        if (st?.isFile() !== true) continue;
        yield { sha256, ext, path, size: st.size, storedAt: st.mtimeMs };
      }
    }
  }

  /**
   * Deletes one file; false when it was already gone. Prefix directories stay (256 at most): ingest
   * may be writing into one at that moment.
   */
  async remove(entry: EvidenceEntry): Promise<boolean> {
    try {
      await unlink(entry.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
    return true;
  }
}
