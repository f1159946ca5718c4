import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import sharp from 'sharp';
import { makeTestApp, type TestApp } from '../support/app.js';
import { addDeparture, createUser, makeBooking, makeTrip, sessionCookie, signedIn } from '../support/factories.js';
import { bookingForm, bookingIdFrom, bookPaidByUpi, sendUpiProof } from '../bookings/support.js';
import { updateProfile } from '../../src/auth/profile.js';
import { earnings } from '../../src/bookings/organizer.js';
import { enqueue } from '../../src/notifications/outbox.js';
import { csvCell } from '../../src/admin/money.js';

let t: TestApp;
let admin: { id: number; cookie: string };
beforeEach(async () => {
  t = await makeTestApp();
  admin = await signedIn(t.deps, { role: 'admin', name: 'Root Admin' });
});
afterEach(() => t.close());

const auditOf = (action: string) =>
  t.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();

/** Every TEXT cell of every table that holds `needle` (case-insensitive), as "table.column". */
async function cellsHolding(needle: string): Promise<string[]> {
  const tables = await sql<{ name: string }>`select name from sqlite_master
     where type = 'table' and name not like 'sqlite_%'`.execute(t.db);
  const found: string[] = [];
  for (const { name } of tables.rows) {
    const cols = await sql<{ name: string; type: string }>`select name, type from pragma_table_info(${name})`.execute(
      t.db,
    );
    for (const c of cols.rows) {
      if (name.includes('_fts') && c.type === '') continue; // FTS shadow blobs; trips_fts itself reads trips
      if (c.type !== '' && !/TEXT|CHAR|CLOB/i.test(c.type)) continue;
      const r = await sql<{ n: number }>`select count(*) as n from ${sql.table(name)}
         where instr(lower(cast(${sql.ref(c.name)} as text)), ${needle.toLowerCase()}) > 0`.execute(t.db);
      if (Number(r.rows[0].n) > 0) found.push(`${name}.${c.name}`);
    }
  }
  return found;
}

async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else out.push(p);
  }
  return out;
}

