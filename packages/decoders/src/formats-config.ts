/**
 * Settings of the foreign device formats (README "Supported device formats"): whether each is
 * decoded, the MQTT topic prefix it arrives under, and Frigate's filters. The prefixes are the
 * formats' own defaults; a site that changed a device's prefix changes it here.
 */
import { z } from 'zod';

const TOPIC_PREFIX = /^[^/+#$\s][^+#\s]*$/;

const prefix = (fallback: string) =>
  z
    .string()
    .max(128)
    .regex(TOPIC_PREFIX, 'MQTT topic levels without "+", "#", spaces or a leading "$"')
    .refine((p) => !p.endsWith('/'), 'no trailing "/"')
    .default(fallback);

const enabled = z.boolean().default(true);

export const FormatsConfigSchema = z
  .object({
    frigate: z
      .object({
        enabled,
        /** Frigate's `mqtt.topic_prefix`. */
        prefix: prefix('frigate'),
        /** Frigate's HTTP base URL for snapshot links, when the camera's binding names none. */
        baseUrl: z
          .url({ protocol: /^https?$/ })
          .refine(
            (u) => !/^[a-z]+:\/\/[^/]*@/i.test(u),
            'no credentials in the URL (it is shown by the API and in records)',
          )
          .optional(),
        /** Labels kept; empty keeps every label Frigate tracks (its own `objects.track` already filters). */
        labels: z.array(z.string().min(1).max(64)).default([]),
        /** Lowest score kept (top_score, else score); Frigate's own `threshold` applies before. */
        minScore: z.number().min(0).max(1).default(0),
      })
      .prefault({}),
    /** ONVIF `onvif-ej` events: cameras publish with the TopicPrefix `<prefix>/<id>`. */
    onvif: z.object({ enabled, prefix: prefix('onvif') }).prefault({}),
    /** OpenDTU's MQTT base topic. */
    opendtu: z.object({ enabled, prefix: prefix('solar') }).prefault({}),
    /** Tasmota's telemetry prefix (`Prefix3`) and status prefix (`Prefix2`), default FullTopic `%prefix%/%topic%/`. */
    tasmota: z.object({ enabled, prefix: prefix('tele'), statPrefix: prefix('stat') }).prefault({}),
    /** SunSpec JSON published by Modbus bridges. */
    sunspec: z.object({ enabled, prefix: prefix('sunspec') }).prefault({}),
  })
  .superRefine((c, issue) => {
    const prefixes: [string, string][] = [
      ['frigate.prefix', c.frigate.prefix],
      ['onvif.prefix', c.onvif.prefix],
      ['opendtu.prefix', c.opendtu.prefix],
      ['tasmota.prefix', c.tasmota.prefix],
      ['tasmota.statPrefix', c.tasmota.statPrefix],
      ['sunspec.prefix', c.sunspec.prefix],
    ];
    const under = (a: string, b: string) => a === b || a.startsWith(`${b}/`);
    prefixes.forEach(([path, p], i) => {
      if (under(p, 'hpg')) {
        issue.addIssue({
          code: 'custom',
          path: path.split('.'),
          message: `"${p}" overlaps the platform's own hpg/ topics`,
        });
      }
      for (const [otherPath, q] of prefixes.slice(i + 1)) {
        if (under(p, q) || under(q, p)) {
          issue.addIssue({ code: 'custom', path: path.split('.'), message: `"${p}" overlaps ${otherPath} "${q}"` });
        }
      }
    });
  });

export type FormatsConfig = z.infer<typeof FormatsConfigSchema>;

/** Every format on, with the formats' default prefixes. */
export const DEFAULT_FORMATS: FormatsConfig = FormatsConfigSchema.parse({});
