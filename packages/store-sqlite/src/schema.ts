/**
 * The store's schema, as an ordered list of migrations. `PRAGMA user_version` holds how many have
 * been applied; opening a file applies the missing ones, each in its own transaction. A migration
 * is never edited once released: a change is a new entry at the end.
 *
 * Readings layout (the table that grows: ~8.6 million rows a month):
 * - A point's identity (measurement, device, channel, ts) is stored as (series_id, ts), the
 *   primary key of a WITHOUT ROWID table. `series` maps (measurement, device_id, channel) to a
 *   small integer once; the writer caches it, so a row carries two integers instead of three
 *   repeated strings, and the upsert touches ONE B-tree per row. That is what keeps the write
 *   path above 100k rows/s: every extra index on `readings` is another B-tree insert per row.
 * - Clustering by (series_id, ts) puts each series' month in one contiguous key range, so a
 *   monthly aggregate is a handful of range scans with no random I/O; device+time and
 *   measurement+time queries resolve their series in the small `series` table and then walk the
 *   same ranges.
 * - Site and locality can change when a device moves, and the port files each point under the
 *   placement it was written with, so `place_id` is per row (an integer into `places`), and
 *   `series_places` remembers every placement a series was ever seen at: a site or locality query
 *   finds its series there, walks their ranges, and checks each row's place_id. That replaces
 *   site+time and locality+time indexes on the big table.
 * - values/states/quality are JSON text: one JSON.stringify per map on write (the fastest way
 *   through node:sqlite), JSON.parse on read; SQL aggregates can still read a metric with
 *   `vals ->> '$.ac_power'`. Empty states/quality (most readings) are NULL, costing no bytes.
 */
import type { DatabaseSync } from 'node:sqlite';

export const MIGRATIONS: readonly string[] = [
  // 1: readings.
  `
  CREATE TABLE series (
    id INTEGER PRIMARY KEY,
    measurement TEXT NOT NULL,
    device_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    UNIQUE (device_id, measurement, channel)
  ) STRICT;
  CREATE INDEX series_by_measurement ON series (measurement);

  CREATE TABLE places (
    id INTEGER PRIMARY KEY,
    site_id TEXT NOT NULL,
    locality_id TEXT NOT NULL,
    UNIQUE (site_id, locality_id)
  ) STRICT;
  CREATE INDEX places_by_locality ON places (locality_id);

  CREATE TABLE series_places (
    place_id INTEGER NOT NULL,
    series_id INTEGER NOT NULL,
    PRIMARY KEY (place_id, series_id)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE readings (
    series_id INTEGER NOT NULL,
    ts INTEGER NOT NULL,
    place_id INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    source TEXT NOT NULL,
    vals TEXT NOT NULL,
    states TEXT,
    quality TEXT,
    PRIMARY KEY (series_id, ts)
  ) STRICT, WITHOUT ROWID;
  `,
  // 2: camera detections and refused input, kept for the API and operators.
  `
  CREATE TABLE detections (
    device_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    site_id TEXT NOT NULL,
    locality_id TEXT NOT NULL,
    phase TEXT NOT NULL,
    ts INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    label TEXT NOT NULL,
    score REAL NOT NULL,
    zone TEXT,
    box TEXT,
    snapshot_url TEXT,
    snapshot_sha256 TEXT,
    started_at INTEGER NOT NULL,
    ended_at INTEGER,
    source TEXT NOT NULL,
    PRIMARY KEY (device_id, event_id)
  ) STRICT;
  CREATE INDEX detections_by_start ON detections (started_at);
  CREATE INDEX detections_by_device ON detections (device_id, started_at);
  CREATE INDEX detections_by_locality ON detections (locality_id, started_at);

  CREATE TABLE refusals (
    id TEXT PRIMARY KEY,
    received_at INTEGER NOT NULL,
    reason TEXT NOT NULL,
    detail TEXT NOT NULL,
    topic TEXT NOT NULL,
    device_id TEXT,
    publisher TEXT,
    raw TEXT NOT NULL,
    raw_size INTEGER NOT NULL,
    truncated INTEGER NOT NULL
  ) STRICT;
  -- (received_at, reason) also answers countRefusals from the index alone.
  CREATE INDEX refusals_by_time ON refusals (received_at, reason);
  CREATE INDEX refusals_by_reason ON refusals (reason, received_at);
  CREATE INDEX refusals_by_device ON refusals (device_id, received_at);
  `,
  // 3: computed indicator points, one row per (indicator, scope, period, window start).
  `
  CREATE TABLE indicators (
    indicator TEXT NOT NULL,
    scope_id TEXT NOT NULL,
    period TEXT NOT NULL,
    window_from INTEGER NOT NULL,
    window_to INTEGER NOT NULL,
    scope_kind TEXT NOT NULL,
    locality_id TEXT NOT NULL,
    label TEXT NOT NULL,
    value REAL,
    unit TEXT NOT NULL,
    target TEXT,
    computed_at INTEGER NOT NULL,
    PRIMARY KEY (indicator, scope_id, period, window_from)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX indicators_by_window ON indicators (period, window_from);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export class SchemaTooNewError extends Error {
  constructor(found: number) {
    super(`database schema version ${found} is newer than this code knows (${SCHEMA_VERSION}); refusing to open it`);
    this.name = 'SchemaTooNewError';
  }
}

function userVersion(db: DatabaseSync): number {
  const row = db.prepare('PRAGMA user_version').get();
  return Number(row?.user_version ?? 0);
}

/**
 * Brings the file up to `target` (the latest by default). The version is re-read inside an
 * IMMEDIATE transaction, so two processes opening the same old file do not both migrate it.
 * Returns the version the file is at.
 */
export function migrate(db: DatabaseSync, target = SCHEMA_VERSION): number {
  let version = userVersion(db);
  if (version > SCHEMA_VERSION) throw new SchemaTooNewError(version);
  while (version < target) {
    db.exec('BEGIN IMMEDIATE');
    try {
      version = userVersion(db);
      if (version < target) {
        db.exec(MIGRATIONS[version] ?? '');
        version += 1;
        // PRAGMA takes no parameters; the value is our own integer.
        db.exec(`PRAGMA user_version = ${version}`);
      }
      db.exec('COMMIT');
    } catch (err) {
      if (db.isTransaction) db.exec('ROLLBACK');
      throw err;
    }
  }
  return version;
}