describe('deleting a user with erasure', () => {
  it('erases their email, phone, photo and free text everywhere, signs them out, and keeps the books adding up', async () => {
    const EMAIL = 'asha.erase@example.test';
    const PHONE = '+919811122233';
    const png = new Uint8Array(
      await sharp({ create: { width: 400, height: 800, channels: 3, background: '#3a7' } })
        .png()
        .toBuffer(),
    );
    const trip = await makeTrip(t.deps, { pricePaise: 250_000, capacity: 6, start: '2026-12-20', end: '2026-12-24' });
    const traveler = await signedIn(t.deps, { email: EMAIL, phone: PHONE, name: 'Asha Eraseme' });
    await t.db.updateTable('users').set({ google_sub: 'google-sub-asha' }).where('id', '=', traveler.id).execute();
    await updateProfile(t.deps, traveler.id, {
      name: 'Asha Eraseme',
      bio: `Call me on 9811122233 or write to ${EMAIL}`,
      location: 'Pune',
      photo: new File([png], 'me.png', { type: 'image/png' }),
    });
    const photo = (await t.db.selectFrom('users').select('photo').where('id', '=', traveler.id).executeTakeFirst())!
      .photo!;

    // A real booking: participants (one is herself), special requests, a UPI proof the organizer verifies.
    const form = bookingForm(trip.departureId, 2, {
      name: ['Asha Eraseme', 'Ravi Friend'],
      phone: ['9811122233', '9876543211'],
      requests: `Call ${PHONE} before pick-up`,
    });
    const bookingId = bookingIdFrom(await t.post(`/trips/${trip.tripId}/book`, form, traveler.cookie));
    expect(bookingId).toBeGreaterThan(0);
    expect((await sendUpiProof(t, bookingId, traveler.cookie, { utr: '412345678999', file: png })).status).toBe(303);
    const proof = await t.db
      .selectFrom('upi_proofs')
      .selectAll()
      .where('booking_id', '=', bookingId)
      .executeTakeFirstOrThrow();
    const organizerCookie = await sessionCookie(t.deps, trip.organizerId);
    expect((await t.post(`/organizer/verifications/${proof.id}/verify`, {}, organizerCookie)).status).toBe(303);
    // A failed sign-in leaves a rate-limit counter keyed by her email.
    await t.post('/login', { email: EMAIL, password: 'not her password at all' });
    expect(await cellsHolding(EMAIL)).toContain('rate_limits.key');

    // Free text of theirs that names no address: a support ticket, and the in-app notifications they got.
    const ticket = await t.post(
      '/support',
      { subject: 'About my knee surgery', body: 'Private: I had knee surgery last May.' },
      traveler.cookie,
    );
    expect(ticket.status).toBe(303);
    expect(await cellsHolding('knee surgery')).not.toEqual([]);
    const notified = () => t.db.selectFrom('notifications').selectAll().where('user_id', '=', traveler.id).execute();
    expect((await notified()).length).toBeGreaterThan(0);

    const stored = await filesUnder(t.config.dataDir);
    expect(stored.some((f) => f.includes(photo))).toBe(true);
    expect(stored.some((f) => f.includes(proof.screenshot_key))).toBe(true);

    const orgActor = { id: trip.organizerId, role: 'organizer' as const };
    const earnedBefore = await earnings(t.deps, orgActor);
    expect(earnedBefore.months[0].paidPaise).toBe(500_000);

    // While the trip has not ended, the booking is not over: deleting is refused, nothing changes.
    let confirmPage = await (await t.request(`/admin/users/${traveler.id}/delete`, { cookie: admin.cookie })).text();
    expect(confirmPage).toContain('1 booking(s) that are not over yet');
    expect((await t.post(`/admin/users/${traveler.id}/delete`, { confirm: EMAIL }, admin.cookie)).status).toBe(409);

    t.clock.set('2026-12-26T06:00:00Z');
    // A month on: fresh sessions (the old ones have expired), so that revoking them is seen.
    admin = await signedIn(t.deps, { role: 'admin' });
    traveler.cookie = await sessionCookie(t.deps, traveler.id);
    confirmPage = await (await t.request(`/admin/users/${traveler.id}/delete`, { cookie: admin.cookie })).text();
    expect(confirmPage).toContain(`Type ${EMAIL} to confirm`);
    const wrong = await t.post(`/admin/users/${traveler.id}/delete`, { confirm: 'someone@else.test' }, admin.cookie);
    expect(wrong.status).toBe(422);
    expect(await wrong.text()).toContain('to confirm');
    expect(await cellsHolding(EMAIL)).not.toEqual([]);

    const res = await t.post(`/admin/users/${traveler.id}/delete`, { confirm: EMAIL.toUpperCase() }, admin.cookie);
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe('/admin/users');

    for (const needle of [EMAIL, PHONE, '9811122233']) expect(await cellsHolding(needle), needle).toEqual([]);
    expect(await cellsHolding('Asha Eraseme')).toEqual([]);
    expect(await cellsHolding('knee surgery')).toEqual([]);
    expect(await notified()).toEqual([]);
    const files = await filesUnder(t.config.dataDir);
    expect(files.filter((f) => f.includes(photo) || f.includes(proof.screenshot_key))).toEqual([]);
    // Every stored file: uploads, private proofs, and the database file and its WAL themselves
    // (erasure overwrites what it removes and empties the WAL, so no old copy is left in free space).
    for (const f of files) {
      const text = (await readFile(f)).toString('latin1');
      expect(text.includes(EMAIL) || text.includes('9811122233'), f).toBe(false);
    }

    const u = await t.db.selectFrom('users').selectAll().where('id', '=', traveler.id).executeTakeFirstOrThrow();
    expect(u).toMatchObject({ status: 'deleted', name: 'Deleted user', phone: null, google_sub: null, bio: null });
    expect(u.password_hash).toBeNull();
    expect(await t.db.selectFrom('sessions').where('user_id', '=', traveler.id).selectAll().execute()).toEqual([]);
    expect((await t.request('/bookings', { cookie: traveler.cookie })).status).toBe(303); // signed out

    // The booking and its payment stay, and the organizer's earnings add up as before.
    const b = await t.db.selectFrom('bookings').selectAll().where('id', '=', bookingId).executeTakeFirstOrThrow();
    expect(b).toMatchObject({
      status: 'confirmed',
      payment_status: 'paid',
      amount_paise: 500_000,
      special_requests: '',
    });
    expect(await earnings(t.deps, orgActor)).toEqual(earnedBefore);
    const audit = await auditOf('user.erased');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_id: admin.id, target_id: String(traveler.id) });
    // Gone from the list; a second delete is a 404.
    expect(await (await t.request('/admin/users', { cookie: admin.cookie })).text()).not.toContain('Deleted user');
    expect((await t.post(`/admin/users/${traveler.id}/delete`, { confirm: 'x' }, admin.cookie)).status).toBe(404);
  });

  it("an erased organizer's trips leave discovery for good; their bookings stay", async () => {
    const trip = await makeTrip(t.deps, { title: 'Kedarkantha Winter Trek', start: '2026-11-01', end: '2026-11-05' });
    const traveler = await createUser(t.deps);
    await makeBooking(t.deps, { trip, userId: traveler, status: 'confirmed', amountPaise: 300_000 });
    const organizer = await t.db
      .selectFrom('users')
      .select('email')
      .where('id', '=', trip.organizerId)
      .executeTakeFirstOrThrow();
    const res = await t.post(`/admin/users/${trip.organizerId}/delete`, { confirm: organizer.email }, admin.cookie);
    expect(res.status).toBe(303);
    const row = await t.db.selectFrom('trips').select('status').where('id', '=', trip.tripId).executeTakeFirstOrThrow();
    expect(row.status).toBe('inactive');
    expect(await t.db.selectFrom('bookings').selectAll().where('trip_id', '=', trip.tripId).execute()).toHaveLength(1);
  });

  it('an admin cannot delete their own account', async () => {
    expect((await t.request(`/admin/users/${admin.id}/delete`, { cookie: admin.cookie })).status).toBe(409);
  });
});

