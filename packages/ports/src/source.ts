import type { RawMessage } from '@hpg/decoders';

/**
 * Where device messages come from (an MQTT broker, embedded or external). The handler's promise
 * is the acknowledgement: the source acknowledges the message to the device (PUBACK) only after
 * it resolved, so a message the bus did not accept is redelivered by the device.
 */
export interface MessageSource {
  start(handler: (msg: RawMessage) => Promise<void>): Promise<void>;
  /** Stops taking messages; those in hand finish first. Idempotent. */
  stop(): Promise<void>;
  /** Failed device logins (wrong credentials), so they are counted and kept as refusals. */
  onAuthFailure(listener: (failure: AuthFailure) => void): void;
}

export interface AuthFailure {
  readonly at: number;
  readonly clientId: string;
  readonly username: string | null;
  readonly reason: string;
}
