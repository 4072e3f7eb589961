/**
 * OCPP-J central system (1.6 and 2.0.1): chargers connect over WebSocket, authenticate with HTTP
 * Basic auth (security profiles 1/2), and their calls become bus records — connector status
 * (`ev_status`), meter values (`ev_meter`) and transaction start/stop (`ev_session`) — in the same
 * shapes as our own EV JSON (packages/decoders/src/native-json.ts). Every record is accepted by
 * the bus before the charger gets its CALLRESULT; malformed calls are kept as refusals and answered
 * with a CALLERROR.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import {
  ConnectorStatusSchema,
  evMeterMetrics,
  type Measurement,
  type MetricSpec,
  parseDeviceTime,
  type Reading,
  type Refusal,
  type RefusalReason,
} from '@hpg/contracts';
import { convertUnit, emptyReading, reasonFromIssues } from '@hpg/decoders';
import type { Logger, Registry as MetricsRegistry } from '@hpg/platform';
import { Counter, Gauge } from '@hpg/platform';
import type { Bus } from '@hpg/ports';
import { type DevicePlacement, type Registry, verifyPassword } from '@hpg/registry';
import { createRPCError, RPCServer } from 'ocpp-rpc';
import { z } from 'zod';
import type { OcppProtocol } from './config.ts';
import { loadState, type OpenTransaction } from './state.ts';

export const OCPP_SOURCE = 'ocpp-j';
const MAX_RAW_BYTES = 64 * 1024;

export interface OcppGatewayDeps {
  readonly bus: Bus;
  /** The current registry (a function, so a reloaded registry takes effect without a restart). */
  readonly registry: () => Registry;
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
  /** JSON file of open transactions; without it they live in memory only. */
  readonly stateFile?: string;
  readonly newId?: () => string;
  readonly now?: () => number;
}

export interface OcppGatewaySettings {
  readonly host: string;
  readonly port: number;
  readonly protocols: readonly OcppProtocol[];
  readonly heartbeatIntervalSeconds: number;
  readonly maxFutureSkewSeconds?: number;
}

export interface OcppGateway {
  readonly port: number;
  /** `ws://host:port`; chargers connect to `${url}/<anything>/<identity>`. */
  readonly url: string;
  close(): Promise<void>;
}

/** A call refused: the reason is published as a refusal, the charger gets a CALLERROR. */
class Refused extends Error {
  readonly reason: RefusalReason;
  constructor(reason: RefusalReason, detail: string) {
    super(detail);
    this.reason = reason;
  }
}

/** Strict decimal: what OCPP 1.6 sends as a sampled value's string. */
const DECIMAL = /^-?(?:\d+)(?:\.\d+)?$/;
/** ISO 8601 date-time with a zone designator (OCPP times are absolute). */
const HAS_ZONE = /(?:[Zz]|[+-]\d{2}(?::?\d{2})?)$/;

const int = z.number().int();
const ts = z.string().max(64);

// --- OCPP 1.6 payloads (only what we read is checked; other fields pass) -----------------------
const Status16 = z.object({
  connectorId: int.min(0),
  errorCode: z.string().min(1).max(50),
  // OCPP 1.6 ChargePointStatus: our connector statuses without 2.0.1's Occupied.
  status: ConnectorStatusSchema.exclude(['Occupied']),
  timestamp: ts.optional(),
});
const SampledValue16 = z.object({
  value: z.string().max(64),
  measurand: z.string().max(64).optional(),
  unit: z.string().max(32).optional(),
  context: z.string().optional(),
  phase: z.string().optional(),
  location: z.string().optional(),
  format: z.string().optional(),
});
const MeterValue16 = z.object({ timestamp: ts, sampledValue: z.array(SampledValue16).min(1) });
const MeterValues16 = z.object({
  connectorId: int.min(0),
  transactionId: int.optional(),
  meterValue: z.array(MeterValue16).min(1),
});
const Authorize16 = z.object({ idTag: z.string().min(1).max(20) });
const Start16 = z.object({
  connectorId: int.min(1),
  idTag: z.string().min(1).max(20),
  meterStart: int.min(0),
  timestamp: ts,
});
const Stop16 = z.object({
  transactionId: int,
  meterStop: int.min(0),
  timestamp: ts,
  idTag: z.string().max(20).optional(),
  reason: z.string().max(64).optional(),
  transactionData: z.array(MeterValue16).optional(),
});