describe('trip moderation', () => {
  it('deactivating hides a trip from discovery (signed-out cache too), tells the organizer why, and only an admin brings it back', async () => {
    const trip = await makeTrip(t.deps, { title: 'Hampta Pass Crossing', start: '2027-03-10' });
    const search = async () => (await t.request('/trips?q=hampta')).text();
    expect(await search()).toContain('Hampta Pass Crossing');
    expect(await search()).toContain('Hampta Pass Crossing'); // now served from the signed-out page cache

    const short = await t.post(`/admin/trips/${trip.tripId}/deactivate`, { reason: 'no' }, admin.cookie);
    expect(short.status).toBe(422);
    expect(await short.text()).toContain('at least 10 characters');

    const reason = 'Photos copied from another operator';
    const res = await t.post(`/admin/trips/${trip.tripId}/deactivate`, { reason }, admin.cookie);
    expect(res.status).toBe(303);
    expect(await search()).not.toContain('Hampta Pass Crossing');
    const row = await t.db.selectFrom('trips').selectAll().where('id', '=', trip.tripId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'inactive', moderation_reason: reason });

    const organizer = await t.db
      .selectFrom('users')
      .select('email')
      .where('id', '=', trip.organizerId)
      .executeTakeFirstOrThrow();
    const mail = await t.db.selectFrom('outbox').selectAll().where('template', '=', 'trip-deactivated').execute();
    expect(mail).toHaveLength(1);
    expect(mail[0].recipient).toBe(organizer.email);
    expect(JSON.parse(mail[0].payload).text).toContain(reason);
    expect(await auditOf('trip.deactivated_by_admin')).toHaveLength(1);

    // The organizer cannot publish it again; the listing says why.
    const orgCookie = await sessionCookie(t.deps, trip.organizerId);
    const publish = await t.post(`/organizer/trips/${trip.tripId}/publish`, {}, orgCookie);
    expect(publish.status).toBe(303);
    expect(
      (await t.db.selectFrom('trips').select('status').where('id', '=', trip.tripId).executeTakeFirstOrThrow()).status,
    ).toBe('inactive');

    const listed = await (await t.request('/admin/trips?moderated=yes', { cookie: admin.cookie })).text();
    expect(listed).toContain('Hampta Pass Crossing');
    expect(listed).toContain(reason);

    expect(
      (
        await t.post(
          `/admin/trips/${trip.tripId}/reactivate`,
          { reason: 'Photos replaced with their own' },
          admin.cookie,
        )
      ).status,
    ).toBe(303);
    expect(await search()).toContain('Hampta Pass Crossing');
    expect(
      await t.db.selectFrom('outbox').selectAll().where('template', '=', 'trip-reactivated').execute(),
    ).toHaveLength(1);
    expect(await auditOf('trip.reactivated_by_admin')).toHaveLength(1);
  });
});

