import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { makeTestApp, type TestApp } from '../support/app.js';
import { signedIn, makeTrip } from '../support/factories.js';
import { bookingForm, bookingIdFrom, seatsTaken, sendUpiProof } from './support.js';
import { expireHolds } from '../../src/bookings/jobs.js';
import { formatDateTime } from '../../src/lib/time.js';

let t: TestApp;
let png: Uint8Array;
beforeAll(async () => {
  t = await makeTestApp();
  png = new Uint8Array(
    await sharp({ create: { width: 400, height: 800, channels: 3, background: '#3a7' } })
      .png()
      .toBuffer(),
  );
});
afterAll(() => t.close());

async function held(guests = 2) {
  const trip = await makeTrip(t.deps, { pricePaise: 250_000, capacity: 6 });
  await t.db.updateTable('users').set({ org_display_name: 'Hill Goats' }).where('id', '=', trip.organizerId).execute();
  const me = await signedIn(t.deps);
  const res = await t.post(`/trips/${trip.tripId}/book`, bookingForm(trip.departureId, guests), me.cookie);
  return { ...trip, me, bookingId: bookingIdFrom(res) };
}

function proof(bookingId: number, cookie: string, utr: string, file: Uint8Array | null = png) {
  return sendUpiProof(t, bookingId, cookie, { utr, file });
}

const booking = (id: number) => t.db.selectFrom('bookings').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const proofs = (bookingId: number) =>
  t.db.selectFrom('upi_proofs').selectAll().where('booking_id', '=', bookingId).execute();
async function orgCookie(organizerId: number) {
  const { sessionCookie } = await import('../support/factories.js');
  return sessionCookie(t.deps, organizerId);
}

