/**
 * The simulator service: the fleet's models on a clock, published over MQTT.
 *
 * Phases: optional backfill (the past `backfillHours` stepped as fast as back-pressure and the rate
 * limit allow), then live (simulated time = start + elapsed wall time × speed). Work runs in batches
 * that yield to the event loop with setImmediate, so PUBACKs are read while generating and a single
 * process can push tens of thousands of messages per second. With `ratePerSecond` every device steps
 * proportionally more often (its timestamps stay on the simulated clock) and a token bucket caps
 * the total. Generation pauses while `maxInFlight` publishes await their PUBACK.
 */
import { deviceTopic } from '@hpg/contracts';
import { type ResolvedSimulatorConfig, type SimulatorConfig, SimulatorConfigSchema } from './config.ts';
import { demoDevicePassword } from './demo-credentials.ts';
import { connectDevice, type DeviceConnection } from './device-connection.ts';
import { createFleet, type DeviceSim } from './fleet.ts';
import type { SimulatorLogger } from './logger.ts';
import { loadRegistry } from './registry-source.ts';
import { type Due, type DueQueue, queueFrom } from './schedule.ts';

export interface SimulatorDeps {
  readonly logger: SimulatorLogger;
}

export type SimulatorPhase = 'idle' | 'backfill' | 'live' | 'stopping' | 'stopped';

export interface SimulatorStats {
  /** Publishes handed to the devices' connections. */
  published: number;
  /** Publishes the broker acknowledged (PUBACK). */
  acked: number;
  /** Publishes that failed or were still unacknowledged when the connection ended. */
  errors: number;
  /** Messages not published because the device was offline (a missed transmission). */
  dropped: number;
  inFlight: number;
  devices: number;
  connected: number;
  phase: SimulatorPhase;
  /** The simulated clock (live) or the backfill position, ISO 8601. */
  simTime: string | null;
}

export interface Simulator {
  start(): Promise<void>;
  /** Stops generating, waits for in-flight publishes (up to `stopTimeoutMs`), ends every connection. */
  stop(): Promise<void>;
  stats(): SimulatorStats;
}

interface Device {
  readonly sim: DeviceSim;
  readonly connection: DeviceConnection;
}

const HOUR = 3_600_000;
/** Device steps per batch before yielding to the event loop. */
const BATCH_STEPS = 500;
/** Ingest's default tolerance for timestamps ahead of the receive time (decoders DEFAULT_LIMITS). */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

