import { beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/lib/clock.js';
import { formatDay, istDate } from '../../src/lib/time.js';
import { openPage, screenshot, useSession } from './support/browser.js';
import { serverAndBrowser } from './support/harness.js';
import type { RunningServer } from './support/server.js';
import { createUser, sessionCookie, addDeparture, makeBooking, makeTrip } from '../support/factories.js';

/** The shop window at 360×640: a trip page that sells, and a traveler's bookings with what to do next. */

const e2e = serverAndBrowser();
let deps: { db: RunningServer['db']; clock: typeof systemClock };
const trip = { tripId: 0, departureId: 0 };
beforeAll(async () => {
  deps = { db: e2e.server.db, clock: systemClock };
  const org = await createUser(deps, { role: 'organizer', name: 'Dayara Trail Co', phone: '+919811122233' });
  const day = (n: number) => istDate(new Date(Date.now() + n * 86_400_000));
  Object.assign(
    trip,
    await makeTrip(deps, {
      organizerId: org,
      title: 'Dayara Bugyal Trek',
      pricePaise: 950_000,
      capacity: 14,
      start: day(40),
      end: day(44),
    }),
  );
  await addDeparture(deps, trip.tripId, { capacity: 8, start: day(70), end: day(74) });
  await e2e.server.db
    .updateTable('trips')
    .set({ requirements: JSON.stringify(['Trekking shoes with ankle support', 'A warm fleece']) })
    .where('id', '=', trip.tripId)
    .execute();
});

describe.each([
  ['on', true],
  ['off', false],
])('a trip page with JavaScript %s (360×640)', (label, javaScript) => {
  it('names the organizer and the duration, lists departures as rows with a full-width Book button on one line, and shows the policy, the packing list and a contact', async () => {
    const w = await openPage(e2e.browser, e2e.server.url, { javaScript });
    await w.page.goto(`/trips/${trip.tripId}`);
    const { page } = w;
    expect(await page.locator('h1').textContent()).toBe('Dayara Bugyal Trek');
    const sub = await page.locator('hgroup p').textContent();
    expect(sub).toContain('5 days');
    expect(sub).toContain('by Dayara Trail Co');

    const rows = await page.locator('#departures li').evaluateAll((lis) =>
      lis.map((li) => {
        const a = li.querySelector('a[role=button]') as HTMLElement;
        const line = parseFloat(getComputedStyle(a).lineHeight);
        return {
          text: li.textContent ?? '',
          row: li.getBoundingClientRect().width,
          button: a.getBoundingClientRect().width,
          height: a.getBoundingClientRect().height,
          lines: Math.round(
            (a.getBoundingClientRect().height -
              parseFloat(getComputedStyle(a).paddingTop) -
              parseFloat(getComputedStyle(a).paddingBottom)) /
              line,
          ),
        };
      }),
    );
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      expect(r.text).toContain('₹9,500');
      expect(r.text).toMatch(/\d+ seats left/);
      expect(r.button).toBeGreaterThanOrEqual(r.row - 1);
      expect(r.lines).toBe(1);
      expect(r.height).toBeGreaterThanOrEqual(44);
    }
    expect(await page.locator('#cancellation li').allTextContents()).toEqual([
      '30 or more days before the start: 100% back',
      '15 or more days before the start: 50% back',
      'Later: 0% back',
    ]);
    expect(await page.locator('#pack li').allTextContents()).toEqual([
      'Trekking shoes with ankle support',
      'A warm fleece',
    ]);
    expect(await page.locator('#contact a[href^="mailto:"]').count()).toBe(1);
    expect(await page.locator('#contact a[href="tel:+919811122233"]').count()).toBe(1);
    await screenshot(page, `shop-trip-js-${label}`);
    await w.close();
  });
});

describe('my bookings (360×640)', () => {
  it('shows each booking as a card with its trip, dates, status and the next step: pay, or the pass', async () => {
    const me = await createUser(deps, { role: 'traveler', name: 'Kiran Das' });
    const org = (
      await e2e.server.db
        .selectFrom('trips')
        .select('organizer_id')
        .where('id', '=', trip.tripId)
        .executeTakeFirstOrThrow()
    ).organizer_id;
    const mine = (code: string, status: 'pending' | 'confirmed') =>
      makeBooking(deps, {
        trip: { ...trip, organizerId: org },
        userId: me,
        code,
        status,
        guests: 2,
        amountPaise: 1_900_000,
      });
    const pending = { id: await mine('TT-MYB-PEND', 'pending') };
    const confirmed = { id: await mine('TT-MYB-CONF', 'confirmed') };
    const w = await openPage(e2e.browser, e2e.server.url, { javaScript: false });
    await useSession(w.context, e2e.server.url, await sessionCookie(deps, me));
    await w.page.goto('/bookings');
    const cards = w.page.locator('main article');
    expect(await cards.count()).toBe(2);
    const card = (code: string) => w.page.locator('main article', { hasText: code });
    const start = await e2e.server.db
      .selectFrom('departures')
      .select(['start_date', 'end_date'])
      .where('id', '=', trip.departureId)
      .executeTakeFirstOrThrow();
    await expect(card('TT-MYB-PEND').textContent()).resolves.toContain(
      `Dayara Bugyal Trek${formatDay(start.start_date)} – ${formatDay(start.end_date)} · 2 guests`,
    );
    expect(await card('TT-MYB-PEND').locator('h3 a').getAttribute('href')).toBe(`/bookings/${pending.id}`);
    await expect(card('TT-MYB-PEND').textContent()).resolves.toContain('Waiting for payment');
    expect(
      await card('TT-MYB-PEND').getByRole('button', { name: 'Pay ₹19,000 or send UPI proof' }).getAttribute('href'),
    ).toBe(`/bookings/${pending.id}/pay`);
    await expect(card('TT-MYB-CONF').textContent()).resolves.toContain('Confirmed');
    expect(await card('TT-MYB-CONF').getByRole('button', { name: 'Booking pass' }).getAttribute('href')).toBe(
      `/bookings/${confirmed.id}/pass`,
    );
    await screenshot(w.page, 'shop-my-bookings');
    await w.close();
  });
});
