/**
 * Fuzz payload generator: from valid sample payloads of a format it makes malformed and hostile
 * variants, deterministically from a seed (case `i` of seed `s` is always the same bytes, so a
 * failure is replayed by its seed and case number).
 *
 * Every format gets, in this order:
 *   1. systematic cases: each sample cut at every byte offset; a fixed list of hostile payloads
 *      (empty, BOMs, UTF-16, bare JSON values, pollution objects, oversize, deep nesting…); and a
 *      sweep of every value position of the sample (deep nesting, null, a prototype name, an
 *      overflowing number; a lone surrogate in each string), every field of every station-file
 *      line, every number token;
 *   2. random cases up to the requested count, each one or more mutations of a random sample:
 *      - structural, aware of the payload's kind: JSON (a value replaced by another type, a key
 *        deleted or duplicated, prototype keys and names, deep nesting, huge strings and arrays,
 *        extreme or non-JSON numbers, strange strings), plain-text numbers (OpenDTU), station
 *        transfer-file lines (fields, separators, line ends, line floods) and OCPP-J frames
 *        (message type, id, action and payload of the RPC array);
 *      - byte level: bit flips, invalid UTF-8, BOMs, control characters, inserted, deleted and
 *        repeated ranges, random bytes, NUL padding, payloads just over the size limit.
 */
import { Prng } from './prng.ts';

/** How a sample payload is structured, which decides its structural mutations. */
export type PayloadKind = 'json' | 'text' | 'lines' | 'frame';

export interface FuzzSeed {
  /** Short name for reports, e.g. `native/sample`. */
  readonly name: string;
  readonly topic: string;
  readonly payload: string | Buffer;
  readonly kind: PayloadKind;
  /** The login that publishes it (MQTT username), when the transport has one. */
  readonly publisher?: string;
}

export interface FuzzCase {
  /** Position in the generated list; with the seed it identifies the case. */
  readonly index: number;
  /** Name of the sample it was made from. */
  readonly seed: string;
  readonly topic: string;
  readonly publisher: string | null;
  /** What was done, e.g. `truncate@17` or `json:wrong_type+bytes:bit_flip`. */
  readonly mutation: string;
  readonly payload: Buffer;
}

export interface FuzzOptions {
  /** PRNG seed: the same seed gives the same cases. */
  readonly seed: number;
  /** Cases in all; the systematic ones are always made, even when they alone exceed it. */
  readonly count: number;
  /** The decoders' payload limit: a few cases go just over it. */
  readonly maxPayloadBytes: number;
  /** Damage topics too (a few percent of the random cases). MQTT cannot carry every topic. */
  readonly topics?: boolean;
}

/** In OCPP frame samples, the message id; each case makes it its own (`c<index>`) where it survived. */
export const FRAME_ID = '#ID#';

/** Keys that pollute a prototype when code copies objects carelessly. */
export const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** Names an object inherits from Object.prototype: a lookup by any of them finds something. */
export const PROTOTYPE_NAMES = [
  ...POLLUTION_KEYS,
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupSetter__',
] as const;

/** Number tokens at the edges of IEEE 754 doubles, of integers and of the registers devices use. */
export const EXTREME_NUMBERS = [
  '1e308',
  '-1e308',
  '1.7976931348623157e308',
  '1e309', // parses to Infinity
  '-1e999',
  '-0',
  '-0.0',
  '0',
  '9007199254740993', // 2^53 + 1: not a double
  '-9007199254740993',
  '9007199254740992',
  '5e-324', // smallest denormal
  '2.225073858507201e-308', // largest denormal
  '1e-320',
  '-1e-320',
  '1e-400', // underflows to 0
  '4294967295',
  '4294967296',
  '18446744073709551615',
  '18446744073709551616',
  '-2147483649',
  '32767',
  '-32768',
  '65535',
  '123456789012345678901234567890',
  '1.0000000000000002',
  '1E+2',
  '-1',
  '1e15',
  '1e16',
  '0.1',
] as const;

/** Not JSON numbers: a decoder must refuse them as malformed, never read them. */
export const NON_JSON_NUMBERS = [
  'NaN',
  '-NaN',
  'Infinity',
  '-Infinity',
  '+1',
  '01',
  '.5',
  '1.',
  '0x1F',
  '1e',
  '--1',
  '1_000',
  '1,5',
  'undefined',
] as const;

/** Strings that break parsers, renderers, queries or time handling. */
export const WEIRD_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800', // lone surrogates: valid JSON escapes, not Unicode text
  'x\udfffy',
  '\u202e\u0645\u0631\u062d\u0628\u0627',
  '\u200b',
  '\ufeff',
  '\u2028\u2029',
  'ÿþ',
  '😀'.repeat(8),
  'Tiếng Việt có dấu',
  '%00%ff',
  '../../../etc/passwd',
  '<script>alert(1)</script>',
  "'; DROP TABLE readings; --",
  `\${7*7}{{7*7}}`, // template injection, literally
  '\\',
  '"',
  '\r\n',
  '\t',
  'NaN',
  'Infinity',
  '-0',
  '2026-02-30T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '0000-01-01T00:00:00Z',
  '1970-01-01T00:00:00Z',
  '1969-12-31T23:59:59Z',
  '2026-11-22T02:55:00+99:99',
  '2026-11-22T24:00:00Z',
  '2026-11-22',
  '2026-11-22T02:55:00.9999999999Z',
  '+275760-09-13T00:00:00Z',
  ...PROTOTYPE_NAMES,
] as const;

