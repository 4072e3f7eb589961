/**
 * Sends fuzzed OCPP-J frames to a central system over a real WebSocket, as a charger would
 * (HTTP Basic auth, the version's subprotocol), and checks every answer.
 *
 * The OCPP-J RPC framework says which frames get an answer: a CALL `[2, "<id>", "<action>", …]`
 * gets exactly one CALLRESULT or CALLERROR with its id; a frame that is not JSON, not an array,
 * or has no numeric or no known message type gets a CALLERROR with id "-1" (as does a CALL whose
 * id is not a string); CALLRESULT/CALLERROR frames for ids the server never used and empty frames
 * get none. Frames go in windows (no id twice in one window); the next window waits for every
 * answer of the last, so a missing answer is found and named.
 */
import { isUtf8 } from 'node:buffer';
import { REFUSAL_REASONS } from '@hpg/contracts';
import { describeCase, type FuzzCase } from './generator.ts';

export type OcppProtocol = 'ocpp1.6' | 'ocpp2.0.1';

/** The id a frame is answered with, "-1" for framework errors, `undefined` when it gets no answer. */
export function expectedAnswerId(bytes: Buffer): string | undefined {
  const text = bytes.toString('utf8');
  if (text.length === 0) return undefined;
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return '-1';
  }
  if (!Array.isArray(frame) || typeof frame[0] !== 'number') return '-1';
  if (frame[0] !== 2 && frame[0] !== 3 && frame[0] !== 4) return '-1';
  if (frame[0] !== 2) return undefined;
  return typeof frame[1] === 'string' ? frame[1] : '-1';
}

export interface FrameRun {
  readonly frames: number;
  readonly answers: number;
  readonly callResults: number;
  /** CALLERROR codes and how often each came. */
  readonly errorCodes: Record<string, number>;
  /** Refusal reasons the CALLERRORs of malformed calls named (`details.reason`). */
  readonly reasons: Record<string, number>;
  /** Frames (by case) answered with a CALLRESULT: the calls the central system took. */
  readonly accepted: readonly FuzzCase[];
  readonly problems: string[];
}

export interface SendOptions {
  /** `ws://host:port/<path>`; the identity is appended. */
  readonly url: string;
  readonly identity: string;
  readonly password: string;
  readonly protocol: OcppProtocol;
  readonly cases: readonly FuzzCase[];
  /** For failure messages. */
  readonly seed: number;
  readonly window?: number;
  readonly timeoutMs?: number;
}

