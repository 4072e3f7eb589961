/** The evidence store reader: canonical hashes only, no path from input, every read verified. */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EvidenceStore, isSha256 } from '../src/index.ts';
import { jpeg, put, type Scratch, scratch, sha256Of } from './helpers/evidence.ts';

describe('evidence store', () => {
  let s: Scratch;
  afterEach(() => s?.cleanup());

  it('takes only 64 lowercase hexadecimal digits as a hash', () => {
    const good = sha256Of('x');
    expect(isSha256(good)).toBe(true);
    for (const bad of [
      good.toUpperCase(),
      good.slice(1),
      `${good}0`,
      ` ${good}`,
      `${good}\n`,
      `${good.slice(0, 62)}/a`,
      `../${good.slice(3)}`,
      '..%2F..%2Fetc%2Fpasswd',
      '../../etc/passwd',
      `${good.slice(0, 63)}g`,
      `${good}.jpg`,
      '',
      undefined,
      42,
    ]) {
      expect(isSha256(bad), String(bad)).toBe(false);
    }
  });

  it('returns the bytes with a content type from the extension, after checking their hash', async () => {
    s = scratch();
    const store = new EvidenceStore({ dir: s.dir });
    const jpg = put(s.dir, jpeg('one'));
    const mp4 = put(s.dir, Buffer.from('not really a clip'), { ext: 'mp4' });
    const r = await store.read(jpg.sha256);
    expect(r.ok && { type: r.file.contentType, ext: r.file.ext, same: r.file.bytes.equals(jpeg('one')) }).toEqual({
      type: 'image/jpeg',
      ext: 'jpg',
      same: true,
    });
    const c = await store.read(mp4.sha256);
    expect(c.ok && c.file.contentType).toBe('video/mp4');
  });

  it('refuses what is not a hash without touching the file system, and unknown files', async () => {
    s = scratch();
    // A file outside the store that a traversal would reach.
    writeFileSync(join(s.root, 'secret.jpg'), 'secret');
    const store = new EvidenceStore({ dir: s.dir });
    for (const bad of ['../secret', '../../secret.jpg', '..%2Fsecret', 'ab/../../secret', 'A'.repeat(64)]) {
      expect(await store.read(bad)).toEqual({ ok: false, reason: 'invalid_hash' });
      expect(await store.locate(bad)).toBeUndefined();
    }
    expect(await store.read(sha256Of('never stored'))).toEqual({ ok: false, reason: 'not_found' });
  });

  it('refuses a file whose bytes no longer match its name', async () => {
    s = scratch();
    const store = new EvidenceStore({ dir: s.dir });
    const f = put(s.dir, jpeg('original'));
    writeFileSync(f.path, jpeg('edited'));
    const r = await store.read(f.sha256);
    expect(r).toEqual({ ok: false, reason: 'hash_mismatch', path: f.path, actual: sha256Of(jpeg('edited')) });
  });

  it('does not follow a symbolic link planted in the store, and refuses files over the limit', async () => {
    s = scratch();
    const target = join(s.root, 'outside.jpg');
    const bytes = jpeg('outside');
    writeFileSync(target, bytes);
    const sha = sha256Of(bytes);
    mkdirSync(join(s.dir, sha.slice(0, 2)), { recursive: true });
    symlinkSync(target, join(s.dir, sha.slice(0, 2), `${sha}.jpg`));
    const store = new EvidenceStore({ dir: s.dir });
    expect(await store.read(sha)).toEqual({ ok: false, reason: 'not_found' });
    const big = put(s.dir, Buffer.alloc(2048, 1));
    expect((await new EvidenceStore({ dir: s.dir, maxBytes: 1024 }).read(big.sha256)).ok).toBe(false);
  });

  it('lists only evidence files: no temporary files, strays, misplaced files or links', async () => {
    s = scratch();
    const a = put(s.dir, jpeg('a'));
    const b = put(s.dir, Buffer.from('clip'), { ext: 'mp4' });
    const sub = join(s.dir, a.sha256.slice(0, 2));
    writeFileSync(join(sub, `${a.sha256}.jpg.0a1b2c3d4e5f.tmp`), 'partial');
    writeFileSync(join(sub, 'notes.txt'), 'x');
    writeFileSync(join(sub, `${sha256Of('x')}.exe`), 'x');
    // Named by a hash that does not belong in this prefix directory.
    const wrong = sha256Of('wrong place');
    const otherPrefix = wrong.startsWith('00') ? '01' : '00';
    mkdirSync(join(s.dir, otherPrefix), { recursive: true });
    writeFileSync(join(s.dir, otherPrefix, `${wrong}.jpg`), 'wrong place');
    writeFileSync(join(s.dir, 'stray.jpg'), 'x');
    const listed = [];
    for await (const e of new EvidenceStore({ dir: s.dir }).entries()) listed.push(e.sha256);
    expect(listed.sort()).toEqual([a.sha256, b.sha256].sort());
    expect([...(await collect(new EvidenceStore({ dir: join(s.root, 'missing') })))]).toEqual([]);
  });
});

async function collect(store: EvidenceStore) {
  const out = [];
  for await (const e of store.entries()) out.push(e);
  return out;
}