describe('manual UPI payment', () => {
  it("shows the organizer's UPI ID, a upi://pay link with the booking code and a server-rendered QR code", async () => {
    const b = await held(2);
    const html = await (await t.request(`/bookings/${b.bookingId}/pay`, { cookie: b.me.cookie })).text();
    const code = (await booking(b.bookingId)).code;
    expect(html).toContain('hills@okaxis');
    expect(html).toContain(
      `href="upi://pay?pa=hills%40okaxis&amp;pn=Hill%20Goats&amp;am=5000.00&amp;tn=${code}&amp;cu=INR"`,
    );
    expect(html).toContain(`src="/bookings/${b.bookingId}/upi-qr.svg"`);
    const qr = await t.request(`/bookings/${b.bookingId}/upi-qr.svg`, { cookie: b.me.cookie });
    expect(qr.headers.get('Content-Type')).toBe('image/svg+xml');
    const svg = await qr.text();
    expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).not.toContain('<script');
  });

  it('takes a UTR and a screenshot, extends the hold while the organizer checks, and tells the organizer', async () => {
    const b = await held();
    const res = await proof(b.bookingId, b.me.cookie, '412345678901');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/bookings/${b.bookingId}`);
    const row = await booking(b.bookingId);
    expect(row).toMatchObject({ status: 'pending', verification_status: 'pending', payment_method: 'upi' });
    expect(new Date(row.hold_expires_at!).getTime() - t.clock.now().getTime()).toBe(48 * 3600_000);
    const [p] = await proofs(b.bookingId);
    expect(p).toMatchObject({ utr: '412345678901', amount_paise: 500_000, status: 'pending', duplicate_utr: 0 });
    expect(existsSync(join(t.dir, 'private', 'proofs', `${p.screenshot_key}-400.webp`))).toBe(true);
    const note = await t.db
      .selectFrom('outbox')
      .selectAll()
      .where('template', '=', 'payment-proof-received')
      .where('payload', 'like', `%${row.code}%`)
      .execute();
    expect(note).toHaveLength(1);
    // The expiry job leaves a booking alone while its proof is being checked.
    t.clock.advance(60 * 60_000);
    await expireHolds(t.deps);
    expect((await booking(b.bookingId)).status).toBe('pending');
    t.clock.advance(-60 * 60_000);
  });

  it('puts a malformed UTR or a non-image next to the field (422) and stores nothing', async () => {
    const b = await held();
    const bad = await proof(b.bookingId, b.me.cookie, '12345');
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('Enter the 12-digit UTR');
    const notImage = await proof(
      b.bookingId,
      b.me.cookie,
      '412345678902',
      new TextEncoder().encode('%PDF-1.4 not a picture'),
    );
    expect(notImage.status).toBe(422);
    expect(await notImage.text()).toContain('not an image we can read');
    const none = await proof(b.bookingId, b.me.cookie, '412345678902', null);
    expect(none.status).toBe(422);
    expect(await proofs(b.bookingId)).toHaveLength(0);
    expect((await booking(b.bookingId)).verification_status).toBeNull();
  });

  it('a bad UTR and a text file get both their errors in one answer, and nothing is stored', async () => {
    const b = await held();
    const dir = join(t.dir, 'private', 'proofs');
    const before = existsSync(dir) ? readdirSync(dir).length : 0;
    const res = await proof(b.bookingId, b.me.cookie, '12345', new TextEncoder().encode('my UTR is somewhere here'));
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('Enter the 12-digit UTR');
    expect(html).toContain('That file is not an image we can read. Upload a JPEG, PNG or WebP photo.');
    expect(await proofs(b.bookingId)).toHaveLength(0);
    expect(existsSync(dir) ? readdirSync(dir).length : 0).toBe(before);
    expect((await booking(b.bookingId)).verification_status).toBeNull();
  });

  it('says up front what the proof needs and how long the organizer has to decide', async () => {
    const b = await held();
    const html = await (await t.request(`/bookings/${b.bookingId}/pay`, { cookie: b.me.cookie })).text();
    expect(html).toMatch(/JPEG, PNG or WebP, up\s+to 8 MB/);
    expect(html).toMatch(/within\s+48 hours/);
    expect(html).toContain('accept="image/jpeg,image/png,image/webp"');
  });

  it('flags a UTR already used on another booking to the organizer', async () => {
    const a = await held();
    const b = await held();
    await proof(a.bookingId, a.me.cookie, '499999999999');
    await proof(b.bookingId, b.me.cookie, '499999999999');
    expect((await proofs(b.bookingId))[0].duplicate_utr).toBe(1);
    const html = await (await t.request('/organizer/verifications', { cookie: await orgCookie(b.organizerId) })).text();
    expect(html).toContain('This UTR was already used on another booking');
  });

  it('the organizer sees the proof in their queue with screenshot, UTR, amount, traveler and deadline, and verifies it', async () => {
    const b = await held(2);
    await proof(b.bookingId, b.me.cookie, '412345678999');
    const cookie = await orgCookie(b.organizerId);
    const html = await (await t.request('/organizer/verifications', { cookie })).text();
    const [p] = await proofs(b.bookingId);
    expect(html).toContain('412345678999');
    expect(html).toContain('₹5,000');
    expect(html).toContain(`/bookings/${b.bookingId}/proofs/${p.screenshot_key}-400.webp`);
    expect(html).toContain('decide by');

    const sentAt = formatDateTime(t.clock.now());
    t.clock.advance(13 * 60_000);
    const res = await t.post(`/organizer/verifications/${p.id}/verify`, {}, cookie);
    expect(res.status).toBe(303);
    // The traveler's timeline: sent at the upload, verified when the organizer decided.
    const page = await (await t.request(`/bookings/${b.bookingId}`, { cookie: b.me.cookie })).text();
    expect(page).toMatch(new RegExp(`UPI proof sent \\(UTR 412345678999\\) <small class="muted">${sentAt}<`));
    expect(page).toMatch(
      new RegExp(`UPI payment verified by the organizer <small class="muted">${formatDateTime(t.clock.now())}<`),
    );
    expect(formatDateTime(t.clock.now())).not.toBe(sentAt);
    const row = await booking(b.bookingId);
    expect(row).toMatchObject({
      status: 'confirmed',
      payment_status: 'paid',
      verification_status: 'verified',
      hold_expires_at: null,
    });
    const pay = await t.db
      .selectFrom('payments')
      .selectAll()
      .where('booking_id', '=', b.bookingId)
      .executeTakeFirstOrThrow();
    expect(pay).toMatchObject({ method: 'upi', status: 'paid', utr: '412345678999', amount_paise: 500_000 });
    const sent = await t.db
      .selectFrom('outbox')
      .select(['template', 'channel'])
      .where('payload', 'like', `%${row.code}%`)
      .execute();
    expect(sent).toEqual(
      expect.arrayContaining([
        { template: 'payment-verified', channel: 'email' },
        { template: 'booking-confirmed', channel: 'sms' },
      ]),
    );
    expect(
      await t.db
        .selectFrom('audit_log')
        .select('actor_id')
        .where('action', '=', 'upi.verified')
        .where('target_id', '=', String(b.bookingId))
        .execute(),
    ).toEqual([{ actor_id: b.organizerId }]);
    // Deciding twice is refused.
    expect((await t.post(`/organizer/verifications/${p.id}/verify`, {}, cookie)).status).toBe(409);
  });

  it('rejecting needs a reason, cancels the booking, releases the seats and tells the traveler why', async () => {
    const b = await held(3);
    await proof(b.bookingId, b.me.cookie, '412345678000');
    const [p] = await proofs(b.bookingId);
    const cookie = await orgCookie(b.organizerId);
    const empty = await t.post(`/organizer/verifications/${p.id}/reject`, { reason: '' }, cookie);
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain('Tell the traveler why');
    expect((await booking(b.bookingId)).status).toBe('pending');
    expect(await seatsTaken(t.deps, b.departureId)).toBe(3);

    expect(
      (await t.post(`/organizer/verifications/${p.id}/reject`, { reason: 'No such credit in our account' }, cookie))
        .status,
    ).toBe(303);
    expect(await booking(b.bookingId)).toMatchObject({
      status: 'cancelled',
      cancel_reason: 'payment_rejected',
      verification_status: 'rejected',
    });
    expect(await seatsTaken(t.deps, b.departureId)).toBe(0);
    const msg = await t.db
      .selectFrom('outbox')
      .select('payload')
      .where('template', '=', 'payment-rejected')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(msg.payload).text).toContain('No such credit in our account');
  });

  it("another organizer neither sees nor decides someone else's proofs", async () => {
    const b = await held();
    await proof(b.bookingId, b.me.cookie, '412345678111');
    const [p] = await proofs(b.bookingId);
    const other = await signedIn(t.deps, { role: 'organizer' });
    expect(await (await t.request('/organizer/verifications', { cookie: other.cookie })).text()).not.toContain(
      '412345678111',
    );
    expect((await t.post(`/organizer/verifications/${p.id}/verify`, {}, other.cookie)).status).toBe(404);
    expect(
      (await t.post(`/organizer/verifications/${p.id}/reject`, { reason: 'nope nope' }, other.cookie)).status,
    ).toBe(404);
    expect((await t.post(`/organizer/verifications/${p.id}/verify`, {}, b.me.cookie)).status).toBe(403);
    expect((await booking(b.bookingId)).status).toBe('pending');
  });
});