function connect(o: SendOptions, onMessage: (text: string) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${o.url}/${o.identity}`, {
      protocols: [o.protocol],
      headers: { authorization: `Basic ${Buffer.from(`${o.identity}:${o.password}`).toString('base64')}` },
    });
    ws.binaryType = 'arraybuffer';
    ws.onmessage = (e) =>
      onMessage(typeof e.data === 'string' ? e.data : Buffer.from(e.data as ArrayBuffer).toString());
    ws.onopen = () => {
      if (ws.protocol !== o.protocol) reject(new Error(`negotiated "${ws.protocol}", not ${o.protocol}`));
      else resolve(ws);
    };
    ws.onerror = () => reject(new Error(`could not connect to ${o.url} as ${o.identity}`));
  });
}

export async function sendFrames(o: SendOptions): Promise<FrameRun> {
  const violation = o.protocol === 'ocpp1.6' ? 'FormationViolation' : 'FormatViolation';
  const allowed = new Set(['RpcFrameworkError', 'MessageTypeNotSupported', 'NotImplemented', violation]);
  const windowSize = o.window ?? 48;
  const timeoutMs = o.timeoutMs ?? 5000;
  const problems: string[] = [];
  const errorCodes: Record<string, number> = {};
  const reasons: Record<string, number> = {};
  const accepted: FuzzCase[] = [];
  let answers = 0;
  let callResults = 0;

  // Answers of the current window, by id.
  let pending = new Map<string, { count: number; cases: FuzzCase[] }>();
  let wake: (() => void) | undefined;
  const outstanding = () => [...pending.values()].reduce((s, p) => s + p.count, 0);

  const onMessage = (text: string) => {
    answers++;
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      problems.push(`answer is not JSON: ${text.slice(0, 200)}`);
      return;
    }
    if (!Array.isArray(frame) || (frame[0] !== 3 && frame[0] !== 4) || typeof frame[1] !== 'string') {
      problems.push(`answer is not a CALLRESULT/CALLERROR: ${text.slice(0, 200)}`);
      return;
    }
    const id = frame[1];
    const p = pending.get(id);
    const c = p?.cases[0];
    const which = c === undefined ? `id ${JSON.stringify(id.slice(0, 40))}` : describeCase(c, o.seed);
    if (p === undefined || p.count === 0) {
      problems.push(`unexpected answer ${text.slice(0, 200)} (${which})`);
    } else {
      p.count--;
      p.cases.shift();
    }
    if (frame[0] === 3) {
      callResults++;
      if (c !== undefined) accepted.push(c);
    } else {
      const code = String(frame[2]);
      errorCodes[code] = (errorCodes[code] ?? 0) + 1;
      if (!allowed.has(code)) problems.push(`CALLERROR ${code} "${String(frame[3]).slice(0, 160)}" for ${which}`);
      if (code === violation) {
        const reason = (frame[4] as { reason?: unknown } | undefined)?.reason;
        if (typeof reason !== 'string' || !Object.hasOwn(REFUSAL_REASONS, reason)) {
          problems.push(`${code} without a known refusal reason (${JSON.stringify(frame[4])}) for ${which}`);
        } else reasons[reason] = (reasons[reason] ?? 0) + 1;
      }
    }
    if (outstanding() === 0) wake?.();
  };

  let ws = await connect(o, onMessage);
  let closed = false;
  const watch = (socket: WebSocket) => {
    socket.onclose = (e) => {
      if (socket !== ws) return;
      closed = true;
      problems.push(`the central system closed the connection (${e.code} ${e.reason})`);
      wake?.();
    };
  };
  watch(ws);

  // Parsing a deeply nested frame takes milliseconds: classify each frame once.
  const answerIds = new Map(o.cases.map((c) => [c, expectedAnswerId(c.payload)]));

  const flush = async (batch: FuzzCase[]) => {
    pending = new Map();
    for (const c of batch) {
      const id = answerIds.get(c);
      if (id === undefined) continue;
      const p = pending.get(id) ?? { count: 0, cases: [] };
      p.count++;
      p.cases.push(c);
      pending.set(id, p);
    }
    // Text frames must be UTF-8 (the server closes the socket otherwise): the rest go as binary.
    for (const c of batch) ws.send(isUtf8(c.payload) ? c.payload.toString('utf8') : c.payload);
    if (outstanding() > 0) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, timeoutMs);
      });
      clearTimeout(timer);
      wake = undefined;
    }
    for (const [id, p] of pending) {
      for (const c of p.cases.slice(0, p.count)) {
        problems.push(`no answer for id ${JSON.stringify(id.slice(0, 40))}: ${describeCase(c, o.seed)}`);
      }
    }
    if (closed) {
      closed = false;
      ws = await connect(o, onMessage);
      watch(ws);
    }
  };

  let batch: FuzzCase[] = [];
  let ids = new Set<string>();
  for (const c of o.cases) {
    const id = answerIds.get(c);
    if (batch.length >= windowSize || (id !== undefined && id !== '-1' && ids.has(id))) {
      await flush(batch);
      batch = [];
      ids = new Set();
    }
    batch.push(c);
    if (id !== undefined) ids.add(id);
  }
  if (batch.length > 0) await flush(batch);
  // Late stray answers would show up here.
  await new Promise((r) => setTimeout(r, 50));
  ws.onclose = null;
  ws.close();
  return { frames: o.cases.length, answers, callResults, errorCodes, reasons, accepted, problems };
}