describe('bookings and payments lists with CSV export', () => {
  it('filters by status, organizer, trip and IST dates, and exports escaped CSV in rupees', async () => {
    const tricky = await makeTrip(t.deps, { title: 'Valley "of" Flowers, =Sunrise', pricePaise: 149_950 });
    const other = await makeTrip(t.deps, { title: 'Plain Trek' });
    t.clock.set('2026-11-30T19:00:00Z'); // 1 Dec, 00:30 in India
    const traveler = await createUser(t.deps, { name: '@Ravi, "the" Hiker' });
    await makeBooking(t.deps, { trip: tricky, userId: traveler, status: 'confirmed', amountPaise: 149_950 });
    t.clock.set('2026-11-29T10:00:00Z');
    await makeBooking(t.deps, { trip: other, userId: traveler, amountPaise: 500_000 });

    const page = await (
      await t.request(`/admin/bookings?organizer=${tricky.organizerId}`, { cookie: admin.cookie })
    ).text();
    expect(page).toContain('1 booking');
    const dec1 = await (
      await t.request('/admin/bookings?from=2026-12-01&to=2026-12-01', { cookie: admin.cookie })
    ).text();
    expect(dec1).toContain('1 booking');
    const nov30 = await (await t.request('/admin/bookings?to=2026-11-30', { cookie: admin.cookie })).text();
    expect(nov30).toContain('1 booking');
    expect(nov30).toContain('Plain Trek');
    expect(await (await t.request('/admin/bookings?status=pending', { cookie: admin.cookie })).text()).toContain(
      'Plain Trek',
    );

    const res = await t.request(`/admin/bookings.csv?trip=${tricky.tripId}`, { cookie: admin.cookie });
    expect(res.headers.get('Content-Type')).toContain('text/csv');
    expect(res.headers.get('Content-Disposition')).toMatch(/attachment; filename="bookings-\d{4}-\d\d-\d\d\.csv"/);
    const lines = (await res.text()).trimEnd().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('amount (₹),refunded (₹)');
    expect(lines[1]).toContain(`"Valley ""of"" Flowers, =Sunrise"`);
    expect(lines[1]).toContain(`"'@Ravi, ""the"" Hiker"`);
    expect(lines[1]).toContain(',1499.50,0.00');
    expect(lines[1]).toContain('2026-12-01 00:30');

    const pay = await (await t.request('/admin/payments.csv', { cookie: admin.cookie })).text();
    expect(pay.split('\r\n')[0]).toContain('amount (₹)');
  });

  it('a CSV cell defuses formulas and quotes commas, quotes and line breaks', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(null)).toBe('');
  });
});

