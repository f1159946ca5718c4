import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTestApp, type TestApp } from '../support/app.js';
import { sessionCookie, signedIn, makeTrip } from '../support/factories.js';
import { bookingForm, bookingIdFrom, sendUpiProof } from './support.js';
import { housekeeping } from '../../src/platform/housekeeping.js';
import { DAY } from '../../src/lib/clock.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

/** A booking with a UPI proof waiting; returns the screenshot's file name and the people around it. */
async function bookingWithProof() {
  const trip = await makeTrip(t.deps, { pricePaise: 250_000, capacity: 6 });
  const traveler = await signedIn(t.deps);
  const bookingId = bookingIdFrom(
    await t.post(`/trips/${trip.tripId}/book`, bookingForm(trip.departureId, 1), traveler.cookie),
  );
  expect((await sendUpiProof(t, bookingId, traveler.cookie)).status).toBe(303);
  const proof = await t.db
    .selectFrom('upi_proofs')
    .selectAll()
    .where('booking_id', '=', bookingId)
    .executeTakeFirstOrThrow();
  return {
    bookingId,
    proof,
    name: `${proof.screenshot_key}-400.webp`,
    traveler,
    organizerCookie: await sessionCookie(t.deps, trip.organizerId),
  };
}

const shot = (bookingId: number, name: string, cookie?: string) =>
  t.request(`/bookings/${bookingId}/proofs/${name}`, cookie ? { cookie } : {});

describe('UPI payment screenshots are private', () => {
  it('the traveler, the organizer, agents and admins see a screenshot, never cached; nobody can fetch it as a public upload', async () => {
    const b = await bookingWithProof();
    const agent = await signedIn(t.deps, { role: 'agent' });
    const admin = await signedIn(t.deps, { role: 'admin' });
    for (const cookie of [b.traveler.cookie, b.organizerCookie, agent.cookie, admin.cookie]) {
      const res = await shot(b.bookingId, b.name, cookie);
      expect(res.status).toBe(200);
      expect(res.headers.get('Content-Type')).toBe('image/webp');
      expect(res.headers.get('Cache-Control')).toBe('private, no-store');
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }
    expect((await t.request(`/uploads/${b.name}`)).status).toBe(404);
    expect((await t.request(`/uploads/${b.name}`, { cookie: admin.cookie })).status).toBe(404);
  });

  it('another traveler and another organizer get a 404, as for a screenshot that does not exist; a signed-out visitor is sent to sign in', async () => {
    const b = await bookingWithProof();
    const stranger = await signedIn(t.deps);
    const otherOrganizer = await signedIn(t.deps, { role: 'organizer' });
    for (const cookie of [stranger.cookie, otherOrganizer.cookie]) {
      const res = await shot(b.bookingId, b.name, cookie);
      expect(res.status).toBe(404);
      expect(res.headers.get('Content-Type')).not.toBe('image/webp');
    }
    const anon = await shot(b.bookingId, b.name);
    expect(anon.status).toBe(303);
    expect(anon.headers.get('Location')).toMatch(/^\/login/);
  });

  it('a screenshot is served only under its own booking, and only names of ours are read', async () => {
    const a = await bookingWithProof();
    const b = await bookingWithProof();
    // b's traveler asks for a's screenshot through b's booking: not theirs.
    expect((await shot(b.bookingId, a.name, b.traveler.cookie)).status).toBe(404);
    expect((await shot(a.bookingId, '..%2F..%2Ftrektribe.db', a.traveler.cookie)).status).toBe(404);
    expect((await shot(a.bookingId, `${a.proof.screenshot_key}-400.png`, a.traveler.cookie)).status).toBe(404);
  });

  it('the screenshot of a proof rejected over 30 days ago is deleted by housekeeping; the proof record stays; newer ones stay', async () => {
    const old = await bookingWithProof();
    const recent = await bookingWithProof();
    const pending = await bookingWithProof();
    const now = t.clock.now().getTime();
    const at = (days: number) => new Date(now - days * DAY).toISOString();
    await t.db
      .updateTable('upi_proofs')
      .set({ status: 'rejected', reason: 'no money', decided_at: at(31) })
      .where('id', '=', old.proof.id)
      .execute();
    await t.db
      .updateTable('upi_proofs')
      .set({ status: 'rejected', reason: 'no money', decided_at: at(29) })
      .where('id', '=', recent.proof.id)
      .execute();
    const file = (name: string) => join(t.dir, 'private', 'proofs', name);
    expect(existsSync(file(old.name))).toBe(true);

    expect(await housekeeping(t.deps)).toContain('1 screenshots of rejected payment proofs');
    expect(existsSync(file(old.name))).toBe(false);
    expect(existsSync(file(recent.name))).toBe(true);
    expect(existsSync(file(pending.name))).toBe(true);
    expect(
      await t.db
        .selectFrom('upi_proofs')
        .select(['utr', 'amount_paise'])
        .where('id', '=', old.proof.id)
        .executeTakeFirst(),
    ).toEqual({ utr: old.proof.utr, amount_paise: old.proof.amount_paise });
    expect((await shot(old.bookingId, old.name, old.traveler.cookie)).status).toBe(404);
    // Running it again changes nothing more.
    await housekeeping(t.deps);
    expect(existsSync(file(recent.name))).toBe(true);
  });

  it('a screenshot an older version stored as a public upload moves to private storage, so /uploads stops serving it', async () => {
    const b = await bookingWithProof();
    const uploads = join(t.dir, 'uploads');
    await mkdir(uploads, { recursive: true });
    await rename(join(t.dir, 'private', 'proofs', b.name), join(uploads, b.name));
    expect((await t.request(`/uploads/${b.name}`)).status).toBe(200);

    expect(await housekeeping(t.deps)).toContain('moved 1 screenshots to private storage');
    expect((await t.request(`/uploads/${b.name}`)).status).toBe(404);
    expect((await shot(b.bookingId, b.name, b.organizerCookie)).status).toBe(200);
  });
});
