import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Registry, type RegistryData } from '@hpg/registry';

/** The registry from a JSON file (resolved against the working directory) or from data. */
export function loadRegistry(source: string | RegistryData): Registry {
  if (typeof source !== 'string') return Registry.from(source);
  return Registry.from(JSON.parse(readFileSync(resolve(source), 'utf8')));
}
