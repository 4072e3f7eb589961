/**
 * Evidence retention: old files go unless kept as evidence (held; a dumping alert not closed, or
 * resolved within the period; the detections of such an alert), each deletion audited; a dry run
 * changes nothing; detections keep their hash.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type AlertSnapshot, AlertStore } from '@hpg/alerts';
import type { Detection } from '@hpg/contracts';
import { createLogger, createMetrics } from '@hpg/platform';
import { openSqliteStore, type SqliteStore } from '@hpg/store-sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import {
  EvidenceAudit,
  EvidenceService,
  EvidenceStore,
  formatRetentionReport,
  RETENTION_ACTOR,
  retentionOnce,
  runRetention,
} from '../src/index.ts';
import { DAY, jpeg, put, type Scratch, scratch } from './helpers/evidence.ts';

const NOW = Date.UTC(2027, 2, 1, 3, 0, 0);
const DAYS = 90;

function dumping(id: string, sha: string | null, eventIds: string[], openedAt = NOW - 200 * DAY): AlertSnapshot {
  return {
    v: 1,
    id,
    kind: 'dumping',
    severity: 'high',
    localityId: 'vinh-am',
    siteId: 'kenh',
    deviceId: 'cam-1',
    openedAt,
    lastSeenAt: openedAt + 10 * 60_000,
    details: {
      label: 'waste',
      zone: 'bank',
      maxScore: 0.9,
      eventIds,
      detections: eventIds.length,
      snapshotUrl: null,
      snapshotSha256: sha,
    },
  };
}

function detection(eventId: string, ts: number, sha: string): Detection {
  return {
    v: 1,
    deviceId: 'cam-1',
    siteId: 'kenh',
    localityId: 'vinh-am',
    eventId,
    phase: 'end',
    ts,
    receivedAt: ts,
    label: 'waste',
    score: 0.8,
    zone: 'bank',
    box: null,
    snapshotUrl: `http://nvr/api/events/${eventId}/snapshot.jpg`,
    snapshotSha256: sha,
    startedAt: ts,
    endedAt: ts,
    source: 'frigate',
  };
}

describe('evidence retention', () => {
  let s: Scratch;
  const closers: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of closers.splice(0).reverse()) await c();
    s?.cleanup();
  });

  /** One file per case, each stored `age` days before NOW; alerts in the states that matter. */
  async function world() {
    s = scratch();
    const file = (label: string, ageDays: number) => put(s.dir, jpeg(label), { now: NOW, ageMs: ageDays * DAY });
    const f = {
      young: file('young', 10),
      old: file('old', 100),
      oldClip: put(s.dir, Buffer.from('old clip'), { ext: 'mp4', now: NOW, ageMs: 200 * DAY }),
      held: file('held', 400),
      open: file('open alert', 150),
      acknowledged: file('acknowledged alert', 150),
      resolvedRecently: file('resolved 30 days ago', 150),
      resolvedLongAgo: file('resolved 120 days ago', 150),
      falseAlarm: file('false alarm 10 days ago', 150),
      otherDetection: file('second detection of the open alert', 150),
      // "Older than 90 days": exactly 90 is not, a minute more is.
      exactlyAtCutoff: file('exactly 90 days', 90),
      justPast: put(s.dir, jpeg('90 days and a minute'), { now: NOW, ageMs: 90 * DAY + 60_000 }),
    };
    const audit = EvidenceAudit.open({ path: s.auditPath });
    const alerts = AlertStore.open({ path: s.alertsPath });
    const detections: SqliteStore = await openSqliteStore({ path: join(s.root, 'store.sqlite') });
    closers.push(
      () => audit.close(),
      () => alerts.close(),
      () => detections.close(),
    );
    audit.hold({ sha256: f.held.sha256, actor: 'ca-vinh-am', note: 'hồ sơ vụ việc', at: NOW - 300 * DAY });
    const add = (id: string, sha: string, eventIds = [`${id}-ev`]) =>
      alerts.insert(dumping(id, sha, eventIds), { role: 'police', at: NOW - 150 * DAY, nextEscalationAt: null });
    const step = (id: string, action: 'acknowledge' | 'resolve' | 'false_alarm', daysAgo: number) =>
      alerts.transition(id, action, { actor: 'ca-vinh-am', at: NOW - daysAgo * DAY });
    add('open', f.open.sha256, ['ev-open-1', 'ev-open-2']);
    add('acknowledged', f.acknowledged.sha256);
    step('acknowledged', 'acknowledge', 140);
    add('resolved-recently', f.resolvedRecently.sha256);
    step('resolved-recently', 'acknowledge', 140);
    step('resolved-recently', 'resolve', 30);
    add('resolved-long-ago', f.resolvedLongAgo.sha256);
    step('resolved-long-ago', 'acknowledge', 140);
    step('resolved-long-ago', 'resolve', 120);
    add('false-alarm', f.falseAlarm.sha256);
    step('false-alarm', 'acknowledge', 140);
    step('false-alarm', 'false_alarm', 10);
    // The open alert's second event has a snapshot of its own, only in the detection store.
    const opened = NOW - 200 * DAY;
    await detections.writeDetections([
      detection('ev-open-1', opened, f.open.sha256),
      detection('ev-open-2', opened + 5 * 60_000, f.otherDetection.sha256),
      detection('ev-old', NOW - 100 * DAY, f.old.sha256),
    ]);
    const store = new EvidenceStore({ dir: s.dir });
    return { f, audit, alerts, detections, store };
  }

  it('deletes old files nothing keeps, and keeps held, young and alert evidence', async () => {
    const { f, audit, alerts, detections, store } = await world();
    const report = await runRetention({ store, audit, alerts, detections }, { now: NOW, days: DAYS, dryRun: false });
    const gone = [f.old, f.oldClip, f.resolvedLongAgo, f.falseAlarm, f.justPast];
    const stays = [f.young, f.exactlyAtCutoff, f.held, f.open, f.acknowledged, f.resolvedRecently, f.otherDetection];
    expect(report.deleted.map((d) => d.sha256).sort()).toEqual(gone.map((x) => x.sha256).sort());
    for (const x of gone) expect(existsSync(x.path)).toBe(false);
    for (const x of stays) expect(existsSync(x.path)).toBe(true);
    expect(report).toMatchObject({ scanned: 12, kept: { young: 2, held: 1, alert: 4 }, failed: [] });
    expect(report.keptOld.find((k) => k.sha256 === f.otherDetection.sha256)).toMatchObject({
      because: 'alert',
      by: 'open',
    });
    expect(report.keptOld.find((k) => k.sha256 === f.held.sha256)).toMatchObject({ because: 'held', by: 'ca-vinh-am' });

    // Each deletion is in the audit log, with the alert that showed the file when there was one.
    const deleted = audit.query({ action: 'deleted' });
    expect(deleted.map((e) => e.sha256).sort()).toEqual(gone.map((x) => x.sha256).sort());
    expect(deleted.every((e) => e.actor === RETENTION_ACTOR && e.at === NOW)).toBe(true);
    expect(deleted.find((e) => e.sha256 === f.falseAlarm.sha256)).toMatchObject({
      alertId: 'false-alarm',
      reason: expect.stringMatching(/^older than 90 days: stored .*; alert false_alarm$/),
    });
    expect(audit.verify().ok).toBe(true);

    // The detection record stays with its hash; only the file went.
    const [kept] = await detections.queryDetections({
      deviceId: 'cam-1',
      from: NOW - 101 * DAY,
      to: NOW - 99 * DAY,
      limit: 10,
    });
    expect(kept).toMatchObject({ eventId: 'ev-old', snapshotSha256: f.old.sha256 });

    // A second pass finds nothing more to do.
    const again = await runRetention({ store, audit, alerts, detections }, { now: NOW, days: DAYS, dryRun: false });
    expect(again.deleted).toEqual([]);
  });

  it('without the detection store keeps only the alert’s own snapshot', async () => {
    const { f, audit, alerts, store } = await world();
    const report = await runRetention({ store, audit, alerts }, { now: NOW, days: DAYS, dryRun: true });
    expect(report.deleted.map((d) => d.sha256)).toContain(f.otherDetection.sha256);
    expect(report.deleted.map((d) => d.sha256)).not.toContain(f.open.sha256);
  });

  it('a dry run lists what would go and changes nothing', async () => {
    const { f, audit, alerts, detections, store } = await world();
    const before = audit.query().length;
    const report = await runRetention({ store, audit, alerts, detections }, { now: NOW, days: DAYS, dryRun: true });
    expect(report.deleted).toHaveLength(5);
    for (const x of Object.values(f)) expect(existsSync(x.path)).toBe(true);
    expect(audit.query()).toHaveLength(before);
    const text = formatRetentionReport(report);
    expect(text).toContain(`would delete  ${f.old.sha256}.jpg  100 days`);
    expect(text).toContain(`kept (held by ca-vinh-am)  ${f.held.sha256}.jpg  400 days`);
    expect(text).toMatch(/dry run: 12 files, 5 would delete, kept 2 younger than 90 days, 4 by alerts, 1 held$/);
  });

  it('a hold placed during the pass is honoured (checked per file)', async () => {
    const { f, audit, store } = await world();
    const alerts = { evidenceAlerts: () => [] };
    let first = true;
    const report = await runRetention(
      {
        store: {
          dir: store.dir,
          entries: async function* () {
            for await (const e of store.entries()) {
              if (first) audit.hold({ sha256: f.old.sha256, actor: 'late', note: null, at: NOW });
              first = false;
              yield e;
            }
          },
          remove: (e) => store.remove(e),
        } as EvidenceStore,
        audit,
        alerts,
      },
      { now: NOW, days: DAYS, dryRun: false },
    );
    expect(existsSync(f.old.path)).toBe(true);
    expect(report.keptOld.find((k) => k.sha256 === f.old.sha256)).toMatchObject({ because: 'held', by: 'late' });
  });

  it('runs once from the command line helper and on the service timer', async () => {
    const { f, alerts, audit } = await world();
    alerts.close();
    audit.close();
    const dry = await retentionOnce(
      { dir: s.dir, auditPath: s.auditPath, alertStorePath: s.alertsPath },
      { now: NOW, days: DAYS, dryRun: true },
    );
    expect(dry.deleted.map((d) => d.sha256)).toContain(f.falseAlarm.sha256);
    expect(existsSync(f.falseAlarm.path)).toBe(true);

    const service = new EvidenceService(
      {
        logger: createLogger({ name: 'test', level: 'silent' }),
        metrics: createMetrics(),
        linkSecrets: ['evidence-service-test-secret'],
        now: () => NOW,
      },
      {
        dir: s.dir,
        auditPath: s.auditPath,
        retention: { enabled: true, days: DAYS, intervalHours: 24, firstRunDelayMs: 0 },
        access: { userHeader: false, linkMinutes: 10, viewerRoles: ['police'], auditorRoles: ['admin'] },
      },
    );
    closers.push(() => service.stop());
    service.start();
    // No alert store given: only holds and age count, so every old unheld file goes.
    await expect.poll(() => existsSync(f.falseAlarm.path), { timeout: 5_000 }).toBe(false);
    expect(existsSync(f.held.path)).toBe(true);
    expect(existsSync(f.young.path)).toBe(true);
    await expect.poll(() => service.audit.query({ action: 'deleted' }).length).toBe(9); // 12 − held − 2 young
  });
});
