import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import Sqlite from 'better-sqlite3';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { ConfigError, loadConfig } from '../../src/config.js';
import { putSetting } from '../../src/lib/settings.js';
import { takeBackup } from '../../src/backups/service.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { signedIn } from '../support/factories.js';
import { spawnServer } from '../platform/server-process.js';
import { runCli } from './cli.js';

const BUCKET = 'trektribe-backups';
let s3: S3rver;
let endpoint: string;
let t: TestApp;
const dirs: string[] = [];
let env: Record<string, string>;

beforeAll(async () => {
  const store = mkdtempSync(join(tmpdir(), 'tt-s3-'));
  dirs.push(store);
  s3 = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: store,
    configureBuckets: [{ name: BUCKET }],
  });
  const { port } = await s3.run();
  endpoint = `http://127.0.0.1:${port}`;
  env = {
    BACKUP_S3_URL: `s3://${BUCKET}/nightly?endpoint=${endpoint}&region=ap-south-1`,
    BACKUP_S3_ACCESS_KEY_ID: 'S3RVER',
    BACKUP_S3_SECRET_ACCESS_KEY: 'S3RVER',
  };
  t = await makeTestApp(env);
});
afterAll(async () => {
  await t.close();
  await s3.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const objectBytes = async (key: string) => {
  const client = new S3Client({
    region: 'ap-south-1',
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  const res = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await res.Body!.transformToByteArray());
};

const keysInStore = async () => {
  const client = new S3Client({
    region: 'ap-south-1',
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  const res = await client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  return (res.Contents ?? []).map((o) => o.Key!).sort();
};

describe('the off-site copy (BACKUP_S3_URL)', () => {
  it('each backup is uploaded as one archive, and retention applies there too', async () => {
    await putSetting(t.db, t.clock, 'backupKeepDaily', 2);
    await putSetting(t.db, t.clock, 'backupKeepWeekly', 0);
    for (const day of ['2026-12-01', '2026-12-02', '2026-12-03']) {
      t.clock.set(`${day}T21:00:00Z`);
      const run = await takeBackup(t.deps);
      expect(run.offsite?.label).toBe(`s3://${BUCKET}/nightly/${day}T21-00-00Z.tar.gz`);
    }
    expect(await keysInStore()).toEqual(['nightly/2026-12-02T21-00-00Z.tar.gz', 'nightly/2026-12-03T21-00-00Z.tar.gz']);
  }, 60_000);

  it('npm run restore -- s3:<name> fetches a backup from the store and restores it into an empty DATA_DIR', async () => {
    await signedIn(t.deps, { name: 'Only In The Offsite Backup' });
    t.clock.set('2026-12-04T21:00:00Z');
    await takeBackup(t.deps);
    const fresh = mkdtempSync(join(tmpdir(), 'tt-restored-'));
    dirs.push(fresh);

    const listed = await runCli('restore', [], { DATA_DIR: fresh, ...env });
    expect(listed.stdout).toContain('  s3:2026-12-04T21-00-00Z');
    const r = await runCli('restore', ['s3:2026-12-04T21-00-00Z'], { DATA_DIR: fresh, ...env });

    // Only the SDK's notice that its 2027 versions need Node 22 (a warning, not an error).
    const warning =
      /^\(node:\d+\) Warning: NodeVersionSupportWarning[^]*?a\.co\/\S+\n(\(Use `node --trace-warnings.*\n)?/;
    expect(r.stderr.replace(warning, '')).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Restored s3://${BUCKET}/nightly/2026-12-04T21-00-00Z.tar.gz`);
    const db = new Sqlite(join(fresh, 'trektribe.db'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.prepare("SELECT count(*) FROM users WHERE name = 'Only In The Offsite Backup'").pluck().get()).toBe(1);
    } finally {
      db.close();
    }
  }, 60_000);

  it('a backup that is not in the store is refused plainly', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'tt-restored-'));
    dirs.push(fresh);
    const r = await runCli('restore', ['s3:2020-01-01T00-00-00Z'], { DATA_DIR: fresh, ...env });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(
      `Not restored: Could not fetch it: there is no backup 2020-01-01T00-00-00Z in s3://${BUCKET}/nightly/.`,
    );
  }, 30_000);

  it('a store that does not answer fails the backup, naming it; the local backup is still written', async () => {
    const app = await makeTestApp({ ...env, BACKUP_S3_URL: `s3://${BUCKET}/x?endpoint=http://127.0.0.1:9` });
    try {
      app.clock.set('2026-12-05T21:00:00Z');
      await expect(takeBackup(app.deps)).rejects.toThrow(
        `the upload of backup 2026-12-05T21-00-00Z failed (s3://${BUCKET}/x/)`,
      );
      expect(readdirSync(join(app.dir, 'backups'))).toContain('2026-12-05T21-00-00Z');
    } finally {
      await app.close();
    }
  }, 30_000);
});

describe('the off-site copy encrypted with BACKUP_KEY', () => {
  const KEY = 'a1'.repeat(32);
  const OTHER = 'b2'.repeat(32);

  it('is stored encrypted, restores with its key, and is refused with another key or none', async () => {
    const sealed = { ...env, BACKUP_S3_URL: `s3://${BUCKET}/sealed?endpoint=${endpoint}`, BACKUP_KEY: KEY };
    const app = await makeTestApp(sealed);
    try {
      await signedIn(app.deps, { name: 'Sealed Backup Marker' });
      app.clock.set('2026-12-06T21:00:00Z');
      await takeBackup(app.deps);
    } finally {
      await app.close();
    }
    const stored = await objectBytes('sealed/2026-12-06T21-00-00Z.tar.gz');
    expect(stored.subarray(0, 5).toString()).toBe('TTBK1');
    expect(stored.includes(Buffer.from('Sealed Backup Marker'))).toBe(false);

    const attempt = async (extra: Record<string, string>) => {
      const fresh = mkdtempSync(join(tmpdir(), 'tt-restored-'));
      dirs.push(fresh);
      const r = await runCli('restore', ['s3:2026-12-06T21-00-00Z'], { DATA_DIR: fresh, ...sealed, ...extra });
      return { ...r, fresh, last: r.stderr.trim().split('\n').at(-1) };
    };
    const wrong = await attempt({ BACKUP_KEY: OTHER });
    expect(wrong.code).toBe(1);
    expect(wrong.last).toBe(
      'Not restored: Could not fetch it: backup 2026-12-06T21-00-00Z cannot be decrypted with this BACKUP_KEY (another key, or the file was altered).',
    );
    expect(readdirSync(wrong.fresh)).not.toContain('trektribe.db');
    const none = await attempt({ BACKUP_KEY: '' });
    expect(none.code).toBe(1);
    expect(none.last).toContain('is encrypted: set BACKUP_KEY to the key it was made with');

    const right = await attempt({});
    expect(right.code).toBe(0);
    const db = new Sqlite(join(right.fresh, 'trektribe.db'), { readonly: true });
    try {
      expect(db.prepare("SELECT count(*) FROM users WHERE name = 'Sealed Backup Marker'").pluck().get()).toBe(1);
    } finally {
      db.close();
    }
  }, 90_000);

  it('BACKUP_KEY must be 64 hex digits, and needs BACKUP_S3_URL', () => {
    expect(() => loadConfig({ ...env, BACKUP_KEY: 'secret' })).toThrow(
      /^Invalid environment variable BACKUP_KEY="secret": expected 64 hex digits/,
    );
    expect(() => loadConfig({ BACKUP_KEY: KEY })).toThrow(
      'Missing environment variable BACKUP_S3_URL: required when BACKUP_KEY is set',
    );
  });
});

describe('BACKUP_S3_* configuration', () => {
  const base = { BACKUP_S3_ACCESS_KEY_ID: 'AKIAEXAMPLE', BACKUP_S3_SECRET_ACCESS_KEY: 'secret-example' };

  it('reads bucket, prefix, endpoint and region from the URL', () => {
    const c = loadConfig({
      ...base,
      BACKUP_S3_URL: 's3://treks-backup/nightly?endpoint=http://127.0.0.1:9000&region=ap-south-1',
    });
    expect(c.backupS3).toMatchObject({
      bucket: 'treks-backup',
      prefix: 'nightly/',
      endpoint: 'http://127.0.0.1:9000',
      region: 'ap-south-1',
      accessKeyId: 'AKIAEXAMPLE',
    });
    expect(loadConfig({ ...base, BACKUP_S3_URL: 's3://treks-backup' }).backupS3).toMatchObject({
      prefix: '',
      endpoint: undefined,
      region: 'us-east-1',
    });
    expect(loadConfig({}).backupS3).toBeUndefined();
  });

  it.each([
    [
      { ...base, BACKUP_S3_URL: 'https://treks-backup/nightly' },
      /^Invalid environment variable BACKUP_S3_URL="https:\/\/treks-backup\/nightly": expected an S3 URL like/,
    ],
    [
      { ...base, BACKUP_S3_URL: 's3://treks-backup?endpoint=127.0.0.1:9000' },
      /^Invalid environment variable BACKUP_S3_URL: endpoint="127.0.0.1:9000" should be http\(s\):\/\/host\[:port\]$/,
    ],
    [
      { ...base, BACKUP_S3_URL: 's3://treks-backup?regoin=ap-south-1' },
      /^Invalid environment variable BACKUP_S3_URL: unknown option regoin/,
    ],
    [
      { BACKUP_S3_URL: 's3://treks-backup', BACKUP_S3_ACCESS_KEY_ID: 'AKIAEXAMPLE' },
      /^Missing environment variable BACKUP_S3_SECRET_ACCESS_KEY: required when BACKUP_S3_URL, BACKUP_S3_ACCESS_KEY_ID are set$/,
    ],
    [
      { ...base },
      /^Missing environment variable BACKUP_S3_URL: required when BACKUP_S3_ACCESS_KEY_ID, BACKUP_S3_SECRET_ACCESS_KEY are set$/,
    ],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('a misconfigured off-site copy stops the server at start, naming the variable', async () => {
    const p = await spawnServer({ BACKUP_S3_URL: 's3://treks-backup/nightly' });
    expect((await p.exited).code).toBe(1);
    expect(p.output().stderr.trim()).toBe(
      'Missing environment variable BACKUP_S3_ACCESS_KEY_ID: required when BACKUP_S3_URL is set',
    );
  }, 30_000);
});
