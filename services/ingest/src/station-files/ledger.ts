/**
 * The content ledger of the drop directory: which transfer files (by content key: station and
 * bytes) were already taken, and when first. A file delivered again gets its first receive time
 * back, so its records are the same records, byte for byte, and every store keeps one copy (the
 * readings by identity, the refusals by id, and on InfluxDB also by their time).
 *
 * One JSON line per file taken, appended; entries older than the retention are dropped when the
 * ledger is opened. A torn last line (a crash mid-write) is skipped.
 */
import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface LedgerEntry {
  /** Content key (decoders' stationFileKey). */
  readonly key: string;
  /** The receive time the file's records carry. */
  readonly receivedAt: number;
  readonly file: string;
  readonly outcome: 'processed' | 'failed';
  /** When it was taken. */
  readonly at: number;
}

export class ContentLedger {
  readonly #file: string;
  readonly #first = new Map<string, number>();

  private constructor(file: string) {
    this.#file = file;
  }

  static async open(file: string, retentionMs: number, now: number): Promise<ContentLedger> {
    const ledger = new ContentLedger(file);
    await mkdir(dirname(file), { recursive: true });
    let text = '';
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const kept: LedgerEntry[] = [];
    let lines = 0;
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      lines++;
      let e: Partial<LedgerEntry>;
      try {
        e = JSON.parse(line) as Partial<LedgerEntry>;
      } catch {
        continue;
      }
      if (typeof e.key !== 'string' || typeof e.receivedAt !== 'number' || typeof e.at !== 'number') continue;
      if (now - e.at > retentionMs) continue;
      kept.push(e as LedgerEntry);
      if (!ledger.#first.has(e.key)) ledger.#first.set(e.key, e.receivedAt);
    }
    if (kept.length < lines) {
      // Compact: write the kept entries beside it, then swap (never a half-written ledger).
      const tmp = `${file}.tmp`;
      await writeFile(tmp, kept.map((e) => `${JSON.stringify(e)}\n`).join(''));
      await rename(tmp, file);
    }
    return ledger;
  }

  /** The receive time of the first delivery of this content, if it was taken before. */
  receivedAt(key: string): number | undefined {
    return this.#first.get(key);
  }

  async record(entry: LedgerEntry): Promise<void> {
    await appendFile(this.#file, `${JSON.stringify(entry)}\n`);
    if (!this.#first.has(entry.key)) this.#first.set(entry.key, entry.receivedAt);
  }
}
