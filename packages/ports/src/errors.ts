/**
 * Errors that cross a port carry a stable code and whether retrying can help. One retry routine
 * (packages/platform retry.ts, and the bus adapters) reads `canRetry`; nothing else guesses.
 */
export class PortError extends Error {
  readonly code: string;
  readonly canRetry: boolean;
  constructor(code: string, message: string, opts: { canRetry: boolean; cause?: unknown }) {
    super(message, { cause: opts.cause });
    this.name = 'PortError';
    this.code = code;
    this.canRetry = opts.canRetry;
  }
}

/** True when an error says a retry can help; unknown errors are treated as not retryable. */
export function canRetry(err: unknown): boolean {
  return err instanceof PortError ? err.canRetry : false;
}