// --- JSON as a tree that can hold what JSON.parse would never give back ------------------------

/** `lit` is emitted verbatim: numbers (any token), true/false/null, or deliberately broken text. */
type Node =
  | { t: 'lit'; text: string }
  | { t: 'str'; value: string }
  | { t: 'arr'; items: Node[] }
  | { t: 'obj'; entries: { key: string; value: Node }[] };

const lit = (text: string): Node => ({ t: 'lit', text });
const str = (value: string): Node => ({ t: 'str', value });

function toNode(v: unknown): Node {
  if (v === null || typeof v === 'boolean' || typeof v === 'number') return lit(JSON.stringify(v));
  if (typeof v === 'string') return str(v);
  if (Array.isArray(v)) return { t: 'arr', items: v.map(toNode) };
  return { t: 'obj', entries: Object.entries(v as object).map(([key, value]) => ({ key, value: toNode(value) })) };
}

function serialise(n: Node): string {
  switch (n.t) {
    case 'lit':
      return n.text;
    case 'str':
      return JSON.stringify(n.value);
    case 'arr':
      return `[${n.items.map(serialise).join(',')}]`;
    case 'obj':
      return `{${n.entries.map((e) => `${JSON.stringify(e.key)}:${serialise(e.value)}`).join(',')}}`;
  }
}

function clone(n: Node): Node {
  switch (n.t) {
    case 'lit':
    case 'str':
      return { ...n };
    case 'arr':
      return { t: 'arr', items: n.items.map(clone) };
    case 'obj':
      return { t: 'obj', entries: n.entries.map((e) => ({ key: e.key, value: clone(e.value) })) };
  }
}

interface Slot {
  readonly node: Node;
  readonly set: (n: Node) => void;
  readonly depth: number;
}

/** Every value position of the tree (the root included), with a setter. */
function slotsOf(holder: { root: Node }): Slot[] {
  const out: Slot[] = [{ node: holder.root, set: (n) => (holder.root = n), depth: 0 }];
  const walk = (n: Node, depth: number) => {
    if (n.t === 'arr') {
      n.items.forEach((item, i) => {
        out.push({ node: item, set: (m) => (n.items[i] = m), depth: depth + 1 });
        walk(item, depth + 1);
      });
    } else if (n.t === 'obj') {
      for (const e of n.entries) {
        out.push({ node: e.value, set: (m) => (e.value = m), depth: depth + 1 });
        walk(e.value, depth + 1);
      }
    }
  };
  walk(holder.root, 0);
  return out;
}

function objectsOf(root: Node): Extract<Node, { t: 'obj' }>[] {
  return slotsOf({ root })
    .map((s) => s.node)
    .filter((n): n is Extract<Node, { t: 'obj' }> => n.t === 'obj');
}

/** Values of other types than the one they replace. */
const TYPE_POOL: readonly (() => Node)[] = [
  () => lit('null'),
  () => lit('true'),
  () => lit('false'),
  () => lit('0'),
  () => lit('-1'),
  () => lit('1.5'),
  () => str(''),
  () => str('x'),
  () => str('1'),
  () => str('61.5'),
  () => str('true'),
  () => str('null'),
  () => ({ t: 'arr', items: [] }),
  () => ({ t: 'arr', items: [lit('1'), lit('2'), lit('3'), lit('4')] }),
  () => ({ t: 'arr', items: [lit('null')] }),
  () => ({ t: 'arr', items: [{ t: 'arr', items: [] }] }),
  () => ({ t: 'obj', entries: [] }),
  () => ({ t: 'obj', entries: [{ key: 'value', value: lit('1') }] }),
];

const pollutionValue = (rng: Prng): Node =>
  rng.pick<() => Node>([
    () => ({ t: 'obj', entries: [{ key: 'polluted', value: lit('true') }] }),
    () => ({
      t: 'obj',
      entries: [{ key: 'prototype', value: { t: 'obj', entries: [{ key: 'polluted', value: lit('true') }] } }],
    }),
    () => ({
      t: 'obj',
      entries: [{ key: '__proto__', value: { t: 'obj', entries: [{ key: 'polluted', value: lit('true') }] } }],
    }),
    () => ({ t: 'obj', entries: [{ key: 'toString', value: str('pwned') }] }),
    () => lit('null'),
    () => str('polluted'),
  ])();

/** A string of `n` UTF-16 units of a repeated unit. */
function bigString(rng: Prng, n: number): string {
  const unit = rng.pick(['A', '0', 'é', 'ệ', '😀', '\\', '"', '\u0000', ' ', '\ud800']);
  return unit.repeat(Math.max(1, Math.floor(n / unit.length)));
}

