/** Reading exports back in tests: workbook sheets as header → value rows, and zip entry times. */
import ExcelJS from 'exceljs';

export async function readWorkbook(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ArrayBuffer);
  return wb;
}

/** Header texts of a sheet (row 2) and its data rows (from row 3) as objects keyed by header. */
export function table(ws: ExcelJS.Worksheet): { headers: string[]; rows: Record<string, ExcelJS.CellValue>[] } {
  const headers: string[] = [];
  ws.getRow(2).eachCell({ includeEmpty: false }, (cell, col) => {
    headers[col - 1] = String(cell.value);
  });
  const rows: Record<string, ExcelJS.CellValue>[] = [];
  for (let r = 3; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const o: Record<string, ExcelJS.CellValue> = {};
    headers.forEach((h, i) => {
      o[h] = row.getCell(i + 1).value;
    });
    rows.push(o);
  }
  return { headers, rows };
}

/** Number format of the cell under `header` in the row whose first matching column equals `key`. */
export function cellOf(ws: ExcelJS.Worksheet, keyHeader: string, key: string, header: string): ExcelJS.Cell {
  const { headers } = table(ws);
  const k = headers.indexOf(keyHeader) + 1;
  const c = headers.indexOf(header) + 1;
  for (let r = 3; r <= ws.rowCount; r++) if (ws.getRow(r).getCell(k).value === key) return ws.getRow(r).getCell(c);
  throw new Error(`no row ${key} in ${ws.name}`);
}

/** DOS time and date fields of every zip entry (central directory and local headers). */
export function zipEntryTimes(
  zip: Uint8Array,
): { name: string; time: number; date: number; localTime: number; localDate: number }[] {
  const v = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let eocd = zip.length - 22;
  while (v.getUint32(eocd, true) !== 0x06054b50) eocd--;
  const n = v.getUint16(eocd + 10, true);
  let at = v.getUint32(eocd + 16, true);
  const out = [];
  for (let i = 0; i < n; i++) {
    const nameLen = v.getUint16(at + 28, true);
    const local = v.getUint32(at + 42, true);
    out.push({
      name: new TextDecoder().decode(zip.subarray(at + 46, at + 46 + nameLen)),
      time: v.getUint16(at + 12, true),
      date: v.getUint16(at + 14, true),
      localTime: v.getUint16(local + 10, true),
      localDate: v.getUint16(local + 12, true),
    });
    at += 46 + nameLen + v.getUint16(at + 30, true) + v.getUint16(at + 32, true);
  }
  return out;
}
