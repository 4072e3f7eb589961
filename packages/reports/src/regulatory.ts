/**
 * Loads the regulatory data (config/regulatory): the wastewater standards, the targets and the
 * grid emission factors. Validated at start; a broken file stops the process with its problems.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type EmissionFactors,
  EmissionFactorsSchema,
  type EvDisplacement,
  EvDisplacementSchema,
  type Standard,
  StandardSchema,
  type Target,
  TargetsFileSchema,
} from '@hpg/indicators';

export interface Regulatory {
  readonly standards: ReadonlyMap<string, Standard>;
  readonly targets: readonly Target[];
  readonly emissionFactors: EmissionFactors;
  readonly evDisplacement: EvDisplacement;
}

export function loadRegulatory(dir: string): Regulatory {
  const read = (f: string): unknown => JSON.parse(readFileSync(join(dir, f), 'utf8'));
  const standards = new Map<string, Standard>();
  for (const f of readdirSync(dir)
    .filter((n) => n.startsWith('qcvn-') && n.endsWith('.json'))
    .sort()) {
    const s = StandardSchema.parse(read(f));
    standards.set(s.id, s);
  }
  return {
    standards,
    targets: TargetsFileSchema.parse(read('targets.json')).targets,
    emissionFactors: EmissionFactorsSchema.parse(read('grid-emission-factors.json')),
    evDisplacement: EvDisplacementSchema.parse(read('ev-displacement.json')),
  };
}
