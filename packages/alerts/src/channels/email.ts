/**
 * Email over SMTP with nodemailer (UTF-8 subject and body, encoded by nodemailer). The Message-ID
 * is derived from the idempotency key, so a mail sent twice (at least once) carries the same id and
 * mail clients and archives can fold the duplicates.
 *
 * SMTP replies decide the retry: 4xx is temporary (RFC 5321 §4.2.1), 5xx permanent (no such
 * mailbox); a connection that fails or times out is retried.
 */
import { createHash } from 'node:crypto';
import { createTransport, type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { type Channel, ChannelError } from './channel.ts';

export interface EmailChannelOptions {
  /** SMTP settings (host, port, secure, auth…), or a transporter built elsewhere. */
  readonly transport: SMTPTransport.Options | Transporter;
  /** e.g. `"Cảnh báo HPG" <canhbao@example.vn>` */
  readonly from: string;
}

function isTransporter(t: EmailChannelOptions['transport']): t is Transporter {
  return typeof (t as Transporter).sendMail === 'function';
}

function toChannelError(err: unknown): ChannelError {
  const e = err as { code?: string; responseCode?: number; message?: string };
  const reply = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const canRetry = reply === undefined ? true : reply < 500;
  const what = reply === undefined ? (e.code ?? 'error') : `SMTP ${reply}`;
  return new ChannelError(
    `smtp_${reply ?? e.code ?? 'error'}`,
    `email: ${what}: ${e.message ?? String(err)}`.slice(0, 500),
    {
      canRetry,
      cause: err,
    },
  );
}

export function emailChannel(o: EmailChannelOptions): Channel {
  const transporter: Transporter = isTransporter(o.transport) ? o.transport : createTransport(o.transport);
  return {
    name: 'email',
    async send(d, signal) {
      if (d.address.channel !== 'email')
        throw new ChannelError('wrong_channel', 'email: not an email address', { canRetry: false });
      const id = createHash('sha256').update(d.idempotencyKey).digest('hex').slice(0, 32);
      const sending = transporter.sendMail({
        from: o.from,
        to: d.address.email,
        subject: d.message.subject,
        text: d.message.text,
        messageId: `<${id}@alerts.hpg>`,
        headers: { 'X-HPG-Idempotency-Key': d.idempotencyKey, 'X-HPG-Alert-Id': d.alertId },
      });
      const aborted = new Promise<never>((_, reject) => {
        const fail = () => reject(new ChannelError('timeout', 'email: no answer in time', { canRetry: true }));
        if (signal.aborted) fail();
        else signal.addEventListener('abort', fail, { once: true });
      });
      try {
        await Promise.race([sending, aborted]);
      } catch (err) {
        sending.catch(() => {});
        throw err instanceof ChannelError ? err : toChannelError(err);
      }
    },
    async close() {
      transporter.close();
    },
  };
}
