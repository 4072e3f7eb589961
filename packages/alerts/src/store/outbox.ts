/**
 * The durable outbox: one row per delivery — (alert, notice, channel, contact) — keyed by its
 * idempotency key, so queueing the same delivery twice (a replay, a retry of the caller) keeps
 * one row. Rows leave `pending` only as `delivered` or `failed`; nothing is deleted, so every
 * alert shows its deliveries with attempts, last error and delivery time.
 *
 * At least once: a claimed row is leased (its next attempt moved `leaseMs` ahead) before it is
 * sent, so a process that dies mid-send sends it again after the lease; the receiver dedupes by
 * the idempotency key.
 */
import type { DatabaseSync, SQLOutputValue } from 'node:sqlite';
import { type Address, AddressSchema, type AlertSnapshot, type ChannelName } from '../model.ts';
import type { Notice } from '../phrases.ts';
import type { RenderedMessage } from '../render.ts';
import { inTransaction } from './database.ts';

/** What is sent, rendered when queued: a retry a day later sends the same words. */
export interface OutboundMessage extends RenderedMessage {
  readonly notice: Notice;
  readonly alert: AlertSnapshot;
  readonly links: {
    readonly map: string;
    readonly evidence: string | null;
    readonly acknowledge: string | null;
    readonly acknowledgeExpiresAt: number | null;
  };
}

export interface NewDelivery {
  readonly idempotencyKey: string;
  readonly alertId: string;
  readonly notice: Notice;
  readonly contactId: string;
  readonly address: Address;
  readonly message: OutboundMessage;
}

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface Delivery extends NewDelivery {
  readonly id: number;
  readonly channel: ChannelName;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly createdAt: number;
  readonly nextAttemptAt: number;
  readonly lastAttemptAt: number | null;
  readonly lastError: string | null;
  readonly deliveredAt: number | null;
}

/** The key of one delivery: the same alert, notice, channel and contact always give the same key. */
export function idempotencyKey(alertId: string, notice: string, channel: ChannelName, contactId: string): string {
  return `${alertId}/${notice}/${channel}/${contactId}`;
}

const MAX_ERROR_CHARS = 1_000;

type Row = Record<string, SQLOutputValue>;
const int = (v: SQLOutputValue | undefined) => (typeof v === 'number' ? v : Number(v ?? 0));
const intOrNull = (v: SQLOutputValue | undefined) => (v === null || v === undefined ? null : int(v));
const text = (v: SQLOutputValue | undefined) => (typeof v === 'string' ? v : String(v ?? ''));

function toDelivery(r: Row): Delivery {
  const address = AddressSchema.parse(JSON.parse(text(r.address)));
  return {
    id: int(r.id),
    idempotencyKey: text(r.idempotency_key),
    alertId: text(r.alert_id),
    notice: text(r.notice) as Notice,
    channel: address.channel,
    contactId: text(r.contact_id),
    address,
    message: JSON.parse(text(r.message)) as OutboundMessage,
    status: text(r.status) as DeliveryStatus,
    attempts: int(r.attempts),
    createdAt: int(r.created_at),
    nextAttemptAt: int(r.next_attempt_at),
    lastAttemptAt: intOrNull(r.last_attempt_at),
    lastError: r.last_error === null ? null : text(r.last_error),
    deliveredAt: intOrNull(r.delivered_at),
  };
}

export class Outbox {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  /** Queues a delivery due at once; false when one with its key is already there. */
  enqueue(d: NewDelivery, now: number): boolean {
    const res = this.#db
      .prepare(
        `INSERT INTO deliveries (idempotency_key, alert_id, notice, channel, contact_id, address, message, status, created_at, next_attempt_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (idempotency_key) DO NOTHING`,
      )
      .run(
        d.idempotencyKey,
        d.alertId,
        d.notice,
        d.address.channel,
        d.contactId,
        JSON.stringify(d.address),
        JSON.stringify(d.message),
        now,
        now,
      );
    return res.changes > 0;
  }

