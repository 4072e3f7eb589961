import type { DeviceKind } from '@hpg/contracts';
import {
  type Device,
  type ExternalBindings,
  type ExternalKind,
  type Locality,
  type RegistryData,
  RegistryDataSchema,
  type Site,
} from './schema.ts';

/** Which site kinds a device kind may be installed at. */
const SITE_KINDS_FOR: Record<DeviceKind, readonly Site['kind'][]> = {
  wastewater_station: ['wastewater_plant'],
  solar_inverter: ['building', 'facility'],
  energy_meter: ['building', 'facility', 'charging_station', 'wastewater_plant'],
  ev_charger: ['charging_station'],
  camera: ['camera_spot'],
};

/** A device with where it stands: what ingest stamps on every record. */
export interface DevicePlacement {
  readonly device: Device;
  readonly site: Site;
  readonly locality: Locality;
}

/** Which device kind each foreign binding belongs to. */
const EXTERNAL_DEVICE_KIND: Record<ExternalKind, DeviceKind> = {
  frigate: 'camera',
  onvif: 'camera',
  opendtu: 'solar_inverter',
  tasmota: 'energy_meter',
  sunspec: 'solar_inverter',
};

/** The foreign id a binding is looked up by (the Tasmota topic; its channel only splits it). */
function externalId<K extends ExternalKind>(kind: K, b: NonNullable<ExternalBindings[K]>): string {
  const named = b as { camera?: string; id?: string; serial?: string; topic?: string };
  switch (kind) {
    case 'frigate':
      return named.camera ?? '';
    case 'opendtu':
      return named.serial ?? '';
    case 'tasmota':
      return named.topic ?? '';
    default:
      return named.id ?? '';
  }
}

/** A device found by its foreign id, with that binding. */
export interface ExternalDevice<K extends ExternalKind> {
  readonly placement: DevicePlacement;
  readonly binding: NonNullable<ExternalBindings[K]>;
}

export class RegistryError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`registry is invalid:\n- ${problems.join('\n- ')}`);
    this.name = 'RegistryError';
    this.problems = problems;
  }
}

/** Read-only, indexed view of validated registry data. */
export class Registry {
  readonly data: RegistryData;
  readonly #localities = new Map<string, Locality>();
  readonly #sites = new Map<string, Site>();
  readonly #placements = new Map<string, DevicePlacement>();
  /** `kind` → foreign id → the devices bound to it (several only for Tasmota channels). */
  readonly #external = new Map<ExternalKind, Map<string, ExternalDevice<ExternalKind>[]>>();

  private constructor(data: RegistryData) {
    this.data = data;
    for (const l of data.localities) this.#localities.set(l.id, l);
    for (const s of data.sites) this.#sites.set(s.id, s);
    for (const d of data.devices) {
      const site = this.#sites.get(d.siteId);
      const locality = site && this.#localities.get(site.localityId);
      if (site && locality) this.#placements.set(d.id, { device: d, site, locality });
    }
    for (const d of data.devices) {
      const placement = this.#placements.get(d.id);
      if (placement === undefined || d.external === undefined) continue;
      for (const kind of Object.keys(EXTERNAL_DEVICE_KIND) as ExternalKind[]) {
        const binding = d.external[kind];
        if (binding === undefined) continue;
        const byId = this.#external.get(kind) ?? new Map<string, ExternalDevice<ExternalKind>[]>();
        this.#external.set(kind, byId);
        const id = externalId(kind, binding);
        const list = byId.get(id) ?? [];
        list.push({ placement, binding });
        byId.set(id, list);
      }
    }
  }

