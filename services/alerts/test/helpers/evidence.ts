/** A throwaway evidence directory laid out as ingest writes it, and files placed in it at a chosen age. */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DAY = 86_400_000;

export interface Scratch {
  readonly root: string;
  readonly dir: string;
  readonly auditPath: string;
  readonly alertsPath: string;
  cleanup(): void;
}

export function scratch(): Scratch {
  const root = mkdtempSync(join(tmpdir(), 'hpg-evidence-'));
  const dir = join(root, 'evidence');
  mkdirSync(dir);
  return {
    root,
    dir,
    auditPath: join(root, 'audit.sqlite'),
    alertsPath: join(root, 'alerts.sqlite'),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

export const sha256Of = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

/** A small JPEG-looking file unique to `label`. */
export const jpeg = (label: string) =>
  Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(label), Buffer.from([0xff, 0xd9])]);

/** Writes `bytes` where ingest would, stored `ageMs` before `now`. */
export function put(
  dir: string,
  bytes: Uint8Array,
  o: { ext?: string; now?: number; ageMs?: number } = {},
): { sha256: string; path: string } {
  const sha256 = sha256Of(bytes);
  const sub = join(dir, sha256.slice(0, 2));
  mkdirSync(sub, { recursive: true });
  const path = join(sub, `${sha256}.${o.ext ?? 'jpg'}`);
  writeFileSync(path, bytes);
  const at = ((o.now ?? Date.now()) - (o.ageMs ?? 0)) / 1000;
  utimesSync(path, at, at);
  return { sha256, path };
}
