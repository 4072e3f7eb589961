/**
 * The registry: who is where. Localities (city, wards, communes, special zones), sites in them
 * (treatment plants with their standard, buildings with rooftop solar, charging stations, camera
 * spots, metered facilities) and the devices bound to sites, each with its credential.
 *
 * Since 2025 Hai Phong has no district level: wards and communes report straight to the city
 * (../shared/domain/plan-targets.md), so a locality's parent is the city or nothing.
 */
import { DEVICE_KINDS, IdSchema } from '@hpg/contracts';
import { z } from 'zod';

export const LocalitySchema = z.object({
  id: IdSchema,
  kind: z.enum(['city', 'ward', 'commune', 'special_zone']),
  /** Vietnamese official name, e.g. "Phường Bạch Đằng". */
  name: z.string().min(1),
  nameEn: z.string().min(1),
  parentId: IdSchema.nullable(),
});

const location = z.object({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
});

const siteBase = {
  id: IdSchema,
  localityId: IdSchema,
  name: z.string().min(1),
  address: z.string().optional(),
  location,
  /** Time zone of the site's devices when they send local time. */
  timeZone: z.string().default('Asia/Ho_Chi_Minh'),
  /** Energy-savings sector roll-up (plan 002 §II.1.2 (4), plan 000 §II.2.2 (3)). */
  sector: z.enum(['industry', 'business_services', 'public', 'residential']).optional(),
  /** How the site's energy baseline is set, for the energy-savings indicator (issue #5). */
  energyBaseline: z.lazy(() => EnergyBaselineSchema).optional(),
};

const monthKey = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM');

/**
 * A facility's energy baseline: the same month of a reference year (from the stored meter
 * readings); a regression E = intercept + slope × driver fitted on a reference period in the manner
 * of IPMVP option C, with the driver's value per month (cooling degree-days, production…); or a
 * forecast of the year's consumption, spread evenly over its months.
 */
export const EnergyBaselineSchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('reference_month'), referenceYear: z.number().int().min(2015).max(2100) }),
  z.object({
    method: z.literal('regression'),
    interceptWh: z.number(),
    slopeWhPerUnit: z.number(),
    driver: z.string().min(1),
    driverByMonth: z.record(monthKey, z.number()),
  }),
  z.object({ method: z.literal('forecast'), yearWh: z.record(z.string().regex(/^\d{4}$/), z.number().positive()) }),
]);

/** A wastewater treatment plant: which standard judges it (wastewater.md "Which standard applies"). */
export const WastewaterPlantSchema = z.object({
  ...siteBase,
  kind: z.literal('wastewater_plant'),
  wastewater: z.object({
    standard: z.enum(['QCVN40:2011', 'QCVN40:2025', 'QCVN14:2008', 'QCVN14:2025']),
    column: z.enum(['A', 'B', 'C']),
    /** Receiving-water factor Kq (QCVN 40:2011 §2.3); 1 where the standard has none. */
    kq: z.number().positive(),
    /** Discharge-flow factor Kf (QCVN 40:2011 §2.4), or K for QCVN 14:2008. */
    kf: z.number().positive(),
    designFlowM3PerDay: z.number().positive(),
    /** Central treatment of an industrial park or cluster (the plans' 100 % targets). */
    centralIndustrial: z.boolean(),
  }),
});

export const SiteSchema = z.discriminatedUnion('kind', [
  WastewaterPlantSchema,
  z.object({
    ...siteBase,
    kind: z.literal('building'),
    /** Installed rooftop-solar capacity, kWp, when known (for the performance ratio). */
    solarCapacityKwp: z.number().positive().optional(),
  }),
  z.object({ ...siteBase, kind: z.literal('charging_station') }),
  z.object({
    ...siteBase,
    kind: z.literal('camera_spot'),
    /** Zones watched for dumping at this spot. */
    zones: z.array(z.string().min(1)).default([]),
  }),
  z.object({ ...siteBase, kind: z.literal('facility') }),
]);

/**
 * The same password hashed for an external broker: PBKDF2-HMAC-SHA512 with a 64-byte key, the one
 * KDF both Mosquitto 2 (`$7$` password files) and EMQX's built-in database (`pbkdf2`, `sha512`)
 * verify. The salt is 12 printable characters used as the salt bytes themselves: Mosquitto 2.0
 * only accepts 12-byte salts, and EMQX uses the stored salt string as is.
 */
export const BrokerHashSchema = z.object({
  algo: z.literal('pbkdf2-sha512'),
  iterations: z.number().int().min(1000).max(10_000_000),
  salt: z.string().regex(/^[A-Za-z0-9_-]{12}$/, '12 characters of A-Z, a-z, 0-9, "_", "-"'),
  /** The 64-byte derived key, base64. */
  hash: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'base64 of 64 bytes'),
});

