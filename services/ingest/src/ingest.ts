/**
 * Ingest: every device message becomes bus records — a reading, a detection or a refusal (a
 * multi-channel Tasmota message one reading per channel) — or, for a well-formed foreign message
 * that carries nothing to store (an availability message, a Frigate review…), is counted as
 * ignored. The source acknowledges the message to the device only after the bus accepted its
 * records, so nothing acknowledged is lost and nothing is dropped in silence.
 */
import { randomUUID } from 'node:crypto';
import type { Refusal } from '@hpg/contracts';
import {
  createDecoderState,
  type DecodeLimits,
  decodeMessage,
  type Ignored,
  type Outcome,
  type RawMessage,
  type Routed,
  type RouterContext,
} from '@hpg/decoders';
import type { Logger, Registry as MetricsRegistry } from '@hpg/platform';
import { Counter } from '@hpg/platform';
import type { AuthFailure, Bus, MessageSource } from '@hpg/ports';
import type { Registry } from '@hpg/registry';
import type { IngestConfig } from './config.ts';

export interface IngestDeps {
  readonly source: MessageSource;
  readonly bus: Bus;
  /** The current registry (a function, so a reloaded registry takes effect without a restart). */
  readonly registry: () => Registry;
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
  readonly newId?: () => string;
}

export interface Ingest {
  start(): Promise<void>;
  /** Stops taking messages and waits for those in hand. Idempotent. */
  stop(): Promise<void>;
  /** Handles one message (what the source calls); exposed for tests and other transports. */
  handle(msg: RawMessage): Promise<void>;
}

export function limitsOf(config: IngestConfig): DecodeLimits {
  return {
    maxPayloadBytes: config.maxPayloadBytes,
    maxFutureSkewMs: config.maxFutureSkewSeconds * 1000,
    maxAgeMs: config.maxAgeDays * 86_400_000,
  };
}

export function createIngest(deps: IngestDeps, config: IngestConfig): Ingest {
  const limits = limitsOf(config);
  const newId = deps.newId ?? randomUUID;
  // What foreign formats remember across messages (OpenDTU's last_update per inverter).
  const decoderState = createDecoderState();
  const messages = new Counter({
    name: 'hpg_ingest_messages_total',
    help: 'Outcomes of device messages, by outcome (reading, detection, refusal, ignored)',
    labelNames: ['outcome'],
    registers: [deps.metrics],
  });
  const refusals = new Counter({
    name: 'hpg_ingest_refusals_total',
    help: 'Refused device messages, by reason code',
    labelNames: ['reason'],
    registers: [deps.metrics],
  });
  const readings = new Counter({
    name: 'hpg_ingest_readings_total',
    help: 'Accepted readings, by measurement',
    labelNames: ['measurement'],
    registers: [deps.metrics],
  });
  const ignoredTotal = new Counter({
    name: 'hpg_ingest_ignored_total',
    help: 'Well-formed foreign-format messages with nothing to store, by format and why (availability, review…)',
    labelNames: ['format', 'why'],
    registers: [deps.metrics],
  });
  // Pre-bound children: label lookup per message would cost on the hot path.
  const outcomeCounters = {
    reading: messages.labels('reading'),
    detection: messages.labels('detection'),
    refusal: messages.labels('refusal'),
    ignored: messages.labels('ignored'),
  };

  const noteIgnored = (i: Ignored): void => {
    ignoredTotal.labels(i.format, i.why).inc();
    outcomeCounters.ignored.inc();
    deps.logger.debug(
      { format: i.format, why: i.why, deviceId: i.deviceId, topic: i.topic, detail: i.detail },
      'ignored',
    );
  };

  const publish = async (o: Outcome): Promise<void> => {
    switch (o.kind) {
      case 'reading':
        await deps.bus.publish('readings', [{ key: o.record.deviceId, value: o.record }]);
        readings.labels(o.record.measurement).inc();
        break;
      case 'detection':
        await deps.bus.publish('detections', [{ key: o.record.deviceId, value: o.record }]);
        break;
      case 'refusal':
        await deps.bus.publish('refusals', [{ key: o.record.deviceId ?? o.record.topic, value: o.record }]);
        refusals.labels(o.record.reason).inc();
        deps.logger.debug(
          { reason: o.record.reason, deviceId: o.record.deviceId, topic: o.record.topic, detail: o.record.detail },
          'refused',
        );
        break;
    }
    outcomeCounters[o.kind].inc();
  };

  const handle = async (msg: RawMessage): Promise<void> => {
    const ctx: RouterContext = {
      registry: deps.registry(),
      limits,
      newId,
      formats: config.formats,
      state: decoderState,
    };
    let outcomes: Routed[];
    try {
      outcomes = decodeMessage(msg, ctx);
      if (outcomes.length === 0) throw new Error('the decoder returned no outcome');
    } catch (err) {
      // A decoder bug must not crash ingest nor lose the input: keep it as a refusal.
      deps.logger.error({ err, topic: msg.topic }, 'decoder failed');
      const refusal: Outcome = {
        kind: 'refusal',
        record: {
          v: 1,
          id: newId(),
          receivedAt: msg.receivedAt,
          reason: 'decode_failed',
          detail: String(err).slice(0, 2048),
          topic: msg.topic.slice(0, 1024),
          deviceId: null,
          publisher: msg.publisher,
          raw: msg.payload.subarray(0, limits.maxPayloadBytes).toString('base64'),
          rawSize: msg.payload.length,
          truncated: msg.payload.length > limits.maxPayloadBytes,
        },
      };
      outcomes = [refusal];
    }
    // In order: a failure leaves the message unacknowledged, and its redelivery rewrites the
    // records already published onto the same identities.
    for (const o of outcomes) {
      if (o.kind === 'ignored') noteIgnored(o);
      else await publish(o);
    }
  };

  const onAuthFailure = (f: AuthFailure) => {
    const record: Refusal = {
      v: 1,
      id: newId(),
      receivedAt: f.at,
      reason: 'auth_failed',
      detail: `MQTT login refused for client "${f.clientId.slice(0, 256)}": ${f.reason}`,
      topic: 'mqtt:connect',
      deviceId: f.username?.slice(0, 128) ?? null,
      publisher: null,
      raw: '',
      rawSize: 0,
      truncated: false,
    };
    publish({ kind: 'refusal', record }).catch((err: unknown) =>
      deps.logger.error({ err }, 'could not record a failed login'),
    );
  };

  let started = false;
  return {
    handle,
    async start() {
      if (started) return;
      started = true;
      deps.source.onAuthFailure(onAuthFailure);
      await deps.source.start(handle);
    },
    async stop() {
      await deps.source.stop();
    },
  };
}
