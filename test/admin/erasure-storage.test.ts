import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import Sqlite from 'better-sqlite3';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { sql } from 'kysely';
import { openDatabase } from '../../src/db.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { createUser, makeTrip, sessionCookie, signedIn } from '../support/factories.js';
import { bookingForm, bookingIdFrom } from '../bookings/support.js';
import { updateProfile } from '../../src/auth/profile.js';
import { audit } from '../../src/lib/audit.js';
import { enqueue } from '../../src/notifications/outbox.js';
import { housekeeping } from '../../src/platform/housekeeping.js';
import { purgeStaleAccountData } from '../../src/auth/jobs.js';

/**
 * Issue 28, item 11: after an erasure no copy of the person's email or phone may be left
 * anywhere in the database's files, not only in what SQL can see: not in the free space of a
 * table or index page, not on a freelist page, not in the full-text index, not in a WAL frame.
 * The database is of an ordinary size, so the person's rows and index entries have been moved
 * about by page splits and rewrites long before the erasure.
 */

let t: TestApp;
let server: ServerType;
let base: string;
beforeEach(async () => {
  t = await makeTestApp();
  server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((r) => server.once('listening', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await new Promise((r) => server.close(r));
  await t.close();
});

/** A form POST over a real socket, as the browser sends it; redirects are not followed. */
const post = (path: string, form: Record<string, string | string[]>, cookie: string) => {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
  return fetch(base + path, {
    method: 'POST',
    body,
    redirect: 'manual',
    headers: { Origin: base, Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
  });
};

/** `n` ordinary users (the FTS triggers fire for each), their emails spread over the whole email index. */
async function manyUsers(n: number, tag: string) {
  await sql`with recursive k(i) as (select 1 union all select i + 1 from k where i < ${n})
    insert into users (email, name, phone, role, bio, created_at, updated_at)
    select lower(hex(randomblob(6))) || '.' || ${tag} || i || '@mail.example', 'Traveler ' || ${tag} || ' ' || i,
           '+9170' || printf('%08d', abs(random()) % 100000000), 'traveler', null,
           '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z' from k`.execute(t.db);
}

async function manyAuditRows(n: number, tag: string) {
  await sql`with recursive k(i) as (select 1 union all select i + 1 from k where i < ${n})
    insert into audit_log (actor_id, action, target_type, target_id, before, after, created_at)
    select 1, 'booking.created', 'booking', ${tag} || i, null, '{"amount":' || (i * 100) || ',"note":"' || hex(randomblob(20)) || '"}',
           '2026-11-01T00:00:00Z' from k`.execute(t.db);
}

async function manyOutboxRows(n: number, tag: string) {
  await sql`with recursive k(i) as (select 1 union all select i + 1 from k where i < ${n})
    insert into outbox (channel, recipient, template, payload, status, next_attempt_at, created_at)
    select 'email', lower(hex(randomblob(5))) || ${tag} || i || '@mail.example', 'booking-confirmed',
           '{"subject":"Your booking","text":"' || hex(randomblob(60)) || '"}', 'sent', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z'
    from k`.execute(t.db);
}

async function manyBookings(n: number, trip: { tripId: number; departureId: number; organizerId: number }) {
  await sql`with recursive k(i) as (select 1 union all select i + 1 from k where i < ${n})
    insert into bookings (code, trip_id, departure_id, user_id, organizer_id, guests, amount_paise, status,
                          payment_method, payment_status, special_requests, created_at, updated_at)
    select 'TT-B' || i || hex(randomblob(3)), ${trip.tripId}, ${trip.departureId}, (select min(id) from users) + (i % 500),
           ${trip.organizerId}, 1, 120000, 'completed', 'online', 'paid', 'Vegetarian meals please ' || hex(randomblob(10)),
           '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z' from k`.execute(t.db);
}

/** Everyone's row grows and moves (a column filled in for all), as a migration or a bulk edit does. */
const everyoneMoves = (text: string) => sql`update users set location = ${text} where role = 'traveler'`.execute(t.db);

/** The byte offsets of `needle` in the database file, its WAL and its shared-memory file. */
function copiesOnDisk(needle: string, db = join(t.dir, 'trektribe.db')): string[] {
  const found: string[] = [];
  for (const file of [db, `${db}-wal`, `${db}-shm`]) {
    if (!existsSync(file)) continue;
    const bytes = readFileSync(file);
    // The database is UTF-8; a UTF-16 copy would only come from a blob, but costs nothing to look for.
    for (const enc of ['utf8', 'utf16le'] as const) {
      for (let at = bytes.indexOf(needle, 0, enc); at >= 0; at = bytes.indexOf(needle, at + 1, enc))
        found.push(`${basename(file)}@${at} (${enc})`);
    }
  }
  return found;
}

describe('erasure in a database of ordinary size', () => {
  it('leaves no copy of the email or phone anywhere in the database file, its WAL or -shm', async () => {
    const EMAIL = 'meera.forgotten@example.test';
    const PHONE = '+919822334455';
    const NATIONAL = '9822334455';
    const admin = await signedIn(t.deps, { role: 'admin', name: 'Root Admin' });
    const trip = await makeTrip(t.deps, { pricePaise: 250_000, capacity: 8, start: '2026-12-20', end: '2026-12-24' });

    await manyUsers(2500, 'a');
    await manyAuditRows(2000, 'a');
    await manyOutboxRows(1500, 'a');
    await manyBookings(1500, trip);

    const meera = await createUser(t.deps, { email: EMAIL, phone: PHONE, name: 'Meera Forgotten' });
    const cookie = await sessionCookie(t.deps, meera);
    // Her own history: profile edits (each rewrites her row), a booking over HTTP with her phone
    // in it, messages to her (outbox and its recipient index), and audit entries naming her.
    for (const bio of ['Trekker', `Reach me at ${EMAIL} or ${PHONE}`, `Mostly on WhatsApp ${NATIONAL}, mail ${EMAIL}`])
      await updateProfile(t.deps, meera, { name: 'Meera Forgotten', bio, location: 'Nashik' });
    const booked = await post(
      `/trips/${trip.tripId}/book`,
      bookingForm(trip.departureId, 1, { name: ['Meera Forgotten'], phone: [NATIONAL], requests: `Call ${PHONE}` }),
      cookie,
    );
    const bookingId = bookingIdFrom(booked as unknown as Response);
    expect(bookingId).toBeGreaterThan(0);
    // Paid and travelled (how it got paid is not what this test is about).
    await t.db
      .updateTable('bookings')
      .set({ status: 'confirmed', payment_status: 'paid' })
      .where('id', '=', bookingId)
      .execute();
    for (let i = 0; i < 3; i++)
      await t.db.transaction().execute(async (trx) => {
        await enqueue(trx, t.deps, {
          channel: 'email',
          to: EMAIL,
          template: 'support-reply',
          subject: `Reply ${i}`,
          text: `Hello Meera (${EMAIL}), call us back from ${PHONE}`,
        });
        await audit(trx, t.clock, {
          actorId: admin.id,
          action: 'user.contacted',
          targetType: 'user',
          targetId: meera,
          after: { email: EMAIL, phone: PHONE },
        });
      });

    // Delivered, and a failed sign-in with her address (a rate-limit counter keyed by it).
    await t.db
      .updateTable('outbox')
      .set({ status: 'sent', sent_at: t.clock.now().toISOString() })
      .where('recipient', '=', EMAIL)
      .execute();
    expect((await post('/login', { email: EMAIL, password: 'not the password at all' }, '')).status).toBe(422);
    expect(await t.db.selectFrom('rate_limits').select('key').where('key', 'like', `%${EMAIL}%`).execute()).not.toEqual(
      [],
    );

    // Life goes on: thousands more users, audit rows, messages and bookings after hers, and a
    // change that rewrites every user's row. Pages split and rows move; old copies of hers
    // are left behind in free space, on freelist pages and in the full-text index's segments.
    await manyUsers(3000, 'b');
    // Sign-ups one at a time, as they come: each its own commit (and its own full-text segment, merged later).
    for (let i = 0; i < 1000; i++) await createUser(t.deps, { name: `Later Traveler ${i}` });
    for (let i = 0; i < 300; i++)
      await sql`update users set bio = ${'Loves the hills '.repeat(1 + (i % 5))} where id = ${meera - 200 + i}`.execute(
        t.db,
      );
    await manyAuditRows(3000, 'b');
    await manyOutboxRows(2000, 'b');
    await manyBookings(1500, trip);
    await everyoneMoves('Somewhere in Maharashtra, India');
    await sql`delete from audit_log where id % 3 = 0 and action = 'booking.created'`.execute(t.db);

    // A month on, the nightly jobs forget the delivered messages and the old counters, hers
    // among them, long before anyone asks for her erasure.
    t.clock.set('2026-12-26T03:30:00Z');
    expect(await housekeeping(t.deps)).toMatch(/removed \d+ old job runs, [1-9]\d* delivered messages/);
    expect(await purgeStaleAccountData(t.deps)).toMatch(/[1-9]\d* rate limits/);
    expect(await t.db.selectFrom('outbox').select('id').where('recipient', '=', EMAIL).execute()).toEqual([]);
    for (const needle of [EMAIL, PHONE, NATIONAL]) expect(copiesOnDisk(needle), needle).not.toEqual([]);

    // The trip is over: the admin deletes her with erasure, over HTTP.
    t.clock.set('2026-12-27T06:00:00Z');
    const adminCookie = await sessionCookie(t.deps, admin.id);
    const erased = await post(`/admin/users/${meera}/delete`, { confirm: EMAIL }, adminCookie);
    expect(erased.status).toBe(303);
    const row = await t.db.selectFrom('users').select(['email', 'status']).where('id', '=', meera).executeTakeFirst();
    expect(row).toEqual({ email: `deleted-${meera}@erased.invalid`, status: 'deleted' });

    for (const needle of [EMAIL, EMAIL.toUpperCase(), PHONE, NATIONAL])
      expect(copiesOnDisk(needle), `${needle} left in the files`).toEqual([]);

    // The database is whole and everyone else is still there.
    expect(await sql`pragma integrity_check`.execute(t.db)).toMatchObject({ rows: [{ integrity_check: 'ok' }] });
    const users = await t.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    expect(Number(users!.n)).toBe(5500 + 1000 + 3);
  }, 120_000);
});

describe('a database written before every connection deleted securely', () => {
  it('is rebuilt once when this version opens it, so what was deleted before is gone from the file', async () => {
    const file = join(t.dir, 'older.db');
    const EMAIL = 'ravi.long.gone@example.test';
    // As every earlier version wrote it: secure_delete off, the rows deleted by a nightly job.
    const old = new Sqlite(file);
    old.pragma('journal_mode = WAL');
    old.exec(`create table outbox (id integer primary key, recipient text not null, payload text not null);
              create index outbox_recipient on outbox (recipient)`);
    const put = old.prepare('insert into outbox (recipient, payload) values (?, ?)');
    for (let i = 0; i < 3000; i++)
      put.run(i % 50 === 0 ? EMAIL : `someone${i}@mail.example`, `message ${i} `.repeat(8));
    old.exec(`delete from outbox where recipient = '${EMAIL}'`);
    old.pragma('wal_checkpoint(TRUNCATE)');
    old.close();
    expect(copiesOnDisk(EMAIL, file)).not.toEqual([]);

    const { db, sqlite } = openDatabase(file);
    try {
      expect(copiesOnDisk(EMAIL, file)).toEqual([]);
      expect(sqlite.prepare('select count(*) as n from outbox').get()).toEqual({ n: 3000 - 60 });
      expect(sqlite.pragma('secure_delete', { simple: true })).toBe(1);
      expect(sqlite.pragma('user_version', { simple: true })).toBe(1);
      sqlite.exec('delete from outbox where id > 1000');
    } finally {
      await db.destroy();
    }
    // Done once: a second opening does not rebuild the file again (the pages freed since stay free).
    const freed = new Sqlite(file).pragma('freelist_count', { simple: true }) as number;
    expect(freed).toBeGreaterThan(0);
    const again = openDatabase(file);
    expect(again.sqlite.pragma('freelist_count', { simple: true })).toBe(freed);
    await again.db.destroy();
  });
});