export function createSimulator(deps: SimulatorDeps, config: SimulatorConfig): Simulator {
  const cfg: ResolvedSimulatorConfig = SimulatorConfigSchema.parse(config);
  const log = deps.logger;
  const startAt = cfg.startAt === undefined ? undefined : Date.parse(cfg.startAt);

  let devices = new Map<string, Device>();
  let queue: DueQueue | undefined;
  let phase: SimulatorPhase = 'idle';
  let clock = { sim0: 0, wall0: 0 };
  /** Live step multiplier: how many times more often than its natural rhythm each device steps. */
  let densify = 1;
  let bucket: { tokens: number; at: number } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  let progress: NodeJS.Timeout | undefined;
  let tuner: NodeJS.Timeout | undefined;
  let waitingForDrain = false;
  let drained: (() => void) | undefined;
  let warnedAhead = false;
  let stopping: Promise<void> | undefined;
  let stoppedAt: number | undefined;
  const counts = { published: 0, acked: 0, errors: 0, dropped: 0, inFlight: 0 };
  let loggedErrors = 0;

  const simNow = (wall: number) => clock.sim0 + (wall - clock.wall0) * cfg.speed;

  function stepMsOf(sim: DeviceSim): number {
    // Fractional steps keep the target rate exact; at least 1 ms apart, so one device's
    // (millisecond) timestamps never repeat.
    return phase === 'live' ? Math.max(1, sim.stepMs / densify) : sim.stepMs;
  }

  function settled(err: Error | undefined): void {
    counts.inFlight--;
    if (err === undefined) counts.acked++;
    else {
      counts.errors++;
      // Errors come in bursts (a broker going away): log the first few, the progress log counts the rest.
      if (loggedErrors++ < 5) log.warn({ err: err.message }, 'simulated publish failed');
    }
    if (waitingForDrain && counts.inFlight <= cfg.maxInFlight / 2) {
      waitingForDrain = false;
      schedule(0);
    }
    if (counts.inFlight === 0) drained?.();
  }

  function schedule(delayMs: number): void {
    if (timer !== undefined || immediate !== undefined || phase === 'stopping' || phase === 'stopped') return;
    if (delayMs <= 0) {
      immediate = setImmediate(pump);
    } else {
      timer = setTimeout(pump, Math.min(1_000, Math.max(1, Math.ceil(delayMs))));
    }
  }

  function goLive(simStart: number, wall: number): void {
    phase = 'live';
    clock = { sim0: simStart, wall0: wall };
    if (densify !== 1 && queue !== undefined) {
      // In rate mode the next step also comes `densify` times sooner, or devices on long
      // intervals would take minutes to join in.
      const all: Due[] = [];
      for (let d = queue.pop(); d !== undefined; d = queue.pop()) all.push(d);
      for (const d of all) {
        if (d.at > simStart) d.at = simStart + (d.at - simStart) / densify;
        queue.push(d);
      }
    }
    log.info({ simTime: new Date(simStart).toISOString(), published: counts.published }, 'simulator live');
  }

  function pump(): void {
    timer = undefined;
    immediate = undefined;
    if (queue === undefined || (phase !== 'backfill' && phase !== 'live')) return;
    if (counts.inFlight >= cfg.maxInFlight) {
      waitingForDrain = true;
      return;
    }
    const wall = Date.now();
    if (phase === 'backfill') {
      const end = startAt ?? wall;
      const head = queue.peek();
      if (head === undefined || head.at >= end) goLive(end, wall);
    }
    const horizon = phase === 'live' ? simNow(wall) : (startAt ?? wall);
    if (phase === 'live' && !warnedAhead && horizon > wall + FUTURE_TOLERANCE_MS) {
      warnedAhead = true;
      log.warn(
        { simTime: new Date(horizon).toISOString(), speed: cfg.speed },
        'simulated time is more than 5 minutes ahead of the wall clock: ingest refuses such timestamps (set startAt in the past)',
      );
    }
    if (bucket !== undefined && cfg.ratePerSecond !== undefined) {
      const capacity = Math.max(50, cfg.ratePerSecond / 20);
      bucket.tokens = Math.min(capacity, bucket.tokens + ((wall - bucket.at) * cfg.ratePerSecond) / 1000);
      bucket.at = wall;
    }

    for (let steps = 0; steps < BATCH_STEPS; steps++) {
      if (counts.inFlight >= cfg.maxInFlight || (bucket !== undefined && bucket.tokens <= 0)) break;
      const due = queue.peek();
      if (due === undefined || due.at > horizon) break;
      queue.pop();
      const device = devices.get(due.sim.deviceId);
      const emissions = due.sim.step(Math.floor(due.at));
      if (bucket !== undefined) bucket.tokens -= emissions.length;
      if (device !== undefined) {
        for (const e of emissions) publish(device, deviceTopic(due.sim.deviceId, e.message), JSON.stringify(e.payload));
      }
      due.at += stepMsOf(due.sim);
      queue.push(due);
    }

    if (counts.inFlight >= cfg.maxInFlight) {
      waitingForDrain = true;
      return;
    }
    if (bucket !== undefined && cfg.ratePerSecond !== undefined && bucket.tokens <= 0) {
      schedule((-bucket.tokens * 1000) / cfg.ratePerSecond + 1);
      return;
    }
    const head = queue.peek();
    if (phase === 'backfill' || (head !== undefined && head.at <= simNow(Date.now()))) {
      schedule(0);
    } else {
      schedule(head === undefined ? 1_000 : (head.at - simNow(Date.now())) / cfg.speed);
    }
  }

  /**
   * The estimate behind `densify` uses average messages per step, but chargers and cameras send
   * more in the evening and at night than at noon: once a second, nudge `densify` towards the target
   * rate — only upwards while generation keeps up, since a CPU-bound process would just fall behind.
   */
  function startRateTuner(target: number): NodeJS.Timeout {
    let last = { at: Date.now(), published: counts.published + counts.dropped };
    const t = setInterval(() => {
      const now = Date.now();
      const sent = counts.published + counts.dropped;
      const rate = ((sent - last.published) * 1000) / Math.max(1, now - last.at);
      last = { at: now, published: sent };
      if (phase !== 'live' || rate <= 0) return;
      const head = queue?.peek();
      const keepingUp = head === undefined || simNow(now) - head.at < 250 * cfg.speed;
      const factor = Math.min(1.25, Math.max(0.8, target / rate));
      if (factor < 1 || keepingUp) densify *= factor;
    }, 1_000);
    t.unref();
    return t;
  }

  function publish(device: Device, topic: string, payload: string): void {
    if (!device.connection.isConnected()) {
      counts.dropped++;
      return;
    }
    counts.published++;
    counts.inFlight++;
    device.connection.publish(topic, payload, settled);
  }

  function stats(): SimulatorStats {
    const head = queue?.peek();
    let sim: number | undefined;
    if (phase === 'backfill') sim = head?.at;
    else if (phase !== 'idle' && clock.wall0 !== 0) sim = simNow(stoppedAt ?? Date.now());
    let connected = 0;
    for (const d of devices.values()) if (d.connection.isConnected()) connected++;
    return {
      ...counts,
      devices: devices.size,
      connected,
      phase,
      simTime: sim === undefined ? null : new Date(sim).toISOString(),
    };
  }

  return {
    async start() {
      if (phase !== 'idle') throw new Error(`simulator cannot start: it is ${phase}`);
      const registry = loadRegistry(cfg.registry);
      const sims = createFleet(registry, { seed: cfg.seed, filter: cfg.devices ?? {} });
      if (sims.length === 0) log.warn({ filter: cfg.devices ?? {} }, 'simulator: no device to simulate');
      const readies: Promise<boolean>[] = [];
      devices = new Map();
      for (const sim of sims) {
        const { connection, ready } = connectDevice({
          brokerUrl: cfg.brokerUrl,
          deviceId: sim.deviceId,
          password: demoDevicePassword(cfg.fleetSecret, sim.deviceId),
          connectTimeoutMs: cfg.connectTimeoutMs,
          logger: log,
        });
        devices.set(sim.deviceId, { sim, connection });
        readies.push(ready);
      }
      const ok = (await Promise.all(readies)).filter(Boolean).length;
      if (stopping !== undefined) return;
      (ok === sims.length ? log.info : log.warn).call(
        log,
        { connected: ok, devices: sims.length, brokerUrl: cfg.brokerUrl },
        'simulated devices connected',
      );

      // Live rate mode: how much more often than its registry rhythm each device must step.
      if (cfg.ratePerSecond !== undefined) {
        const natural = sims.reduce((sum, s) => sum + (s.expectedMessagesPerStep * 1000) / s.stepMs, 0) * cfg.speed;
        densify = natural > 0 ? cfg.ratePerSecond / natural : 1;
        bucket = { tokens: 0, at: Date.now() };
      }
      const wall = Date.now();
      const live0 = startAt ?? wall;
      const from = live0 - cfg.backfillHours * HOUR;
      queue = queueFrom(sims, from);
      if (cfg.backfillHours > 0) phase = 'backfill';
      else goLive(live0, wall);
      log.info(
        {
          devices: sims.length,
          seed: cfg.seed,
          speed: cfg.speed,
          ratePerSecond: cfg.ratePerSecond ?? null,
          backfillHours: cfg.backfillHours,
          from: new Date(from).toISOString(),
        },
        'simulator started',
      );
      if (cfg.logEverySeconds > 0) {
        let last = { at: Date.now(), acked: 0 };
        progress = setInterval(() => {
          const s = stats();
          const now = Date.now();
          const ackedPerSecond = Math.round(((s.acked - last.acked) * 1000) / Math.max(1, now - last.at));
          last = { at: now, acked: s.acked };
          log.info({ ...s, ackedPerSecond }, 'simulator progress');
        }, cfg.logEverySeconds * 1000);
        progress.unref();
      }
      if (cfg.ratePerSecond !== undefined) tuner = startRateTuner(cfg.ratePerSecond);
      schedule(0);
    },

    stop() {
      stopping ??= (async () => {
        const before = phase;
        phase = 'stopping';
        stoppedAt = Date.now();
        clearTimeout(timer);
        clearImmediate(immediate);
        clearInterval(progress);
        clearInterval(tuner);
        timer = undefined;
        immediate = undefined;
        if (before === 'idle' && devices.size === 0) {
          phase = 'stopped';
          return;
        }
        if (counts.inFlight > 0) {
          let t: NodeJS.Timeout | undefined;
          await Promise.race([
            new Promise<void>((r) => {
              drained = r;
            }),
            new Promise<void>((r) => {
              t = setTimeout(r, cfg.stopTimeoutMs);
            }),
          ]);
          clearTimeout(t);
          if (counts.inFlight > 0) {
            log.warn({ inFlight: counts.inFlight }, 'simulator: publishes still unacknowledged at stop; failing them');
          }
        }
        await Promise.all([...devices.values()].map((d) => d.connection.end(d.connection.pending() > 0)));
        phase = 'stopped';
        log.info(stats(), 'simulator stopped');
      })();
      return stopping;
    },

    stats,
  };
}
