/**
 * Signed evidence links: the token's round trip, expiry, tampering, domain separation from action
 * links, key rotation; and which link a police message carries.
 */
import { Registry } from '@hpg/registry';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AlertEngine,
  AlertStore,
  evidenceUrl,
  Notifier,
  signAction,
  signEvidence,
  verifyAction,
  verifyEvidence,
} from '../src/index.ts';
import { detection, MIN, miniRegistry, miniRules, T0, tempDir } from './helpers/fixtures.ts';

const SECRET = 'evidence-link-test-secret-01';
const SHA = 'a'.repeat(64);
const claims = { sha256: SHA, alertId: 'dumping:cam-a1:bank:x1', actor: 'police-duty', expiresAt: T0 + 60 * MIN };

describe('evidence link tokens', () => {
  it('verify while valid and give back their claims', () => {
    const token = signEvidence(claims, SECRET);
    expect(token).toMatch(/^e1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(verifyEvidence(token, SECRET, T0)).toEqual({ ok: true, claims });
    const forAlert = { ...claims, sha256: null };
    expect(verifyEvidence(signEvidence(forAlert, SECRET), SECRET, T0)).toEqual({ ok: true, claims: forAlert });
  });

  it('expire at expiresAt, still saying whose link it was', () => {
    const token = signEvidence(claims, SECRET);
    expect(verifyEvidence(token, SECRET, claims.expiresAt - 1).ok).toBe(true);
    expect(verifyEvidence(token, SECRET, claims.expiresAt)).toEqual({ ok: false, reason: 'expired', claims });
  });

  it('refuse a changed claim, a changed signature, another key and garbage', () => {
    const token = signEvidence(claims, SECRET);
    const [v, payload, sig] = token.split('.') as [string, string, string];
    const other = Buffer.from(JSON.stringify({ s: 'b'.repeat(64), a: claims.alertId, by: 'x', exp: 9e15 })).toString(
      'base64url',
    );
    expect(verifyEvidence(`${v}.${other}.${sig}`, SECRET, T0)).toEqual({ ok: false, reason: 'bad_signature' });
    const flipped = `${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(verifyEvidence(`${v}.${payload}.${flipped}`, SECRET, T0)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyEvidence(token, 'another-secret-of-enough-length', T0)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    for (const bad of ['', 'e1', 'e1..', 'v1.a.b', `${token}.x`, 'e1.!!!.???']) {
      expect(verifyEvidence(bad, SECRET, T0).ok).toBe(false);
    }
  });

  it('accept one spelling only: a signature whose last character differs in its unused bits is refused', () => {
    // 32 bytes of HMAC are 43 base64url characters; the last one carries 4 bits and 2 unused ones,
    // so flipping its lowest bit spells the same bytes. Both kinds of link must refuse it.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = (t: string) => {
      const last = alphabet.indexOf(t.at(-1) as string);
      return `${t.slice(0, -1)}${alphabet[last ^ 1]}`;
    };
    const evidence = signEvidence(claims, SECRET);
    const evidenceSig = evidence.split('.')[2] as string;
    expect(Buffer.from(sibling(evidenceSig), 'base64url')).toEqual(Buffer.from(evidenceSig, 'base64url'));
    expect(verifyEvidence(sibling(evidence), SECRET, T0)).toEqual({ ok: false, reason: 'bad_signature' });
    const action = signAction(
      { alertId: claims.alertId, action: 'acknowledge', actor: 'c', expiresAt: T0 + MIN },
      SECRET,
    );
    expect(verifyAction(action, SECRET, T0).ok).toBe(true);
    expect(verifyAction(sibling(action), SECRET, T0)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('verify with any of the rotated keys; the first signs', () => {
    const old = signEvidence(claims, 'the-old-secret-0123456789');
    expect(verifyEvidence(old, [SECRET, 'the-old-secret-0123456789'], T0).ok).toBe(true);
    const fresh = signEvidence(claims, [SECRET, 'the-old-secret-0123456789']);
    expect(verifyEvidence(fresh, SECRET, T0).ok).toBe(true);
  });

  it('are not action tokens, nor the reverse', () => {
    const evidence = signEvidence(claims, SECRET);
    const action = signAction(
      { alertId: claims.alertId, action: 'acknowledge', actor: 'police-duty', expiresAt: claims.expiresAt },
      SECRET,
    );
    expect(verifyAction(evidence, SECRET, T0).ok).toBe(false);
    expect(verifyEvidence(action, SECRET, T0).ok).toBe(false);
    // Same payload, other prefix: the MAC's context differs, so the signature does not carry over.
    const [, payload, sig] = evidence.split('.') as [string, string, string];
    expect(verifyAction(`v1.${payload}.${sig}`, SECRET, T0).ok).toBe(false);
  });

  it('name evidence or an alert, and only a canonical hash', () => {
    expect(() => signEvidence({ ...claims, sha256: null, alertId: null }, SECRET)).toThrow();
    expect(() => signEvidence({ ...claims, sha256: 'A'.repeat(64) }, SECRET)).toThrow();
    expect(() => signEvidence({ ...claims, sha256: '../etc/passwd' }, SECRET)).toThrow();
  });

  it('make links by hash or by alert', () => {
    expect(evidenceUrl('https://h.example/api/v1/evidence/', 'e1.p.s', { sha256: SHA })).toBe(
      `https://h.example/api/v1/evidence/${SHA}?token=e1.p.s`,
    );
    expect(evidenceUrl('https://h.example/api/v1/evidence', 'e1.p.s', { alertId: 'dumping:c:-:1/2' })).toBe(
      'https://h.example/api/v1/evidence/alerts/dumping%3Ac%3A-%3A1%2F2?token=e1.p.s',
    );
  });
});