// --- OCPP 2.0.1 payloads ----------------------------------------------------------------------
const SampledValue201 = z.object({
  value: z.number(),
  measurand: z.string().max(64).optional(),
  context: z.string().optional(),
  phase: z.string().optional(),
  location: z.string().optional(),
  unitOfMeasure: z.object({ unit: z.string().max(32).optional(), multiplier: int.optional() }).optional(),
});
const MeterValue201 = z.object({ timestamp: ts, sampledValue: z.array(SampledValue201).min(1) });
const Status201 = z.object({
  timestamp: ts,
  connectorStatus: z.enum(['Available', 'Occupied', 'Reserved', 'Unavailable', 'Faulted']),
  evseId: int.min(0),
  connectorId: int.min(0),
});
const MeterValues201 = z.object({ evseId: int.min(0), meterValue: z.array(MeterValue201).min(1) });
const Authorize201 = z.object({ idToken: z.object({ idToken: z.string().max(36), type: z.string() }) });
const TransactionEvent201 = z.object({
  eventType: z.enum(['Started', 'Updated', 'Ended']),
  timestamp: ts,
  triggerReason: z.string(),
  seqNo: int.min(0),
  transactionInfo: z.object({
    transactionId: z.string().min(1).max(36),
    chargingState: z.string().optional(),
    stoppedReason: z.string().max(64).optional(),
  }),
  evse: z.object({ id: int.min(0), connectorId: int.min(0).optional() }).optional(),
  idToken: z.object({ idToken: z.string().max(36), type: z.string() }).optional(),
  meterValue: z.array(MeterValue201).optional(),
});

/** The metric a measurand feeds, with the unit assumed when the charger states none. */
const MEASURANDS: Readonly<Record<string, { metric: keyof typeof evMeterMetrics; unit: string }>> = {
  'Energy.Active.Import.Register': { metric: 'energy_register', unit: 'Wh' },
  'Power.Active.Import': { metric: 'power', unit: 'W' },
  SoC: { metric: 'soc', unit: 'Percent' },
};

interface Sample {
  readonly measurand: string | undefined;
  readonly value: number;
  readonly unit: string | undefined;
  readonly phase: string | undefined;
}

