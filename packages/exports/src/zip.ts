/**
 * Fixed zip entry times, for XLSX files that are the same bytes for the same data.
 *
 * exceljs packs the workbook with JSZip and gives no entry a date, so JSZip stamps every entry
 * (and every folder entry it adds) with the time of writing, in the DOS time and date fields of
 * each local file header and central directory header. Nothing else in the archive depends on
 * the clock (no extended-timestamp fields; DEFLATE output depends on the input only). This
 * rewrites those two fields of every entry, found through the central directory, to one given
 * wall-clock time; the rest of the archive is untouched.
 */

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** DOS time and date of wall-clock fields (read from the date's UTC fields). Two-second resolution, years 1980–2107. */
export function dosDateTime(wall: Date): { time: number; date: number } {
  const y = Math.min(2107, Math.max(1980, wall.getUTCFullYear()));
  return {
    time: (wall.getUTCHours() << 11) | (wall.getUTCMinutes() << 5) | Math.floor(wall.getUTCSeconds() / 2),
    date: ((y - 1980) << 9) | ((wall.getUTCMonth() + 1) << 5) | wall.getUTCDate(),
  };
}

function findEndOfCentralDirectory(view: DataView): number {
  // The record is 22 bytes plus a comment of up to 65,535 bytes, at the end of the file.
  const last = view.byteLength - 22;
  for (let i = last; i >= Math.max(0, last - 65_535); i--) if (view.getUint32(i, true) === EOCD) return i;
  throw new Error('not a zip file: no end of central directory');
}

/** A copy of `zip` whose entries all carry the time `wall` (its UTC fields are the wall clock written). */
export function withFixedEntryTimes(zip: Uint8Array, wall: Date): Uint8Array {
  const out = new Uint8Array(zip);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const { time, date } = dosDateTime(wall);
  const eocd = findEndOfCentralDirectory(view);
  const entries = view.getUint16(eocd + 10, true);
  const size = view.getUint32(eocd + 12, true);
  let at = view.getUint32(eocd + 16, true);
  if (entries === 0xffff || size === 0xffffffff || at === 0xffffffff)
    throw new Error('zip64 archives are not expected');
  for (let i = 0; i < entries; i++) {
    if (view.getUint32(at, true) !== CENTRAL) throw new Error(`zip central directory entry ${i} is damaged`);
    view.setUint16(at + 12, time, true);
    view.setUint16(at + 14, date, true);
    const local = view.getUint32(at + 42, true);
    if (view.getUint32(local, true) !== LOCAL) throw new Error(`zip local header of entry ${i} is damaged`);
    view.setUint16(local + 10, time, true);
    view.setUint16(local + 12, date, true);
    at += 46 + view.getUint16(at + 28, true) + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return out;
}
