/**
 * Validated alert rules bound to the registry: which rule and which contacts apply to a locality,
 * with inheritance from the nearest ancestor that has them. Pure: no I/O.
 */
import type { Registry } from '@hpg/registry';
import {
  type AlertRulesData,
  AlertRulesDataSchema,
  type Chain,
  type DeviceRules,
  type DumpingRule,
  type LocalityRules,
  type WastewaterRule,
} from './config-schema.ts';
import { ALERT_KINDS, type AlertKind, type Role } from './model.ts';

/** Default routing (issue #6): dumping to commune police, wastewater to the environment officer, devices to the operator. */
export const DEFAULT_ROLES: Readonly<Record<AlertKind, Role>> = {
  dumping: 'police',
  wastewater_exceedance: 'environment',
  wastewater_silence: 'environment',
  device_offline: 'operator',
  charger_faulted: 'operator',
  inverter_fault: 'operator',
};

/** The rule section an alert kind comes from, to check that a locality with the rule has someone to tell. */
const SECTION_OF: Readonly<Record<AlertKind, 'dumping' | 'wastewater' | 'devices'>> = {
  dumping: 'dumping',
  wastewater_exceedance: 'wastewater',
  wastewater_silence: 'wastewater',
  device_offline: 'devices',
  charger_faulted: 'devices',
  inverter_fault: 'devices',
};

export class AlertConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`alert rules are invalid:\n- ${problems.join('\n- ')}`);
    this.name = 'AlertConfigError';
    this.problems = problems;
  }
}

type Section = 'dumping' | 'wastewater' | 'devices' | 'contacts';

export class AlertRules {
  readonly data: AlertRulesData;
  readonly registry: Registry;
  readonly #byLocality = new Map<string, LocalityRules>();

  private constructor(data: AlertRulesData, registry: Registry) {
    this.data = data;
    this.registry = registry;
    for (const l of data.localities) this.#byLocality.set(l.localityId, l);
  }

  /** Validates the shape and every reference against the registry, reporting all problems at once. */
  static from(input: unknown, registry: Registry): AlertRules {
    const parsed = AlertRulesDataSchema.safeParse(input);
    if (!parsed.success) {
      throw new AlertConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
    }
    const rules = new AlertRules(parsed.data, registry);
    const problems = rules.#problems();
    if (problems.length > 0) throw new AlertConfigError(problems);
    return rules;
  }

  roleOf(kind: AlertKind): Role {
    return this.data.roles?.[kind] ?? DEFAULT_ROLES[kind];
  }

  dumping(localityId: string): DumpingRule | undefined {
    return this.#nearest(localityId, 'dumping')?.dumping;
  }

  wastewater(localityId: string): WastewaterRule | undefined {
    return this.#nearest(localityId, 'wastewater')?.wastewater;
  }

  devices(localityId: string): DeviceRules | undefined {
    return this.#nearest(localityId, 'devices')?.devices;
  }

  /** The escalation chain of a role for a locality: its own, else the nearest ancestor's. */
  chain(localityId: string, role: Role): Chain | undefined {
    for (const id of this.#lineage(localityId)) {
      const chain = this.#byLocality.get(id)?.contacts?.[role];
      if (chain !== undefined) return chain;
    }
    return undefined;
  }

  #nearest(localityId: string, section: Section): LocalityRules | undefined {
    for (const id of this.#lineage(localityId)) {
      const l = this.#byLocality.get(id);
      if (l?.[section] !== undefined) return l;
    }
    return undefined;
  }

  /** The locality, its parent, its parent's parent… (cycles cut). */
  #lineage(localityId: string): string[] {
    const out: string[] = [];
    let id: string | null | undefined = localityId;
    while (id != null && !out.includes(id)) {
      out.push(id);
      id = this.registry.locality(id)?.parentId;
    }
    return out;
  }

  #problems(): string[] {
    const problems: string[] = [];
    const seen = new Set<string>();
    const reg = this.registry;
    for (const [i, l] of this.data.localities.entries()) {
      const at = `localities.${i} (${l.localityId})`;
      if (seen.has(l.localityId)) problems.push(`${at}: locality appears twice`);
      seen.add(l.localityId);
      if (reg.locality(l.localityId) === undefined) problems.push(`${at}: locality is not in the registry`);
      for (const siteId of Object.keys(l.dumping?.zones ?? {})) {
        const site = reg.site(siteId);
        if (site?.kind !== 'camera_spot') problems.push(`${at}: dumping.zones: "${siteId}" is not a camera spot`);
        else if (!reg.localityScope(l.localityId).includes(site.localityId)) {
          problems.push(`${at}: dumping.zones: camera spot "${siteId}" is outside this locality`);
        }
      }
      for (const siteId of Object.keys(l.wastewater?.limits ?? {})) {
        if (reg.site(siteId)?.kind !== 'wastewater_plant') {
          problems.push(`${at}: wastewater.limits: "${siteId}" is not a wastewater plant`);
        }
      }
      const steps = l.wastewater?.severityByRatio ?? [];
      if (steps.some((s, k) => k > 0 && s.fromRatio <= (steps[k - 1]?.fromRatio ?? 0))) {
        problems.push(`${at}: wastewater.severityByRatio: ratios must increase`);
      }
      for (const [role, chain] of Object.entries(l.contacts ?? {})) {
        const ids = chain.chain.map((c) => c.id);
        if (new Set(ids).size !== ids.length) problems.push(`${at}: contacts.${role}: a contact appears twice`);
      }
    }
    // A locality where a rule applies must reach someone for it, or its alerts would go nowhere.
    for (const loc of reg.data.localities) {
      for (const kind of ALERT_KINDS) {
        if (this.#nearest(loc.id, SECTION_OF[kind]) === undefined) continue;
        if (kind === 'dumping' && !this.#hasSite(loc.id, 'camera_spot')) continue;
        if (kind.startsWith('wastewater') && !this.#hasSite(loc.id, 'wastewater_plant')) continue;
        const role = this.roleOf(kind);
        if (this.chain(loc.id, role) === undefined) {
          problems.push(`locality "${loc.id}": ${kind} alerts apply but no "${role}" contacts are set (nor inherited)`);
        }
      }
    }
    return [...new Set(problems)];
  }

  #hasSite(localityId: string, kind: string): boolean {
    return this.registry.data.sites.some((s) => s.localityId === localityId && s.kind === kind);
  }
}