/** Lengths of the size mutations: mostly below the payload limit, now and then just around it. */
const size = (rng: Prng, max: number) =>
  rng.weighted([
    [3, 16],
    [3, 256],
    [3, 4096],
    [2, 16_384],
    [1, max - 256],
    [1, max + 64],
  ]);

type JsonMutation = (rng: Prng, holder: { root: Node }, max: number) => string | undefined;

const jsonMutations: readonly (readonly [number, JsonMutation])[] = [
  [
    10,
    (rng, h) => {
      const s = rng.pick(slotsOf(h));
      s.set(rng.pick(TYPE_POOL)());
      return 'wrong_type';
    },
  ],
  [
    4,
    (rng, h) => {
      const numbers = slotsOf(h).filter((s) => s.node.t === 'lit' && /^-?\d/.test(s.node.text));
      if (numbers.length === 0) return undefined;
      const s = rng.pick(numbers);
      s.set(str((s.node as { text: string }).text));
      return 'number_as_string';
    },
  ],
  [
    10,
    (rng, h) => {
      const all = slotsOf(h);
      const numbers = all.filter((s) => s.node.t === 'lit' && /^-?\d/.test(s.node.text));
      const s = rng.pick(numbers.length > 0 && rng.chance(0.8) ? numbers : all);
      s.set(lit(rng.pick(EXTREME_NUMBERS)));
      return 'extreme_number';
    },
  ],
  [
    3,
    (rng, h) => {
      const all = slotsOf(h);
      const numbers = all.filter((s) => s.node.t === 'lit' && /^-?\d/.test(s.node.text));
      rng.pick(numbers.length > 0 ? numbers : all).set(lit(rng.pick(NON_JSON_NUMBERS)));
      return 'non_json_number';
    },
  ],
  [
    8,
    (rng, h) => {
      const objects = objectsOf(h.root).filter((o) => o.entries.length > 0);
      if (objects.length === 0) return undefined;
      const o = rng.pick(objects);
      o.entries.splice(rng.int(o.entries.length), 1);
      return 'delete_key';
    },
  ],
  [
    6,
    (rng, h) => {
      const objects = objectsOf(h.root);
      if (objects.length === 0) return undefined;
      const o = rng.pick(objects);
      const key = rng.pick(POLLUTION_KEYS);
      // Either a classic pollution object or a copy of a sibling (e.g. a metric under "__proto__").
      const sibling = o.entries.length > 0 && rng.chance(0.4) ? rng.pick(o.entries).value : undefined;
      o.entries.splice(rng.int(o.entries.length + 1), 0, {
        key,
        value: sibling === undefined ? pollutionValue(rng) : clone(sibling),
      });
      return 'pollution_key';
    },
  ],
  [
    4,
    (rng, h) => {
      const objects = objectsOf(h.root).filter((o) => o.entries.length > 0);
      if (objects.length === 0) return undefined;
      const e = rng.pick(rng.pick(objects).entries);
      e.key = rng.pick(PROTOTYPE_NAMES);
      return 'key_renamed_to_prototype_name';
    },
  ],
  [
    6,
    (rng, h) => {
      const all = slotsOf(h);
      const strings = all.filter((s) => s.node.t === 'str');
      rng.pick(strings.length > 0 ? strings : all).set(str(rng.pick(PROTOTYPE_NAMES)));
      return 'prototype_name_value';
    },
  ],
  [
    6,
    (rng, h) => {
      const objects = objectsOf(h.root).filter((o) => o.entries.length > 0);
      if (objects.length === 0) return undefined;
      const o = rng.pick(objects);
      const i = rng.int(o.entries.length);
      const e = o.entries[i] as { key: string; value: Node };
      // JSON.parse keeps the last of duplicated keys; put the damaged copy first or last.
      const copy = { key: e.key, value: rng.chance(0.5) ? rng.pick(TYPE_POOL)() : lit(rng.pick(EXTREME_NUMBERS)) };
      o.entries.splice(rng.chance(0.5) ? i : i + 1, 0, copy);
      return 'duplicate_key';
    },
  ],
  [
    4,
    (rng, h) => {
      const s = rng.pick(slotsOf(h));
      const depth = rng.pick([32, 256, 2048, 12_000]);
      const inner = serialise(s.node);
      s.set(
        rng.chance(0.5)
          ? lit(`${'['.repeat(depth)}${inner}${']'.repeat(depth)}`)
          : lit(`${'{"a":'.repeat(Math.floor(depth / 3))}${inner}${'}'.repeat(Math.floor(depth / 3))}`),
      );
      return 'deep_nesting';
    },
  ],
  [
    4,
    (rng, h, max) => {
      const all = slotsOf(h);
      const strings = all.filter((s) => s.node.t === 'str');
      rng.pick(strings.length > 0 && rng.chance(0.8) ? strings : all).set(str(bigString(rng, size(rng, max))));
      return 'huge_string';
    },
  ],
  [
    2,
    (rng, h, max) => {
      const objects = objectsOf(h.root);
      if (objects.length === 0) return undefined;
      rng.pick(objects).entries.push({ key: bigString(rng, size(rng, max)), value: lit('1') });
      return 'huge_key';
    },
  ],
  [
    4,
    (rng, h, max) => {
      const element = rng.pick(['1', 'null', '{}', '[]', '1e308', '"x"', '{"value":1,"unit":"W"}']);
      // Up to just over the payload limit, whatever the element.
      const n = Math.min(rng.pick([100, 1000, 10_000, max]), Math.ceil((max + 64) / (element.length + 1)));
      rng.pick(slotsOf(h)).set(lit(`[${new Array(n).fill(element).join(',')}]`));
      return 'huge_array';
    },
  ],
  [
    3,
    (rng, h, max) => {
      const objects = objectsOf(h.root);
      if (objects.length === 0) return undefined;
      const o = rng.pick(objects);
      const n = rng.pick([100, 2000, Math.floor(max / 12)]);
      for (let i = 0; i < n; i++) o.entries.push({ key: `k${i}`, value: lit(String(i)) });
      return 'many_keys';
    },
  ],
  [
    6,
    (rng, h) => {
      const all = slotsOf(h);
      const strings = all.filter((s) => s.node.t === 'str');
      rng.pick(strings.length > 0 && rng.chance(0.85) ? strings : all).set(str(rng.pick(WEIRD_STRINGS)));
      return 'weird_string';
    },
  ],
  [
    2,
    (rng, h) => {
      const all = slotsOf(h);
      const strings = all.filter((s) => s.node.t === 'str');
      if (strings.length === 0) return undefined;
      const s = rng.pick(strings);
      const v = (s.node as { value: string }).value;
      const at = rng.int(v.length + 1);
      // A raw control character inside a JSON string is not JSON.
      const c = String.fromCharCode(rng.pick([0, 1, 8, 9, 10, 13, 27, 31]));
      s.set(lit(`"${v.slice(0, at).replace(/["\\]/g, '')}${c}${v.slice(at).replace(/["\\]/g, '')}"`));
      return 'raw_control_char';
    },
  ],
  [
    3,
    (rng, h) => {
      const containers = slotsOf(h).filter((s) => s.node.t === 'arr' || s.node.t === 'obj');
      if (containers.length === 0) return undefined;
      const s = rng.pick(containers);
      const n = s.node;
      if (n.t === 'obj') s.set({ t: 'arr', items: n.entries.map((e) => e.value) });
      else if (n.t === 'arr') s.set({ t: 'obj', entries: n.items.map((value, i) => ({ key: String(i), value })) });
      return 'container_swapped';
    },
  ],
  [
    2,
    (rng, h) => {
      const objects = objectsOf(h.root).filter((o) => o.entries.length > 1);
      if (objects.length === 0) return undefined;
      const o = rng.pick(objects);
      for (let i = o.entries.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [o.entries[i], o.entries[j]] = [o.entries[j] as (typeof o.entries)[0], o.entries[i] as (typeof o.entries)[0]];
      }
      return 'keys_shuffled';
    },
  ],
  [
    2,
    (rng, h) => {
      const arrays = slotsOf(h).filter((s) => s.node.t === 'arr');
      if (arrays.length === 0) return undefined;
      const a = rng.pick(arrays).node as Extract<Node, { t: 'arr' }>;
      if (rng.chance(0.5) || a.items.length === 0) a.items.push(rng.pick(TYPE_POOL)());
      else a.items.splice(rng.int(a.items.length), 1);
      return 'array_length_changed';
    },
  ],
];

