/**
 * The police's outcomes of dumping alerts, read from the alert service's SQLite store on this
 * machine (the CLI and the API process, which do not run the alert service themselves).
 */
import { existsSync } from 'node:fs';
import { AlertStore } from '@hpg/alerts';
import type { ReportDeps } from '@hpg/reports';

export interface AlertOutcomesFile {
  /** Undefined when there is no alert store at the path. */
  readonly outcomes?: ReportDeps['dumpingOutcomes'];
  close(): void;
}

/** Opens the store on first use, and only if the file exists. */
export function alertOutcomesFile(path: string | undefined): AlertOutcomesFile {
  if (path === undefined || !existsSync(path)) return { close: () => undefined };
  let store: AlertStore | undefined;
  return {
    outcomes: async (q) => {
      store ??= AlertStore.open({ path });
      return store.outcomes({ kind: 'dumping', ...q });
    },
    close: () => store?.close(),
  };
}