  /** Takes up to `limit` due deliveries of a channel, oldest due first, and leases them. */
  claim(channel: ChannelName, now: number, limit: number, leaseMs: number): Delivery[] {
    if (limit <= 0) return [];
    return inTransaction(this.#db, () => {
      const rows = this.#db
        .prepare(
          `SELECT * FROM deliveries WHERE channel = ? AND status = 'pending' AND next_attempt_at <= ?
           ORDER BY next_attempt_at, id LIMIT ?`,
        )
        .all(channel, now, Math.trunc(limit));
      const lease = this.#db.prepare('UPDATE deliveries SET next_attempt_at = ? WHERE id = ?');
      for (const r of rows) lease.run(now + leaseMs, int(r.id));
      return rows.map(toDelivery);
    });
  }

  delivered(id: number, at: number): void {
    this.#db
      .prepare(
        `UPDATE deliveries SET status = 'delivered', attempts = attempts + 1, last_attempt_at = ?, delivered_at = ?,
         last_error = NULL WHERE id = ? AND status = 'pending'`,
      )
      .run(at, at, id);
  }

  /** A failed attempt that may succeed later: tried again at `nextAttemptAt`. */
  retryLater(id: number, at: number, nextAttemptAt: number, error: string): void {
    this.#db
      .prepare(
        `UPDATE deliveries SET attempts = attempts + 1, last_attempt_at = ?, next_attempt_at = ?, last_error = ?
         WHERE id = ? AND status = 'pending'`,
      )
      .run(at, nextAttemptAt, error.slice(0, MAX_ERROR_CHARS), id);
  }

  /** A failed attempt that will fail the same way again, or a delivery past its age: given up, kept visible. */
  failed(id: number, at: number, error: string): void {
    this.#db
      .prepare(
        `UPDATE deliveries SET status = 'failed', attempts = attempts + 1, last_attempt_at = ?, last_error = ?
         WHERE id = ? AND status = 'pending'`,
      )
      .run(at, error.slice(0, MAX_ERROR_CHARS), id);
  }

  /** Puts a failed delivery back in the queue (after its cause was fixed); false when it was not failed. */
  requeue(id: number, now: number): boolean {
    return (
      this.#db
        .prepare(`UPDATE deliveries SET status = 'pending', next_attempt_at = ? WHERE id = ? AND status = 'failed'`)
        .run(now, id).changes > 0
    );
  }

  forAlert(alertId: string): Delivery[] {
    return this.#db.prepare('SELECT * FROM deliveries WHERE alert_id = ? ORDER BY id').all(alertId).map(toDelivery);
  }

  get(id: number): Delivery | undefined {
    const row = this.#db.prepare('SELECT * FROM deliveries WHERE id = ?').get(id);
    return row === undefined ? undefined : toDelivery(row);
  }

  /** Deliveries per channel and status, for health and metrics. */
  counts(): { channel: ChannelName; status: DeliveryStatus; count: number }[] {
    return this.#db
      .prepare(
        'SELECT channel, status, COUNT(*) AS n FROM deliveries GROUP BY channel, status ORDER BY channel, status',
      )
      .all()
      .map((r) => ({
        channel: text(r.channel) as ChannelName,
        status: text(r.status) as DeliveryStatus,
        count: int(r.n),
      }));
  }

  /** The earliest time a pending delivery of these channels falls due, if any. */
  nextDueAt(channels: readonly ChannelName[]): number | undefined {
    if (channels.length === 0) return undefined;
    const row = this.#db
      .prepare(
        `SELECT MIN(next_attempt_at) AS t FROM deliveries WHERE status = 'pending' AND channel IN (${channels.map(() => '?').join(',')})`,
      )
      .get(...channels);
    return row?.t === null || row?.t === undefined ? undefined : int(row.t);
  }
}
