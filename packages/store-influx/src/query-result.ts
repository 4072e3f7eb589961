/**
 * The JSON answer of `/query`. The store asks for chunked answers (`chunked=true`): with it the
 * server streams one JSON document per line and never cuts a result at its `max-row-limit`
 * (which applies to unchunked answers only, silently marking them `partial`). A series that
 * spans chunks comes as pieces marked `partial: true`; they are joined back here.
 */

export interface Series {
  readonly name: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly columns: readonly string[];
  readonly values: unknown[][];
  readonly partial?: boolean;
}

export interface StatementResult {
  readonly statementId: number;
  readonly series: Series[];
  readonly error?: string;
}

interface RawSeries {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values?: unknown[][];
  partial?: boolean;
}

interface RawResult {
  statement_id?: number;
  series?: RawSeries[];
  error?: string;
}

interface RawChunk {
  results?: RawResult[];
  error?: string;
}

export class QueryAnswerError extends Error {
  override name = 'QueryAnswerError';
}

const seriesKey = (s: Series | RawSeries) => `${s.name}\u0000${JSON.stringify(s.tags ?? {})}`;

/** Parses a chunked or plain answer into one result per statement, in statement order. */
export function parseQueryAnswer(text: string): StatementResult[] {
  const byId = new Map<number, { series: Series[]; error?: string; open?: Series }>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let chunk: RawChunk;
    try {
      chunk = JSON.parse(line) as RawChunk;
    } catch (err) {
      throw new QueryAnswerError(`unreadable answer: ${line.slice(0, 200)}`, { cause: err });
    }
    if (chunk.error !== undefined) throw new QueryAnswerError(chunk.error);
    for (const r of chunk.results ?? []) {
      const id = r.statement_id ?? 0;
      let acc = byId.get(id);
      if (acc === undefined) {
        acc = { series: [] };
        byId.set(id, acc);
      }
      if (r.error !== undefined) acc.error = r.error;
      for (const s of r.series ?? []) {
        const open = acc.open;
        if (open !== undefined && seriesKey(open) === seriesKey(s) && sameColumns(open, s)) {
          open.values.push(...(s.values ?? []));
        } else {
          const copy: Series = { name: s.name, columns: s.columns, values: [...(s.values ?? [])] };
          acc.series.push(s.tags === undefined ? copy : { ...copy, tags: s.tags });
          acc.open = acc.series.at(-1);
        }
        // A piece not marked partial closes its series: a later one with the same key is new.
        if (s.partial !== true) acc.open = undefined;
      }
    }
  }
  return [...byId.entries()]
    .sort(([a], [b]) => a - b)
    .map(([statementId, acc]) =>
      acc.error === undefined
        ? { statementId, series: acc.series }
        : { statementId, series: acc.series, error: acc.error },
    );
}

function sameColumns(a: Series, b: RawSeries): boolean {
  return a.columns.length === b.columns.length && a.columns.every((c, i) => c === b.columns[i]);
}
