/**
 * Issue 32 item 2 in Chromium at 360×640, JavaScript off and on: a traveler joins the waitlist
 * of a full date from the booking form, a seat comes free, and the offer's link leads straight
 * to the booking form with the seat held; holding it books it.
 */
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/lib/clock.js';
import { openPage, hasHorizontalScroll, useSession } from './support/browser.js';
import { serverAndBrowser } from './support/harness.js';
import { createUser, makeBooking, makeTrip, sessionCookie } from '../support/factories.js';

const e2e = serverAndBrowser();
const deps = () => ({ db: e2e.server.db, clock: systemClock });

async function signedInAs(name: string) {
  const id = await createUser(deps(), { role: 'traveler', name, phone: '+919812300001' });
  return { id, cookie: await sessionCookie(deps(), id) };
}

describe('the waitlist on a phone (360×640)', () => {
  for (const javaScript of [false, true]) {
    it(`join a full date's waitlist, then accept the offer (JavaScript ${javaScript ? 'on' : 'off'})`, async () => {
      const trip = await makeTrip(deps(), {
        title: `Brahmatal ${javaScript ? 'on' : 'off'}`,
        pricePaise: 800_000,
        departures: [{ capacity: 2, taken: 2 }],
      });
      const holders = await Promise.all([signedInAs('Ravi Holder'), signedInAs('Sunil Holder')]);
      const held = await Promise.all(
        holders.map((h) => makeBooking(deps(), { trip, userId: h.id, status: 'confirmed', amountPaise: 800_000 })),
      );
      const me = await signedInAs('Meera Waitlist');
      const w = await openPage(e2e.browser, e2e.server.url, { javaScript });
      await useSession(w.context, e2e.server.url, me.cookie);
      const { page } = w;

      await page.goto(`/trips/${trip.tripId}/book?departure=${trip.departureId}`);
      await expect(page.locator('h1').textContent()).resolves.toContain('Book Brahmatal');
      expect(await page.getByRole('button', { name: 'Hold my seats' }).count()).toBe(0);
      await page.locator('#book-waitlist').selectOption('2');
      expect(await hasHorizontalScroll(page)).toBe(false);
      await page.getByRole('button', { name: 'Join the waitlist' }).click();
      await page.waitForURL(/\/waitlist$/);
      await expect(page.locator('#my-waitlist').textContent()).resolves.toContain('number 1');
      expect(await hasHorizontalScroll(page)).toBe(false);

      const cancel = (i: number) =>
        fetch(`${e2e.server.url}/bookings/${held[i]}/cancel`, {
          method: 'POST',
          redirect: 'manual',
          headers: { Cookie: holders[i].cookie, Origin: e2e.server.url },
        });
      const entry = () =>
        e2e.server.db.selectFrom('waitlist_entries').selectAll().where('user_id', '=', me.id).executeTakeFirstOrThrow();
      // One seat frees: the group of 2 does not fit and keeps its place; the second makes room.
      expect((await cancel(0)).status).toBe(303);
      expect((await entry()).status).toBe('waiting');
      expect((await cancel(1)).status).toBe(303);
      expect((await entry()).status).toBe('offered');

      await page.goto('/waitlist');
      await page.getByRole('button', { name: 'Book them' }).click();
      await page.waitForURL(new RegExp(`/trips/${trip.tripId}/book\\?departure=${trip.departureId}&guests=2$`));
      await expect(page.locator('#waitlist-offer').textContent()).resolves.toContain('2 seats are held for you');
      expect(await hasHorizontalScroll(page)).toBe(false);
      await page.locator('#guest-0-age').fill('31');
      await page.locator('#guest-1-name').fill('Arjun Waitlist');
      await page.locator('#guest-1-phone').fill('9812300002');
      await page.locator('#guest-1-age').fill('33');
      await page.getByRole('button', { name: 'Hold my seats' }).last().click();
      await page.waitForURL(/\/bookings\/\d+\/pay$/);
      const booking = await e2e.server.db
        .selectFrom('bookings')
        .selectAll()
        .where('user_id', '=', me.id)
        .executeTakeFirstOrThrow();
      expect(booking).toMatchObject({ guests: 2, status: 'pending', departure_id: trip.departureId });
      const seats = await e2e.server.db
        .selectFrom('departures')
        .select('seats_taken')
        .where('id', '=', trip.departureId)
        .executeTakeFirstOrThrow();
      expect(seats.seats_taken).toBe(2);
      expect(w.offHost).toEqual([]);
      await w.close();
    });
  }

  it('the open /waitlist page moves up a place and shows the offer without a reload (JavaScript on)', async () => {
    const trip = await makeTrip(deps(), {
      title: 'Kuari Pass live',
      pricePaise: 650_000,
      departures: [{ capacity: 1, taken: 1 }],
    });
    const holder = await signedInAs('Gopal Holder');
    const held = await makeBooking(deps(), { trip, userId: holder.id, status: 'confirmed', amountPaise: 650_000 });
    const ahead = await signedInAs('Asha Ahead');
    const me = await signedInAs('Nisha Live');
    const joinAs = (cookie: string) =>
      fetch(`${e2e.server.url}/trips/${trip.tripId}/waitlist`, {
        method: 'POST',
        redirect: 'manual',
        body: new URLSearchParams({ departure: String(trip.departureId), guests: '1' }),
        headers: { Cookie: cookie, Origin: e2e.server.url, 'Content-Type': 'application/x-www-form-urlencoded' },
      });
    expect((await joinAs(ahead.cookie)).status).toBe(303);
    expect((await joinAs(me.cookie)).status).toBe(303);

    const w = await openPage(e2e.browser, e2e.server.url);
    await useSession(w.context, e2e.server.url, me.cookie);
    const { page } = w;
    await page.goto('/waitlist');
    await expect(page.locator('#my-waitlist').textContent()).resolves.toContain('number 2');
    await page.waitForFunction(() => !!document.getElementById('live')?.getAttribute('sse-connect'));
    await page.waitForTimeout(500);
    // Marks this very document: a reload or a navigation would lose it.
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));

    const post = (path: string, cookie: string) =>
      fetch(`${e2e.server.url}${path}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { Cookie: cookie, Origin: e2e.server.url },
      });
    const aheadEntry = await e2e.server.db
      .selectFrom('waitlist_entries')
      .select('id')
      .where('user_id', '=', ahead.id)
      .executeTakeFirstOrThrow();
    expect((await post(`/waitlist/${aheadEntry.id}/leave`, ahead.cookie)).status).toBe(303);
    await page.waitForFunction(() => document.getElementById('my-waitlist')?.textContent?.includes('number 1'), null, {
      timeout: 5000,
    });
    expect((await post(`/bookings/${held}/cancel`, holder.cookie)).status).toBe(303);
    await page.waitForFunction(
      () => document.getElementById('my-waitlist')?.textContent?.includes('Seats are held for you until'),
      null,
      { timeout: 5000 },
    );
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    await expect(page.getByRole('button', { name: 'Book them' }).isVisible()).resolves.toBe(true);
    expect(await hasHorizontalScroll(page)).toBe(false);
    expect(w.errors).toEqual([]);
    expect(w.offHost).toEqual([]);
    await w.close();
  });

  for (const javaScript of [false, true]) {
    it(`a free trip's full date: join its waitlist, then join at once from /waitlist (JavaScript ${javaScript ? 'on' : 'off'})`, async () => {
      const trip = await makeTrip(deps(), {
        title: `Free cleanup walk ${javaScript ? 'on' : 'off'}`,
        pricePaise: 0,
        departures: [{ capacity: 1, taken: 1 }],
      });
      const holder = await signedInAs('Tara Holder');
      const held = await makeBooking(deps(), { trip, userId: holder.id, status: 'confirmed', amountPaise: 0 });
      const me = await signedInAs('Omar Free');
      const w = await openPage(e2e.browser, e2e.server.url, { javaScript });
      await useSession(w.context, e2e.server.url, me.cookie);
      const { page } = w;

      await page.goto(`/trips/${trip.tripId}/book?departure=${trip.departureId}`);
      await expect(page.locator('h1').textContent()).resolves.toContain('Join Free cleanup walk');
      expect(await page.getByRole('button', { name: 'Join this trip' }).count()).toBe(0);
      expect(await hasHorizontalScroll(page)).toBe(false);
      await page.getByRole('button', { name: 'Join the waitlist' }).click();
      await page.waitForURL(/\/waitlist$/);
      await expect(page.locator('#my-waitlist').textContent()).resolves.toContain('number 1');

      const cancelled = await fetch(`${e2e.server.url}/bookings/${held}/cancel`, {
        method: 'POST',
        redirect: 'manual',
        headers: { Cookie: holder.cookie, Origin: e2e.server.url },
      });
      expect(cancelled.status).toBe(303);
      await page.goto('/waitlist');
      await expect(page.locator('#my-waitlist').textContent()).resolves.toContain('A place is held for you until');
      expect(await hasHorizontalScroll(page)).toBe(false);
      await page.getByRole('button', { name: 'Join now' }).click();
      await page.waitForURL(/\/bookings\/\d+$/);
      const booking = await e2e.server.db
        .selectFrom('bookings')
        .selectAll()
        .where('user_id', '=', me.id)
        .executeTakeFirstOrThrow();
      expect(booking).toMatchObject({ guests: 1, status: 'confirmed', departure_id: trip.departureId });
      expect(w.offHost).toEqual([]);
      await w.close();
    });
  }
});
