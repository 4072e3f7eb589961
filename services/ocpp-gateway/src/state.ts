/**
 * The gateway's small durable state: the transaction-id counter and the open transactions, so a
 * StopTransaction after a restart still finds its charger and connector and no id is reused.
 * Written whole on every change, atomically (temporary file, then rename).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

const OpenTransactionSchema = z.object({
  deviceId: z.string(),
  connectorId: z.number().int().min(0),
  meterStart: z.number().min(0),
  /** SHA-256 of the idTag / idToken (the token itself is not kept). */
  idTagHash: z.string(),
  startedAt: z.number().int(),
});
export type OpenTransaction = z.infer<typeof OpenTransactionSchema>;

const StateSchema = z.object({
  v: z.literal(1),
  /** The next OCPP 1.6 transactionId to hand out (positive 32-bit int). */
  nextTransactionId: z.number().int().min(1),
  /** Open transactions by session id (the 1.6 integer as text, or `deviceId/id` for 2.0.1). */
  transactions: z.record(z.string(), OpenTransactionSchema),
});
export type GatewayState = z.infer<typeof StateSchema>;

export interface StateStore {
  readonly state: GatewayState;
  /** Persists the current state; concurrent saves are serialised, the last one wins. */
  save(): Promise<void>;
}

export async function loadState(file: string | undefined): Promise<StateStore> {
  let state: GatewayState = { v: 1, nextTransactionId: 1, transactions: {} };
  if (file !== undefined) {
    let text: string | undefined;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    // A corrupt state file stops the start: silently restarting ids at 1 would reuse them.
    if (text !== undefined) state = StateSchema.parse(JSON.parse(text));
  }
  let chain: Promise<void> = Promise.resolve();
  let seq = 0;
  const write = async (): Promise<void> => {
    if (file === undefined) return;
    await mkdir(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${++seq}.tmp`;
    await writeFile(tmp, `${JSON.stringify(state)}\n`, { mode: 0o600 });
    await rename(tmp, file);
  };
  return {
    state,
    save() {
      const next = chain.then(write);
      chain = next.catch(() => undefined);
      return next;
    },
  };
}
