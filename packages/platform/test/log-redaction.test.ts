/**
 * No personal data and no secrets in logs (issue #9): what services log around requests, alerts
 * and device messages goes through the logger's redaction, and none of the secret values below may
 * appear in its output.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/index.ts';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger({ name: 'redaction', level: 'trace', destination }) };
}

const SECRETS = {
  password: 'pw-Sup3r-s3cret',
  token: 's1.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJl',
  bearer: 'Bearer s1.eyJzdWIiOiJ4In0.bWFj',
  cookie: 'hpg_session=s1.cookie-payload.cookie-mac',
  csrf: 'csrf-0123456789abcdef',
  webhookSecret: 'police-webhook-key-abcdef',
  raw: 'eyJkZXZpY2UiOiJjYW1lcmEiLCJwbGF0ZSI6IjE1QS0xMjMuNDUifQ==',
  smtp: 'smtp-pa55',
  telegram: '123456:telegram-bot-token',
};

describe('log redaction', () => {
  it('hides passwords, tokens, cookies, CSRF tokens, secrets and raw payloads wherever they sit', async () => {
    const { lines, logger } = capture();
    logger.info({ password: SECRETS.password, user: 'admin' }, 'sign-in');
    logger.info({ req: { headers: { authorization: SECRETS.bearer, cookie: SECRETS.cookie } } }, 'request');
    logger.info(
      { headers: { cookie: SECRETS.cookie, 'x-csrf-token': SECRETS.csrf, 'set-cookie': SECRETS.cookie } },
      'h',
    );
    logger.info({ session: { token: SECRETS.token, csrfToken: SECRETS.csrf } }, 'session issued');
    logger.warn({ channel: { secret: SECRETS.webhookSecret } }, 'webhook');
    logger.warn({ secrets: { 'police-vinh-am': SECRETS.webhookSecret }, linkSecrets: [SECRETS.token] }, 'config');
    logger.debug({ refusal: { raw: SECRETS.raw }, payload: SECRETS.raw }, 'refused');
    logger.info({ smtpPassword: SECRETS.smtp, telegramToken: SECRETS.telegram }, 'channels');
    logger.flush();
    await new Promise((r) => setTimeout(r, 50));
    const out = lines.join('');
    expect(lines.length).toBe(8);
    for (const [name, value] of Object.entries(SECRETS)) expect(out, name).not.toContain(value);
    // What is not secret stays readable.
    expect(out).toContain('"user":"admin"');
    expect(out).toContain('[redacted]');
  });
});
