/**
 * A progress bar for command-line tools (backfill, exports, benchmarks). On a terminal it redraws
 * one line; otherwise (CI logs, pipes) it prints a line at every tenth, so logs stay short.
 */
export interface Progress {
  /** Sets the work done so far (of `total`) and what is being done now. */
  update(done: number, note?: string): void;
  /** Final line with the elapsed time. */
  finish(note?: string): void;
}

export function progressBar(
  label: string,
  total: number,
  out: { write(s: string): unknown; isTTY?: boolean } = process.stderr,
  now: () => number = Date.now,
): Progress {
  const started = now();
  const width = 30;
  let lastTenth = -1;
  const line = (done: number, note: string) => {
    const share = total <= 0 ? 1 : Math.min(1, done / total);
    const filled = Math.round(share * width);
    const elapsed = (now() - started) / 1000;
    const eta = share > 0 && share < 1 ? ` eta ${Math.ceil((elapsed / share) * (1 - share))}s` : '';
    return `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}% ${done}/${total} ${elapsed.toFixed(1)}s${eta}${note === '' ? '' : ` ${note}`}`;
  };
  return {
    update(done, note = '') {
      if (out.isTTY === true) {
        out.write(`\r${line(done, note)}\u001b[K`);
        return;
      }
      const tenth = total <= 0 ? 10 : Math.floor((Math.min(done, total) / total) * 10);
      if (tenth > lastTenth) {
        lastTenth = tenth;
        out.write(`${line(done, note)}\n`);
      }
    },
    finish(note = '') {
      out.write(`${out.isTTY === true ? '\r' : ''}${line(total, note)}${out.isTTY === true ? '\u001b[K' : ''}\n`);
    },
  };
}
