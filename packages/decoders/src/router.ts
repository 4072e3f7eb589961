/**
 * The decoder router: picks the decoder of a message by its topic prefix (configurable, see
 * formats-config.ts) and returns what the message becomes.
 *
 *   hpg/v1/devices/…   our own JSON API (native-json.ts)       one reading, detection or refusal
 *   frigate/…          Frigate NVR (frigate.ts)                 one detection, refusal or ignored
 *   onvif/…            ONVIF onvif-ej events (onvif-ej.ts)      one detection, refusal or ignored
 *   solar/…            OpenDTU (opendtu.ts)                     one reading, refusal or ignored
 *   tele/…, stat/…     Tasmota (tasmota.ts)                     a reading per channel, one refusal, or ignored
 *   sunspec/…          SunSpec JSON from bridges (sunspec.ts)   one reading, refusal or ignored
 *   anything else      refused as `unknown_topic`
 *
 * Every message yields at least one outcome; only a multi-channel Tasmota message yields several
 * (one reading per channel, each its own point). Nothing here throws on input.
 */
import { DEVICE_TOPIC_PREFIX } from '@hpg/contracts';
import { decodeFrigate } from './frigate.ts';
import { decodeNativeJson } from './native-json.ts';
import { decodeOnvif } from './onvif-ej.ts';
import { decodeOpenDtu } from './opendtu.ts';
import type { RawMessage } from './outcome.ts';
import type { Routed, RouterContext } from './routed.ts';
import { decodeStationFileMessage, isStationFileTopic } from './station-file.ts';
import { decodeSunSpec } from './sunspec.ts';
import { decodeTasmota } from './tasmota.ts';

const under = (topic: string, prefix: string) => topic.startsWith(`${prefix}/`);

/** Decodes one message into the records it becomes (or one refusal, or one ignored). */
export function decodeMessage(msg: RawMessage, ctx: RouterContext): Routed[] {
  const t = msg.topic;
  const f = ctx.formats;
  if (t.startsWith(DEVICE_TOPIC_PREFIX)) return [decodeNativeJson(msg, ctx)];
  // Provincial station transfer files carried over MQTT: one reading per timestamp, refusals per bad line.
  if (isStationFileTopic(t)) return decodeStationFileMessage(msg, ctx);
  if (f.frigate.enabled && under(t, f.frigate.prefix)) return decodeFrigate(msg, ctx);
  if (f.onvif.enabled && under(t, f.onvif.prefix)) return decodeOnvif(msg, ctx);
  if (f.opendtu.enabled && under(t, f.opendtu.prefix)) return decodeOpenDtu(msg, ctx);
  if (f.tasmota.enabled && (under(t, f.tasmota.prefix) || under(t, f.tasmota.statPrefix))) {
    return decodeTasmota(msg, ctx);
  }
  if (f.sunspec.enabled && under(t, f.sunspec.prefix)) return decodeSunSpec(msg, ctx);
  // Not a known format: the native decoder refuses it (size first, then unknown_topic).
  return [decodeNativeJson(msg, ctx)];
}