// --- OCPP-J frames: [2, id, action, payload] ---------------------------------------------------

const OCPP_ACTIONS = [
  'BootNotification',
  'Heartbeat',
  'StatusNotification',
  'Authorize',
  'StartTransaction',
  'StopTransaction',
  'MeterValues',
  'TransactionEvent',
  'DataTransfer',
  'NotifyEvent',
  'FirmwareStatusNotification',
  'UnknownAction',
  'heartbeat',
  '',
  ...PROTOTYPE_NAMES,
];

const frameMutation: JsonMutation = (rng, h) => {
  const f = h.root;
  if (f.t !== 'arr') return undefined;
  switch (rng.int(7)) {
    case 0:
      f.items[0] = lit(rng.pick(['0', '1', '3', '4', '5', '2.5', '-2', '2e0', 'null', '"2"', '[]', '1e309']));
      return 'frame_message_type';
    case 1:
      f.items[1] = rng.pick<() => Node>([
        () => lit('1'),
        () => lit('null'),
        () => str(''),
        () => str('-1'),
        () => str('x'.repeat(rng.pick([37, 1000, 40_000]))),
        () => ({ t: 'obj', entries: [] }),
      ])();
      return 'frame_message_id';
    case 2:
      // Another action's name over this payload: every handler meets every payload shape.
      f.items[2] = rng.chance(0.9) ? str(rng.pick(OCPP_ACTIONS)) : rng.pick(TYPE_POOL)();
      return 'frame_action';
    case 3:
      f.items[3] = rng.pick(TYPE_POOL)();
      return 'frame_payload_type';
    case 4:
      f.items.splice(rng.int(f.items.length));
      return 'frame_elements_dropped';
    case 5:
      for (let i = rng.between(1, 3); i > 0; i--) f.items.push(rng.pick(TYPE_POOL)());
      return 'frame_elements_added';
    default:
      h.root = { t: 'obj', entries: f.items.map((value, i) => ({ key: String(i), value })) };
      return 'frame_as_object';
  }
};

