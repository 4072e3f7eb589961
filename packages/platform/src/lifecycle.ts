import type { Logger } from './logger.ts';

interface Step {
  readonly name: string;
  readonly run: () => Promise<void>;
}

/**
 * Ordered shutdown. Steps run in the order registered (register them as: stop taking input →
 * drain in-flight → commit → flush → close), each once; a failing step is logged and the next
 * still runs; the result says whether every step succeeded, so the exit code tells the truth.
 */
export class Lifecycle {
  readonly #steps: Step[] = [];
  readonly #logger: Logger;
  #shutdown: Promise<boolean> | undefined;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  onShutdown(name: string, run: () => Promise<void>): void {
    this.#steps.push({ name, run });
  }

  /** A step that must run before every step registered so far (e.g. stop taking input). */
  onShutdownFirst(name: string, run: () => Promise<void>): void {
    this.#steps.unshift({ name, run });
  }

  get stopping(): boolean {
    return this.#shutdown !== undefined;
  }

  /** Idempotent: a second call returns the first call's promise. */
  shutdown(reason: string): Promise<boolean> {
    this.#shutdown ??= this.#run(reason);
    return this.#shutdown;
  }

  async #run(reason: string): Promise<boolean> {
    this.#logger.info({ reason }, 'shutting down');
    let clean = true;
    for (const step of this.#steps) {
      const started = Date.now();
      try {
        await step.run();
        this.#logger.debug({ step: step.name, ms: Date.now() - started }, 'shutdown step done');
      } catch (err) {
        clean = false;
        this.#logger.error({ step: step.name, err }, 'shutdown step failed');
      }
    }
    this.#logger.info({ clean }, 'stopped');
    return clean;
  }
}

/**
 * SIGINT/SIGTERM start the ordered shutdown; the exit code is 0 when it was clean, 1 otherwise.
 * A second signal while stopping exits at once with 130, saying so.
 */
export function exitOnSignals(lifecycle: Lifecycle, logger: Logger, flush: () => void = () => {}): void {
  const onSignal = (signal: NodeJS.Signals) => {
    if (lifecycle.stopping) {
      logger.warn({ signal }, 'second signal while stopping: exiting now, in-flight work may be redelivered');
      flush();
      process.exit(130);
    }
    void lifecycle.shutdown(signal).then((clean) => {
      flush();
      process.exit(clean ? 0 : 1);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
