import { describe, expect, it } from 'vitest';
import { openPage, hasHorizontalScroll, screenshot, useSession } from './support/browser.js';
import { serverAndBrowser } from './support/harness.js';
import { createUser, makeBooking, makeTrip, sessionCookie } from '../support/factories.js';
import { systemClock } from '../../src/lib/clock.js';
import { istDate } from '../../src/lib/time.js';
import { startTrial } from '../../src/billing/trial.js';

const e2e = serverAndBrowser();

const inDays = (n: number) => istDate(new Date(Date.now() + n * 86_400_000));

/** Something on every widget: a trip starting in three days, a paid booking, an overdue UPI proof, a failed message. */
async function seed() {
  const deps = { db: e2e.server.db, clock: systemClock };
  const organizer = await createUser(deps, { role: 'organizer', name: 'Ridge Walkers' });
  const traveler = await createUser(deps, { role: 'traveler', name: 'Asha Rao', email: 'asha.rao@example.test' });
  const agent = await createUser(deps, { role: 'agent', name: 'Desk Agent' });
  const admin = await createUser(deps, { role: 'admin', name: 'Root Admin' });
  await startTrial(deps.db, deps.clock, organizer);
  const trip = await makeTrip(deps, {
    organizerId: organizer,
    title: 'Kedarkantha Winter Trek with a rather long name',
    departures: [
      { start: inDays(3), end: inDays(7), capacity: 12, taken: 3 },
      { start: inDays(40), end: inDays(44), capacity: 20, taken: 0 },
      { start: inDays(-30), end: inDays(-26), capacity: 10, taken: 2 },
    ],
  });
  const now = new Date().toISOString();
  const paid = await makeBooking(deps, {
    trip,
    userId: traveler,
    status: 'confirmed',
    guests: 2,
    amountPaise: 2_400_000,
  });
  await makeBooking(deps, {
    trip: { ...trip, departureId: trip.departureIds[2] },
    userId: traveler,
    status: 'confirmed',
  });
  await e2e.server.db
    .insertInto('payments')
    .values({
      booking_id: paid,
      method: 'razorpay',
      amount_paise: 2_400_000,
      status: 'paid',
      razorpay_order_id: null,
      razorpay_payment_id: null,
      utr: null,
      paid_at: now,
      created_at: now,
      updated_at: now,
    })
    .execute();
  const overdue = await makeBooking(deps, {
    trip: { ...trip, departureId: trip.departureIds[1] },
    userId: traveler,
    paymentMethod: 'upi',
    verification: 'pending',
    holdExpiresAt: new Date(Date.now() - 3_600_000).toISOString(),
  });
  await makeBooking(deps, {
    trip: { ...trip, departureId: trip.departureIds[1] },
    userId: traveler,
    holdExpiresAt: new Date(Date.now() + 3_600_000).toISOString(),
  });
  await e2e.server.db
    .insertInto('upi_proofs')
    .values({
      booking_id: overdue,
      utr: '498765432109',
      screenshot_key: 'nothing',
      screenshot_width: 640,
      screenshot_height: 1280,
      amount_paise: 1_200_000,
      created_at: now,
    })
    .execute();
  await e2e.server.db
    .insertInto('job_runs')
    .values({ name: 'send-reminders', started_at: now, finished_at: now, outcome: 'failed', detail: 'SMTP down' })
    .execute();
  const cookie = (id: number) => sessionCookie(deps, id);
  return {
    organizer: await cookie(organizer),
    traveler: await cookie(traveler),
    agent: await cookie(agent),
    admin: await cookie(admin),
  };
}

describe('dashboards (Chromium, 360×640, JavaScript off)', () => {
  it('every role’s dashboard reads on a phone with JavaScript off, and the agent searches customers', async () => {
    const cookies = await seed();
    const visits: { role: keyof typeof cookies; expect: [string, string][] }[] = [
      {
        role: 'organizer',
        expect: [
          ['#widget-alerts', 'with only 3 of 12 seats taken'],
          ['#widget-alerts', 'is past its deadline'],
          ['#widget-departures', '25%'],
          ['#widget-earnings', '₹24,000 received after refunds.'],
          ['#widget-subscription', 'Free trial'],
          ['#widget-verifications', '1 UPI payment waits'],
        ],
      },
      {
        role: 'traveler',
        expect: [
          ['#widget-upcoming', 'Kedarkantha Winter Trek'],
          ['#widget-needingAction', 'pay ₹12,000'],
          ['#widget-past', 'Kedarkantha Winter Trek'],
        ],
      },
      { role: 'agent', expect: [['#widget-tickets', '0 tickets in the queue']] },
      {
        role: 'admin',
        expect: [
          ['#widget-users', 'Users (4 active)'],
          ['#widget-gmv', '₹24,000 in all'],
          ['#widget-failingJobs', 'send-reminders failed'],
          ['#widget-growth', 'New bookings per month'],
        ],
      },
    ];
    for (const v of visits) {
      const w = await openPage(e2e.browser, e2e.server.url, { javaScript: false });
      await useSession(w.context, e2e.server.url, cookies[v.role]);
      const res = await w.page.goto('/dashboard');
      expect(res?.status()).toBe(200);
      // /dashboard is the role's dashboard itself, not a redirect to it.
      expect(new URL(w.page.url()).pathname).toBe('/dashboard');
      for (const [where, what] of v.expect) await expect(w.page.locator(where).textContent()).resolves.toContain(what);
      await w.check();
      expect(await hasHorizontalScroll(w.page)).toBe(false);
      await screenshot(w.page, `dashboard-${v.role}`);
      if (v.role === 'agent') {
        await w.page.fill('input[name="q"]', 'asha.rao');
        await w.page.click('#widget-customers button[type="submit"]');
        await w.page.waitForURL(/q=asha.rao/);
        await expect(w.page.locator('#widget-customers').textContent()).resolves.toContain('Asha Rao');
        await screenshot(w.page, 'dashboard-agent-search');
      }
      if (v.role === 'organizer') {
        // The chart's figures open as a table without JavaScript.
        await w.page.click('#earnings-chart summary');
        await expect(w.page.locator('#earnings-chart table').isVisible()).resolves.toBe(true);
        await w.check();
      }
      expect(w.errors).toEqual([]);
      expect(w.offHost).toEqual([]);
      await w.close();
    }
  });
});
