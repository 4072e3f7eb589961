import { PortError } from '@hpg/ports';

/**
 * Primary SQLite result codes where the same statement can succeed later: another connection
 * holds the lock (BUSY, LOCKED), the disk hiccupped or filled up (IOERR, FULL), or the WAL
 * changed under us (PROTOCOL). Everything else (constraints, a corrupt file, a bad value) fails
 * the same way on every retry.
 */
const TRANSIENT = new Set([
  5, // SQLITE_BUSY
  6, // SQLITE_LOCKED
  10, // SQLITE_IOERR
  13, // SQLITE_FULL
  15, // SQLITE_PROTOCOL
]);

/** The extended result code node:sqlite puts on its errors, when there is one. */
function sqliteCode(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null || !('errcode' in err)) return undefined;
  return typeof err.errcode === 'number' ? err.errcode : undefined;
}

export function isTransient(err: unknown): boolean {
  const code = sqliteCode(err);
  // Extended codes carry the primary code in their low byte.
  return code !== undefined && TRANSIENT.has(code & 0xff);
}

export function toPortError(code: string, what: string, err: unknown): PortError {
  if (err instanceof PortError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new PortError(code, `sqlite store: ${what} failed: ${detail}`, { canRetry: isTransient(err), cause: err });
}

export function closedError(what: string): PortError {
  return new PortError('store_closed', `sqlite store: cannot ${what}, the store is closed`, { canRetry: false });
}