// --- plain-text numbers (OpenDTU) --------------------------------------------------------------

const TEXT_TOKENS = [
  ...EXTREME_NUMBERS,
  ...NON_JSON_NUMBERS,
  'nan',
  'inf',
  '-inf',
  '+inf',
  'infinity',
  '∞',
  '１２',
  '١٢',
  '1 2',
  '.',
  '-',
  'e5',
  '00012',
  '1.2.3',
  'true',
  'null',
  '{}',
  '[1]',
  '"12"',
  '9'.repeat(400),
  `0.${'0'.repeat(400)}1`,
  `1e${'9'.repeat(30)}`,
];

const textMutation = (rng: Prng, text: string): { text: string; name: string } => {
  switch (rng.int(5)) {
    case 0:
      return { text: rng.pick(TEXT_TOKENS), name: 'text_token' };
    case 1: {
      const pad = rng.pick([' ', '\t', '\n', '\r\n', '\u0000', '\u00a0', '\ufeff', '\u2028']);
      return { text: rng.chance(0.5) ? `${pad}${text}` : `${text}${pad}`, name: 'text_padded' };
    }
    case 2:
      return { text: text.replace('.', rng.pick([',', '..', '٫', ''])), name: 'text_separator' };
    case 3:
      return {
        text: `${rng.pick(['+', '-', '--', '0x', '0'])}${text}${rng.pick(['', 'e5', 'e-400', 'e400', 'W', '%'])}`,
        name: 'text_affixed',
      };
    default:
      return { text: bigString(rng, rng.pick([64, 4096, 70_000])), name: 'text_huge' };
  }
};

// --- station transfer files: name TAB value TAB unit TAB time TAB status -----------------------

const FIELD_POOLS: readonly (readonly string[])[] = [
  ['', 'TOC', 'cod', 'COD ', 'Flow\u0000', 'ph\u200b', 'NH4+', 'Ｆｌｏｗ', 'x'.repeat(300), ...PROTOTYPE_NAMES],
  ['', ' ', ...EXTREME_NUMBERS, ...NON_JSON_NUMBERS, 'nan', 'inf', '-inf', '1e999', '61,5', '١٢', '9'.repeat(400)],
  ['', 'ppm', 'MG/L', 'm3/h ', '°F', 'K', 'm³/d', 'L/s', 'Pt-Co', ...PROTOTYPE_NAMES],
  [
    '',
    '20261330250000',
    '20260230000000',
    '99991231235959',
    '00000101000000',
    '19700101000000',
    '19691231235959',
    '2026112209550',
    '202611220955001',
    '2026-11-22 09:55',
    'abcdefghijklmn',
    '20991231000000',
    '20261122246000',
    '２０２６１１２２０９５５００',
  ],
  ['', '0', '03', '99', '00 ', '-1', '1', '０', ...PROTOTYPE_NAMES],
];

function linesMutation(rng: Prng, text: string, max: number): { text: string; name: string } {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r?\n/).filter((l) => l !== '');
  const join = (ls: readonly string[], e = eol) => ls.map((l) => `${l}${e}`).join('');
  const at = rng.int(lines.length);
  const fields = (lines[at] ?? '').split('\t');
  switch (rng.int(12)) {
    case 0:
    case 1:
    case 2: {
      const f = rng.int(5);
      fields[f] = rng.pick(FIELD_POOLS[f] as readonly string[]);
      lines[at] = fields.join('\t');
      return { text: join(lines), name: `line_field_${f}` };
    }
    case 3:
      fields.splice(rng.int(fields.length), 1);
      lines[at] = fields.join('\t');
      return { text: join(lines), name: 'line_field_dropped' };
    case 4:
      fields.splice(rng.int(fields.length + 1), 0, rng.pick(['', 'x', '00', '\t']));
      lines[at] = fields.join('\t');
      return { text: join(lines), name: 'line_field_added' };
    case 5:
      lines[at] = (lines[at] ?? '').replaceAll('\t', rng.pick([' ', ',', ';', '\t\t', '  ', '|']));
      return { text: join(lines), name: 'line_separator' };
    case 6:
      return { text: join(lines, rng.pick(['\r', '\n\r', '\r\r\n', '\u2028', '\u0085'])), name: 'line_ends' };
    case 7:
      lines.splice(at, 0, lines[at] ?? '');
      return { text: join(lines), name: 'line_duplicated' };
    case 8:
      lines.splice(at, 0, rng.pick(['', '\t\t\t\t', '\t', ' ', '#comment', '\u0000', 'COD']));
      return { text: join(lines), name: 'line_odd' };
    case 9: {
      // A flood of lines: the per-file listing limit, and over the size limit.
      const shortest = Math.min(...lines.map((l) => Buffer.byteLength(l) + eol.length));
      const target = rng.pick([150, 400, Math.ceil(max / shortest) + 2]);
      const out: string[] = [];
      while (out.length < target) out.push(lines[out.length % lines.length] ?? '');
      return { text: join(out), name: 'line_flood' };
    }
    case 10:
      fields[rng.int(5)] = bigString(rng, rng.pick([1000, 20_000, max]));
      lines[at] = fields.join('\t');
      return { text: join(lines), name: 'line_huge_field' };
    default:
      for (let i = lines.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [lines[i], lines[j]] = [lines[j] as string, lines[i] as string];
      }
      return { text: join(lines), name: 'lines_shuffled' };
  }
}

