import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import type { TestApp } from '../support/app.js';
import { openDatabase } from '../../src/db.js';
import { projectRoot } from '../../src/lib/assets.js';
import { ensurePresetAccounts } from '../../src/auth/preset-accounts.js';
import { accountsApp, signIn } from './helpers.js';

const run = promisify(execFile);

let t: TestApp;
beforeEach(async () => {
  t = await accountsApp();
});
afterEach(() => t.close());

describe('the preset accounts', () => {
  it('creates one verified account per role that can sign in, and nothing more when run again', async () => {
    const created = await ensurePresetAccounts(t.deps, 'first install pw');
    expect(created).toEqual([
      'admin@trektribe.local',
      'agent@trektribe.local',
      'organizer@trektribe.local',
      'traveler@trektribe.local',
    ]);
    const users = await t.db
      .selectFrom('users')
      .select(['role', 'email_verified_at', 'phone_verified_at'])
      .orderBy('id')
      .execute();
    expect(users.map((u) => u.role)).toEqual(['admin', 'agent', 'organizer', 'traveler']);
    expect(users.every((u) => u.email_verified_at && u.phone_verified_at)).toBe(true);

    expect(await ensurePresetAccounts(t.deps, 'another password')).toEqual([]);
    expect(await t.db.selectFrom('users').selectAll().execute()).toHaveLength(4);
    const { cookie } = await signIn(t, 'admin@trektribe.local', 'first install pw');
    expect((await t.request('/admin/users', { cookie })).status).toBe(200);
  });

  it('`npm run setup` prints a random password once, and is idempotent', async () => {
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      DATA_DIR: t.dir + '/setup',
      LOG_LEVEL: 'silent',
    };
    const tsx = join(projectRoot(), 'node_modules', '.bin', 'tsx');
    const first = await run(tsx, ['src/cli/setup.ts'], { cwd: projectRoot(), env });
    expect(first.stdout).toMatch(/created\s+admin\s+admin@trektribe\.local/);
    const password = first.stdout.match(/shown only now, change it after signing in\): (\S+)/)![1];
    expect(password.length).toBeGreaterThanOrEqual(16);

    const second = await run(tsx, ['src/cli/setup.ts'], { cwd: projectRoot(), env });
    expect(second.stdout).toContain('Nothing to do: every preset account already exists.');
    expect(second.stdout).not.toContain(password);

    const { db } = openDatabase(join(env.DATA_DIR, 'trektribe.db'));
    try {
      const rows = await db.selectFrom('users').select(['email', 'role']).execute();
      expect(rows).toHaveLength(4);
    } finally {
      await db.destroy();
    }
  }, 30_000);
});
