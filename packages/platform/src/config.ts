/**
 * One configuration per process: defaults in the zod schema, then an optional JSON file, then
 * environment variables, validated once at start. Every problem is reported at once, each with
 * where the bad value came from, so an operator fixes them in one pass.
 */
import { readFileSync } from 'node:fs';
import type { z } from 'zod';

export type EnvType = 'string' | 'int' | 'number' | 'bool' | 'list';

/** An environment variable and the config path it sets, e.g. HPG_API_PORT → api.port (int). */
export interface EnvBinding {
  readonly path: string;
  readonly type: EnvType;
  readonly description: string;
}

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`configuration is invalid:\n- ${problems.join('\n- ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let cur = target;
  for (const k of keys.slice(0, -1)) {
    const next = cur[k];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[keys[keys.length - 1] as string] = value;
}

function convert(raw: string, type: EnvType): { ok: true; value: unknown } | { ok: false; why: string } {
  switch (type) {
    case 'string':
      return { ok: true, value: raw };
    case 'int':
      return /^-?\d+$/.test(raw.trim()) ? { ok: true, value: Number(raw) } : { ok: false, why: 'expected an integer' };
    case 'number': {
      const n = Number(raw);
      return raw.trim() !== '' && Number.isFinite(n) ? { ok: true, value: n } : { ok: false, why: 'expected a number' };
    }
    case 'bool':
      if (['true', '1', 'yes', 'on'].includes(raw.toLowerCase())) return { ok: true, value: true };
      if (['false', '0', 'no', 'off'].includes(raw.toLowerCase())) return { ok: true, value: false };
      return { ok: false, why: 'expected true or false' };
    case 'list':
      return {
        ok: true,
        value: raw
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      };
  }
}

export interface LoadConfigOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly bindings: Readonly<Record<string, EnvBinding>>;
  /** JSON file with any subset of the settings; `undefined` for none. */
  readonly file?: string | undefined;
}

export function loadConfig<S extends z.ZodType>(schema: S, options: LoadConfigOptions): z.infer<S> {
  const problems: string[] = [];
  const origin = new Map<string, string>();
  let input: Record<string, unknown> = {};
  if (options.file !== undefined) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(options.file, 'utf8'));
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        problems.push(`${options.file}: expected a JSON object`);
      } else input = parsed as Record<string, unknown>;
    } catch (err) {
      problems.push(`${options.file}: ${(err as Error).message}`);
    }
  }
  for (const [name, binding] of Object.entries(options.bindings)) {
    const raw = options.env[name];
    if (raw === undefined || raw === '') continue;
    const converted = convert(raw, binding.type);
    if (!converted.ok) problems.push(`${name}=${JSON.stringify(raw)}: ${converted.why} (${binding.path})`);
    else {
      setPath(input, binding.path, converted.value);
      origin.set(binding.path, name);
    }
  }
  const result = schema.safeParse(input);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.path.join('.');
      const from = origin.get(path) ?? (options.file !== undefined ? `${options.file} or default` : 'default');
      problems.push(`${path || '(root)'}: ${issue.message} (from ${from})`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return (result as { data: z.infer<S> }).data;
}

/** The environment variables a process reads, for its --help and the README. */
export function describeBindings(bindings: Readonly<Record<string, EnvBinding>>): string {
  return Object.entries(bindings)
    .map(([name, b]) => `  ${name.padEnd(28)} ${b.path.padEnd(28)} ${b.description}`)
    .join('\n');
}
