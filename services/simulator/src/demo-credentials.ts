/**
 * Passwords of the SIMULATED demo fleet only.
 *
 * Each demo device's MQTT password is HMAC-SHA256(fleetSecret, deviceId) as base64url, derived from
 * a development-only fleet secret (default `hpg-demo-fleet`). The demo registry stores only the
 * scrypt hashes of these passwords and the simulator re-derives them at run time, so no password
 * is ever committed. Real devices must get random, individually issued passwords instead: anyone
 * who knows the fleet secret can compute every demo password.
 */
import { createHmac } from 'node:crypto';

/** Development-only default secret of the simulated fleet; never use it for real devices. */
export const DEFAULT_DEMO_FLEET_SECRET = 'hpg-demo-fleet';

export function demoDevicePassword(secret: string, deviceId: string): string {
  return createHmac('sha256', secret).update(deviceId).digest('base64url');
}
