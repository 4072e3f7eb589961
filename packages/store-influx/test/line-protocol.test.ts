/**
 * Escaping in line protocol and InfluxQL, with nasty strings. The engine tests show the same
 * strings making the round trip through a real server.
 */
import { PortError } from '@hpg/ports';
import { detection, reading, refusal, T0 } from '@hpg/ports/testing';
import { describe, expect, it } from 'vitest';
import { quoteIdent, quoteLiteral } from '../src/influxql.ts';
import { escapeKey, escapeMeasurement, formatFloat, formatInteger, quoteString } from '../src/line-protocol.ts';
import { parseQueryAnswer } from '../src/query-result.ts';
import { detectionLine, FieldKeyCache, readingLine, refusalLine } from '../src/record-lines.ts';
import { fnv1a32, refusalOffsetNs, refusalTimeNs } from '../src/refusal-time.ts';

const rejectedWith = (fn: () => unknown, pattern: RegExp) => {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(PortError);
  expect(err).toMatchObject({ code: 'store_rejected', canRetry: false });
  expect((err as Error).message).toMatch(pattern);
};

describe('line protocol escaping', () => {
  it('escapes commas and spaces in measurements', () => {
    expect(escapeMeasurement('wastewater')).toBe('wastewater');
    expect(escapeMeasurement('a,b c=d')).toBe('a\\,b\\ c=d');
    rejectedWith(() => escapeMeasurement(''), /empty/);
  });

  it('escapes commas, spaces and equals signs in keys and tag values, leaving other text alone', () => {
    expect(escapeKey('plain-key_1.0', 'tag value')).toBe('plain-key_1.0');
    expect(escapeKey('a,b c=d', 'tag value')).toBe('a\\,b\\ c\\=d');
    expect(escapeKey(',,  ==', 'tag value')).toBe('\\,\\,\\ \\ \\=\\=');
    // Quotes are plain characters there; a backslash before anything else stays as it is.
    expect(escapeKey('"quoted" \'single\'', 'tag value')).toBe('"quoted"\\ \'single\'');
    expect(escapeKey('C:\\dir\\file', 'tag value')).toBe('C:\\dir\\file');
    expect(escapeKey('tab\there é 水 🙂', 'tag value')).toBe('tab\there\\ é\\ 水\\ 🙂');
  });

  it('refuses keys and tag values the parser cannot read back', () => {
    rejectedWith(() => escapeKey('', 'channel'), /channel cannot be empty/);
    rejectedWith(() => escapeKey('line\nbreak', 'channel'), /line break in a channel/);
    rejectedWith(() => escapeKey('carriage\rreturn', 'field key'), /line break/);
    rejectedWith(() => escapeKey('ends in \\', 'event id'), /backslash .* event id/);
    rejectedWith(() => escapeKey('a\\,b', 'tag value'), /backslash before a comma/);
    rejectedWith(() => escapeKey('a\\ b', 'tag value'), /backslash/);
    rejectedWith(() => escapeKey('a\\=b', 'tag value'), /backslash/);
  });

  it('quotes string field values, escaping only double quotes and backslashes', () => {
    expect(quoteString('plain')).toBe('"plain"');
    expect(quoteString('')).toBe('""');
    expect(quoteString('say "hi"')).toBe('"say \\"hi\\""');
    expect(quoteString('back\\slash\\')).toBe('"back\\\\slash\\\\"');
    expect(quoteString('\\"')).toBe('"\\\\\\""');
    // Line breaks, commas, spaces and equals signs need nothing inside the quotes.
    expect(quoteString('a,b c=d\nnext\r\nline')).toBe('"a,b c=d\nnext\r\nline"');
  });

  it('formats numbers as the parser reads them back', () => {
    expect(formatFloat(42.5, 'v')).toBe('42.5');
    expect(formatFloat(7, 'v')).toBe('7');
    expect(formatFloat(-0, 'v')).toBe('-0');
    expect(formatFloat(1.5e21, 'v')).toBe('1.5e+21');
    expect(formatFloat(1e-7, 'v')).toBe('1e-7');
    expect(formatFloat(0.1 + 0.2, 'v')).toBe('0.30000000000000004');
    rejectedWith(() => formatFloat(Number.NaN, 'value "cod"'), /value "cod" is NaN/);
    rejectedWith(() => formatFloat(Number.POSITIVE_INFINITY, 'v'), /Infinity/);
    expect(formatInteger(T0, 'ts')).toBe(`${T0}i`);
    rejectedWith(() => formatInteger(1.5, 'rawSize'), /rawSize must be an integer/);
  });
});

