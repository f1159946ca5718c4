/**
 * Issue 30 items 7 and 8 in Chromium at 360×640: a UPI proof sent again without a second upload
 * (JavaScript off and on), and an organizer asking for the proof again, the traveler seeing what
 * to fix (JavaScript off).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { systemClock } from '../../src/lib/clock.js';
import { openPage, hasHorizontalScroll, useSession } from './support/browser.js';
import { serverAndBrowser } from './support/harness.js';
import type { RunningServer } from './support/server.js';
import { createUser, makeBooking, makeTrip, sessionCookie } from '../support/factories.js';

const e2e = serverAndBrowser();
let deps: { db: RunningServer['db']; clock: typeof systemClock };
let shot: Buffer;
beforeAll(async () => {
  deps = { db: e2e.server.db, clock: systemClock };
  shot = await sharp({ create: { width: 360, height: 720, channels: 3, background: '#2b6' } })
    .png()
    .toBuffer();
});

async function signedInAs(role: 'traveler' | 'organizer', name: string) {
  const id = await createUser(deps, { role, name, phone: '+919812300000', upi_id: 'hills@okaxis' });
  return { id, cookie: await sessionCookie(deps, id) };
}

/** A traveler holding seats on a trip of `organizerId` (a new organizer by default). */
async function heldBooking(organizerId?: number) {
  const trip = await makeTrip(deps, { organizerId, title: 'Hampta Pass', pricePaise: 650_000, capacity: 8 });
  const me = await signedInAs('traveler', 'Kavya Iyer');
  const bookingId = await makeBooking(deps, { trip, userId: me.id, amountPaise: 650_000 });
  return { trip, me, bookingId };
}

const proofsOf = (bookingId: number) =>
  e2e.server.db.selectFrom('upi_proofs').selectAll().where('booking_id', '=', bookingId).orderBy('id').execute();
const keptOf = (bookingId: number) =>
  e2e.server.db.selectFrom('kept_proof_screenshots').selectAll().where('booking_id', '=', bookingId).execute();

describe('UPI proofs on a phone (360×640)', () => {
  for (const javaScript of [false, true]) {
    it(`a second try after a wrong UTR needs no second upload (JavaScript ${javaScript ? 'on' : 'off'})`, async () => {
      const { me, bookingId } = await heldBooking();
      const w = await openPage(e2e.browser, e2e.server.url, { javaScript });
      await useSession(w.context, e2e.server.url, me.cookie);
      const { page } = w;
      await page.goto(`/bookings/${bookingId}/pay`);
      // The page's own pattern check is skipped, as an older browser would: the server's answer is under test.
      await page.locator('form[action$="/pay/upi"]').evaluate((f: HTMLFormElement) => (f.noValidate = true));
      await page.locator('input[name="utr"]').fill('41239876543');
      await page
        .locator('input[name="screenshot"]')
        .setInputFiles({ name: 'phonepe.png', mimeType: 'image/png', buffer: shot });
      await page.getByRole('button', { name: 'Send payment proof' }).click();
      await page.waitForLoadState();

      await expect(page.locator('.field-error').first().textContent()).resolves.toContain('Enter the 12-digit UTR');
      await expect(page.locator('#kept-screenshot').textContent()).resolves.toMatch(
        /Your screenshot phonepe\.png is kept — choose another file only to replace\s+it\./,
      );
      expect(await hasHorizontalScroll(page)).toBe(false);
      const [kept] = await keptOf(bookingId);
      expect(kept.file_name).toBe('phonepe.png');

      // The second try: the UTR fixed, no file chosen.
      const utr = javaScript ? '412398765431' : '412398765430';
      await page.locator('input[name="utr"]').fill(utr);
      await page.getByRole('button', { name: 'Send payment proof' }).click();
      await page.waitForURL(new RegExp(`/bookings/${bookingId}$`));
      await expect(page.locator('#booking-status').textContent()).resolves.toBe('Payment being checked');
      const [proof] = await proofsOf(bookingId);
      expect(proof).toMatchObject({ utr, status: 'pending', screenshot_key: kept.screenshot_key });
      expect(await keptOf(bookingId)).toHaveLength(0);
      // The form sent back is a 422 page, which Chromium logs; nothing else.
      expect(w.errors.filter((e) => !e.includes('status of 422'))).toEqual([]);
      expect(w.offHost).toEqual([]);
      await w.close();
    });
  }

  it('the organizer asks for the proof again and the traveler sees what to fix (JavaScript off)', async () => {
    const org = await signedInAs('organizer', 'Snow Yaks');
    const { me, bookingId } = await heldBooking(org.id);
    const w = await openPage(e2e.browser, e2e.server.url, { javaScript: false });
    await useSession(w.context, e2e.server.url, me.cookie);
    await w.page.goto(`/bookings/${bookingId}/pay`);
    await w.page.locator('input[name="utr"]').fill('412398700001');
    await w.page
      .locator('input[name="screenshot"]')
      .setInputFiles({ name: 'gpay.png', mimeType: 'image/png', buffer: shot });
    await w.page.getByRole('button', { name: 'Send payment proof' }).click();
    await w.page.waitForURL(new RegExp(`/bookings/${bookingId}$`));

    const o = await openPage(e2e.browser, e2e.server.url, { javaScript: false });
    await useSession(o.context, e2e.server.url, org.cookie);
    await o.page.goto('/organizer/verifications');
    const card = o.page.locator('article', { hasText: '412398700001' });
    expect(await hasHorizontalScroll(o.page)).toBe(false);
    await card.getByRole('button', { name: /Ask to resend/ }).click();
    // Without what to fix the form does not go (the field is required); nothing is decided.
    expect((await proofsOf(bookingId))[0].status).toBe('pending');
    await card.getByLabel('What should the traveler fix?').fill('The UTR has 11 digits; send the full 12.');
    await card.getByRole('button', { name: /Ask to resend/ }).click();
    await o.page.waitForURL(/\/organizer\/verifications$/);
    await expect(o.page.locator('.flash.ok').textContent()).resolves.toContain('asked to send the proof again');
    expect(await hasHorizontalScroll(o.page)).toBe(false);

    await w.page.reload();
    await expect(w.page.locator('#booking-status').textContent()).resolves.toBe('New payment proof needed');
    await expect(w.page.locator('#resend-request').textContent()).resolves.toContain(
      'The UTR has 11 digits; send the full 12.',
    );
    expect(await hasHorizontalScroll(w.page)).toBe(false);
    await w.page.locator('#resend-request').getByRole('link', { name: 'Send the proof again' }).click();
    await w.page.waitForURL(new RegExp(`/bookings/${bookingId}/pay$`));
    await expect(w.page.locator('#resend-request').textContent()).resolves.toContain(
      'The UTR has 11 digits; send the full 12.',
    );
    await expect(w.page.locator('input[name="utr"]').isVisible()).resolves.toBe(true);
    expect(await hasHorizontalScroll(w.page)).toBe(false);
    expect(w.offHost).toEqual([]);
    expect(o.offHost).toEqual([]);
    await w.close();
    await o.close();
  });
});
