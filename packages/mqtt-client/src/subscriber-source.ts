/**
 * Ingest's message source on an external broker (Mosquitto, EMQX), for production.
 *
 * Why not MQTT.js here: MQTT.js handles incoming packets one at a time and sends a PUBACK only
 * when that packet's handling finished, so acknowledging after the bus accepted a message caps
 * a connection at one message per bus round trip (a few hundred per second on Kafka). This
 * subscriber speaks MQTT 3.1.1 directly (packets from `mqtt-packet`), hands every PUBLISH to
 * ingest at once, and sends the PUBACKs as the bus accepts them, in the order the PUBLISHes
 * arrived (MQTT 3.1.1 §4.6). How many messages are in flight is bounded by the broker's
 * per-client inflight window (Mosquitto `max_inflight_messages`) and by `maxInFlight` here, past
 * which the socket is paused.
 *
 * - Persistent session (clean session off, fixed client id): while ingest is away, the broker
 *   queues the QoS 1 messages for it and delivers them on reconnect.
 * - Shared subscription (`$share/<group>/…`): several ingest instances split the load.
 * - A message whose handler failed is not acknowledged; the connection is dropped and remade, so
 *   the broker delivers it again (with DUP set).
 * - Reconnects with exponential backoff and full jitter.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { RawMessage } from '@hpg/decoders';
import type { AuthFailure, HealthReport, MessageSource } from '@hpg/ports';
import mqttPacket, { type Packet } from 'mqtt-packet';

export interface SubscriberOptions {
  /** `mqtt://host:port` or `mqtts://host:port`. */
  readonly url: string;
  readonly clientId: string;
  readonly username?: string;
  readonly password?: string;
  /** Topic filters, e.g. `hpg/v1/devices/+/+`, `frigate/#`. */
  readonly topics: readonly string[];
  /** Shared-subscription group; instances with the same group split the messages. */
  readonly shareGroup?: string;
  readonly keepaliveSeconds?: number;
  /** Handlers running at once before the socket is paused. */
  readonly maxInFlight?: number;
  readonly reconnect?: { readonly baseMs: number; readonly maxMs: number };
  readonly onEvent?: (event: 'connected' | 'disconnected' | 'error', detail: string) => void;
}

interface Pending {
  readonly messageId: number;
  settled: boolean;
  failed: boolean;
}

const CONNACK_REASONS: Record<number, string> = {
  1: 'unacceptable protocol version',
  2: 'identifier rejected',
  3: 'server unavailable',
  4: 'bad user name or password',
  5: 'not authorized',
};

export interface SubscriberSource extends MessageSource {
  health(): HealthReport;
}