// --- byte level --------------------------------------------------------------------------------

const INVALID_UTF8: readonly number[][] = [
  [0xff],
  [0xfe],
  [0xc0, 0xaf], // overlong "/"
  [0xe0, 0x80, 0xaf],
  [0xed, 0xa0, 0x80], // an encoded surrogate
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
  [0xc3], // cut multibyte sequence
  [0xe2, 0x82],
  [0x80], // stray continuation byte
  [0xc3, 0x28],
];

const BOMS: readonly number[][] = [
  [0xef, 0xbb, 0xbf],
  [0xff, 0xfe],
  [0xfe, 0xff],
  [0x00, 0x00, 0xfe, 0xff],
  [0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf],
];

const CONTROL: readonly number[][] = [
  [0x00],
  [0x01],
  [0x07],
  [0x08],
  [0x0b],
  [0x0c],
  [0x1b],
  [0x1f],
  [0x7f],
  [0xc2, 0x85], // NEL
  [0xc2, 0x9b], // CSI
  [0xe2, 0x80, 0xa8], // U+2028
  [0xe2, 0x80, 0xa9],
  [0xe2, 0x80, 0xae], // right-to-left override
];

const INTERESTING_BYTES = [
  0x00, 0xff, 0x7f, 0x80, 0x22, 0x5c, 0x7b, 0x7d, 0x5b, 0x5d, 0x2c, 0x3a, 0x09, 0x0a, 0x0d, 0x2d,
];

const insert = (b: Buffer, at: number, bytes: Buffer | readonly number[]) =>
  Buffer.concat([b.subarray(0, at), Buffer.from(bytes), b.subarray(at)]);

function byteMutation(rng: Prng, b: Buffer, max: number): { bytes: Buffer; name: string } {
  const pos = () => rng.int(b.length + 1);
  // 0..13, the size-limit padding (11) a third as often as the others.
  let which = rng.int(14);
  if (which === 11 && rng.chance(2 / 3)) which = rng.int(11);
  switch (which) {
    case 0: {
      const out = Buffer.from(b);
      for (let i = rng.between(1, 8); i > 0 && out.length > 0; i--) {
        const p = rng.int(out.length);
        out[p] = (out[p] as number) ^ (1 << rng.int(8));
      }
      return { bytes: out, name: 'bit_flip' };
    }
    case 1: {
      const out = Buffer.from(b);
      for (let i = rng.between(1, 4); i > 0 && out.length > 0; i--) {
        out[rng.int(out.length)] = rng.chance(0.7) ? rng.pick(INTERESTING_BYTES) : rng.int(256);
      }
      return { bytes: out, name: 'byte_set' };
    }
    case 2:
      return { bytes: insert(b, pos(), rng.pick(INVALID_UTF8)), name: 'invalid_utf8' };
    case 3: {
      const bom = rng.pick(BOMS);
      return { bytes: rng.chance(0.8) ? insert(b, 0, bom) : insert(b, pos(), bom), name: 'bom' };
    }
    case 4: {
      const text = b.toString('utf8');
      const le = Buffer.from(text, 'utf16le');
      const be = Buffer.from(le).swap16();
      const pick = rng.int(3);
      const bytes = pick === 0 ? insert(le, 0, [0xff, 0xfe]) : pick === 1 ? le : insert(be, 0, [0xfe, 0xff]);
      return { bytes, name: 'utf16' };
    }
    case 5: {
      let out = b;
      for (let i = rng.between(1, 5); i > 0; i--) out = insert(out, rng.int(out.length + 1), rng.pick(CONTROL));
      return { bytes: out, name: 'control_chars' };
    }
    case 6:
      return { bytes: insert(b, pos(), rng.bytes(rng.between(1, 32))), name: 'random_bytes_inserted' };
    case 7: {
      const from = rng.int(b.length + 1);
      const to = Math.min(b.length, from + rng.between(1, 64));
      return { bytes: Buffer.concat([b.subarray(0, from), b.subarray(to)]), name: 'range_deleted' };
    }
    case 8: {
      const from = rng.int(b.length + 1);
      const chunk = b.subarray(from, Math.min(b.length, from + rng.between(1, 32)));
      const times = rng.pick([2, 10, 100, 2000]);
      return { bytes: insert(b, from, Buffer.concat(new Array(times).fill(chunk))), name: 'range_repeated' };
    }
    case 9:
      return {
        bytes: Buffer.concat([b, Buffer.from(rng.pick([' ', '\u0000', 'x', '}', ']', ',', '\n{"a":1}', '//']))]),
        name: 'trailing_garbage',
      };
    case 10:
      return { bytes: Buffer.concat([b, Buffer.alloc(rng.pick([1, 16, 4096]))]), name: 'nul_padding' };
    case 11:
      // Valid up to the padding (JSON allows the spaces), but over the size limit.
      return {
        bytes: Buffer.concat([b, Buffer.alloc(Math.max(0, max - b.length) + rng.between(1, 64), 0x20)]),
        name: 'over_size_limit',
      };
    case 12:
      return { bytes: rng.bytes(rng.between(1, 1024)), name: 'random_bytes' };
    default:
      return { bytes: Buffer.from(rng.pick(['', ' ', '\n', '\r\n', '\t \t'])), name: 'empty_or_blank' };
  }
}

