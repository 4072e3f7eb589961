import { ReadingSchema, RefusalSchema } from '@hpg/contracts';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LIMITS,
  decodeStationFile,
  decodeStationFileMessage,
  decodeStationFileNamed,
  parseStationFileName,
  parseStationTopic,
  type StationFileContext,
  type StationFileResult,
  stationDeviceId,
  stationFileKey,
} from '../src/index.ts';
import { testRegistry } from './registry-fixture.ts';

// Files written from the format definition (wastewater.md "Continuous monitoring stations").
const NOW = Date.UTC(2026, 10, 22, 3, 0, 0); // 10:00 in Hai Phong
const ctx: StationFileContext = {
  registry: testRegistry(),
  limits: DEFAULT_LIMITS,
  newId: () => {
    throw new Error('station-file refusal ids are derived, never drawn');
  },
};

const file = (lines: readonly string[], eol = '\r\n') => Buffer.from(lines.map((l) => `${l}${eol}`).join(''));
const line = (...fields: string[]) => fields.join('\t');

/** A complete 09:55 transmission (local time), all parameters measuring. */
const FULL = [
  line('Flow', '55.5', 'm3/h', '20261122095500', '00'),
  line('Flow_in', '1440', 'm3/d', '20261122095500', '00'),
  line('Temp', '29.4', '°C', '20261122095500', '00'),
  line('pH', '7.12', 'pH', '20261122095500', '00'),
  line('TSS', '18.2', 'mg/L', '20261122095500', '00'),
  line('COD', '61.5', 'mg/L', '20261122095500', '00'),
  line('NH4', '2.1', 'mg/L', '20261122095500', '00'),
  line('TN', '12.4', 'mg/L', '20261122095500', '00'),
  line('TP', '1.3', 'mg/L', '20261122095500', '00'),
  line('Color', '35', 'Pt-Co', '20261122095500', '00'),
];

const named = (fileName: string, payload: Buffer, c: StationFileContext = ctx) =>
  decodeStationFileNamed({ fileName, payload, receivedAt: NOW }, c);

function valid(r: StationFileResult): StationFileResult {
  for (const x of r.readings) expect(ReadingSchema.parse(x)).toEqual(x);
  for (const x of r.refusals) expect(RefusalSchema.parse(x)).toEqual(x);
  return r;
}

const reasons = (r: StationFileResult) => r.refusals.map((x) => [x.detail.match(/^line (\d+)/)?.[1], x.reason]);

describe('station transfer file: names and topics', () => {
  it('reads the station code from <station>_<YYYYMMDDhhmmss>.txt, underscores in the code included', () => {
    expect(parseStationFileName('WW-1_20261122095500.txt')).toEqual({ station: 'WW-1', fileTime: '20261122095500' });
    expect(parseStationFileName('HP_KCN_NOMURA_NT_20261122095500.TXT')?.station).toBe('HP_KCN_NOMURA_NT');
    expect(parseStationFileName('WW-1_202611220955.txt')).toBeUndefined();
    expect(parseStationFileName('WW-1_20261122095500.txt.part')).toBeUndefined();
    expect(parseStationTopic('hpg/v1/stations/WW-1/file')).toBe('WW-1');
    expect(parseStationTopic('hpg/v1/stations/a/b/file')).toBeUndefined();
    expect(parseStationTopic('hpg/v1/stations//file')).toBeUndefined();
  });

  it('maps a station code to a device: the table first, else the code in lower case', () => {
    expect(stationDeviceId('WW-1')).toBe('ww-1');
    expect(stationDeviceId('HP_KCN_01', { HP_KCN_01: 'ww-1' })).toBe('ww-1');
    expect(stationDeviceId('__proto__', {})).toBe('__proto__');
  });
});