/**
 * A device password hash: scrypt with its parameters, so they can be raised per device (what the
 * embedded broker and the OCPP gateway check), and optionally the broker hash of the same password
 * for Mosquitto and EMQX. A device holds one credential, or two during a rotation; the last is the
 * newest (`pnpm credentials`, README "Device credentials and ACLs").
 */
export const CredentialSchema = z.object({
  algo: z.literal('scrypt'),
  n: z.number().int().min(1024),
  r: z.number().int().min(1),
  p: z.number().int().min(1),
  salt: z.string().min(16),
  hash: z.string().min(32),
  broker: BrokerHashSchema.optional(),
  /** When it was issued (ISO 8601), for the operator. */
  issuedAt: z.iso.datetime({ offset: true }).optional(),
});

/**
 * A name the device has in a foreign format (an MQTT topic level there): not empty, no `/`, and
 * no MQTT wildcard (`+`, `#`), space or control character.
 */
const ForeignIdSchema = z
  .string()
  .regex(/^[^/+#\s\p{Cc}]{1,64}$/u, '1 to 64 characters, without "/", "+", "#", spaces or control characters');

/**
 * The registry device whose MQTT login publishes for this device, when a gateway serves several
 * (one Frigate NVR for many cameras, one OpenDTU for many inverters). Default: the device itself.
 */
const publishedBy = IdSchema.optional();

/**
 * How foreign formats name this device (README "Supported device formats"). Each foreign id is
 * unique across the registry (checked by `Registry.from`); unknown binding kinds are refused so a
 * typo does not leave a device silently unbound.
 */
export const ExternalBindingsSchema = z.strictObject({
  /** Frigate NVR: the camera name in Frigate's config (`after.camera` of `frigate/events`). */
  frigate: z
    .strictObject({
      camera: ForeignIdSchema,
      /** Zones that count for this camera; default: the camera spot's zones. */
      zones: z.array(z.string().min(1).max(64)).optional(),
      /** Frigate's HTTP base URL for evidence links, e.g. http://nvr.local:5000 (else the ingest setting). */
      baseUrl: z
        .url({ protocol: /^https?$/ })
        .refine(
          (u) => !/^[a-z]+:\/\/[^/]*@/i.test(u),
          'no credentials in the URL (it is shown by the API and in records)',
        )
        .optional(),
      publishedBy,
    })
    .optional(),
  /** ONVIF camera publishing `onvif-ej` events with the MQTT TopicPrefix `onvif/<id>`. */
  onvif: z
    .strictObject({ id: ForeignIdSchema, zones: z.array(z.string().min(1).max(64)).optional(), publishedBy })
    .optional(),
  /** OpenDTU: the inverter's serial number (`solar/<serial>/…`). */
  opendtu: z.strictObject({ serial: ForeignIdSchema, publishedBy }).optional(),
  /** Tasmota: the device's MQTT topic (`tele/<topic>/SENSOR`); `channel` (1-based) for one channel of a multi-channel device. */
  tasmota: z
    .strictObject({ topic: ForeignIdSchema, channel: z.number().int().min(1).max(32).optional(), publishedBy })
    .optional(),
  /** SunSpec JSON from a Modbus bridge: the id the bridge publishes under (`sunspec/<id>/<model>`). */
  sunspec: z.strictObject({ id: ForeignIdSchema, publishedBy }).optional(),
});

export const DeviceSchema = z.object({
  id: IdSchema,
  siteId: IdSchema,
  kind: z.enum(DEVICE_KINDS),
  name: z.string().optional(),
  /** Expected reporting interval, seconds: completeness and offline detection use it. */
  intervalSeconds: z.number().int().positive(),
  enabled: z.boolean().default(true),
  credentials: z.array(CredentialSchema).min(1).max(2),
  /** Names of this device in foreign formats (Frigate, OpenDTU, Tasmota, SunSpec, ONVIF). */
  external: ExternalBindingsSchema.optional(),
});

export const RegistryDataSchema = z.object({
  version: z.literal(1),
  localities: z.array(LocalitySchema).min(1),
  sites: z.array(SiteSchema),
  devices: z.array(DeviceSchema),
});

export type Locality = z.infer<typeof LocalitySchema>;
export type Site = z.infer<typeof SiteSchema>;
export type Device = z.infer<typeof DeviceSchema>;
export type Credential = z.infer<typeof CredentialSchema>;
export type BrokerHash = z.infer<typeof BrokerHashSchema>;
export type ExternalBindings = z.infer<typeof ExternalBindingsSchema>;
export type ExternalKind = keyof ExternalBindings;
export type RegistryData = z.infer<typeof RegistryDataSchema>;
