import { pino } from 'pino';

export type Logger = pino.Logger;

/**
 * Paths never written to logs: credentials, tokens and raw device payloads (which may carry
 * personal data). Keep in step with the redaction test.
 */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.cookie',
  '*.cookie',
  'cookie',
  'headers["set-cookie"]',
  'headers["x-csrf-token"]',
  'req.headers["x-csrf-token"]',
  'csrfToken',
  '*.csrfToken',
  'smtpPassword',
  'telegramToken',
  'linkSecrets',
  '*.linkSecrets',
  'secrets',
  '*.secrets',
  'raw',
  '*.raw',
  'payload',
  '*.payload',
];

export interface LoggerOptions {
  readonly name: string;
  readonly level: string;
  /** Where to write; defaults to stdout. Tests pass a stream to read the output. */
  readonly destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: options.name,
      level: options.level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}
