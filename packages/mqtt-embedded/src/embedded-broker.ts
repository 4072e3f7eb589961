/**
 * The embedded MQTT broker: a real MQTT 3.1.1/5 broker (Aedes) inside the process, with
 * per-device authentication against the registry, so a newcomer runs the platform with nothing
 * installed. Devices connect with username = device id and their password.
 *
 * It is also ingest's message source in embedded mode: each PUBLISH is handed to ingest inside
 * Aedes' authorizePublish step, which Aedes runs before it acknowledges the message (PUBACK for
 * QoS 1, PUBREC for QoS 2). So a message is acknowledged only once the bus accepted it; if ingest
 * cannot take it (shutting down), the client is disconnected without an acknowledgement and
 * resends it when it reconnects.
 *
 * Optionally a second listener speaks MQTT over TLS (8883 by convention). There a device may
 * present a client certificate signed by the configured device CA whose subject CN is its id:
 * that certificate is its identity (no password needed; a certificate naming another device is
 * refused). With `requireClientCert`, a TLS client without a valid certificate cannot connect at
 * all; without it, devices that have no certificate yet log in with their password over TLS.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import type { RawMessage } from '@hpg/decoders';
import type { AuthFailure, MessageSource } from '@hpg/ports';
import { matchingCredential, type Registry } from '@hpg/registry';
import { Aedes, type Client } from 'aedes';

export interface EmbeddedBrokerOptions {
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly registry: () => Registry;
  /** Clients allowed to subscribe to device topics (observers, the simulator's checks); never to publish. */
  readonly observers?: readonly { readonly username: string; readonly password: string }[];
  /** MQTT over TLS on a second port, with optional client certificates (PEM contents). */
  readonly tls?: EmbeddedTlsOptions;
}

export interface EmbeddedTlsOptions {
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
  /** The device CA: client certificates must chain to it. Without it, client certificates are not asked for. */
  readonly ca?: string | Buffer;
  /** Refuse TLS clients without a valid client certificate (no password logins on this port). */
  readonly requireClientCert?: boolean;
}

interface Identity {
  readonly username: string;
  readonly role: 'device' | 'observer';
}

export interface EmbeddedBroker {
  readonly port: number;
  /** The TLS listener's port, when there is one. */
  readonly tlsPort: number | undefined;
  readonly source: MessageSource;
  /** Number of connected clients. */
  connectedClients(): number;
  close(): Promise<void>;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

class NotAuthorised extends Error {
  readonly returnCode: number;
  constructor(message: string) {
    super(message);
    this.returnCode = 4; // MQTT 3.1.1 CONNACK 0x04: bad user name or password
  }
}

/** The subject CN of a client's verified certificate, on the TLS listener; undefined otherwise. */
function certificateName(client: Client): string | undefined {
  const conn = (client as unknown as { conn?: Partial<TLSSocket> }).conn;
  if (conn?.encrypted !== true || conn.authorized !== true || typeof conn.getPeerCertificate !== 'function') {
    return undefined;
  }
  const cn = conn.getPeerCertificate().subject?.CN;
  return typeof cn === 'string' && cn !== '' ? cn : undefined;
}

export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const identities = new WeakMap<Client, Identity>();
  // Successful logins are remembered by password digest and the credential they matched, so
  // reconnects skip the deliberately slow scrypt while that credential is still in the registry
  // (a revoked password pays the full check, and fails); a wrong password always pays the cost.
  const verified = new Map<string, { readonly digest: string; readonly credentialHash: string }>();
  const authListeners: ((f: AuthFailure) => void)[] = [];
  let handler: ((msg: RawMessage) => Promise<void>) | undefined;
  let accepting = false;
  const inFlight = new Set<Promise<void>>();

  const broker = await Aedes.createBroker({ heartbeatInterval: 60_000, drainTimeout: 30_000 });

  const fail = (client: Client, username: string | null, reason: string) => {
    const failure: AuthFailure = { at: Date.now(), clientId: client.id, username, reason };
    for (const l of authListeners) l(failure);
  };