  /** Validates shape and references, reporting every problem at once. */
  static from(input: unknown): Registry {
    const parsed = RegistryDataSchema.safeParse(input);
    if (!parsed.success) {
      throw new RegistryError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
    }
    const data = parsed.data;
    const problems: string[] = [];
    const dupes = (kind: string, ids: string[]) => {
      const seen = new Set<string>();
      for (const id of ids) {
        if (seen.has(id)) problems.push(`${kind} id "${id}" appears twice`);
        seen.add(id);
      }
      return seen;
    };
    const localityIds = dupes(
      'locality',
      data.localities.map((l) => l.id),
    );
    const sites = new Map(data.sites.map((s) => [s.id, s]));
    dupes(
      'site',
      data.sites.map((s) => s.id),
    );
    dupes(
      'device',
      data.devices.map((d) => d.id),
    );
    for (const l of data.localities) {
      if (l.parentId !== null && !localityIds.has(l.parentId)) {
        problems.push(`locality "${l.id}": parent "${l.parentId}" is not a locality`);
      }
    }
    for (const s of data.sites) {
      if (!localityIds.has(s.localityId)) problems.push(`site "${s.id}": locality "${s.localityId}" is unknown`);
    }
    for (const d of data.devices) {
      const site = sites.get(d.siteId);
      if (site === undefined) problems.push(`device "${d.id}": site "${d.siteId}" is unknown`);
      else if (!SITE_KINDS_FOR[d.kind].includes(site.kind)) {
        problems.push(`device "${d.id}": a ${d.kind} cannot be installed at a ${site.kind} ("${site.id}")`);
      }
    }
    problems.push(...externalProblems(data.devices));
    if (problems.length > 0) throw new RegistryError(problems);
    return new Registry(data);
  }

  /** The device and where it is; `undefined` for unknown or disabled devices. */
  placement(deviceId: string): DevicePlacement | undefined {
    const p = this.#placements.get(deviceId);
    return p?.device.enabled ? p : undefined;
  }

  /**
   * The enabled device bound to a foreign id, e.g. `byExternal('frigate', 'bank_cam')`. For a
   * Tasmota topic split by channel this is the first channel's device: use `allByExternal`.
   */
  byExternal<K extends ExternalKind>(kind: K, id: string): ExternalDevice<K> | undefined {
    return this.allByExternal(kind, id)[0];
  }

  /** Every enabled device bound to a foreign id (several only for the channels of one Tasmota topic). */
  allByExternal<K extends ExternalKind>(kind: K, id: string): readonly ExternalDevice<K>[] {
    const list = this.#external.get(kind)?.get(id) ?? [];
    return list.filter((e) => e.placement.device.enabled) as ExternalDevice<K>[];
  }

  locality(id: string): Locality | undefined {
    return this.#localities.get(id);
  }

  site(id: string): Site | undefined {
    return this.#sites.get(id);
  }

  /** A locality and, for the city, every locality under it. */
  localityScope(id: string): string[] {
    const out = [id];
    for (const l of this.data.localities) if (l.parentId === id) out.push(...this.localityScope(l.id));
    return out;
  }
}

/**
 * Foreign bindings: each on a device of the right kind, each foreign id bound once (a Tasmota topic
 * either whole or per distinct channel), and `publishedBy` naming a device. Disabled devices count
 * too, so enabling one never creates a clash.
 */
function externalProblems(devices: readonly Device[]): string[] {
  const problems: string[] = [];
  const ids = new Set(devices.map((d) => d.id));
  /** `kind:id` → the bindings seen so far, with the Tasmota channel (undefined: the whole topic). */
  const seen = new Map<string, { deviceId: string; channel: number | undefined }[]>();
  for (const d of devices) {
    if (d.external === undefined) continue;
    for (const kind of Object.keys(EXTERNAL_DEVICE_KIND) as ExternalKind[]) {
      const b = d.external[kind];
      if (b === undefined) continue;
      const id = externalId(kind, b);
      if (d.kind !== EXTERNAL_DEVICE_KIND[kind]) {
        problems.push(
          `device "${d.id}": a ${kind} binding belongs on a ${EXTERNAL_DEVICE_KIND[kind]}, not on this ${d.kind}`,
        );
      }
      if (b.publishedBy !== undefined && !ids.has(b.publishedBy)) {
        problems.push(`device "${d.id}": ${kind}.publishedBy "${b.publishedBy}" is not a device`);
      }
      const channel = kind === 'tasmota' ? (b as { channel?: number }).channel : undefined;
      const key = `${kind}:${id}`;
      const before = seen.get(key) ?? [];
      // Channels of one Tasmota topic may go to different devices; anything else is a clash.
      const clash = before.find((o) => o.channel === undefined || channel === undefined || o.channel === channel);
      if (clash !== undefined) {
        const what = channel === undefined ? `"${id}"` : `"${id}" channel ${channel}`;
        problems.push(`device "${d.id}": ${kind} ${what} is already bound to device "${clash.deviceId}"`);
      }
      seen.set(key, [...before, { deviceId: d.id, channel }]);
    }
  }
  return problems;
}
