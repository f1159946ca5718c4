import { describe, expect, it } from 'vitest';
import { openPage, hasHorizontalScroll, screenshot, useSession } from './support/browser.js';
import { serverAndBrowser } from './support/harness.js';
import { layoutProblems } from './support/layout.js';
import { createUser, makeBooking, makeTrip, sessionCookie } from '../support/factories.js';
import { audit } from '../../src/lib/audit.js';
import { systemClock } from '../../src/lib/clock.js';

const e2e = serverAndBrowser();

describe('admin console (Chromium, 360×640, JavaScript off)', () => {
  it('an admin deletes a user with erasure through the confirmation step, then filters bookings', async () => {
    const deps = { db: e2e.server.db, clock: systemClock };
    const adminId = await createUser(deps, { role: 'admin', name: 'Root Admin' });
    const doomed = await createUser(deps, { name: 'Meera Gone', email: 'meera.gone@example.test' });
    const trip = await makeTrip(deps, { title: 'Brahmatal Snow Trek' });
    await makeBooking(deps, { trip, userId: await createUser(deps), amountPaise: 800_000 });

    const w = await openPage(e2e.browser, e2e.server.url, { javaScript: false });
    await useSession(w.context, e2e.server.url, await sessionCookie(deps, adminId));
    await w.page.goto(`/admin/users?q=meera`);
    await w.page.click(`#user-${doomed} a.delete-user`);
    expect(new URL(w.page.url()).pathname).toBe(`/admin/users/${doomed}/delete`);
    expect(await layoutProblems(w.page)).toEqual([]);
    await screenshot(w.page, 'admin-erase-confirm');

    await w.page.fill('input[name=confirm]', 'wrong@example.test');
    await w.page.click('#erase-user button[type=submit]');
    await expect(w.page.locator('.field-error').textContent()).resolves.toContain('to confirm');
    await w.page.fill('input[name=confirm]', 'meera.gone@example.test');
    await w.page.click('#erase-user button[type=submit]');
    expect(new URL(w.page.url()).pathname).toBe('/admin/users');
    await expect(w.page.locator('.flash').textContent()).resolves.toContain('personal data erased');
    const row = await deps.db
      .selectFrom('users')
      .select(['status', 'email'])
      .where('id', '=', doomed)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('deleted');
    expect(row.email).not.toContain('meera');

    await w.page.goto('/admin/bookings');
    await w.page.selectOption('select[name=status]', 'pending');
    await w.page.click('form.search-filters button[type=submit]');
    expect(new URL(w.page.url()).searchParams.get('status')).toBe('pending');
    await expect(w.page.locator('#booking-list').textContent()).resolves.toContain('Brahmatal Snow Trek');
    expect(await layoutProblems(w.page)).toEqual([]);
    expect(await hasHorizontalScroll(w.page)).toBe(false);
    await screenshot(w.page, 'admin-bookings-filter');
    // The refused confirmation answered 422, as it should; nothing else went wrong.
    expect(w.errors.filter((e) => !e.includes('status of 422'))).toEqual([]);
    await w.close();
  });

  it('every other console page fits a phone: no sideways scroll, nothing clipped, thumb-sized targets', async () => {
    const deps = { db: e2e.server.db, clock: systemClock };
    const adminId = await createUser(deps, { role: 'admin', name: 'Root Admin' });
    const trip = await makeTrip(deps, { title: 'Chadar Frozen River Trek' });
    await makeBooking(deps, { trip, userId: await createUser(deps), status: 'confirmed', amountPaise: 1_250_000 });
    const w = await openPage(e2e.browser, e2e.server.url, { javaScript: false });
    await useSession(w.context, e2e.server.url, await sessionCookie(deps, adminId));
    await w.page.goto('/admin/trips');
    await w.page.fill(`#trip-${trip.tripId} textarea[name=reason]`, 'Itinerary copied from another listing');
    await w.page.click(`#trip-${trip.tripId} button[type=submit]`);
    await expect(w.page.locator('.flash').textContent()).resolves.toContain('the organizer has been told why');
    // A move's money in the audit log: its amounts, in rupees, fit the phone too.
    await audit(deps.db, deps.clock, {
      actorId: null,
      action: 'booking.move_refunded',
      targetType: 'booking',
      targetId: 1,
      before: { amount_paise: 12_500_000, paid_paise: 12_500_000 },
      after: { amount_paise: 11_000_000, paid_paise: 11_250_000, refund_paise: 1_250_000, fee_paise: 250_000 },
    });
    const problems: string[] = [];
    for (const path of [
      '/admin',
      '/admin/trips',
      '/admin/payments',
      '/admin/settings',
      '/admin/outbox',
      '/admin/audit',
    ]) {
      expect((await w.page.goto(path))?.status(), path).toBe(200);
      problems.push(...(await layoutProblems(w.page)).map((p) => `${path}: ${p}`));
    }
    expect(problems).toEqual([]);
    await w.page.goto('/admin/audit?action=booking.move_refunded');
    await expect(w.page.locator('#audit-list').textContent()).resolves.toContain(
      'amount ₹1,25,000 → ₹1,10,000 · paid ₹1,25,000 → ₹1,12,500 · refund ₹12,500 · fee ₹2,500',
    );
    expect(w.errors).toEqual([]);
    await w.close();
  });
});
