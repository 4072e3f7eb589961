import { describe, expect, it } from 'vitest';
import { progressBar } from '../src/index.ts';

const sink = (isTTY: boolean) => {
  const out: string[] = [];
  return { out, stream: { isTTY, write: (s: string) => out.push(s) } };
};

describe('progressBar', () => {
  it('prints one line per tenth when the output is not a terminal (CI logs stay short)', () => {
    let t = 0;
    const { out, stream } = sink(false);
    const bar = progressBar('backfill', 200, stream, () => t);
    for (let i = 1; i <= 200; i++) {
      t += 10;
      bar.update(i, 'month 2026-10');
    }
    bar.finish('done');
    // The start, then 10 %, 20 % … 100 % once each, then the final line.
    expect(out).toHaveLength(12);
    expect(out[0]).toContain('1% 1/200');
    expect(out[1]).toMatch(/^backfill \[###\.{27}\] {2}10% 20\/200 0\.2s eta 2s month 2026-10\n$/);
    expect(out.at(-1)).toMatch(/100% 200\/200 2\.0s done\n$/);
  });

  it('redraws a single line on a terminal', () => {
    const { out, stream } = sink(true);
    const bar = progressBar('export', 4, stream, () => 0);
    bar.update(1);
    bar.update(2);
    expect(out.every((l) => l.startsWith('\r') && !l.includes('\n'))).toBe(true);
    expect(out[1]).toContain(' 50% 2/4');
  });
});
