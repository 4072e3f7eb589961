/**
 * The logger the simulator is given. Calls follow pino's convention (fields object first, then the
 * message), so the platform logger can be passed straight in.
 */
export interface SimulatorLogger {
  info(...a: unknown[]): void;
  warn(...a: unknown[]): void;
  error(...a: unknown[]): void;
}
