/**
 * Issue 30 item 7: a UPI proof form sent back with errors keeps the screenshot that came with it,
 * so the next try over a weak network needs no second upload. The form carries an opaque
 * reference, good only for its booking and its user, for an hour.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { makeTestApp, type TestApp } from '../support/app.js';
import { signedIn, makeTrip } from '../support/factories.js';
import { bookingForm, bookingIdFrom, nextUtr, sendUpiProof } from './support.js';
import { tidyProofScreenshots } from '../../src/bookings/upi-proofs.js';

let t: TestApp;
let otherPng: Uint8Array;
beforeAll(async () => {
  t = await makeTestApp();
  otherPng = new Uint8Array(
    await sharp({ create: { width: 300, height: 600, channels: 3, background: '#a37' } })
      .png()
      .toBuffer(),
  );
});
afterAll(() => t.close());

async function held() {
  const trip = await makeTrip(t.deps, { pricePaise: 250_000, capacity: 6 });
  const me = await signedIn(t.deps);
  const res = await t.post(`/trips/${trip.tripId}/book`, bookingForm(trip.departureId, 1), me.cookie);
  return { ...trip, me, bookingId: bookingIdFrom(res) };
}

const kept = (bookingId: number) =>
  t.db.selectFrom('kept_proof_screenshots').selectAll().where('booking_id', '=', bookingId).execute();
const proofs = (bookingId: number) =>
  t.db.selectFrom('upi_proofs').selectAll().where('booking_id', '=', bookingId).execute();
const stored = (key: string, width: number) => existsSync(join(t.dir, 'private', 'proofs', `${key}-${width}.webp`));
const refIn = (html: string) => /<input type="hidden" name="kept" value="([^"]+)"/.exec(html)?.[1];

describe('a screenshot kept between tries of the UPI proof form', () => {
  it('a bad UTR with a good screenshot answers 422, keeps the screenshot and says so; the next try without a file records the proof with it', async () => {
    const b = await held();
    const first = await sendUpiProof(t, b.bookingId, b.me.cookie, { utr: '12345', fileName: 'gpay-payment.png' });
    expect(first.status).toBe(422);
    const html = await first.text();
    expect(html).toContain('Enter the 12-digit UTR');
    expect(html).toContain(
      'Your screenshot <strong>gpay-payment.png</strong> is kept — choose another file only to replace',
    );
    const [row] = await kept(b.bookingId);
    expect(row).toMatchObject({ user_id: b.me.id, file_name: 'gpay-payment.png', screenshot_width: 400 });
    expect(new Date(row.expires_at).getTime() - t.clock.now().getTime()).toBe(3600_000);
    expect(refIn(html)).toBe(row.id);
    expect(stored(row.screenshot_key, 400)).toBe(true);
    expect(await proofs(b.bookingId)).toHaveLength(0);
    // The file input no longer insists on a file.
    expect(html).not.toMatch(/<input[^>]*name="screenshot"[^>]*required/);
    // The payment page says so too, until the screenshot is used or expires.
    const again = await (await t.request(`/bookings/${b.bookingId}/pay`, { cookie: b.me.cookie })).text();
    expect(again).toContain('gpay-payment.png</strong> is kept');

    const second = await sendUpiProof(t, b.bookingId, b.me.cookie, { utr: '412345670001', file: null, kept: row.id });
    expect(second.status).toBe(303);
    expect(second.headers.get('location')).toBe(`/bookings/${b.bookingId}`);
    const [p] = await proofs(b.bookingId);
    expect(p).toMatchObject({
      utr: '412345670001',
      status: 'pending',
      screenshot_key: row.screenshot_key,
      screenshot_width: row.screenshot_width,
      screenshot_height: row.screenshot_height,
    });
    expect(stored(p.screenshot_key, 400)).toBe(true);
    // Used once: the kept row is gone, the file now belongs to the proof.
    expect(await kept(b.bookingId)).toHaveLength(0);
    const bytes = await t.request(`/bookings/${b.bookingId}/proofs/${p.screenshot_key}-400.webp`, {
      cookie: b.me.cookie,
    });
    expect(bytes.status).toBe(200);
  });

  it('a new file replaces the kept one, whose files are deleted', async () => {
    const b = await held();
    const first = await sendUpiProof(t, b.bookingId, b.me.cookie, { utr: '1', fileName: 'first.png' });
    const [a] = await kept(b.bookingId);
    expect(refIn(await first.text())).toBe(a.id);
    const second = await sendUpiProof(t, b.bookingId, b.me.cookie, {
      utr: '2',
      file: otherPng,
      fileName: 'second.png',
      kept: a.id,
    });
    expect(second.status).toBe(422);
    expect(await second.text()).toContain('Your screenshot <strong>second.png</strong> is kept');
    const rows = await kept(b.bookingId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ file_name: 'second.png', screenshot_width: 300 });
    expect(stored(a.screenshot_key, 400)).toBe(false);

    // A valid try with a new file uses that file, not the kept one, and drops the kept one.
    const third = await sendUpiProof(t, b.bookingId, b.me.cookie, { utr: nextUtr(), kept: rows[0].id });
    expect(third.status).toBe(303);
    const [p] = await proofs(b.bookingId);
    expect(p.screenshot_width).toBe(400);
    expect(p.screenshot_key).not.toBe(rows[0].screenshot_key);
    expect(await kept(b.bookingId)).toHaveLength(0);
    expect(stored(rows[0].screenshot_key, 300)).toBe(false);
  });

  it("another user's or another booking's reference is refused: 422 next to the screenshot, nothing recorded", async () => {
    const mine = await held();
    await sendUpiProof(t, mine.bookingId, mine.me.cookie, { utr: '12' });
    const [row] = await kept(mine.bookingId);

    // Another traveler, on their own booking, with my reference.
    const theirs = await held();
    const stolen = await sendUpiProof(t, theirs.bookingId, theirs.me.cookie, {
      utr: nextUtr(),
      file: null,
      kept: row.id,
    });
    expect(stolen.status).toBe(422);
    expect(await stolen.text()).toContain('Your earlier screenshot is no longer kept. Choose it again.');
    expect(await proofs(theirs.bookingId)).toHaveLength(0);

    // Me, on another booking of mine, with the reference of the first one.
    const trip = await makeTrip(t.deps, { pricePaise: 100_000, capacity: 4 });
    const otherBooking = bookingIdFrom(
      await t.post(`/trips/${trip.tripId}/book`, bookingForm(trip.departureId, 1), mine.me.cookie),
    );
    const elsewhere = await sendUpiProof(t, otherBooking, mine.me.cookie, { utr: nextUtr(), file: null, kept: row.id });
    expect(elsewhere.status).toBe(422);
    expect(await elsewhere.text()).toContain('Your earlier screenshot is no longer kept. Choose it again.');
    expect(await proofs(otherBooking)).toHaveLength(0);

    // A made-up reference is no better.
    const madeUp = await sendUpiProof(t, mine.bookingId, mine.me.cookie, {
      utr: nextUtr(),
      file: null,
      kept: 'a'.repeat(32),
    });
    expect(madeUp.status).toBe(422);
    expect(await proofs(mine.bookingId)).toHaveLength(0);
    // The kept screenshot is still there for its own booking and user.
    expect(await kept(mine.bookingId)).toHaveLength(1);
  });

  it('expires after an hour by the clock; the screenshot tidy-up then deletes the row and its files', async () => {
    const b = await held();
    // Seats held for a day (the organizer's setting), so the hour that counts is the screenshot's.
    const day = new Date(t.clock.now().getTime() + 24 * 3600_000).toISOString();
    await t.db.updateTable('bookings').set({ hold_expires_at: day }).where('id', '=', b.bookingId).execute();
    await sendUpiProof(t, b.bookingId, b.me.cookie, { utr: '123' });
    const [row] = await kept(b.bookingId);
    expect(stored(row.screenshot_key, 400)).toBe(true);

    t.clock.advance(59 * 60_000);
    expect((await tidyProofScreenshots(t.deps)).keptExpired).toBe(0);
    expect(await kept(b.bookingId)).toHaveLength(1);

    t.clock.advance(60_000);
    const late = await sendUpiProof(t, b.bookingId, b.me.cookie, { utr: nextUtr(), file: null, kept: row.id });
    expect(late.status).toBe(422);
    expect(await late.text()).toContain('Your earlier screenshot is no longer kept. Choose it again.');
    expect(await proofs(b.bookingId)).toHaveLength(0);

    // Every screenshot kept past its hour goes, this one and those the tests above left.
    const expired = await t.db
      .selectFrom('kept_proof_screenshots')
      .select('id')
      .where('expires_at', '<=', t.clock.now().toISOString())
      .execute();
    expect(expired.map((k) => k.id)).toContain(row.id);
    expect((await tidyProofScreenshots(t.deps)).keptExpired).toBe(expired.length);
    expect(await kept(b.bookingId)).toHaveLength(0);
    expect(stored(row.screenshot_key, 400)).toBe(false);
    // Safe to run twice.
    expect((await tidyProofScreenshots(t.deps)).keptExpired).toBe(0);
    t.clock.advance(-60 * 60_000);
  });
});
