/**
 * Just enough MIME to read what nodemailer sent, written from the RFCs rather than with the
 * sender's own library: RFC 5322 header unfolding, RFC 2047 encoded words (B and Q), and the
 * body's Content-Transfer-Encoding (RFC 2045: quoted-printable, base64, 7bit/8bit).
 */

export interface ParsedMail {
  readonly header: (name: string) => string | undefined;
  readonly subject: string;
  readonly text: string;
}

function decodeQ(s: string, underscoreIsSpace: boolean): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i] ?? '';
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c === '_' && underscoreIsSpace) bytes.push(0x20);
    else bytes.push(...Buffer.from(c, 'utf8'));
  }
  return Buffer.from(bytes);
}

/** RFC 2047: whitespace between two encoded words is dropped (§6.2). */
export function decodeWords(value: string): string {
  const word = /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g;
  const joined = value.replace(/(\?=)\s+(=\?)/g, '$1$2');
  return joined.replace(word, (_, charset: string, enc: string, data: string) => {
    if (!/^utf-8$/i.test(charset)) throw new Error(`unexpected charset ${charset}`);
    const buf = enc.toUpperCase() === 'B' ? Buffer.from(data, 'base64') : decodeQ(data, true);
    return buf.toString('utf8');
  });
}

export function parseMail(raw: string): ParsedMail {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  const header = (name: string) => headers.get(name.toLowerCase());
  const cte = (header('content-transfer-encoding') ?? '7bit').toLowerCase();
  const charset = /charset="?([\w-]+)"?/i.exec(header('content-type') ?? '')?.[1] ?? 'us-ascii';
  if (!/^utf-8$/i.test(charset)) throw new Error(`unexpected body charset ${charset}`);
  let text: string;
  if (cte === 'base64') text = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  else if (cte === 'quoted-printable') text = decodeQ(body.replace(/=\r\n/g, ''), false).toString('utf8');
  else text = body;
  return {
    header,
    subject: decodeWords(header('subject') ?? ''),
    text: text.replace(/\r\n/g, '\n').replace(/\n$/, ''),
  };
}
