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
};

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

/** A device password hash: scrypt with its parameters, so they can be raised per device. */
export const CredentialSchema = z.object({
  algo: z.literal('scrypt'),
  n: z.number().int().min(1024),
  r: z.number().int().min(1),
  p: z.number().int().min(1),
  salt: z.string().min(16),
  hash: z.string().min(32),
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
export type RegistryData = z.infer<typeof RegistryDataSchema>;