describe('station transfer file: accepted lines', () => {
  it('groups the lines of one time into one wastewater reading, canonical units, status per value', () => {
    const r = valid(named('WW-1_20261122095500.txt', file(FULL)));
    expect(r.refusals).toEqual([]);
    expect(r.linesAccepted).toBe(10);
    expect(r.readings).toHaveLength(1);
    const reading = r.readings[0];
    expect(reading).toMatchObject({
      measurement: 'wastewater',
      deviceId: 'ww-1',
      siteId: 'wwtp-1',
      localityId: 'tan-minh',
      channel: '',
      ts: Date.UTC(2026, 10, 22, 2, 55), // 09:55 local = 02:55 UTC
      receivedAt: NOW,
      source: 'tt10-2021/file',
      values: {
        flow_out: 55.5,
        temperature: 29.4,
        ph: 7.12,
        tss: 18.2,
        cod: 61.5,
        nh4: 2.1,
        tn: 12.4,
        tp: 1.3,
        color: 35,
      },
    });
    expect(reading?.values.flow_in).toBeCloseTo(60); // 1440 m³/d = 60 m³/h
    expect(Object.values(reading?.quality ?? {})).toEqual(Array(10).fill('measuring'));
  });

  it('reads LF files as CRLF files, and a UTF-8 BOM and a trailing TAB are tolerated', () => {
    const crlf = valid(named('WW-1_20261122095500.txt', file(FULL, '\r\n')));
    const lf = valid(named('WW-1_20261122095500.txt', file(FULL, '\n')));
    expect(lf.readings).toEqual(crlf.readings);
    const bom = valid(named('WW-1_20261122095500.txt', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), file(FULL)])));
    expect(bom.readings).toEqual(crlf.readings);
    const trailing = valid(named('WW-1_20261122095500.txt', file(FULL.map((l) => `${l}\t`))));
    expect(trailing.readings).toEqual(crlf.readings);
  });

  it('maps the three statuses: 00 measuring, 01 calibrating, 02 error (the values are kept)', () => {
    const r = valid(
      named(
        'WW-1_20261122095500.txt',
        file([
          line('COD', '61.5', 'mg/L', '20261122095500', '00'),
          line('pH', '7.0', 'pH', '20261122095500', '01'),
          line('TSS', '0', 'mg/L', '20261122095500', '02'),
        ]),
      ),
    );
    expect(r.readings[0]?.quality).toEqual({ cod: 'measuring', ph: 'calibrating', tss: 'error' });
    expect(r.readings[0]?.values).toEqual({ cod: 61.5, ph: 7, tss: 0 });
  });

  it('converts local time of the site to UTC (UTC+7), one reading per time, oldest first', () => {
    const r = valid(
      named(
        'WW-1_20261122000500.txt',
        file([
          line('COD', '60', 'mg/L', '20261122000500', '00'),
          line('COD', '59', 'mg/L', '20261121235500', '00'),
          line('pH', '7.1', 'pH', '20261122000500', '00'),
        ]),
      ),
    );
    // 00:05 on 22 Nov in Hai Phong is 17:05 UTC on 21 Nov.
    expect(r.readings.map((x) => [x.ts, x.values])).toEqual([
      [Date.UTC(2026, 10, 21, 16, 55), { cod: 59 }],
      [Date.UTC(2026, 10, 21, 17, 5), { cod: 60, ph: 7.1 }],
    ]);
  });

  it('decodes the same text from the MQTT topic hpg/v1/stations/<station>/file', () => {
    const fromFile = named('WW-1_20261122095500.txt', file(FULL));
    const out = decodeStationFileMessage(
      { topic: 'hpg/v1/stations/WW-1/file', payload: file(FULL), receivedAt: NOW, publisher: 'ww-1' },
      ctx,
    );
    expect(out).toEqual(fromFile.readings.map((record) => ({ kind: 'reading', record })));
  });
});

