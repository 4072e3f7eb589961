/**
 * One MQTT connection per simulated device, as a real device would hold: username = device id,
 * password = its derived demo password, clean session, QoS 1 publishes. mqtt.js reconnects on its
 * own; in-flight publishes are tracked here so stop() can wait for their PUBACKs and fail the rest.
 */
import { connect, type MqttClient } from 'mqtt';
import type { SimulatorLogger } from './logger.ts';

export interface DeviceConnection {
  readonly deviceId: string;
  isConnected(): boolean;
  /** Publishes at QoS 1; `done` runs exactly once: on PUBACK, on failure, or when the connection is ended. */
  publish(topic: string, payload: string, done: (err: Error | undefined) => void): void;
  /** Publishes awaiting their outcome. */
  pending(): number;
  /** Disconnects (cleanly unless `force`), then fails whatever is still pending. */
  end(force: boolean): Promise<void>;
}

export interface ConnectDeviceOptions {
  readonly brokerUrl: string;
  readonly deviceId: string;
  readonly password: string;
  readonly connectTimeoutMs: number;
  readonly logger: SimulatorLogger;
}

const END_TIMEOUT_MS = 3_000;

/** Opens the connection; `ready` resolves true on the first CONNACK, false on an error or timeout. */
export function connectDevice(o: ConnectDeviceOptions): { connection: DeviceConnection; ready: Promise<boolean> } {
  const client: MqttClient = connect(o.brokerUrl, {
    clientId: o.deviceId,
    username: o.deviceId,
    password: o.password,
    clean: true,
    protocolVersion: 4,
    keepalive: 60,
    reconnectPeriod: 2_000,
    connectTimeout: o.connectTimeoutMs,
  });
  const waiting = new Set<(err: Error | undefined) => void>();
  let lastError = '';
  let wasConnected = false;

  client.on('connect', () => {
    if (wasConnected) o.logger.info({ deviceId: o.deviceId }, 'simulated device reconnected');
    wasConnected = true;
    lastError = '';
  });
  client.on('offline', () => {
    if (wasConnected) o.logger.warn({ deviceId: o.deviceId }, 'simulated device lost its connection');
  });
  client.on('error', (err) => {
    // Reconnect attempts repeat the same error every period: log each distinct one once.
    if (err.message === lastError) return;
    lastError = err.message;
    o.logger.warn({ deviceId: o.deviceId, err: err.message }, 'simulated device connection error');
  });

  const ready = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => finish(false), o.connectTimeoutMs);
    const onConnect = () => finish(true);
    const onError = () => finish(false);
    function finish(ok: boolean) {
      clearTimeout(timer);
      client.off('connect', onConnect);
      client.off('error', onError);
      resolve(ok);
    }
    client.once('connect', onConnect);
    client.once('error', onError);
  });

  const connection: DeviceConnection = {
    deviceId: o.deviceId,
    isConnected: () => client.connected,
    publish(topic, payload, done) {
      let settled = false;
      const settle = (err: Error | undefined) => {
        if (settled) return;
        settled = true;
        waiting.delete(settle);
        done(err);
      };
      waiting.add(settle);
      client.publish(topic, payload, { qos: 1 }, (err) => settle(err ?? undefined));
    },
    pending: () => waiting.size,
    async end(force) {
      const ended = client.endAsync(force || !client.connected).then(
        () => true,
        () => true,
      );
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((r) => {
        timer = setTimeout(() => r(false), END_TIMEOUT_MS);
      });
      // A disconnect that hangs (a dead socket) is cut short: a second end() would be a no-op.
      if (!(await Promise.race([ended, timeout]))) client.stream.destroy();
      clearTimeout(timer);
      const closed = new Error('connection ended before PUBACK');
      for (const settle of [...waiting]) settle(closed);
    },
  };
  return { connection, ready };
}
