import type { DeviceKind } from '@hpg/contracts';
import { type Device, type Locality, type RegistryData, RegistryDataSchema, type Site } from './schema.ts';

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

  private constructor(data: RegistryData) {
    this.data = data;
    for (const l of data.localities) this.#localities.set(l.id, l);
    for (const s of data.sites) this.#sites.set(s.id, s);
    for (const d of data.devices) {
      const site = this.#sites.get(d.siteId);
      const locality = site && this.#localities.get(site.localityId);
      if (site && locality) this.#placements.set(d.id, { device: d, site, locality });
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
    if (problems.length > 0) throw new RegistryError(problems);
    return new Registry(data);
  }

  /** The device and where it is; `undefined` for unknown or disabled devices. */
  placement(deviceId: string): DevicePlacement | undefined {
    const p = this.#placements.get(deviceId);
    return p?.device.enabled ? p : undefined;
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