describe('station transfer file: refused lines, the rest kept', () => {
  it('refuses a malformed line in the middle with its line number and keeps the others', () => {
    const lines = [...FULL.slice(0, 3), 'COD 61.5 mg/L 20261122095500 00', ...FULL.slice(3)];
    const r = valid(named('WW-1_20261122095500.txt', file(lines)));
    expect(r.readings).toHaveLength(1);
    expect(Object.keys(r.readings[0]?.values ?? {})).toHaveLength(10);
    expect(r.linesAccepted).toBe(10);
    expect(r.linesRefused).toBe(1);
    expect(r.refusals).toHaveLength(1);
    expect(r.refusals[0]).toMatchObject({
      reason: 'malformed_line',
      topic: 'station-file:WW-1_20261122095500.txt',
      deviceId: 'ww-1',
      publisher: null,
      receivedAt: NOW,
      truncated: false,
    });
    expect(r.refusals[0]?.detail).toMatch(/^line 4: 1 TAB-separated field/);
    expect(Buffer.from(r.refusals[0]?.raw ?? '', 'base64').toString()).toBe('COD 61.5 mg/L 20261122095500 00');
  });

  it('gives each kind of bad line its reason, and blank lines are not data', () => {
    const r = valid(
      named(
        'WW-1_20261122095500.txt',
        file([
          line('COD', '61.5', 'mg/L', '20261122095500', '00'), // 1 ok
          line('TSS', '18', 'kg/m3', '20261122095500', '00'), // 2 wrong unit
          line('TOC', '20', 'mg/L', '20261122095500', '00'), // 3 no such metric here
          line('pH', '7.1', 'pH', '20261131095500', '00'), // 4 31 November
          line('NH4', '2', 'mg/L', 'yesterday', '00'), // 5 not a date
          '', // 6 blank
          line('TN', '12', 'mg/L', '20261122095500', '03'), // 7 unknown status
          line('TP', '1,3', 'mg/L', '20261122095500', '00'), // 8 decimal comma
          line('pH', '15', 'pH', '20261122095500', '00'), // 9 impossible pH
          line('Temp', 'NaN', '°C', '20261122095500', '00'), // 10
          line('COD', '62', 'mg/L', '20261122095500', '00'), // 11 COD again at the same time
          line('Color', '30', 'Pt-Co', '20261122105500', '00'), // 12 55 min ahead of receipt
          line('Flow', '50', 'm3/h', '20261122095500', '00'), // 13 ok
        ]),
      ),
    );
    expect(reasons(r)).toEqual([
      ['2', 'invalid_unit'],
      ['3', 'unknown_metric'],
      ['4', 'timestamp_invalid'],
      ['5', 'timestamp_invalid'],
      ['7', 'invalid_value'],
      ['8', 'invalid_type'],
      ['9', 'out_of_range'],
      ['10', 'non_finite_number'],
      ['11', 'invalid_value'],
      ['12', 'timestamp_in_future'],
    ]);
    expect(r.readings.map((x) => x.values)).toEqual([{ cod: 61.5, flow_out: 50 }]);
    expect(r.linesAccepted).toBe(2);
    expect(r.linesRefused).toBe(10);
    expect(r.refusals[0]?.detail).toContain('"kg/m3" is not accepted for tss');
    expect(r.refusals[8]?.detail).toContain('already given on line 1');
  });

  it('refuses lines older than the accepted age', () => {
    const r = named('WW-1_20251122095500.txt', file([line('COD', '1', 'mg/L', '20241122095500', '00')]));
    expect(reasons(r)).toEqual([['1', 'timestamp_too_old']]);
  });
});

