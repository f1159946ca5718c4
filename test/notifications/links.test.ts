import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, ORIGIN, type TestApp } from '../support/app.js';
import { makeTrip, sessionCookie, signedIn } from '../support/factories.js';
import { cookieOf, fromIp, register, sessionToken } from '../auth/helpers.js';
import { linkIn } from '../../src/notifications/inapp.js';
import { ownPath } from '../../src/lib/paths.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp({ TRUST_PROXY: 'on' });
});
afterAll(() => t.close());

/** Addresses that name another site, or that a browser would read as one. */
const HOSTILE = [
  'https://x.example//evil.example/pay',
  'https://evil.example/bookings/1',
  `${ORIGIN}//evil.example/pay`,
  `${ORIGIN}/\\evil.example/pay`,
  `${ORIGIN}/%2F%2Fevil.example/pay`,
  `${ORIGIN}/%2f/evil.example`,
  `${ORIGIN}/%5Cevil.example`,
  `${ORIGIN}/%252F%252Fevil.example`,
  `${ORIGIN}/%09/evil.example`,
  `${ORIGIN}/%0A/evil.example`,
  `${ORIGIN}/%E2%80%AE/evil.example`,
  `${ORIGIN}.evil.example/bookings/1`,
  `${ORIGIN}@evil.example/bookings/1`,
  'http://localhost:3001/bookings/1',
  'https://localhost:3000/bookings/1',
  'javascript:alert(1)',
  'javascript://localhost:3000/%0Aalert(1)',
  'data:text/html,<script>alert(1)</script>',
];

describe('notification links stay on our own site (issue 28, item 3)', () => {
  it('linkIn takes no address of another origin, nor one a browser reads as another host', () => {
    for (const a of HOSTILE) {
      expect(linkIn(`Eve ${a} booked.`, ORIGIN), a).toBeNull();
      expect(ownPath(a, ORIGIN), a).toBeNull();
    }
  });

  it('linkIn skips a hostile address typed into a message and keeps the real link after it', () => {
    for (const a of HOSTILE)
      expect(linkIn(`Eve ${a} booked.\n\nBookings: ${ORIGIN}/organizer/bookings?trip=7`, ORIGIN), a).toBe(
        '/organizer/bookings?trip=7',
      );
    expect(linkIn(`See ${ORIGIN}/bookings/42`, ORIGIN)).toBe('/bookings/42');
    expect(linkIn(`Reset: ${ORIGIN}/reset-password?token=abc`, ORIGIN)).toBeNull();
  });

  for (const name of [
    'Eve https://x.example//evil.example/pay',
    `Eve ${ORIGIN}//evil.example/pay`,
    `Eve ${ORIGIN}/\\evil.example/pay`,
  ])
    it(`a traveler named "${name}" books: the organizer's notification links to their bookings, not off-site`, async () => {
      const { tripId, departureId, organizerId } = await makeTrip(t.deps);
      const { res } = await register(t, { name }, `10.3.0.${tripId}`);
      expect(res.status).toBe(303);
      const traveler = cookieOf(sessionToken(res)!);
      const booked = await t.post(
        `/trips/${tripId}/book`,
        { departure: String(departureId), guests: '1', name: 'Eve Rao', phone: '9876543210', age: '30', diet: '' },
        traveler,
        fromIp(`10.3.0.${tripId}`),
      );
      expect(booked.status, await booked.clone().text()).toBe(303);

      const [n] = await t.db
        .selectFrom('notifications')
        .selectAll()
        .where('user_id', '=', organizerId)
        .where('kind', '=', 'booking-received')
        .execute();
      expect(n.link).toBe(`/organizer/bookings?trip=${tripId}`);
      const page = await (
        await t.request('/notifications', { cookie: await sessionCookie(t.deps, organizerId) })
      ).text();
      expect(page).toContain(`href="/organizer/bookings?trip=${tripId}"`);
      expect(page).not.toMatch(/href="[^"]*evil/);
    });

  it('a link stored before the check (another host, //, /\\) is not shown as a link', async () => {
    const me = await signedIn(t.deps);
    const now = t.clock.now().toISOString();
    for (const link of ['//evil.example/pay', '/\\evil.example/pay', '/%2F%2Fevil.example', 'https://evil.example/x'])
      await t.db
        .insertInto('notifications')
        .values({
          user_id: me.id,
          kind: 'booking-received',
          title: 'Stored',
          link,
          announcement_id: null,
          created_at: now,
        })
        .execute();
    const page = await (await t.request('/notifications', { cookie: me.cookie })).text();
    expect(page).toContain('Stored');
    expect(page).not.toMatch(/href="[^"]*evil/);
  });

  it('a flash link read back from its cookie is kept only as a path of ours', async () => {
    const me = await signedIn(t.deps);
    for (const href of ['/\\evil.example/pay', '//evil.example', 'https://evil.example', '/%5Cevil.example']) {
      const flash = encodeURIComponent(JSON.stringify({ kind: 'ok', message: 'Saved.', link: { href, label: 'Go' } }));
      const page = await (await t.request('/notifications', { cookie: `${me.cookie}; tt_flash=${flash}` })).text();
      expect(page, href).toContain('Saved.');
      expect(page, href).not.toMatch(/href="[^"]*evil/);
    }
    const ok = encodeURIComponent(
      JSON.stringify({ kind: 'ok', message: 'Saved.', link: { href: '/bookings/1', label: 'Go' } }),
    );
    expect(await (await t.request('/notifications', { cookie: `${me.cookie}; tt_flash=${ok}` })).text()).toContain(
      'href="/bookings/1"',
    );
  });
});