describe('the outbox', () => {
  it('filters by status, channel, kind and recipient, and retries a failed message (audited)', async () => {
    const id = await t.db.transaction().execute((trx) =>
      enqueue(trx, t, {
        channel: 'email',
        to: 'lost@example.test',
        template: 'welcome',
        subject: 'Hi',
        text: 'Hi',
      }),
    );
    await t.db
      .transaction()
      .execute((trx) => enqueue(trx, t, { channel: 'sms', to: '+919800000099', template: 'otp', text: 'Code 1' }));
    await t.db
      .updateTable('outbox')
      .set({ status: 'failed', attempts: 8, last_error: 'mailbox full' })
      .where('id', '=', id)
      .execute();

    const failed = await (await t.request('/admin/outbox?status=failed', { cookie: admin.cookie })).text();
    expect(failed).toContain('1 message');
    expect(failed).toContain('lost@example.test');
    expect(failed).toContain('mailbox full');
    const sms = await (await t.request('/admin/outbox?channel=sms', { cookie: admin.cookie })).text();
    expect(sms).toContain('+919800000099');
    expect(sms).not.toContain('lost@example.test');
    expect(await (await t.request('/admin/outbox?kind=otp&recipient=lost', { cookie: admin.cookie })).text()).toContain(
      '0 messages',
    );

    expect((await t.post(`/admin/outbox/${id}/retry`, {}, admin.cookie)).status).toBe(303);
    const row = await t.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await auditOf('outbox.retry')).toHaveLength(1);
  });
});

describe('settings', () => {
  const bookingSettings = (over: Record<string, string> = {}) => ({
    hold_minutes: '45',
    waitlist_offer_hours: '6',
    max_unpaid_seats: '12',
    early_days: '20',
    early_percent: '90',
    late_days: '7',
    late_percent: '40',
    last_percent: '0',
    ...over,
  });

  it('a new hold expiry is used by the next booking; a bad value is refused next to its field', async () => {
    const bad = await t.post('/admin/settings/bookings', bookingSettings({ late_days: '25' }), admin.cookie);
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('Must be fewer days than the first band.');
    expect(await t.db.selectFrom('settings').selectAll().execute()).toEqual([]);

    expect((await t.post('/admin/settings/bookings', bookingSettings(), admin.cookie)).status).toBe(303);
    const audit = await auditOf('settings.bookings_changed');
    expect(JSON.parse(audit[0].after!)).toMatchObject({ holdMinutes: 45, waitlistOfferHours: 6 });

    const trip = await makeTrip(t.deps, { capacity: 4 });
    const me = await signedIn(t.deps);
    const id = bookingIdFrom(await t.post(`/trips/${trip.tripId}/book`, bookingForm(trip.departureId, 1), me.cookie));
    const b = await t.db
      .selectFrom('bookings')
      .select('hold_expires_at')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(Date.parse(b.hold_expires_at!) - t.clock.now().getTime()).toBe(45 * 60_000);
    expect(await (await t.request('/admin/settings', { cookie: admin.cookie })).text()).toContain('value="45"');

    // A trip without a policy of its own shows the new default.
    const page = await (await t.request(`/trips/${trip.tripId}`)).text();
    expect(page).toContain('20 or more days before the start: 90% back');
    expect(page).toContain('7 or more days before the start: 40% back');
  });

  it('the platform name and contact show in every page', async () => {
    const bad = await t.post(
      '/admin/settings/platform',
      { platform_name: 'X', contact_email: 'nope', contact_phone: '12' },
      admin.cookie,
    );
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain('at least 2 characters');
    expect(html).toContain('like help@example.com');
    const ok = await t.post(
      '/admin/settings/platform',
      { platform_name: 'HimalayaHub', contact_email: 'help@himalayahub.test', contact_phone: '9812300000' },
      admin.cookie,
    );
    expect(ok.status).toBe(303);
    const home = await (await t.request('/')).text();
    expect(home).toContain('<title>HimalayaHub</title>');
    expect(home).toContain('help@himalayahub.test · +919812300000');
    expect(await auditOf('settings.platform_changed')).toHaveLength(1);
  });
});

