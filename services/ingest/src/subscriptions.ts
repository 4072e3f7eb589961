import { DEVICE_TOPIC_FILTER } from '@hpg/contracts';
import { type FormatsConfig, STATION_FILE_TOPIC_FILTER } from '@hpg/decoders';

/** The topic filters ingest subscribes to on an external broker: our API and every enabled format. */
export function subscriptionsFor(f: FormatsConfig): string[] {
  const out = [DEVICE_TOPIC_FILTER, STATION_FILE_TOPIC_FILTER];
  if (f.frigate.enabled) out.push(`${f.frigate.prefix}/#`);
  if (f.onvif.enabled) out.push(`${f.onvif.prefix}/#`);
  if (f.opendtu.enabled) out.push(`${f.opendtu.prefix}/#`);
  if (f.tasmota.enabled) out.push(`${f.tasmota.prefix}/#`, `${f.tasmota.statPrefix}/#`);
  if (f.sunspec.enabled) out.push(`${f.sunspec.prefix}/#`);
  return out;
}
