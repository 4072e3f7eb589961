import type { DatabaseSync, StatementSync } from 'node:sqlite';

/** Every statement the write path runs, prepared once per connection. */
export interface WriteStatements {
  readonly selectSeries: StatementSync;
  readonly insertSeries: StatementSync;
  readonly selectPlace: StatementSync;
  readonly insertPlace: StatementSync;
  readonly linkSeriesPlace: StatementSync;
  readonly upsertReading: StatementSync;
  readonly upsertDetection: StatementSync;
  readonly upsertRefusal: StatementSync;
  readonly upsertIndicator: StatementSync;
}

/** `col = excluded.col, …`: the second write of an identity replaces the first (last write wins). */
const replace = (cols: readonly string[]) => cols.map((c) => `${c} = excluded.${c}`).join(', ');

const READING_COLS = ['place_id', 'received_at', 'source', 'vals', 'states', 'quality'];
const DETECTION_COLS = [
  'site_id',
  'locality_id',
  'phase',
  'ts',
  'received_at',
  'label',
  'score',
  'zone',
  'box',
  'snapshot_url',
  'snapshot_sha256',
  'started_at',
  'ended_at',
  'source',
];
const REFUSAL_COLS = [
  'received_at',
  'reason',
  'detail',
  'topic',
  'device_id',
  'publisher',
  'raw',
  'raw_size',
  'truncated',
];

const INDICATOR_COLS = ['window_to', 'scope_kind', 'locality_id', 'label', 'value', 'unit', 'target', 'computed_at'];

const params = (n: number) => Array.from({ length: n }, () => '?').join(', ');

export function prepareWrites(db: DatabaseSync): WriteStatements {
  return {
    selectSeries: db.prepare('SELECT id FROM series WHERE device_id = ? AND measurement = ? AND channel = ?'),
    insertSeries: db.prepare('INSERT INTO series (device_id, measurement, channel) VALUES (?, ?, ?) RETURNING id'),
    selectPlace: db.prepare('SELECT id FROM places WHERE site_id = ? AND locality_id = ?'),
    insertPlace: db.prepare('INSERT INTO places (site_id, locality_id) VALUES (?, ?) RETURNING id'),
    linkSeriesPlace: db.prepare(
      'INSERT INTO series_places (place_id, series_id) VALUES (?, ?) ON CONFLICT (place_id, series_id) DO NOTHING',
    ),
    upsertReading: db.prepare(
      `INSERT INTO readings (series_id, ts, ${READING_COLS.join(', ')}) VALUES (${params(2 + READING_COLS.length)})
       ON CONFLICT (series_id, ts) DO UPDATE SET ${replace(READING_COLS)}`,
    ),
    upsertDetection: db.prepare(
      `INSERT INTO detections (device_id, event_id, ${DETECTION_COLS.join(', ')})
       VALUES (${params(2 + DETECTION_COLS.length)})
       ON CONFLICT (device_id, event_id) DO UPDATE SET ${replace(DETECTION_COLS)}`,
    ),
    upsertRefusal: db.prepare(
      `INSERT INTO refusals (id, ${REFUSAL_COLS.join(', ')}) VALUES (${params(1 + REFUSAL_COLS.length)})
       ON CONFLICT (id) DO UPDATE SET ${replace(REFUSAL_COLS)}`,
    ),
    upsertIndicator: db.prepare(
      `INSERT INTO indicators (indicator, scope_id, period, window_from, ${INDICATOR_COLS.join(', ')})
       VALUES (${params(4 + INDICATOR_COLS.length)})
       ON CONFLICT (indicator, scope_id, period, window_from) DO UPDATE SET ${replace(INDICATOR_COLS)}`,
    ),
  };
}
