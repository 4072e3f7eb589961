/**
 * A minimal JSON-lines logger on stdout for running the simulator alone; the all-in-one process
 * passes the platform (pino) logger instead. Accepts pino's call shapes: (fields, message) or (message).
 */
import type { SimulatorLogger } from './logger.ts';

function line(level: string, args: readonly unknown[]): string {
  const [first, second] = args;
  const fields = typeof first === 'object' && first !== null ? (first as Record<string, unknown>) : {};
  const msg = typeof first === 'string' ? first : typeof second === 'string' ? second : '';
  return `${JSON.stringify({ time: new Date().toISOString(), level, name: 'simulator', msg, ...fields })}\n`;
}

export function createJsonLinesLogger(write: (s: string) => void = (s) => process.stdout.write(s)): SimulatorLogger {
  return {
    info: (...a) => write(line('info', a)),
    warn: (...a) => write(line('warn', a)),
    error: (...a) => write(line('error', a)),
  };
}