describe('the evidence link in a police message', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups.splice(0).reverse()) c();
  });

  /** cam-a1 behind Frigate (its snapshots are fetched after the event), cam-a2 not. */
  function setup(evidenceBaseUrl?: string) {
    const data = structuredClone(miniRegistry().data) as { devices: { id: string; external?: unknown }[] };
    for (const d of data.devices) if (d.id === 'cam-a1') d.external = { frigate: { camera: 'cam_a1' } };
    const rules = miniRules(undefined, Registry.from(data));
    const tmp = tempDir();
    const store = AlertStore.open({ path: tmp.path });
    cleanups.push(tmp.cleanup, () => store.close());
    const now = T0 + 30_000;
    const notifier = new Notifier({
      store,
      rules,
      now: () => now,
      links: { baseUrl: 'https://hpg.example.org/a', secret: SECRET, ttlMs: 24 * 60 * MIN },
      ...(evidenceBaseUrl === undefined ? {} : { evidenceBaseUrl }),
    });
    const engine = new AlertEngine({ rules, startAt: T0 });
    const evidenceOf = (id: string) => store.outbox.forAlert(id)[0]?.message.links.evidence ?? null;
    return { store, notifier, engine, now, evidenceOf };
  }
  const BASE = 'https://hpg.example.org/api/v1/evidence';

  it('is a signed link to the file when the snapshot is stored, expiring with the action link', () => {
    const { notifier, engine, now, evidenceOf, store } = setup(BASE);
    notifier.apply(engine.detection(detection({ eventId: 'x1', snapshotSha256: SHA })));
    const link = evidenceOf('dumping:cam-a1:bank:x1') ?? '';
    const url = new URL(link);
    expect(`${url.origin}${url.pathname}`).toBe(`${BASE}/${SHA}`);
    const v = verifyEvidence(url.searchParams.get('token') ?? '', SECRET, now);
    expect(v).toEqual({
      ok: true,
      claims: { sha256: SHA, alertId: 'dumping:cam-a1:bank:x1', actor: 'police-duty', expiresAt: now + 24 * 60 * MIN },
    });
    const message = store.outbox.forAlert('dumping:cam-a1:bank:x1')[0]?.message;
    expect(message?.links.acknowledgeExpiresAt).toBe(now + 24 * 60 * MIN);
    expect(message?.text).toContain(link);
  });

  it("links to the alert's evidence while a Frigate snapshot is still being fetched", () => {
    const { notifier, engine, now, evidenceOf } = setup(BASE);
    notifier.apply(engine.detection(detection({ eventId: 'x2' })));
    const url = new URL(evidenceOf('dumping:cam-a1:bank:x2') ?? '');
    expect(url.pathname).toBe('/api/v1/evidence/alerts/dumping%3Acam-a1%3Abank%3Ax2');
    const v = verifyEvidence(url.searchParams.get('token') ?? '', SECRET, now);
    expect(v.ok && v.claims).toMatchObject({ sha256: null, alertId: 'dumping:cam-a1:bank:x2', actor: 'police-duty' });
  });

  it("keeps the camera's own snapshot URL when nothing will be stored, or without an evidence base", () => {
    const a = setup(BASE);
    a.notifier.apply(a.engine.detection(detection({ deviceId: 'cam-a2', eventId: 'x3' })));
    expect(a.evidenceOf('dumping:cam-a2:bank:x3')).toBe(`http://nvr.local/api/events/ev-${T0}/snapshot.jpg`);
    const b = setup();
    b.notifier.apply(b.engine.detection(detection({ eventId: 'x4', snapshotSha256: SHA })));
    expect(b.evidenceOf('dumping:cam-a1:bank:x4')).toBe(`http://nvr.local/api/events/ev-${T0}/snapshot.jpg`);
  });
});