// --- topics --------------------------------------------------------------------------------------

function topicMutation(rng: Prng, topic: string): string {
  const levels = topic.split('/');
  const i = rng.int(levels.length);
  switch (rng.int(5)) {
    case 0:
      levels[i] = rng.pick([...PROTOTYPE_NAMES, '', ' ', '+', '#', '\u0000', 'é', 'x'.repeat(300)]);
      break;
    case 1:
      levels.splice(i, 1);
      break;
    case 2:
      levels.splice(i, 0, rng.pick(['', 'x', '__proto__', '0']));
      break;
    case 3:
      levels[i] = (levels[i] ?? '').toUpperCase();
      break;
    default:
      levels.push(...new Array(rng.pick([1, 10, 300])).fill('x'));
  }
  return levels.join('/');
}

// --- assembling cases ----------------------------------------------------------------------------

const sampleBytes = (seed: FuzzSeed): Buffer =>
  typeof seed.payload === 'string' ? Buffer.from(seed.payload) : seed.payload;

const ID_BYTES = Buffer.from(FRAME_ID);

/** A frame's id placeholder, where it survived the damage, made the case's own (`c<index>`). */
function withOwnId(bytes: Buffer, index: number): Buffer {
  const at = bytes.indexOf(ID_BYTES);
  if (at === -1) return bytes;
  return Buffer.concat([bytes.subarray(0, at), Buffer.from(`c${index}`), bytes.subarray(at + ID_BYTES.length)]);
}

function structural(rng: Prng, seed: FuzzSeed, bytes: Buffer, max: number): { bytes: Buffer; name: string } {
  const text = bytes.toString('utf8');
  if (seed.kind === 'text') {
    const m = textMutation(rng, text);
    return { bytes: Buffer.from(m.text), name: `text:${m.name}` };
  }
  if (seed.kind === 'lines') {
    const m = linesMutation(rng, text, max);
    return { bytes: Buffer.from(m.text), name: `lines:${m.name}` };
  }
  const holder = { root: toNode(JSON.parse(text)) };
  const names: string[] = [];
  const steps = rng.chance(0.25) ? 2 : 1;
  for (let i = 0; i < steps; i++) {
    const m = seed.kind === 'frame' && rng.chance(0.3) ? frameMutation : rng.weighted(jsonMutations);
    const name = m(rng, holder, max) ?? (jsonMutations[0] as readonly [number, JsonMutation])[1](rng, holder, max);
    if (name !== undefined) names.push(name);
  }
  return { bytes: Buffer.from(serialise(holder.root)), name: `json:${names.join('+')}` };
}

/**
 * A sweep over the sample's structure: every JSON value position replaced in turn by a deeply
 * nested array, null, a prototype name and an overflowing number, and every string given a lone
 * surrogate; every field of every line emptied or named like a prototype member; every
 * plain-text number token in full.
 */
function sweepCases(seed: FuzzSeed, sample: Buffer): [name: string, bytes: Buffer][] {
  const text = sample.toString('utf8');
  const out: [string, Buffer][] = [];
  if (seed.kind === 'text') {
    for (const token of TEXT_TOKENS) out.push([`sweep:token`, Buffer.from(token)]);
    return out;
  }
  if (seed.kind === 'lines') {
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    const lines = text.split(/\r?\n/).filter((l) => l !== '');
    lines.forEach((line, i) => {
      const fields = line.split('\t');
      fields.forEach((_, f) => {
        for (const value of ['', 'constructor']) {
          const changed = [...fields];
          changed[f] = value;
          const all = [...lines];
          all[i] = changed.join('\t');
          out.push([
            `sweep:line${i + 1}.field${f}=${JSON.stringify(value)}`,
            Buffer.from(all.map((l) => `${l}${eol}`).join('')),
          ]);
        }
      });
    });
    return out;
  }
  const count = slotsOf({ root: toNode(JSON.parse(text)) }).length;
  const variants: readonly [string, (n: Node) => Node | undefined][] = [
    ['deep', (n) => lit(`${'['.repeat(10_000)}${serialise(n)}${']'.repeat(10_000)}`)],
    ['null', () => lit('null')],
    ['constructor', () => str('constructor')],
    ['1e309', () => lit('1e309')],
    // Strings only: a lone surrogate, valid as a JSON escape but not Unicode text.
    ['lone_surrogate', (n) => (n.t === 'str' ? str(`${n.value}\ud800`) : undefined)],
  ];
  for (let i = 0; i < count; i++) {
    for (const [name, make] of variants) {
      const holder = { root: toNode(JSON.parse(text)) };
      const slot = slotsOf(holder)[i] as Slot;
      const replacement = make(slot.node);
      if (replacement === undefined) continue;
      slot.set(replacement);
      out.push([`sweep:slot${i}=${name}`, Buffer.from(serialise(holder.root))]);
    }
  }
  return out;
}

