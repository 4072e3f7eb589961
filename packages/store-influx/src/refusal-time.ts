/**
 * The timestamp of a refusal point. A refusal is identified by its id, but InfluxDB identifies a
 * point by series and time, and the refusal id cannot be a tag (every refusal would start a
 * series of its own, and the id comes from outside). So the id goes into the time instead:
 *
 *   time (ns) = receivedAt (ms) × 1,000,000 + (FNV-1a-32(UTF-8 of id) mod 1,000,000)
 *
 * - Two refusals received in the same millisecond get different nanoseconds (unless their ids
 *   hash to the same offset, about 1 in a million per pair in the same millisecond and reason:
 *   then the later one overwrites the earlier), so they do not overwrite each other as two
 *   points at the same millisecond would.
 * - A replay of the same refusal computes the same offset, lands on the same point and
 *   overwrites it: writing is idempotent by id, as the Store port requires.
 * - The offset stays inside the millisecond, so millisecond ranges select exactly the refusals
 *   received in them, and reading times back at millisecond precision (`epoch=ms` truncates)
 *   gives receivedAt exactly.
 * FNV-1a is written out here because the offset must never change between processes or
 * versions (it is part of the stored identity): no runtime string hash, no randomness.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a, 32 bits, over the UTF-8 bytes of `text` (the standard variant, so other tools can recompute it). */
export function fnv1a32(text: string): number {
  let h = FNV_OFFSET;
  for (const byte of Buffer.from(text, 'utf8')) h = Math.imul(h ^ byte, FNV_PRIME);
  return h >>> 0;
}

/** The sub-millisecond offset of a refusal, in nanoseconds: 0 … 999,999. */
export function refusalOffsetNs(id: string): number {
  return fnv1a32(id) % 1_000_000;
}

/** The nanosecond timestamp of a refusal as line protocol text (beyond 2^53, so built as text). */
export function refusalTimeNs(receivedAtMs: number, id: string): string {
  const offset = refusalOffsetNs(id);
  if (receivedAtMs === 0) return String(offset);
  return `${receivedAtMs}${String(offset).padStart(6, '0')}`;
}
