import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { spawnServer } from './server-process.js';

describe('configuration', () => {
  it('has a working default for everything', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, host: '0.0.0.0', dataDir: './data', publicUrl: 'http://localhost:3000', production: false, devMailbox: true, testGateway: true, secureCookies: false });
    expect(c.mail.smtpUrl).toBeUndefined();
    expect(c.twilio).toBeUndefined();
  });

  it('production turns the dev mailbox off, and https turns secure cookies on', () => {
    const c = loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://treks.example.in/' });
    expect(c.devMailbox).toBe(false);
    expect(c.publicUrl).toBe('https://treks.example.in');
    expect(c.secureCookies).toBe(true);
  });

  it.each([
    [{ PORT: 'abc' }, /^Invalid environment variable PORT="abc": expected /],
    [{ PORT: '70000' }, /^Invalid environment variable PORT="70000": expected /],
    [{ LOG_LEVEL: 'loud' }, /^Invalid environment variable LOG_LEVEL="loud": expected one of fatal, error, warn, info, debug, trace, silent$/],
    [{ SMTP_URL: 'http://mail.example' }, /^Invalid environment variable SMTP_URL=/],
    [{ TWILIO_ACCOUNT_SID: 'nope', TWILIO_AUTH_TOKEN: 'x'.repeat(12), TWILIO_SMS_FROM: '+14155550100' }, /^Invalid environment variable TWILIO_ACCOUNT_SID="nope": expected an Account SID/],
    [{ TWILIO_ACCOUNT_SID: 'AC' + 'a'.repeat(32), TWILIO_SMS_FROM: '+14155550100' }, /^Missing environment variable TWILIO_AUTH_TOKEN: required when TWILIO_ACCOUNT_SID is set$/],
  ])('a wrong value (%o) is refused with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('a wrong value stops the start: exit code 1 and one line naming the variable', async () => {
    const p = await spawnServer({ PORT: 'abc' });
    const { code } = await p.exited;
    expect(code).toBe(1);
    const { stdout, stderr } = p.output();
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Invalid environment variable PORT="abc": expected .+/);
  });
});