/** Hostile payloads every format gets, whatever its samples. */
function fixedCases(sample: Buffer, max: number): [name: string, bytes: Buffer][] {
  const text = sample.toString('utf8');
  return [
    ['empty', Buffer.alloc(0)],
    ['blank', Buffer.from(' \r\n\t')],
    ['json_null', Buffer.from('null')],
    ['json_true', Buffer.from('true')],
    ['json_zero', Buffer.from('0')],
    ['json_minus_zero', Buffer.from('-0')],
    ['json_overflow', Buffer.from('1e999')],
    ['json_string', Buffer.from('"text"')],
    ['json_array', Buffer.from('[]')],
    ['json_object', Buffer.from('{}')],
    ['json_nested_empty', Buffer.from('[{}]')],
    ['proto_object', Buffer.from('{"__proto__":{"polluted":true}}')],
    ['constructor_object', Buffer.from('{"constructor":{"prototype":{"polluted":true}}}')],
    ['nan_literal', Buffer.from('NaN')],
    ['utf8_bom', insert(sample, 0, [0xef, 0xbb, 0xbf])],
    ['utf16le_bom', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])],
    ['utf16be_bom', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()])],
    ['latin1', Buffer.from(`${text}é`, 'latin1')],
    ['twice', Buffer.concat([sample, sample])],
    ['nul_terminated', Buffer.concat([sample, Buffer.from([0])])],
    ['all_nul', Buffer.alloc(64)],
    ['all_ff', Buffer.alloc(64, 0xff)],
    ['deep_array', Buffer.from(`${'['.repeat(30_000)}${']'.repeat(30_000)}`)],
    ['deep_object', Buffer.from(`${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`)],
    ['at_size_limit', Buffer.concat([sample, Buffer.alloc(Math.max(0, max - sample.length), 0x20)])],
    ['over_size_limit', Buffer.concat([sample, Buffer.alloc(Math.max(0, max - sample.length) + 1, 0x20)])],
    ['far_over_size_limit', Buffer.alloc(max * 4, 0x7b)],
  ];
}

/** The cases of one format, deterministic in `options.seed`. */
export function generateCases(seeds: readonly FuzzSeed[], options: FuzzOptions): FuzzCase[] {
  if (seeds.length === 0) throw new Error('no samples to fuzz');
  const max = options.maxPayloadBytes;
  const out: FuzzCase[] = [];
  const add = (seed: FuzzSeed, mutation: string, payload: Buffer, topic = seed.topic) => {
    const index = out.length;
    const bytes = seed.kind === 'frame' ? withOwnId(payload, index) : payload;
    out.push({ index, seed: seed.name, topic, publisher: seed.publisher ?? null, mutation, payload: bytes });
  };

  // Every sample cut at every offset (0 is the empty payload).
  for (const seed of seeds) {
    const bytes = sampleBytes(seed);
    for (let k = 0; k < bytes.length; k++) add(seed, `truncate@${k}`, bytes.subarray(0, k));
  }
  for (const seed of seeds) {
    for (const [name, bytes] of fixedCases(sampleBytes(seed), max)) add(seed, `fixed:${name}`, bytes);
    for (const [name, bytes] of sweepCases(seed, sampleBytes(seed))) add(seed, name, bytes);
  }

  while (out.length < options.count) {
    const rng = Prng.derive(options.seed, out.length);
    const seed = rng.pick(seeds);
    let bytes = sampleBytes(seed);
    const names: string[] = [];
    if (rng.chance(0.65)) {
      const s = structural(rng, seed, bytes, max);
      bytes = s.bytes;
      names.push(s.name);
    }
    if (names.length === 0 || rng.chance(0.12)) {
      const b = byteMutation(rng, bytes, max);
      bytes = b.bytes;
      names.push(`bytes:${b.name}`);
    }
    let topic = seed.topic;
    if (options.topics === true && rng.chance(0.04)) {
      topic = topicMutation(rng, topic);
      names.push('topic');
    }
    add(seed, names.join('+'), bytes, topic);
  }
  return out;
}

/** A short, printable description of a case for failure messages (and to replay it). */
export function describeCase(c: FuzzCase, seed: number): string {
  const head = c.payload.subarray(0, 160);
  const shown = JSON.stringify(head.toString('latin1'));
  return `seed ${seed} case #${c.index} (${c.seed}, ${c.mutation}) topic ${JSON.stringify(c.topic.slice(0, 120))}, ${c.payload.length} bytes: ${shown}${c.payload.length > 160 ? '…' : ''}`;
}