export function createSubscriberSource(options: SubscriberOptions): SubscriberSource {
  const keepalive = options.keepaliveSeconds ?? 30;
  const maxInFlight = options.maxInFlight ?? 2_000;
  const backoff = options.reconnect ?? { baseMs: 200, maxMs: 10_000 };
  const filters = options.topics.map((t) =>
    options.shareGroup === undefined ? t : `$share/${options.shareGroup}/${t}`,
  );
  const filter = filters.join(' ');
  const url = new URL(options.url);
  const authListeners: ((f: AuthFailure) => void)[] = [];

  let handler: ((m: RawMessage) => Promise<void>) | undefined;
  let running = false;
  let socket: Socket | undefined;
  let connected = false;
  let attempts = 0;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let pingTimer: NodeJS.Timeout | undefined;
  let lastHeard = 0;
  let lastError = '';
  const inFlight = new Set<Promise<void>>();

  const send = (s: Socket, packet: Packet) => {
    if (!s.destroyed) s.write(mqttPacket.generate(packet));
  };

  const scheduleReconnect = () => {
    if (!running || reconnectTimer !== undefined) return;
    const cap = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(attempts++, 20));
    reconnectTimer = setTimeout(
      () => {
        reconnectTimer = undefined;
        open();
      },
      Math.floor(Math.random() * cap),
    );
  };

  function open(): void {
    const port = Number(url.port || (url.protocol === 'mqtts:' ? 8883 : 1883));
    const host = url.hostname;
    const s: Socket =
      url.protocol === 'mqtts:' ? tlsConnect({ host, port, servername: host }) : netConnect({ host, port });
    socket = s;
    s.setNoDelay(true);
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    // Acknowledgements leave in arrival order: a PUBACK waits for every earlier message's.
    const order: Pending[] = [];
    let ackScheduled = false;
    const flushAcks = () => {
      let ready = 0;
      while (ready < order.length && (order[ready] as Pending).settled && !(order[ready] as Pending).failed) ready++;
      if (ready > 0) {
        // All PUBACKs that are due leave in one write: one syscall, not one per message. A
        // PUBACK is 4 bytes: type 0x40, remaining length 2, the packet id (MQTT 3.1.1 §3.4).
        const acks = Buffer.allocUnsafe(4 * ready);
        for (let i = 0; i < ready; i++) {
          const id = (order[i] as Pending).messageId;
          acks[4 * i] = 0x40;
          acks[4 * i + 1] = 0x02;
          acks[4 * i + 2] = id >> 8;
          acks[4 * i + 3] = id & 0xff;
        }
        order.splice(0, ready);
        if (!s.destroyed) s.write(acks);
      }
      if (order.length > 0 && (order[0] as Pending).settled && (order[0] as Pending).failed) {
        // Not acknowledged: drop the connection so the broker delivers it (and what follows) again.
        s.destroy();
        return;
      }
      if (s.isPaused() && inFlight.size < maxInFlight / 2) s.resume();
    };

    parser.on('packet', (packet: Packet) => {
      lastHeard = Date.now();
      switch (packet.cmd) {
        case 'connack': {
          if (packet.returnCode !== 0) {
            const reason = CONNACK_REASONS[packet.returnCode ?? -1] ?? `refused (${packet.returnCode})`;
            lastError = `broker refused the connection: ${reason}`;
            if (packet.returnCode === 4 || packet.returnCode === 5) {
              for (const l of authListeners) {
                l({ at: Date.now(), clientId: options.clientId, username: options.username ?? null, reason });
              }
            }
            options.onEvent?.('error', lastError);
            s.destroy();
            return;
          }
          send(s, {
            cmd: 'subscribe',
            messageId: 1,
            subscriptions: filters.map((topic) => ({ topic, qos: 1 as const })),
          });
          return;
        }
        case 'suback': {
          if (packet.granted.some((g) => (typeof g === 'number' ? g : (g as { qos: number }).qos) === 128)) {
            lastError = `broker refused the subscription to ${filter}`;
            options.onEvent?.('error', lastError);
            s.destroy();
            return;
          }
          connected = true;
          attempts = 0;
          options.onEvent?.('connected', `${url.host} ${filter}`);
          return;
        }
        case 'publish': {
          const qos = packet.qos;
          const messageId = packet.messageId ?? 0;
          if (!running || handler === undefined) {
            // Stopping: not taken, not acknowledged; the broker keeps it for the next session.
            return;
          }
          const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
          const pending: Pending = { messageId, settled: false, failed: false };
          if (qos > 0) order.push(pending);
          const work = handler({ topic: packet.topic, payload, receivedAt: Date.now(), publisher: null }).then(
            () => {
              pending.settled = true;
            },
            (err: unknown) => {
              pending.settled = true;
              pending.failed = true;
              lastError = `handler failed: ${String(err)}`;
            },
          );
          inFlight.add(work);
          void work.then(() => {
            inFlight.delete(work);
            if (qos > 0 && !ackScheduled) {
              ackScheduled = true;
              setImmediate(() => {
                ackScheduled = false;
                flushAcks();
              });
            }
          });
          if (inFlight.size >= maxInFlight) s.pause();
          return;
        }
        case 'pingresp':
          return;
        default:
          return;
      }
    });
    parser.on('error', (err: Error) => {
      lastError = `protocol error: ${err.message}`;
      s.destroy();
    });

    s.on('connect', () => {
      send(s, {
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 4,
        clientId: options.clientId,
        clean: false,
        keepalive,
        ...(options.username !== undefined && { username: options.username }),
        ...(options.password !== undefined && { password: Buffer.from(options.password) }),
      });
    });
    s.on('secureConnect', () => s.emit('connect'));
    s.on('data', (chunk: Buffer) => parser.parse(chunk));
    s.on('error', (err) => {
      lastError = err.message;
    });
    s.on('close', () => {
      const was = connected;
      connected = false;
      if (socket === s) socket = undefined;
      if (was) options.onEvent?.('disconnected', lastError || 'connection closed');
      scheduleReconnect();
    });
  }

  const startPing = () => {
    pingTimer = setInterval(
      () => {
        const s = socket;
        if (s === undefined || !connected) return;
        if (Date.now() - lastHeard > keepalive * 1500) {
          lastError = 'no answer from the broker within the keepalive';
          s.destroy();
          return;
        }
        send(s, { cmd: 'pingreq' });
      },
      (keepalive * 1000) / 2,
    );
    pingTimer.unref();
  };

  let stopping: Promise<void> | undefined;
  return {
    async start(h) {
      if (running) return;
      handler = h;
      running = true;
      lastHeard = Date.now();
      open();
      startPing();
      // Resolve once subscribed, or keep reconnecting in the background (the broker may come later).
      const deadline = Date.now() + 10_000;
      while (!connected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    },
    stop() {
      stopping ??= (async () => {
        running = false;
        if (reconnectTimer !== undefined) clearTimeout(reconnectTimer);
        if (pingTimer !== undefined) clearInterval(pingTimer);
        await Promise.allSettled([...inFlight]);
        const s = socket;
        if (s !== undefined) {
          // The PUBACKs of the messages in hand went out as their handlers settled; now leave.
          send(s, { cmd: 'disconnect' });
          await new Promise<void>((r) => {
            s.end(() => r());
            setTimeout(r, 1_000).unref();
          });
          s.destroy();
        }
      })();
      return stopping;
    },
    onAuthFailure(listener) {
      authListeners.push(listener);
    },
    health() {
      return connected
        ? { ok: true, detail: `mqtt ${url.host}, subscribed to ${filter}, ${inFlight.size} in flight` }
        : { ok: false, detail: `mqtt ${url.host}: not connected${lastError ? ` (${lastError})` : ''}` };
    },
  };
}
