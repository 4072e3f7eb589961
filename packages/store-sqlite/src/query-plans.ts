/**
 * SQL for the typed queries. Each query has a few shapes (which filters are present); the SQL of
 * a shape is constant, so its prepared statement is cached under `key` and only `params` change.
 * Sets of ids travel as one JSON array through json_each(), which keeps the SQL constant too.
 */
import type { SQLInputValue } from 'node:sqlite';
import type { DetectionQuery, IndicatorQuery, ReadingQuery, RefusalQuery, RegisterDaysQuery } from '@hpg/ports';
import { DAY_MS, PortError } from '@hpg/ports';

export interface QueryPlan {
  readonly key: string;
  readonly sql: () => string;
  readonly params: SQLInputValue[];
}

function checkBounds(what: string, from: number, to: number, limit: number): void {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) {
    throw new PortError('store_invalid_query', `sqlite store: ${what}: from and to must be integer epoch ms`, {
      canRetry: false,
    });
  }
  // SQLite reads a negative LIMIT as "no limit", so it must not get one.
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw new PortError('store_invalid_query', `sqlite store: ${what}: limit must be a non-negative integer`, {
      canRetry: false,
    });
  }
}

const READING_COLUMNS = `s.measurement, s.device_id, s.channel, p.site_id, p.locality_id,
  r.ts, r.received_at, r.source, r.vals, r.states, r.quality`;

/**
 * CROSS JOIN fixes the join order (SQLite never reorders it): the small `series` table is
 * filtered first, then each chosen series' (series_id, ts) key range is walked. Site and
 * locality pick their series through `series_places`, then check each row's own placement.
 */
export function readingPlan(q: ReadingQuery): QueryPlan {
  checkBounds('queryReadings', q.from, q.to, q.limit);
  const where = ['r.series_id = s.id', 'r.ts >= ?', 'r.ts < ?', 'p.id = r.place_id'];
  const params: SQLInputValue[] = [q.from, q.to];
  let key = 'readings';
  if (q.deviceId !== undefined) {
    where.push('s.device_id = ?');
    params.push(q.deviceId);
    key += ':device';
  }
  if (q.measurement !== undefined) {
    where.push('s.measurement = ?');
    params.push(q.measurement);
    key += ':measurement';
  }
  if (q.siteId !== undefined) {
    where.push(
      `s.id IN (SELECT l.series_id FROM places AS lp JOIN series_places AS l ON l.place_id = lp.id
                WHERE lp.site_id = ?)`,
      'p.site_id = ?',
    );
    params.push(q.siteId, q.siteId);
    key += ':site';
  }
  if (q.localityIds !== undefined) {
    const ids = JSON.stringify(q.localityIds);
    where.push(
      `s.id IN (SELECT l.series_id FROM places AS lp JOIN series_places AS l ON l.place_id = lp.id
                WHERE lp.locality_id IN (SELECT value FROM json_each(?)))`,
      'p.locality_id IN (SELECT value FROM json_each(?))',
    );
    params.push(ids, ids);
    key += ':localities';
  }
  const dir = q.order === 'desc' ? 'DESC' : 'ASC';
  key += `:${dir}`;
  params.push(q.limit);
  return {
    key,
    params,
    sql: () => `SELECT ${READING_COLUMNS}
      FROM series AS s CROSS JOIN readings AS r CROSS JOIN places AS p
      WHERE ${where.join(' AND ')}
      ORDER BY r.ts ${dir}, s.device_id ${dir}, s.channel ${dir}, s.measurement ${dir}
      LIMIT ?`,
  };
}

export function detectionPlan(q: DetectionQuery): QueryPlan {
  checkBounds('queryDetections', q.from, q.to, q.limit);
  const where = ['started_at >= ?', 'started_at < ?'];
  const params: SQLInputValue[] = [q.from, q.to];
  let key = 'detections';
  if (q.deviceId !== undefined) {
    where.push('device_id = ?');
    params.push(q.deviceId);
    key += ':device';
  }
  if (q.localityIds !== undefined) {
    where.push('locality_id IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(q.localityIds));
    key += ':localities';
  }
  params.push(q.limit);
  return {
    key,
    params,
    sql: () => `SELECT * FROM detections WHERE ${where.join(' AND ')}
      ORDER BY started_at DESC, device_id DESC, event_id DESC LIMIT ?`,
  };
}

export function refusalPlan(q: RefusalQuery): QueryPlan {
  checkBounds('queryRefusals', q.from, q.to, q.limit);
  const where = ['received_at >= ?', 'received_at < ?'];
  const params: SQLInputValue[] = [q.from, q.to];
  let key = 'refusals';
  if (q.reason !== undefined) {
    where.push('reason = ?');
    params.push(q.reason);
    key += ':reason';
  }
  if (q.deviceId !== undefined) {
    where.push('device_id = ?');
    params.push(q.deviceId);
    key += ':device';
  }
  params.push(q.limit);
  return {
    key,
    params,
    sql: () => `SELECT * FROM refusals WHERE ${where.join(' AND ')} ORDER BY received_at DESC, id DESC LIMIT ?`,
  };
}

export function refusalCountPlan(from: number, to: number): QueryPlan {
  checkBounds('countRefusals', from, to, 0);
  return {
    key: 'refusal-counts',
    params: [from, to],
    sql: () => 'SELECT reason, count(*) AS n FROM refusals WHERE received_at >= ? AND received_at < ? GROUP BY reason',
  };
}

export function indicatorPlan(q: IndicatorQuery): QueryPlan {
  checkBounds('queryIndicators', q.from, q.to, q.limit);
  const where = ['window_from >= ?', 'window_from < ?'];
  const params: SQLInputValue[] = [q.from, q.to];
  let key = 'indicators';
  if (q.period !== undefined) {
    where.push('period = ?');
    params.push(q.period);
    key += ':period';
  }
  if (q.indicators !== undefined) {
    where.push('indicator IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(q.indicators));
    key += ':indicators';
  }
  if (q.scopeIds !== undefined) {
    where.push('scope_id IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(q.scopeIds));
    key += ':scopes';
  }
  params.push(q.limit);
  return {
    key,
    params,
    sql: () => `SELECT * FROM indicators WHERE ${where.join(' AND ')}
      ORDER BY window_from, indicator, scope_id, period LIMIT ?`,
  };
}

/** One device's register (and activity) values in time order, the lookback included; JSON paths as parameters. */
export function registerPlan(q: RegisterDaysQuery): QueryPlan {
  const from = q.from - q.lookbackMs;
  const to = q.from + q.days * DAY_MS;
  checkBounds('registerDays', from, to, 0);
  const withActivity = q.activity !== undefined;
  return {
    key: withActivity ? 'register-days:activity' : 'register-days',
    params: [`$.${q.register}`, ...(withActivity ? [`$.${q.activity}`] : []), q.deviceId, q.measurement, from, to],
    sql: () => `SELECT r.ts AS ts, r.vals ->> ? AS reg, ${withActivity ? 'r.vals ->> ?' : 'NULL'} AS act
      FROM series AS s CROSS JOIN readings AS r
      WHERE s.device_id = ? AND s.measurement = ? AND r.series_id = s.id AND r.ts >= ? AND r.ts < ?
      ORDER BY r.ts`,
  };
}