describe('record lines', () => {
  it('writes a reading as tags for its identity and fields for the rest', () => {
    const line = readingLine(
      reading({
        measurement: 'ev_status',
        channel: '1 a',
        values: { power: 7200.5 },
        quality: {},
        states: { status: 'Charging', 'a,b': 'x "y"' },
      }),
      new FieldKeyCache(),
    );
    expect(line).toBe(
      'ev_status,channel=1\\ a,device=ww-test-01 ' +
        `received_at=${T0 + 1000}i,site="site-test-01",locality="tan-minh",source="hpg-json/v1",` +
        'power=7200.5,s_status="Charging",s_a\\,b="x \\"y\\"",' +
        'field_keys="[\\"power\\",\\"s_status\\",\\"s_a,b\\"]" ' +
        `${T0}`,
    );
  });

  it('leaves the channel tag out when it is empty, and always has a field', () => {
    const line = readingLine(
      reading({ measurement: 'ev_status', values: {}, quality: {}, states: {} }),
      new FieldKeyCache(),
    );
    expect(line).toMatch(/^ev_status,device=ww-test-01 received_at=\d+i,/);
    expect(line).toContain('field_keys="[]"');
  });

  it('writes nullable detection fields as absent, listed in null_fields', () => {
    const line = detectionLine(
      detection({ zone: null, box: null, snapshotUrl: null, snapshotSha256: null, endedAt: null }),
    );
    expect(line).toMatch(/^detections,device=cam-test-01,event_id=evt-1 /);
    expect(line).not.toMatch(/zone=|box=|snapshot_url=|ended_at=/);
    expect(line).toContain('null_fields="zone,box,snapshot_url,snapshot_sha256,ended_at"');
    expect(line.endsWith(` ${T0}`)).toBe(true);
    expect(detectionLine(detection())).toContain('box="[10,20,110,220]"');
  });

  it('writes a refusal at receivedAt plus an offset of its id, in nanoseconds', () => {
    const line = refusalLine(refusal({ id: 'ref-1', receivedAt: T0 }));
    expect(line).toMatch(/^refusals,reason=malformed_json id="ref-1",/);
    expect(line.endsWith(` ${T0}${String(refusalOffsetNs('ref-1')).padStart(6, '0')}`)).toBe(true);
  });
});

describe('refusal time', () => {
  it('is FNV-1a over the UTF-8 of the id, stable across processes', () => {
    // Published FNV-1a 32-bit test vectors.
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('stays inside the millisecond and spreads ids of the same millisecond', () => {
    const offsets = new Set<number>();
    for (let i = 0; i < 1_000; i++) {
      const o = refusalOffsetNs(`ref-${i}`);
      expect(o).toBeGreaterThanOrEqual(0);
      expect(o).toBeLessThan(1_000_000);
      offsets.add(o);
    }
    // 1,000 ids in 10^6 slots: a birthday collision or two at most.
    expect(offsets.size).toBeGreaterThanOrEqual(997);
    expect(refusalTimeNs(0, 'x')).toBe(String(refusalOffsetNs('x')));
    expect(refusalTimeNs(5, 'x')).toBe(`5${String(refusalOffsetNs('x')).padStart(6, '0')}`);
    expect(refusalTimeNs(T0, 'same')).toBe(refusalTimeNs(T0, 'same'));
  });
});

describe('InfluxQL quoting', () => {
  it('quotes identifiers and string literals with backslash escapes', () => {
    expect(quoteIdent('wastewater')).toBe('"wastewater"');
    expect(quoteIdent('we"ird\\name')).toBe('"we\\"ird\\\\name"');
    expect(quoteLiteral("o'neil")).toBe("'o\\'neil'");
    expect(quoteLiteral('back\\slash "q"')).toBe('\'back\\\\slash \\"q\\"\'');
    expect(quoteLiteral('two\nlines')).toBe("'two\\nlines'");
  });
});

describe('query answers', () => {
  it('surfaces statement errors and top-level errors', () => {
    expect(parseQueryAnswer('{"results":[{"statement_id":0,"error":"database not found: x"}]}')).toEqual([
      { statementId: 0, series: [], error: 'database not found: x' },
    ]);
    expect(() => parseQueryAnswer('{"error":"error parsing query: found EOF"}')).toThrow(/error parsing query/);
    expect(() => parseQueryAnswer('<html>proxy</html>')).toThrow(/unreadable answer/);
  });

  it('keeps two series with the same name apart when the first was not partial', () => {
    const a =
      '{"results":[{"statement_id":0,"series":[{"name":"m","tags":{"r":"x"},"columns":["time","n"],"values":[[0,1]]}]}]}';
    const b =
      '{"results":[{"statement_id":0,"series":[{"name":"m","tags":{"r":"y"},"columns":["time","n"],"values":[[0,2]]}]}]}';
    const [r] = parseQueryAnswer(`${a}\n${b}\n`);
    expect(r?.series.map((s) => s.tags)).toEqual([{ r: 'x' }, { r: 'y' }]);
  });
});
