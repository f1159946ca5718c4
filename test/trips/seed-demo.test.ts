import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openDatabase, type DB } from '../../src/db.js';
import { projectRoot } from '../../src/lib/assets.js';
import { istDate } from '../../src/lib/time.js';
import { verify } from '@node-rs/argon2';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'tt-seed-'));
const env = {
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '/tmp',
  DATA_DIR: dir,
  LOG_LEVEL: 'silent',
  SETUP_PASSWORD: 'demo trail password 42',
};
const seed = () =>
  run(join(projectRoot(), 'node_modules', '.bin', 'tsx'), ['src/cli/seed-demo.ts'], { cwd: projectRoot(), env });

let first: { stdout: string };
let db: DB;
beforeAll(async () => {
  first = await seed();
  db = openDatabase(join(dir, 'trektribe.db')).db;
}, 120_000);
afterAll(async () => {
  await db?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run seed:demo', () => {
  it('makes about 8 organizers and 60 trips across the real trek regions, each public with future departures and a photo on disk', async () => {
    expect(first.stdout).toMatch(/Demo data: 8 organizers, \d+ trips/);
    const organizers = await db.selectFrom('users').select('id').where('role', '=', 'organizer').execute();
    expect(organizers).toHaveLength(8);
    const trips = await db
      .selectFrom('trips')
      .select(['id', 'organizer_id', 'region', 'price_paise', 'status', 'schedule'])
      .execute();
    expect(trips.length).toBeGreaterThanOrEqual(60);
    expect(new Set(trips.map((t) => t.region))).toEqual(
      new Set(['Himachal Pradesh', 'Uttarakhand', 'Sikkim', 'Ladakh', 'Kashmir', 'Western Ghats', 'Northeast']),
    );
    const active = trips.filter((t) => t.status === 'active');
    // The demo obeys the plan: each organizer has as many active trips as a trial includes (5), the rest drafts.
    for (const o of organizers)
      expect(
        active.filter((t) => t.organizer_id === o.id),
        `organizer ${o.id}`,
      ).toHaveLength(5);
    for (const t of active) {
      expect(t.price_paise, `trip ${t.id}`).toBeGreaterThan(0);
      expect(JSON.parse(t.schedule).length, `trip ${t.id} has a day-by-day schedule`).toBeGreaterThan(0);
    }
    const today = istDate(new Date());
    const withFuture = await db
      .selectFrom('departures')
      .select('trip_id')
      .distinct()
      .where('start_date', '>', today)
      .where(
        'trip_id',
        'in',
        active.map((t) => t.id),
      )
      .execute();
    expect(withFuture).toHaveLength(active.length);
    const covers = await db.selectFrom('trip_images').select(['trip_id', 'key']).where('is_cover', '=', 1).execute();
    expect(new Set(covers.map((c) => c.trip_id)).size).toBe(trips.length);
    for (const c of covers.slice(0, 5)) expect(existsSync(join(dir, 'uploads', `${c.key}-640.webp`)), c.key).toBe(true);
  });

  it('prints one table: each organizer, their sign-in email, the password from SETUP_PASSWORD and the treks they own', async () => {
    const lines = first.stdout.split('\n');
    const header = lines.findIndex((l) => /^Organizer\s+Sign-in email\s+Password\s+Treks$/.test(l));
    expect(header).toBeGreaterThanOrEqual(0);
    const organizers = await db
      .selectFrom('users')
      .select(['id', 'name', 'email'])
      .where('role', '=', 'organizer')
      .orderBy('id')
      .execute();
    const rows = lines.slice(header + 1, header + 1 + organizers.length);
    for (const [i, o] of organizers.entries()) {
      expect(rows[i].startsWith(o.name), rows[i]).toBe(true);
      expect(rows[i]).toContain(o.email);
      expect(rows[i]).toContain('demo trail password 42');
      const titles = await db.selectFrom('trips').select('title').where('organizer_id', '=', o.id).execute();
      expect(titles).toHaveLength(8);
      for (const t of titles) expect(rows[i]).toContain(t.title);
    }
    const hash = (
      await db.selectFrom('users').select('password_hash').where('id', '=', organizers[0].id).executeTakeFirstOrThrow()
    ).password_hash!;
    expect(await verify(hash, 'demo trail password 42')).toBe(true);
  });

  it('a second run sees the demo data and adds nothing', async () => {
    const before = (await db.selectFrom('trips').select('id').execute()).length;
    const again = await seed();
    expect(again.stdout).toMatch(/already there/);
    expect(await db.selectFrom('trips').select('id').execute()).toHaveLength(before);
  }, 60_000);
});
