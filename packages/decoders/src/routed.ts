/**
 * What the decoder router returns for one message: the bus records it becomes (readings,
 * detections, or one refusal), or `ignored` — a well-formed message of a foreign format that
 * carries nothing the platform stores (an availability message, a Frigate review, a label not of
 * interest…). Ignored messages are not errors, so they are not refusals: ingest counts them in
 * `hpg_ingest_ignored_total{format, why}` and logs them at debug level, so none vanishes unseen.
 */

import type { FormatsConfig } from './formats-config.ts';
import type { DecodeContext, Outcome, RawMessage } from './outcome.ts';

/** Why a message was ignored: stable label values of the counter. */
export const IGNORE_REASONS = {
  availability: 'online/offline of a gateway or device (a retained last will): not a reading',
  status: 'device status that is not a reading (OpenDTU reachable, producing, last_update)',
  not_mapped: 'a topic or field of the format that the platform does not store',
  review: 'Frigate review item: it groups tracked objects already received on <prefix>/events',
  label_not_of_interest: 'Frigate label outside the configured labels',
  score_below_minimum: 'Frigate score below the configured minimum',
  false_positive: 'Frigate marks the tracked object a false positive',
  awaiting_timestamp: 'OpenDTU value before any last_update of its inverter: its time is unknown',
} as const;
export type IgnoreReason = keyof typeof IGNORE_REASONS;

export interface Ignored {
  readonly kind: 'ignored';
  readonly why: IgnoreReason;
  /** The format that recognised the message, e.g. `frigate`. */
  readonly format: string;
  readonly topic: string;
  /** Our device, when the message could be tied to one. */
  readonly deviceId: string | null;
  readonly detail: string;
}

export type Routed = Outcome | Ignored;

/** What OpenDTU has told about one inverter since its last `last_update` (see opendtu.ts). */
export interface OpenDtuInverterState {
  /** `status/last_update` in epoch ms: the time of every value that follows it. */
  readonly lastUpdateMs: number;
  /** Values received at that time, by reading channel ('' for AC, `dc<n>` for DC input n). */
  readonly channels: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/**
 * The little state foreign formats need across messages, owned by ingest and passed in; the
 * decoders read it and return the update, they keep nothing themselves.
 */
export interface DecoderState {
  /** By our device id. */
  readonly opendtu: Map<string, OpenDtuInverterState>;
}

export function createDecoderState(): DecoderState {
  return { opendtu: new Map() };
}

export interface RouterContext extends DecodeContext {
  readonly formats: FormatsConfig;
  readonly state: DecoderState;
}

export function ignore(
  msg: RawMessage,
  format: string,
  why: IgnoreReason,
  detail: string,
  deviceId: string | null = null,
): Ignored {
  return {
    kind: 'ignored',
    why,
    format,
    topic: msg.topic.slice(0, 1024),
    deviceId,
    detail: detail.length > 512 ? `${detail.slice(0, 509)}...` : detail,
  };
}
