import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, Lifecycle, REDACT_PATHS } from '../src/index.ts';

const quiet = createLogger({ name: 't', level: 'silent' });

describe('Lifecycle', () => {
  it('runs steps once, in order, continues past a failing step and says it was not clean', async () => {
    const ran: string[] = [];
    const l = new Lifecycle(quiet);
    l.onShutdown('a', async () => void ran.push('a'));
    l.onShutdown('b', async () => {
      ran.push('b');
      throw new Error('boom');
    });
    l.onShutdown('c', async () => void ran.push('c'));
    const [first, second] = await Promise.all([l.shutdown('test'), l.shutdown('again')]);
    expect(ran).toEqual(['a', 'b', 'c']);
    expect(first).toBe(false);
    expect(second).toBe(false);
  });

  it('reports a clean shutdown as clean', async () => {
    const l = new Lifecycle(quiet);
    l.onShutdown('a', async () => {});
    expect(await l.shutdown('test')).toBe(true);
  });
});

describe('logger redaction', () => {
  it('never writes passwords, tokens or raw payloads', async () => {
    let out = '';
    const sink = new Writable({
      write(chunk, _enc, cb) {
        out += chunk;
        cb();
      },
    });
    const log = createLogger({ name: 't', level: 'info', destination: sink });
    log.info(
      {
        password: 'hunter2',
        device: { password: 'pw-1', secret: 's3' },
        token: 'tkn-8c1f',
        raw: 'cGF5bG9hZA==',
        headers: { authorization: 'Bearer x' },
      },
      'login',
    );
    log.flush();
    await new Promise((r) => setImmediate(r));
    for (const secret of ['hunter2', 'pw-1', 's3', 'tkn-8c1f', 'cGF5bG9hZA==', 'Bearer x'])
      expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
    expect(REDACT_PATHS).toContain('*.password');
  });
});