describe('the console index and the audit log', () => {
  it('links every admin page and pages the audit log by actor, action and object', async () => {
    const index = await (await t.request('/admin', { cookie: admin.cookie })).text();
    for (const href of [
      '/admin/users',
      '/admin/trips',
      '/admin/bookings',
      '/admin/payments',
      '/admin/outbox',
      '/admin/audit',
    ])
      expect(index).toContain(`href="${href}"`);
    const trip = await makeTrip(t.deps, { title: 'Audit Trek' });
    await t.post(`/admin/trips/${trip.tripId}/deactivate`, { reason: 'Checking the audit log' }, admin.cookie);
    await t.post(
      '/admin/settings/platform',
      { platform_name: 'Audited', contact_email: '', contact_phone: '' },
      admin.cookie,
    );
    const byAction = await (
      await t.request('/admin/audit?action=trip.deactivated_by_admin', { cookie: admin.cookie })
    ).text();
    expect(byAction).toContain('1 entry');
    const byObject = await (
      await t.request(`/admin/audit?object=trip&objectId=${trip.tripId}`, { cookie: admin.cookie })
    ).text();
    expect(byObject).toContain('trip.deactivated_by_admin');
    const byActor = await (await t.request(`/admin/audit?actor=${admin.id}`, { cookie: admin.cookie })).text();
    expect(byActor).toContain('2 entries');
    const prefix = await (await t.request('/admin/audit?action=settings.', { cookie: admin.cookie })).text();
    expect(prefix).toContain('1 entry');
  });

  it("offers the season's actions (moves, the waitlist, the balance) in the action filter before any is written", async () => {
    const written = async (file: string) =>
      [...(await readFile(join('src/bookings', file), 'utf8')).matchAll(/action: '([a-z_.]+)'/g)].map((m) => m[1]);
    const season = [
      ...(await written('move.ts')),
      ...(await written('waitlist.ts')),
      'payment.balance_captured',
      'upi.balance_verified',
    ];
    expect(season).toEqual(expect.arrayContaining(['booking.moved', 'waitlist.offered', 'waitlist.offer_expired']));
    expect(await t.db.selectFrom('audit_log').select('id').execute()).toEqual([]);
    const page = await (await t.request('/admin/audit', { cookie: admin.cookie })).text();
    for (const action of [...season, 'waitlist.']) expect(page).toContain(`<option value="${action}">`);
  });

  it("shows the amounts of a move's money: the new price, what was paid and the refund, in rupees", async () => {
    const trip = await makeTrip(t.deps, { pricePaise: 500_000, start: '2027-03-10' });
    const later = await addDeparture(t.deps, trip.tripId, { start: '2027-04-10' });
    const { me, id } = await bookPaidByUpi(t, trip);
    await t.db.updateTable('trips').set({ price_paise: 400_000 }).where('id', '=', trip.tripId).execute();
    expect((await t.post(`/bookings/${id}/move`, { departure: String(later) }, me.cookie)).status).toBe(303);

    const refunded = await (
      await t.request('/admin/audit?action=booking.move_refunded', { cookie: admin.cookie })
    ).text();
    expect(refunded).toContain('1 entry');
    expect(refunded).toContain('amount ₹5,000 → ₹4,000 · paid ₹5,000 → ₹4,000 · refund ₹1,000');
    const moved = await (await t.request('/admin/audit?action=booking.moved', { cookie: admin.cookie })).text();
    expect(moved).toContain('amount ₹5,000 → ₹4,000');
    const verified = await (await t.request('/admin/audit?action=upi.verified', { cookie: admin.cookie })).text();
    expect(verified).toContain('amount ₹5,000');
  });
});