  broker.authenticate = (client, username, password, callback) => {
    const name = username ?? null;
    const pw = password ?? Buffer.alloc(0);
    // A verified client certificate is the device's identity (TLS listener only).
    const certified = certificateName(client);
    if (certified !== undefined) {
      const device = options.registry().placement(certified);
      if (device === undefined || (name !== null && name !== certified)) {
        fail(
          client,
          name,
          device === undefined
            ? `certificate for unknown or disabled device "${certified}"`
            : `certificate of "${certified}" used as "${name}"`,
        );
        return callback(new NotAuthorised('bad user name or password'), false);
      }
      identities.set(client, { username: certified, role: 'device' });
      return callback(null, true);
    }
    const observer = options.observers?.find((o) => o.username === name);
    if (observer !== undefined) {
      if (pw.toString('utf8') === observer.password) {
        identities.set(client, { username: observer.username, role: 'observer' });
        return callback(null, true);
      }
      fail(client, name, 'wrong observer password');
      return callback(new NotAuthorised('bad user name or password'), false);
    }
    const placement = name === null ? undefined : options.registry().placement(name);
    if (name === null || placement === undefined) {
      fail(client, name, name === null ? 'no username' : 'unknown or disabled device');
      return callback(new NotAuthorised('bad user name or password'), false);
    }
    const digest = sha256(pw);
    const known = verified.get(name);
    if (known?.digest === digest && placement.device.credentials.some((c) => c.hash === known.credentialHash)) {
      identities.set(client, { username: name, role: 'device' });
      return callback(null, true);
    }
    matchingCredential(pw.toString('utf8'), placement.device.credentials).then(
      (matched) => {
        if (matched !== undefined) {
          verified.set(name, { digest, credentialHash: matched.hash });
          identities.set(client, { username: name, role: 'device' });
          callback(null, true);
        } else {
          fail(client, name, 'wrong password');
          callback(new NotAuthorised('bad user name or password'), false);
        }
      },
      (err: unknown) => {
        fail(client, name, `credential check failed: ${String(err)}`);
        callback(new NotAuthorised('bad user name or password'), false);
      },
    );
  };

  broker.authorizePublish = (client, packet, callback) => {
    if (client === null) return callback(null); // the broker's own will messages
    if (packet.topic.startsWith('$SYS')) return callback(new Error('$SYS topics are reserved'));
    const who = identities.get(client);
    if (who?.role !== 'device') return callback(new Error('only devices publish'));
    if (!accepting || handler === undefined) return callback(new Error('ingest is not accepting messages'));
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    const work = handler({ topic: packet.topic, payload, receivedAt: Date.now(), publisher: who.username });
    inFlight.add(work);
    work.then(
      () => {
        inFlight.delete(work);
        callback(null);
      },
      (err: unknown) => {
        inFlight.delete(work);
        callback(err instanceof Error ? err : new Error(String(err)));
      },
    );
  };

  // Devices may only subscribe under their own id (commands, later); observers may read device topics.
  broker.authorizeSubscribe = (client, sub, callback) => {
    const who = identities.get(client);
    if (who === undefined) return callback(new Error('not authenticated'));
    if (who.role === 'observer' && sub.topic.startsWith('hpg/')) return callback(null, sub);
    if (who.role === 'device' && sub.topic.startsWith(`hpg/v1/devices/${who.username}/`)) return callback(null, sub);
    return callback(null, null);
  };

  // Nothing but observers receives device traffic; skip fan-out work for everyone else.
  broker.authorizeForward = (client, packet) => {
    const who = identities.get(client);
    return who?.role === 'observer' || packet.topic.startsWith(`hpg/v1/devices/${who?.username}/`) ? packet : null;
  };

  const server: Server = createServer(broker.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const tlsServer =
    options.tls === undefined
      ? undefined
      : createTlsServer(
          {
            cert: options.tls.cert,
            key: options.tls.key,
            minVersion: 'TLSv1.2',
            ...(options.tls.ca === undefined
              ? {}
              : { ca: options.tls.ca, requestCert: true, rejectUnauthorized: options.tls.requireClientCert === true }),
          },
          broker.handle,
        );
  let tlsPort: number | undefined;
  if (tlsServer !== undefined && options.tls !== undefined) {
    const t = options.tls;
    await new Promise<void>((resolve, reject) => {
      tlsServer.once('error', reject);
      tlsServer.listen(t.port, t.host, () => {
        tlsServer.off('error', reject);
        resolve();
      });
    });
    // A failed handshake (no or a bad certificate) is the client's problem, not the broker's.
    tlsServer.on('tlsClientError', () => undefined);
    const a = tlsServer.address();
    tlsPort = typeof a === 'object' && a !== null ? a.port : t.port;
  }

  const source: MessageSource = {
    async start(h) {
      handler = h;
      accepting = true;
    },
    async stop() {
      accepting = false;
      await Promise.allSettled([...inFlight]);
    },
    onAuthFailure(listener) {
      authListeners.push(listener);
    },
  };

  let closing: Promise<void> | undefined;
  return {
    port,
    tlsPort,
    source,
    connectedClients: () => broker.connectedClients,
    close() {
      closing ??= (async () => {
        await source.stop();
        await new Promise<void>((resolve) => {
          let open = tlsServer === undefined ? 1 : 2;
          const closed = () => {
            if (--open === 0) resolve();
          };
          server.close(closed);
          tlsServer?.close(closed);
          // Existing connections keep the servers open; Aedes closes them.
          broker.close(() => undefined);
        });
      })();
      return closing;
    },
  };
}
