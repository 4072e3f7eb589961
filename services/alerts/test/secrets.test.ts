import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AlertServiceConfigSchema, DEVELOPMENT_LINK_SECRET, loadAlertSecrets, SecretsError } from '../src/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'hpg-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const config = (over: object = {}) => AlertServiceConfigSchema.parse(over);
const STRONG = 'k'.repeat(40);

describe('alert secrets', () => {
  it('uses a development link secret outside production, and says so', () => {
    const s = loadAlertSecrets(config(), {});
    expect(s.development).toBe(true);
    expect(s.linkSecrets).toEqual([DEVELOPMENT_LINK_SECRET]);
  });

  it('refuses to start in production without a strong link secret, or with the development one', () => {
    expect(() => loadAlertSecrets(config(), { HPG_ENV: 'production' })).toThrow(SecretsError);
    expect(() => loadAlertSecrets(config(), { HPG_ENV: 'production', HPG_ALERT_LINK_SECRET: 'short' })).toThrow(
      /at least 32/,
    );
    expect(() =>
      loadAlertSecrets(config(), { NODE_ENV: 'production', HPG_ALERT_LINK_SECRET: DEVELOPMENT_LINK_SECRET }),
    ).toThrow(SecretsError);
    const ok = loadAlertSecrets(config(), {
      HPG_ENV: 'production',
      HPG_ALERT_LINK_SECRET: `${STRONG}, ${'o'.repeat(33)}`,
    });
    expect(ok.linkSecrets).toEqual([STRONG, 'o'.repeat(33)]);
    expect(ok.development).toBe(false);
  });

  it('reads named secrets from a file and from variables, the variables winning', () => {
    const file = join(dir, 'secrets.json');
    writeFileSync(file, JSON.stringify({ 'police-vinh-am': 'from-file', 'sms-gateway': 'key-1' }));
    const s = loadAlertSecrets(config({ secretsFile: file }), {
      HPG_ALERT_SECRET_POLICE_VINH_AM: 'from-env',
      HPG_ALERT_SMTP_PASSWORD: 'smtp-pw',
      HPG_ALERT_TELEGRAM_TOKEN: '123:abc',
    });
    expect(s.named).toEqual({ 'police-vinh-am': 'from-env', 'sms-gateway': 'key-1' });
    expect(s.smtpPassword).toBe('smtp-pw');
    expect(s.telegramToken).toBe('123:abc');
  });

  it('refuses a secrets file that is not a map of non-empty strings', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ a: 1 }));
    expect(() => loadAlertSecrets(config({ secretsFile: file }), {})).toThrow(/non-empty string/);
  });
});
