import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { spawnServer } from './server-process.js';

describe('configuration', () => {
  it('has a working default for everything', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      beyondLoopback: false,
      trustProxyHops: 0,
      dataDir: './data',
      publicUrl: 'http://localhost:3000',
      production: false,
      devMailbox: true,
      testGateway: true,
      secureCookies: false,
    });
    expect(c.mail.smtpUrl).toBeUndefined();
    expect(c.twilio).toBeUndefined();
    expect(c.uploadFileLimitBytes).toBe(10 * 1024 * 1024);
  });

  it('production turns the dev mailbox off, and https turns secure cookies on', () => {
    const c = loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://treks.example.in/' });
    expect(c.devMailbox).toBe(false);
    expect(c.publicUrl).toBe('https://treks.example.in');
    expect(c.secureCookies).toBe(true);
  });

  it('listens on loopback by default in development, on every interface in production (Docker)', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ NODE_ENV: 'test' }).host).toBe('127.0.0.1');
    expect(loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://treks.example.in' })).toMatchObject({
      host: '0.0.0.0',
      beyondLoopback: true,
    });
  });

  it.each([
    ['127.0.0.1', false],
    ['127.4.5.6', false],
    ['::1', false],
    ['[::1]', false],
    ['::ffff:127.0.0.1', false],
    ['localhost', false],
    ['LOCALHOST', false],
    ['0.0.0.0', true],
    ['::', true],
    ['192.168.1.20', true],
    ['10.0.0.5', true],
    ['128.0.0.1', true],
    ['::ffff:10.0.0.1', true],
    ['treks.example.in', true],
    ['localhost.example.in', true],
  ])('HOST=%s listens beyond loopback: %s', (HOST, beyond) => {
    expect(loadConfig({ HOST }).beyondLoopback).toBe(beyond);
  });

  it('production refuses a plain-http PUBLIC_URL (set or by default) unless ALLOW_HTTP=on', () => {
    for (const env of [
      { NODE_ENV: 'production' },
      { NODE_ENV: 'production', PUBLIC_URL: 'http://treks.example.in' },
      { NODE_ENV: 'production', PUBLIC_URL: 'http://treks.example.in', ALLOW_HTTP: 'off' },
    ]) {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(/^PUBLIC_URL must start with https:\/\/ in production .*ALLOW_HTTP=on$/);
    }
    expect(
      loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'http://treks.example.in', ALLOW_HTTP: 'on' }).publicUrl,
    ).toBe('http://treks.example.in');
    expect(loadConfig({ PUBLIC_URL: 'http://192.168.1.20:3000' }).production).toBe(false);
    expect(() => loadConfig({ ALLOW_HTTP: 'yes' })).toThrow(
      /^Invalid environment variable ALLOW_HTTP="yes": expected one of on, off$/,
    );
  });

  it('TRUST_PROXY takes off, on (one proxy) or a number of proxies', () => {
    expect(loadConfig({ TRUST_PROXY: 'off' }).trustProxyHops).toBe(0);
    expect(loadConfig({ TRUST_PROXY: 'on' }).trustProxyHops).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxyHops).toBe(2);
    expect(() => loadConfig({ TRUST_PROXY: 'yes' })).toThrow(
      /^Invalid environment variable TRUST_PROXY="yes": expected on, off or a number of proxies from 0 to 10$/,
    );
    expect(() => loadConfig({ TRUST_PROXY: '11' })).toThrow(/^Invalid environment variable TRUST_PROXY="11"/);
  });

  it.each([
    [{ PORT: 'abc' }, /^Invalid environment variable PORT="abc": expected /],
    [{ PORT: '70000' }, /^Invalid environment variable PORT="70000": expected /],
    [
      { LOG_LEVEL: 'loud' },
      /^Invalid environment variable LOG_LEVEL="loud": expected one of fatal, error, warn, info, debug, trace, silent$/,
    ],
    [{ SMTP_URL: 'http://mail.example' }, /^Invalid environment variable SMTP_URL=/],
    [{ UPLOAD_FILE_LIMIT_MB: 'ten' }, /^Invalid environment variable UPLOAD_FILE_LIMIT_MB="ten": expected /],
    [{ UPLOAD_FILE_LIMIT_MB: '0' }, /^Invalid environment variable UPLOAD_FILE_LIMIT_MB="0": expected /],
    [
      { TWILIO_ACCOUNT_SID: 'nope', TWILIO_AUTH_TOKEN: 'x'.repeat(12), TWILIO_SMS_FROM: '+14155550100' },
      /^Invalid environment variable TWILIO_ACCOUNT_SID="nope": expected an Account SID/,
    ],
    [
      { TWILIO_ACCOUNT_SID: 'AC' + 'a'.repeat(32), TWILIO_SMS_FROM: '+14155550100' },
      /^Missing environment variable TWILIO_AUTH_TOKEN: required when TWILIO_ACCOUNT_SID is set$/,
    ],
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

  it('a production start without an https PUBLIC_URL stops with one line naming PUBLIC_URL and ALLOW_HTTP', async () => {
    const p = await spawnServer({ NODE_ENV: 'production' });
    expect((await p.exited).code).toBe(1);
    const { stdout, stderr } = p.output();
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^PUBLIC_URL must start with https:\/\/ in production .*ALLOW_HTTP=on$/),
    ]);
  });

  it('a start beyond loopback prints one line saying the dev mailbox and the test gateway are for admins; on loopback it does not', async () => {
    const notice =
      /^Listening beyond loopback \(HOST=0\.0\.0\.0\): \/dev\/mailbox and the test gateway's checkout answer only signed-in admins/;
    for (const [HOST, expected] of [
      ['0.0.0.0', 1],
      ['127.0.0.1', 0],
    ] as const) {
      const p = await spawnServer({ HOST });
      try {
        await p.ready();
        const lines = p
          .output()
          .stdout.split('\n')
          .filter((l) => /beyond loopback/.test(l));
        expect(lines, p.output().stdout).toHaveLength(expected);
        if (expected) expect(lines[0]).toMatch(notice);
      } finally {
        p.child.kill('SIGTERM');
        await p.exited;
      }
    }
  }, 60_000);
});