describe('station transfer file: whole-file refusals', () => {
  it('refuses a file whose name does not name a station, keeping its bytes', () => {
    const r = valid(named('report.txt', file(FULL)));
    expect(r.readings).toEqual([]);
    expect(r.refusals).toHaveLength(1);
    expect(r.refusals[0]).toMatchObject({
      reason: 'invalid_value',
      deviceId: null,
      detail: expect.stringContaining('<station>_'),
    });
    expect(Buffer.from(r.refusals[0]?.raw ?? '', 'base64')).toEqual(file(FULL));
  });

  it('refuses a file of an unregistered station, a disabled device or another kind of device', () => {
    expect(named('NOPE_20261122095500.txt', file(FULL)).refusals.map((x) => [x.reason, x.deviceId])).toEqual([
      ['unknown_device', 'NOPE'],
    ]);
    expect(named('OFF-1_20261122095500.txt', file(FULL)).refusals[0]?.reason).toBe('unknown_device');
    expect(named('PV-1_20261122095500.txt', file(FULL)).refusals[0]?.reason).toBe('message_not_allowed');
  });

  it('uses the mapping table for station codes that are not device ids', () => {
    const mapped = { ...ctx, stationDevices: { HP_KCN_TANMINH_01: 'ww-1' } };
    const r = valid(named('HP_KCN_TANMINH_01_20261122095500.txt', file(FULL), mapped));
    expect(r.readings[0]?.deviceId).toBe('ww-1');
  });

  it('refuses garbage: binary, UTF-16, an empty file, a file too large', () => {
    const garbage = named('WW-1_20261122095500.txt', Buffer.from([0xc3, 0x28, 0x00, 0xff]));
    expect(garbage.refusals.map((x) => x.reason)).toEqual(['invalid_encoding']);
    const utf16 = named('WW-1_20261122095500.txt', Buffer.from(`\uFEFF${FULL.join('\r\n')}`, 'utf16le'));
    expect(utf16.refusals.map((x) => x.reason)).toEqual(['invalid_encoding']);
    const empty = named('WW-1_20261122095500.txt', Buffer.from('\r\n\r\n'));
    expect(empty.refusals.map((x) => x.reason)).toEqual(['missing_field']);
    const big = decodeStationFileNamed(
      { fileName: 'WW-1_20261122095500.txt', payload: Buffer.alloc(100, 0x41), size: 10_000_000, receivedAt: NOW },
      { ...ctx, limits: { ...DEFAULT_LIMITS, maxPayloadBytes: 64 } },
    );
    expect(big.refusals[0]).toMatchObject({ reason: 'payload_too_large', rawSize: 10_000_000, truncated: true });
    expect(Buffer.from(big.refusals[0]?.raw ?? '', 'base64')).toHaveLength(64);
    // Text lines of garbage: every line refused, nothing read.
    const words = valid(named('WW-1_20261122095500.txt', Buffer.from('hello\nworld\n')));
    expect(words.readings).toEqual([]);
    expect(reasons(words)).toEqual([
      ['1', 'malformed_line'],
      ['2', 'malformed_line'],
    ]);
  });

  it('over MQTT: the publisher must be the station device, the topic a station topic', () => {
    const msg = { topic: 'hpg/v1/stations/WW-1/file', payload: file(FULL), receivedAt: NOW, publisher: 'mt-1' };
    expect(decodeStationFileMessage(msg, ctx).map((o) => o.kind === 'refusal' && o.record.reason)).toEqual([
      'not_authorised',
    ]);
    const other = decodeStationFileMessage({ ...msg, topic: 'hpg/v1/stations/WW-1/x', publisher: null }, ctx);
    expect(other.map((o) => o.kind === 'refusal' && o.record.reason)).toEqual(['unknown_topic']);
    const big = decodeStationFileMessage(
      { ...msg, publisher: 'ww-1', payload: Buffer.alloc(DEFAULT_LIMITS.maxPayloadBytes + 1, 0x41) },
      ctx,
    );
    expect(big.map((o) => o.kind === 'refusal' && o.record.reason)).toEqual(['payload_too_large']);
  });
});

describe('station transfer file: a flood of bad lines', () => {
  it('lists the first bad lines one by one and sums up the rest in one refusal', () => {
    const junk = Array.from({ length: 250 }, (_, i) => `junk ${i}`);
    const r = valid(named('WW-1_20261122095500.txt', file([...FULL, ...junk]), { ...ctx, maxRefusedLines: 100 }));
    expect(r.readings).toHaveLength(1);
    expect(r.linesAccepted).toBe(10);
    expect(r.linesRefused).toBe(250);
    expect(r.refusals).toHaveLength(101);
    expect(r.refusals[100]).toMatchObject({ reason: 'malformed_line', id: `sf-${r.key}-111` });
    expect(r.refusals[100]?.detail).toMatch(/^line 111: 150 more bad line\(s\) from here on/);
    expect(new Set(r.refusals.map((x) => x.id)).size).toBe(101);
  });
});

describe('station transfer file: processing twice', () => {
  it('gives identical output for the same file, and refusal ids derived from content and line', () => {
    const bytes = file([...FULL, line('TOC', '20', 'mg/L', '20261122095500', '00'), 'garbage']);
    const a = named('WW-1_20261122095500.txt', bytes);
    const b = named('WW-1_20261122095500.txt', Buffer.from(bytes));
    expect(b).toEqual(a);
    const key = stationFileKey('WW-1', bytes);
    expect(a.key).toBe(key);
    expect(a.refusals.map((x) => x.id)).toEqual([`sf-${key}-11`, `sf-${key}-12`]);
    // Another station with the same bytes, or other bytes: other ids.
    expect(stationFileKey('WW-2', bytes)).not.toBe(key);
    const c = named('WW-1_20261122095500.txt', Buffer.concat([bytes, Buffer.from('\r\n')]));
    expect(c.refusals.map((x) => x.id)).not.toEqual(a.refusals.map((x) => x.id));
    // The FTP and MQTT deliveries of one text share the ids.
    const viaMqtt = decodeStationFile(
      { station: 'WW-1', payload: bytes, receivedAt: NOW, origin: 'hpg/v1/stations/WW-1/file', publisher: 'ww-1' },
      ctx,
    );
    expect(viaMqtt.refusals.map((x) => x.id)).toEqual(a.refusals.map((x) => x.id));
  });
});