function parse<S extends z.ZodType>(schema: S, params: unknown, action: string): z.infer<S> {
  const r = schema.safeParse(params);
  if (r.success) return r.data;
  // The reason from the value at the issue's path, as for our JSON API: zod does not report the
  // input, so a wrong type and a missing field are told apart by looking.
  const { reason, detail } = reasonFromIssues(params, r.error);
  throw new Refused(reason, `${action}.${detail}`);
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Whether a parsed JSON value nests deeper than `limit`, found without recursion. */
function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [v, depth] = top;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * The call's params as JSON for the refusal. Params nested deeper than any OCPP message are named,
 * not kept: serialising thousands of levels overflows the stack (and costs milliseconds to fail).
 */
function paramsText(params: unknown): string {
  if (nestsDeeperThan(params, 64)) return JSON.stringify('(params nested more than 64 levels deep, not kept)');
  return JSON.stringify(params ?? null) ?? 'null';
}

export async function startOcppGateway(deps: OcppGatewayDeps, config: OcppGatewaySettings): Promise<OcppGateway> {
  const newId = deps.newId ?? randomUUID;
  const now = deps.now ?? Date.now;
  const maxFutureSkewMs = (config.maxFutureSkewSeconds ?? 300) * 1000;
  const store = await loadState(deps.stateFile);
  const state = store.state;

  const connected = new Gauge({
    name: 'hpg_ocpp_connected_chargers',
    help: 'Chargers connected over OCPP-J',
    registers: [deps.metrics],
  });
  const calls = new Counter({
    name: 'hpg_ocpp_calls_total',
    help: 'OCPP calls received from chargers, by action',
    labelNames: ['action'],
    registers: [deps.metrics],
  });
  const refusals = new Counter({
    name: 'hpg_ocpp_refusals_total',
    help: 'OCPP calls (or parts) refused, by reason code',
    labelNames: ['reason'],
    registers: [deps.metrics],
  });

  const publishRefusal = async (
    reason: RefusalReason,
    detail: string,
    topic: string,
    deviceId: string | null,
    payload: unknown,
  ): Promise<void> => {
    const rawBuf = Buffer.from(paramsText(payload));
    const truncated = rawBuf.length > MAX_RAW_BYTES;
    const record: Refusal = {
      v: 1,
      id: newId(),
      receivedAt: now(),
      reason,
      detail: detail.length > 2048 ? `${detail.slice(0, 2045)}...` : detail,
      topic: topic.slice(0, 1024),
      deviceId: deviceId?.slice(0, 128) ?? null,
      publisher: deviceId?.slice(0, 128) ?? null,
      raw: (truncated ? rawBuf.subarray(0, MAX_RAW_BYTES) : rawBuf).toString('base64'),
      rawSize: rawBuf.length,
      truncated,
    };
    await deps.bus.publish('refusals', [{ key: deviceId ?? record.topic, value: record }]);
    refusals.labels(reason).inc();
    deps.logger.debug({ reason, deviceId, topic, detail }, 'refused');
  };

  const server = new RPCServer({ protocols: [...config.protocols], strictMode: false });

  server.auth((accept, reject, handshake) => {
    const identity = handshake.identity;
    const p = deps.registry().placement(identity);
    const fail = (code: number, why: string) => {
      reject(code, why);
      publishRefusal(
        'auth_failed',
        `OCPP connection of "${identity.slice(0, 256)}" refused: ${why}`,
        'ocpp:connect',
        identity,
        null,
      ).catch((err: unknown) => deps.logger.error({ err }, 'could not record a refused OCPP connection'));
    };
    if (p === undefined || p.device.kind !== 'ev_charger') {
      fail(404, 'unknown charger');
      return;
    }
    const password = handshake.password;
    if (password === undefined) {
      fail(401, 'missing password');
      return;
    }
    verifyPassword(password.toString('utf8'), p.device.credentials).then(
      (ok) => (ok ? accept({ deviceId: p.device.id }) : fail(401, 'wrong password')),
      (err: unknown) => {
        deps.logger.error({ err, identity }, 'password check failed');
        reject(500, 'internal error');
      },
    );
  });

  server.on('client', (client) => {
    const deviceId = client.identity as string;
    const protocol = client.protocol as OcppProtocol;
    const v16 = protocol === 'ocpp1.6';
    connected.inc();
    deps.logger.info({ deviceId, protocol }, 'charger connected');
    client.on('close', () => {
      connected.dec();
      deps.logger.info({ deviceId }, 'charger disconnected');
    });

    const placement = (): DevicePlacement => {
      const p = deps.registry().placement(deviceId);
      if (p === undefined || p.device.kind !== 'ev_charger') {
        throw createRPCError('SecurityError', 'charger is no longer registered');
      }
      return p;
    };

    /**
     * Parses a timestamp; an unparseable one is malformed, a future one — or one before 1970,
     * which no record can hold (a charger clock never set) — is refused (but answered).
     */
    const time = (s: string, field: string, receivedAt: number): number | Refused => {
      const ms = HAS_ZONE.test(s) ? parseDeviceTime(s, 'UTC') : undefined;
      if (ms === undefined)
        throw new Refused('timestamp_invalid', `${field}: "${s}" is not an ISO 8601 date-time with offset`);
      if (ms < 0) return new Refused('timestamp_too_old', `${field}: ${new Date(ms).toISOString()} is before 1970`);
      if (ms - receivedAt > maxFutureSkewMs) {
        return new Refused(
          'timestamp_in_future',
          `${field}: ${new Date(ms).toISOString()} is ${Math.round((ms - receivedAt) / 1000)} s ahead of the receive time`,
        );
      }
      return ms;
    };

    const reading = (measurement: Measurement, p: DevicePlacement, channel: string, at: number, receivedAt: number) =>
      emptyReading(measurement, p, channel, at, receivedAt, OCPP_SOURCE);

    /** Canonical metrics of samples; unknown measurands and per-phase values are skipped. */
    const metricsOf = (samples: readonly Sample[], field: string): Record<string, number> => {
      const values: Record<string, number> = {};
      for (const s of samples) {
        const measurand = s.measurand ?? 'Energy.Active.Import.Register';
        // Own keys only: a measurand named like an Object.prototype member is not one of ours.
        const m = Object.hasOwn(MEASURANDS, measurand) ? MEASURANDS[measurand] : undefined;
        if (m === undefined || s.phase !== undefined) continue;
        const spec: MetricSpec = evMeterMetrics[m.metric];
        const unit = s.unit ?? m.unit;
        const v = convertUnit(spec, s.value, unit);
        if (v === undefined)
          throw new Refused('invalid_unit', `${field}: unit "${unit}" is not accepted for ${s.measurand}`);
        if (!Number.isFinite(v)) throw new Refused('non_finite_number', `${field}: ${s.value} is not finite`);
        if (v < spec.min || v > spec.max) {
          throw new Refused(
            'out_of_range',
            `${field}: ${s.value} ${unit} is outside ${spec.min}..${spec.max} ${spec.unit}`,
          );
        }
        values[m.metric] = v;
      }
      return values;
    };

    const samples16 = (mv: z.infer<typeof MeterValue16>, field: string): Sample[] =>
      mv.sampledValue.map((sv, i) => {
        if (sv.format === 'SignedData') return { measurand: 'SignedData', value: 0, unit: undefined, phase: undefined };
        if (!DECIMAL.test(sv.value)) {
          throw new Refused(
            'invalid_value',
            `${field}.sampledValue.${i}.value: "${sv.value.slice(0, 64)}" is not a decimal`,
          );
        }
        return { measurand: sv.measurand, value: Number(sv.value), unit: sv.unit, phase: sv.phase };
      });

    const samples201 = (mv: z.infer<typeof MeterValue201>): Sample[] =>
      mv.sampledValue.map((sv) => {
        const mult = sv.unitOfMeasure?.multiplier ?? 0;
        return {
          measurand: sv.measurand,
          value: sv.value * 10 ** mult,
          unit: sv.unitOfMeasure?.unit,
          phase: sv.phase,
        };
      });

    /** ev_meter readings of meter values (one per timestamp); refusals for future timestamps. */
    const meterReadings = (
      p: DevicePlacement,
      channel: string,
      sessionId: string | undefined,
      entries: readonly { timestamp: string; samples: Sample[] }[],
      receivedAt: number,
      field: string,
    ): { readings: Reading[]; late: Refused[] } => {
      const readings: Reading[] = [];
      const late: Refused[] = [];
      entries.forEach((e, i) => {
        const at = time(e.timestamp, `${field}.${i}.timestamp`, receivedAt);
        const values = metricsOf(e.samples, `${field}.${i}`);
        if (at instanceof Refused) {
          late.push(at);
          return;
        }
        if (Object.keys(values).length === 0) return;
        const r = reading('ev_meter', p, channel, at, receivedAt);
        Object.assign(r.values, values);
        if (sessionId !== undefined) r.states.sessionId = sessionId;
        readings.push(r);
      });
      return { readings, late };
    };

    const publishAll = async (readings: readonly Reading[]): Promise<void> => {
      if (readings.length === 0) return;
      await deps.bus.publish(
        'readings',
        readings.map((r) => ({ key: r.deviceId, value: r })),
      );
    };

    const sessionRecord = (
      p: DevicePlacement,
      channel: string,
      at: number,
      receivedAt: number,
      event: 'start' | 'stop',
      sessionId: string,
      energyWh: number | undefined,
      reason: string | undefined,
    ): Reading => {
      const r = reading('ev_session', p, channel, at, receivedAt);
      r.states.event = event;
      r.states.sessionId = sessionId;
      if (reason !== undefined) r.states.reason = reason;
      if (energyWh !== undefined) r.values.energy_register = energyWh;
      return r;
    };

    const energyCheck = (wh: number, field: string): number => {
      const spec = evMeterMetrics.energy_register;
      if (wh < spec.min || wh > spec.max) throw new Refused('out_of_range', `${field}: ${wh} Wh is out of range`);
      return wh;
    };

    const saveTx = async (): Promise<void> => {
      await store.save();
    };

    const currentTime = () => new Date(now()).toISOString();

    type Handler = (params: unknown, receivedAt: number) => Promise<{ answer: unknown; late: Refused[] }>;
    const plain = (answer: unknown) => ({ answer, late: [] as Refused[] });

    const boot: Handler = async () =>
      plain({ status: 'Accepted', currentTime: currentTime(), interval: config.heartbeatIntervalSeconds });
    const heartbeat: Handler = async () => plain({ currentTime: currentTime() });

    // Notifications with nothing to store are acknowledged, so a charger does not retry them.
    const ack: Handler = async () => plain({});

    const handlers16: Record<string, Handler> = {
      BootNotification: boot,
      Heartbeat: heartbeat,
      FirmwareStatusNotification: ack,
      DiagnosticsStatusNotification: ack,
      DataTransfer: async () => plain({ status: 'UnknownVendorId' }),
      StatusNotification: async (params, receivedAt) => {
        const m = parse(Status16, params, 'StatusNotification');
        const p = placement();
        const at = m.timestamp === undefined ? receivedAt : time(m.timestamp, 'timestamp', receivedAt);
        if (at instanceof Refused) return { answer: {}, late: [at] };
        const r = reading('ev_status', p, String(m.connectorId), at, receivedAt);
        r.states.status = m.status;
        r.states.errorCode = m.errorCode;
        await publishAll([r]);
        return plain({});
      },
      Authorize: async (params) => {
        parse(Authorize16, params, 'Authorize');
        return plain({ idTagInfo: { status: 'Accepted' } });
      },
      StartTransaction: async (params, receivedAt) => {
        const m = parse(Start16, params, 'StartTransaction');
        const p = placement();
        const at = time(m.timestamp, 'timestamp', receivedAt);
        energyCheck(m.meterStart, 'meterStart');
        const transactionId = state.nextTransactionId;
        state.nextTransactionId = transactionId >= 2_147_483_647 ? 1 : transactionId + 1;
        const tx: OpenTransaction = {
          deviceId,
          connectorId: m.connectorId,
          meterStart: m.meterStart,
          idTagHash: sha256(m.idTag),
          startedAt: at instanceof Refused ? receivedAt : at,
        };
        state.transactions[String(transactionId)] = tx;
        await saveTx();
        const answer = { transactionId, idTagInfo: { status: 'Accepted' } };
        if (at instanceof Refused) return { answer, late: [at] };
        const sessionId = String(transactionId);
        await publishAll([
          sessionRecord(p, String(m.connectorId), at, receivedAt, 'start', sessionId, m.meterStart, undefined),
        ]);
        return plain(answer);
      },
      MeterValues: async (params, receivedAt) => {
        const m = parse(MeterValues16, params, 'MeterValues');
        const p = placement();
        const entries = m.meterValue.map((mv, i) => ({
          timestamp: mv.timestamp,
          samples: samples16(mv, `meterValue.${i}`),
        }));
        const sessionId = m.transactionId === undefined ? undefined : String(m.transactionId);
        const { readings, late } = meterReadings(
          p,
          String(m.connectorId),
          sessionId,
          entries,
          receivedAt,
          'meterValue',
        );
        await publishAll(readings);
        return { answer: {}, late };
      },
      StopTransaction: async (params, receivedAt) => {
        const m = parse(Stop16, params, 'StopTransaction');
        const p = placement();
        const at = time(m.timestamp, 'timestamp', receivedAt);
        energyCheck(m.meterStop, 'meterStop');
        const sessionId = String(m.transactionId);
        const known = state.transactions[sessionId];
        // Another charger's transaction is not this one's to close.
        const tx = known?.deviceId === deviceId ? known : undefined;
        if (tx === undefined)
          deps.logger.warn({ deviceId, transactionId: m.transactionId }, 'stop of an unknown transaction');
        const channel = tx === undefined ? '' : String(tx.connectorId);
        const entries = (m.transactionData ?? []).map((mv, i) => ({
          timestamp: mv.timestamp,
          samples: samples16(mv, `transactionData.${i}`),
        }));
        const { readings, late } = meterReadings(p, channel, sessionId, entries, receivedAt, 'transactionData');
        if (at instanceof Refused) late.push(at);
        else
          readings.push(sessionRecord(p, channel, at, receivedAt, 'stop', sessionId, m.meterStop, m.reason ?? 'Local'));
        await publishAll(readings);
        if (tx !== undefined) {
          delete state.transactions[sessionId];
          await saveTx();
        }
        return { answer: { idTagInfo: { status: 'Accepted' } }, late };
      },
    };

    const handlers201: Record<string, Handler> = {
      BootNotification: boot,
      Heartbeat: heartbeat,
      FirmwareStatusNotification: ack,
      LogStatusNotification: ack,
      NotifyEvent: ack,
      NotifyReport: ack,
      SecurityEventNotification: ack,
      DataTransfer: async () => plain({ status: 'UnknownVendorId' }),
      StatusNotification: async (params, receivedAt) => {
        const m = parse(Status201, params, 'StatusNotification');
        const p = placement();
        const at = time(m.timestamp, 'timestamp', receivedAt);
        if (at instanceof Refused) return { answer: {}, late: [at] };
        const r = reading('ev_status', p, String(m.evseId), at, receivedAt);
        r.states.status = m.connectorStatus;
        await publishAll([r]);
        return plain({});
      },
      Authorize: async (params) => {
        parse(Authorize201, params, 'Authorize');
        return plain({ idTokenInfo: { status: 'Accepted' } });
      },
      MeterValues: async (params, receivedAt) => {
        const m = parse(MeterValues201, params, 'MeterValues');
        const p = placement();
        const entries = m.meterValue.map((mv) => ({ timestamp: mv.timestamp, samples: samples201(mv) }));
        const { readings, late } = meterReadings(p, String(m.evseId), undefined, entries, receivedAt, 'meterValue');
        await publishAll(readings);
        return { answer: {}, late };
      },
      TransactionEvent: async (params, receivedAt) => {
        const m = parse(TransactionEvent201, params, 'TransactionEvent');
        const p = placement();
        const at = time(m.timestamp, 'timestamp', receivedAt);
        const sessionId = m.transactionInfo.transactionId;
        const key = `${deviceId}/${sessionId}`;
        const open = state.transactions[key];
        const evse = m.evse?.id ?? open?.connectorId;
        const channel = evse === undefined ? '' : String(evse);
        const entries = (m.meterValue ?? []).map((mv) => ({ timestamp: mv.timestamp, samples: samples201(mv) }));
        const { readings, late } = meterReadings(p, channel, sessionId, entries, receivedAt, 'meterValue');
        // The session's register: the energy of the event's meter values, when it has one.
        let energy: number | undefined;
        for (const r of readings) if (r.values.energy_register !== undefined) energy = r.values.energy_register;
        if (m.eventType === 'Started' && open === undefined) {
          state.transactions[key] = {
            deviceId,
            connectorId: evse ?? 0,
            meterStart: energy ?? 0,
            idTagHash: m.idToken === undefined ? '' : sha256(m.idToken.idToken),
            startedAt: at instanceof Refused ? receivedAt : at,
          };
          await saveTx();
        }
        if (m.eventType !== 'Updated') {
          if (at instanceof Refused) late.push(at);
          else {
            const event = m.eventType === 'Started' ? 'start' : 'stop';
            const reason = event === 'stop' ? (m.transactionInfo.stoppedReason ?? 'Local') : undefined;
            readings.push(sessionRecord(p, channel, at, receivedAt, event, sessionId, energy, reason));
          }
        }
        await publishAll(readings);
        if (m.eventType === 'Ended' && open !== undefined) {
          delete state.transactions[key];
          await saveTx();
        }
        return { answer: {}, late };
      },
    };

    const handlers = v16 ? handlers16 : handlers201;
    const malformed = v16 ? 'FormationViolation' : 'FormatViolation';

    client.handle(async ({ method, params }: { method: string; params: unknown }) => {
      const receivedAt = now();
      const h = Object.hasOwn(handlers, method) ? handlers[method] : undefined;
      // Unknown actions share one label: a charger must not grow the metric's cardinality.
      calls.labels(h === undefined ? 'other' : method).inc();
      if (h === undefined) throw createRPCError('NotImplemented', `${method} is not handled by this central system`);
      const topic = `ocpp:${deviceId}/${method}`;
      try {
        const { answer, late } = await h(params, receivedAt);
        for (const r of late) await publishRefusal(r.reason, r.message, topic, deviceId, params);
        return answer;
      } catch (err) {
        if (!(err instanceof Refused)) throw err;
        await publishRefusal(err.reason, err.message, topic, deviceId, params);
        throw createRPCError(malformed, err.message, { reason: err.reason });
      }
    });
  });

  const http = await server.listen(config.port, config.host);
  const port = (http.address() as AddressInfo).port;
  const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
  deps.logger.info({ host: config.host, port, protocols: config.protocols }, 'OCPP gateway listening');
  let closing: Promise<void> | undefined;
  return {
    port,
    url: `ws://${hostForUrl}:${port}`,
    close() {
      closing ??= server.close({ awaitPending: true }).then(() => store.save());
      return closing;
    },
  };
}
