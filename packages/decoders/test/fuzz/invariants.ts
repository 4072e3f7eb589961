/**
 * What must hold for every outcome of every input, however hostile: the properties the fuzz
 * tests check. Each check returns the problems it found (empty when all is well), so a run
 * collects every failure with its case instead of stopping at the first.
 */
import {
  DetectionSchema,
  type MetricSpec,
  metricsByMeasurement,
  REFUSAL_REASONS,
  type Reading,
  ReadingSchema,
  type Refusal,
  RefusalSchema,
} from '@hpg/contracts';
import { type DecodeLimits, IGNORE_REASONS, type RawMessage, type Routed } from '../../src/index.ts';

const firstIssue = (e: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }) => {
  const i = e.issues[0];
  return i === undefined ? '?' : `${i.path.map(String).join('.')}: ${i.message}`;
};

/** A reading's values: finite, catalogue metrics only, within the catalogue's physical bounds. */
export function readingProblems(r: Reading): string[] {
  const problems: string[] = [];
  const parsed = ReadingSchema.safeParse(r);
  if (!parsed.success) problems.push(`reading fails its schema: ${firstIssue(parsed.error)}`);
  const catalogue: Readonly<Record<string, MetricSpec>> = metricsByMeasurement[r.measurement] ?? {};
  for (const container of [r.values, r.states, r.quality]) {
    if (Object.getPrototypeOf(container) !== Object.prototype) problems.push('a reading map has a foreign prototype');
  }
  for (const [metric, value] of Object.entries(r.values)) {
    const spec = Object.hasOwn(catalogue, metric) ? catalogue[metric] : undefined;
    if (spec === undefined) {
      problems.push(`values.${metric}: not a ${r.measurement} metric of the catalogue`);
    } else if (typeof value !== 'number' || !Number.isFinite(value)) {
      problems.push(`values.${metric}: ${String(value)} is not a finite number`);
    } else if (value < spec.min || value > spec.max) {
      problems.push(`values.${metric}: ${value} outside ${spec.min}..${spec.max}`);
    }
  }
  return problems;
}

/** A refusal: schema, a documented reason (never a decoder failure), the raw bytes kept. */
export function refusalProblems(f: Refusal, limits: DecodeLimits, payload: Buffer | undefined): string[] {
  const problems: string[] = [];
  const parsed = RefusalSchema.safeParse(f);
  if (!parsed.success) problems.push(`refusal fails its schema: ${firstIssue(parsed.error)}`);
  if (!Object.hasOwn(REFUSAL_REASONS, f.reason)) problems.push(`unknown refusal reason "${f.reason}"`);
  if (f.reason === 'decode_failed') problems.push('decode_failed: a decoder bug');
  if (f.detail.length === 0) problems.push('refusal without a detail');
  if (payload === undefined) return problems;
  const raw = Buffer.from(f.raw, 'base64');
  if (f.id.startsWith('sf-')) {
    // Station files: a bad line keeps that line's bytes; a whole-file refusal keeps the file.
    if (!payload.includes(raw)) problems.push('station refusal: raw bytes are not part of the file');
    if (!f.truncated && f.rawSize !== raw.length) problems.push(`rawSize ${f.rawSize} != kept ${raw.length}`);
  } else {
    const kept = payload.subarray(0, limits.maxPayloadBytes);
    if (!raw.equals(kept)) problems.push(`raw bytes not kept (${raw.length} of ${payload.length} bytes)`);
    if (f.rawSize !== payload.length) problems.push(`rawSize ${f.rawSize} != ${payload.length}`);
    if (f.truncated !== payload.length > limits.maxPayloadBytes) problems.push('truncated flag wrong');
  }
  return problems;
}

/** Everything the router returned for one message. */
export function outcomeProblems(out: unknown, msg: RawMessage, limits: DecodeLimits): string[] {
  if (!Array.isArray(out)) return ['the router did not return a list'];
  if (out.length === 0) return ['the router returned no outcome'];
  const problems: string[] = [];
  const within = (ms: number, field: string) => {
    if (ms - msg.receivedAt > limits.maxFutureSkewMs || msg.receivedAt - ms > limits.maxAgeMs) {
      problems.push(`${field} ${ms} outside the accepted window`);
    }
  };
  for (const o of out as Routed[]) {
    switch (o.kind) {
      case 'reading':
        problems.push(...readingProblems(o.record));
        within(o.record.ts, 'ts');
        if (o.record.receivedAt !== msg.receivedAt) problems.push('reading receivedAt changed');
        break;
      case 'detection': {
        const parsed = DetectionSchema.safeParse(o.record);
        if (!parsed.success) problems.push(`detection fails its schema: ${firstIssue(parsed.error)}`);
        const d = o.record;
        if (!(Number.isFinite(d.score) && d.score >= 0 && d.score <= 1)) problems.push(`score ${d.score}`);
        if (d.box !== null && !d.box.every((x) => Number.isFinite(x) && x >= 0)) problems.push('box not finite');
        within(d.ts, 'ts');
        within(d.startedAt, 'startedAt');
        if (d.endedAt !== null) within(d.endedAt, 'endedAt');
        break;
      }
      case 'refusal':
        problems.push(...refusalProblems(o.record, limits, msg.payload));
        if (o.record.receivedAt !== msg.receivedAt) problems.push('refusal receivedAt changed');
        break;
      case 'ignored':
        if (!Object.hasOwn(IGNORE_REASONS, o.why)) problems.push(`unknown ignore reason "${o.why}"`);
        break;
      default:
        problems.push(`unknown outcome kind ${JSON.stringify((o as { kind?: unknown }).kind)}`);
    }
  }
  return problems;
}

const PROTOTYPES: readonly [string, object][] = [
  ['Object', Object.prototype],
  ['Array', Array.prototype],
  ['Function', Function.prototype],
  ['String', String.prototype],
  ['Number', Number.prototype],
];

/** Own property names of the built-in prototypes, to compare before and after a run. */
export function prototypeSnapshot(): string {
  return PROTOTYPES.map(([name, p]) => `${name}:${Reflect.ownKeys(p).map(String).sort().join(',')}`).join('\n');
}

/** Names a polluting payload would add, read through a fresh object. */
export function pollutionProbe(): string[] {
  const probe = {} as Record<string, unknown>;
  return ['polluted', 'pwned', 'value', 'unit', 'metrics', 'prototype'].filter((k) => probe[k] !== undefined);
}
