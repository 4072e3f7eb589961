import type {
  Detection,
  IndicatorPeriod,
  IndicatorPoint,
  Measurement,
  Reading,
  Refusal,
  RefusalReason,
} from '@hpg/contracts';
import type { HealthReport } from './bus.ts';
import type { RegisterDays, RegisterDaysQuery } from './register-days.ts';

/** Which readings: at most one of device, site or a set of localities; a half-open time range. */
export interface ReadingQuery {
  readonly deviceId?: string;
  readonly siteId?: string;
  readonly localityIds?: readonly string[];
  readonly measurement?: Measurement;
  /** Inclusive start, epoch ms. */
  readonly from: number;
  /** Exclusive end, epoch ms. */
  readonly to: number;
  readonly limit: number;
  readonly order?: 'asc' | 'desc';
}

export interface DetectionQuery {
  readonly deviceId?: string;
  readonly localityIds?: readonly string[];
  readonly from: number;
  readonly to: number;
  readonly limit: number;
}

export interface RefusalQuery {
  readonly reason?: RefusalReason;
  readonly deviceId?: string;
  readonly from: number;
  readonly to: number;
  readonly limit: number;
}

/** Which indicator points: by name(s), scope(s) and period, windows starting in [from, to). */
export interface IndicatorQuery {
  readonly indicators?: readonly string[];
  readonly scopeIds?: readonly string[];
  readonly period?: IndicatorPeriod;
  readonly from: number;
  readonly to: number;
  readonly limit: number;
}

/**
 * The time-series store. Writes are idempotent: a reading is identified by
 * (measurement, deviceId, channel, ts) and a second write of it replaces the first (last write
 * wins, as in InfluxDB); a detection by (deviceId, eventId); a refusal by its id; an indicator
 * point by (indicator, scopeId, period, from).
 * A write resolves only when the store has acknowledged it.
 */
export interface Store {
  writeReadings(readings: readonly Reading[]): Promise<void>;
  writeDetections(detections: readonly Detection[]): Promise<void>;
  writeRefusals(refusals: readonly Refusal[]): Promise<void>;
  writeIndicators(points: readonly IndicatorPoint[]): Promise<void>;
  /** Readings ordered by time (then device, channel), ascending unless `order` says otherwise. */
  queryReadings(q: ReadingQuery): Promise<Reading[]>;
  /** Detections by start time, newest first. */
  queryDetections(q: DetectionQuery): Promise<Detection[]>;
  /** Refusals newest first. */
  queryRefusals(q: RefusalQuery): Promise<Refusal[]>;
  /**
   * A cumulative register rolled up per day (see register-days.ts for the exact rule): what the
   * energy indicators need, without carrying every reading out of the store.
   */
  registerDays(q: RegisterDaysQuery): Promise<RegisterDays>;
  /** Indicator points ordered by window start, then indicator, then scope. */
  queryIndicators(q: IndicatorQuery): Promise<IndicatorPoint[]>;
  /** Refusals counted by reason over a time range. */
  countRefusals(from: number, to: number): Promise<Partial<Record<RefusalReason, number>>>;
  health(): Promise<HealthReport>;
  close(): Promise<void>;
}
