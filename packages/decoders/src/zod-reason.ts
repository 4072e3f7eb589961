import type { RefusalReason } from '@hpg/contracts';
import type { z } from 'zod';

function valueAt(input: unknown, path: readonly PropertyKey[]): { found: boolean; value: unknown } {
  let cur: unknown = input;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, key)) return { found: false, value: undefined };
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return { found: true, value: cur };
}

/** Maps the first schema issue to a stable reason code and a readable detail. */
export function reasonFromIssues(input: unknown, error: z.ZodError): { reason: RefusalReason; detail: string } {
  const issue = error.issues[0];
  if (issue === undefined) return { reason: 'invalid_value', detail: 'schema check failed' };
  const where = issue.path.length > 0 ? issue.path.join('.') : '(payload)';
  const at = valueAt(input, issue.path);
  const detail = `${where}: ${issue.message}`;
  const aboutAValue = issue.code === 'invalid_type' || issue.code === 'invalid_value' || issue.code === 'invalid_union';
  if (aboutAValue && !at.found) return { reason: 'missing_field', detail };
  switch (issue.code) {
    case 'invalid_type':
      if (typeof at.value === 'number' && !Number.isFinite(at.value)) return { reason: 'non_finite_number', detail };
      return { reason: 'invalid_type', detail };
    case 'too_small':
    case 'too_big':
      return { reason: typeof at.value === 'number' ? 'out_of_range' : 'invalid_value', detail };
    case 'invalid_key':
    case 'unrecognized_keys':
      return { reason: issue.path.includes('metrics') ? 'unknown_metric' : 'invalid_value', detail };
    case 'custom':
      return { reason: 'missing_field', detail };
    case 'invalid_union':
      // e.g. a Tasmota value that may be a number or an array, overflowing to Infinity.
      if (typeof at.value === 'number' && !Number.isFinite(at.value)) return { reason: 'non_finite_number', detail };
      return { reason: 'invalid_type', detail };
    default:
      return { reason: 'invalid_value', detail };
  }
}
