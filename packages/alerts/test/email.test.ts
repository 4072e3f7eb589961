import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { emailChannel } from '../src/index.ts';
import { ManualClock, T0 } from './helpers/fixtures.ts';
import { deliveryHarness, withPoliceReach } from './helpers/harness.ts';
import { decodeWords, parseMail } from './helpers/mime.ts';

interface Received {
  readonly from: string;
  readonly to: string[];
  readonly raw: string;
}

/** A real SMTP server on loopback; a recipient's local part picks its answer to RCPT TO. */
async function smtpServer() {
  const mails: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const local = address.address.split('@')[0];
      if (local === 'nobody' || local === 'busy') {
        const err = Object.assign(new Error(local === 'nobody' ? 'No such user here' : 'Mailbox busy, try later'), {
          responseCode: local === 'nobody' ? 550 : 451,
        });
        return callback(err);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return { mails, port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('email channel over a real SMTP server', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup(to: string, lang: 'vi' | 'en' = 'vi') {
    const smtp = await smtpServer();
    cleanups.push(smtp.close);
    const channel = emailChannel({
      transport: { host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true, connectionTimeout: 2_000 },
      from: '"Cảnh báo HPG – Hải Phòng" <canhbao@example.org>',
    });
    const h = deliveryHarness({
      clock: new ManualClock(T0),
      edit: (d) => {
        withPoliceReach({ email: to })(d);
        const first = d.localities[0]?.contacts?.police?.chain[0];
        if (first) first.lang = lang;
      },
      channels: [channel],
    });
    cleanups.push(async () => {
      await channel.close?.();
      await h.close();
    });
    return { ...h, smtp };
  }

  it('delivers the Vietnamese subject and body intact (UTF-8), with an id derived from the idempotency key', async () => {
    const { smtp, openIncidents, dispatcher, deliveries } = await setup('doan.van.an@example.org');
    const [id] = openIncidents(1);
    expect(await dispatcher.runOnce()).toEqual({ delivered: 1, retried: 0, failed: 0 });
    expect(smtp.mails).toHaveLength(1);
    const got = smtp.mails[0];
    expect(got?.to).toEqual(['doan.van.an@example.org']);
    expect(got?.from).toBe('canhbao@example.org');
    const mail = parseMail(got?.raw ?? '');
    const sent = deliveries()[0]?.message;
    expect(mail.subject).toBe('[HPG] Cảnh báo: Phát hiện đổ rác thải trái phép – Bãi ven sông Thái Bình');
    expect(mail.subject).toBe(sent?.subject);
    expect(mail.text).toBe(sent?.text);
    expect(mail.text).toContain('Địa điểm: Bãi ven sông Thái Bình, Xã Vĩnh Am');
    expect(mail.text).toContain('Xác nhận đã tiếp nhận: https://hpg.example.org/api/v1/alerts/actions/v1.');
    expect(decodeWords(mail.header('from') ?? '')).toBe('Cảnh báo HPG – Hải Phòng <canhbao@example.org>');
    const key = `${id}/opened/email/police-duty`;
    expect(mail.header('x-hpg-idempotency-key')).toBe(key);
    const hash = createHash('sha256').update(key).digest('hex').slice(0, 32);
    expect(mail.header('message-id')).toBe(`<${hash}@alerts.hpg>`);
  });

  it('sends English to a contact who asked for it', async () => {
    const { smtp, openIncidents, dispatcher } = await setup('duty@example.org', 'en');
    openIncidents(1);
    await dispatcher.runOnce();
    const mail = parseMail(smtp.mails[0]?.raw ?? '');
    expect(mail.subject).toBe('[HPG] Alert: Illegal dumping detected – Bãi ven sông Thái Bình');
    expect(mail.text).toContain('Place: Bãi ven sông Thái Bình, Vinh Am Commune');
  });

  it('gives up on a permanent refusal (550) and retries a temporary one (451)', async () => {
    const gone = await setup('nobody@example.org');
    gone.openIncidents(1);
    expect(await gone.dispatcher.runOnce()).toEqual({ delivered: 0, retried: 0, failed: 1 });
    expect(gone.deliveries()[0]?.lastError).toMatch(/SMTP 550/);

    const busy = await setup('busy@example.org');
    busy.openIncidents(1);
    expect(await busy.dispatcher.runOnce()).toEqual({ delivered: 0, retried: 1, failed: 0 });
    expect(busy.deliveries()[0]).toMatchObject({ status: 'pending', lastError: expect.stringMatching(/SMTP 451/) });
  });

  it('retries when the mail server is down', async () => {
    const { smtp, openIncidents, dispatcher, deliveries } = await setup('duty@example.org');
    await smtp.close();
    openIncidents(1);
    expect(await dispatcher.runOnce()).toEqual({ delivered: 0, retried: 1, failed: 0 });
    expect(deliveries()[0]?.lastError).toMatch(/ECONNECTION|ECONNREFUSED/);
  });
});
