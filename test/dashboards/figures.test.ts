import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { makeTrip, sessionCookie } from '../support/factories.js';
import { buildDataset, type Dataset } from './dataset.js';
import { adminBoard, agentBoard, organizerBoard, travelerBoard } from '../../src/dashboards/service.js';

let t: TestApp;
let d: Dataset;
beforeAll(async () => {
  t = await makeTestApp();
  d = await buildDataset(t);
});
afterAll(() => t.close());

const as = (id: number, role: 'traveler' | 'organizer' | 'agent' | 'admin') => ({ id, role });
const page = async (path: string, cookie: string) => {
  const res = await t.request(path, { cookie });
  expect(res.status, path).toBe(200);
  return res.text();
};
/** The text of a page with tags and data labels gone and spaces collapsed, to read figures as people see them. */
const textOf = (html: string) =>
  html
    .replace(/<title[^>]*>[^<]*<\/title>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ');

/** Twelve weeks from Monday 7 Sep 2026, all zero but the first and the last. */
const weeks = (first: number, lastPaid: number, lastRefunded: number) =>
  Array.from({ length: 12 }, (_, i) => {
    const weekStart = new Date(Date.parse('2026-09-07T00:00:00Z') + i * 7 * 86_400_000).toISOString().slice(0, 10);
    const paid = i === 0 ? first : i === 11 ? lastPaid : 0;
    const refunded = i === 11 ? lastRefunded : 0;
    return { weekStart, paidPaise: paid, refundedPaise: refunded, netPaise: paid - refunded };
  });

describe('organizer dashboard figures', () => {
  it('counts, lists and sums exactly what organizer A has, in India weeks', async () => {
    const data = await organizerBoard.all(t.deps, as(d.ids.orgA, 'organizer'));
    expect(data.profile.name).toBe('Himalaya Hikers');
    expect(data.trips).toEqual({ active: 2, drafts: 1, included: 5 });
    expect(data.departures).toEqual([
      {
        id: d.departures.d1,
        tripId: d.trips.a1,
        title: 'Kedarkantha Winter Trek',
        startDate: '2026-11-28',
        capacity: 10,
        seatsTaken: 2,
        fillPercent: 20,
      },
      {
        id: d.departures.a2,
        tripId: d.trips.a2,
        title: 'Hampta Pass Crossing',
        startDate: '2026-12-20',
        capacity: 12,
        seatsTaken: 6,
        fillPercent: 50,
      },
      {
        id: d.departures.d2,
        tripId: d.trips.a1,
        title: 'Kedarkantha Winter Trek',
        startDate: '2027-01-10',
        capacity: 20,
        seatsTaken: 15,
        fillPercent: 75,
      },
    ]);
    expect(data.newBookings).toEqual({
      total: 2,
      days: 7,
      latest: [
        {
          id: d.bookings.awaitingProof,
          code: 'TT-PROOF-0002',
          title: 'Kedarkantha Winter Trek',
          guests: 1,
          amountPaise: 1_200_000,
          depositPaidPaise: null,
          status: 'pending',
          createdAt: '2026-11-24T06:30:00.000Z',
        },
        {
          id: d.bookings.confirmed,
          code: 'TT-CONF-0001',
          title: 'Kedarkantha Winter Trek',
          guests: 2,
          amountPaise: 2_400_000,
          depositPaidPaise: null,
          status: 'confirmed',
          createdAt: '2026-11-23T06:30:00.000Z',
        },
      ],
    });
    expect(data.verifications).toEqual({ pending: 2, oldestAt: '2026-11-22T06:30:00.000Z' });
    expect(data.refunds).toEqual({ count: 2, paise: 620_000 });
    // Week of 7 Sep: ₹10,000 paid at its first instant (₹9,999 one second earlier is left out).
    // Week of 23 Nov: ₹24,000 + ₹3,000 (00:15 IST Monday, Sunday in UTC) − ₹5,000 refunded.
    expect(data.earnings).toEqual(weeks(1_000_000, 2_700_000, 500_000));
    expect(data.subscription).toMatchObject({ status: 'trial', daysLeft: 60, running: { listings: 5 } });
    expect(data.alerts).toEqual([
      {
        kind: 'proof-overdue',
        bookingId: d.bookings.awaitingProof,
        code: 'TT-PROOF-0002',
        title: 'Kedarkantha Winter Trek',
        dueAt: '2026-11-25T05:30:00.000Z',
      },
      {
        kind: 'under-filled',
        tripId: d.trips.a1,
        title: 'Kedarkantha Winter Trek',
        startDate: '2026-11-28',
        capacity: 10,
        seatsTaken: 2,
      },
    ]);
  });

  it('shows those figures on the page, money in rupees, with the chart and its table', async () => {
    const html = await page('/dashboard/organizer', d.cookies.orgA);
    const text = textOf(html);
    expect(text).toContain('2 trips are open for booking, 1 draft not published yet.');
    expect(text).toContain('Kedarkantha Winter Trek 28 Nov 2026 2 of 10 20%');
    expect(text).toContain('Hampta Pass Crossing 20 Dec 2026 6 of 12 50%');
    expect(text).toContain('Kedarkantha Winter Trek 10 Jan 2027 15 of 20 75%');
    expect(text).toContain('2 in the last 7 days.');
    expect(text).toContain('TT-PROOF-0002 Kedarkantha Winter Trek: 1 guest, ₹12,000, awaiting payment');
    expect(text).toContain('TT-CONF-0001 Kedarkantha Winter Trek: 2 guests, ₹24,000, confirmed');
    expect(text).toContain('2 UPI payments wait for you to check (the oldest since 22 Nov 2026, 12:00 pm IST).');
    expect(text).toContain('₹6,200 to pay back to travelers (2 refunds).');
    expect(text).toContain('₹32,000 received after refunds.');
    expect(text).toContain('Free trial : 60 days left');
    expect(text).toContain('UPI payment of TT-PROOF-0002 (Kedarkantha Winter Trek) is past its deadline');
    expect(text).toContain('Kedarkantha Winter Trek starts 28 Nov 2026 with only 2 of 10 seats taken.');
    // The chart: one labelled bar per week, the value written beside it, and the same as a table.
    const chart = html.slice(html.indexOf('<figure id="earnings-chart"'), html.indexOf('</figure>'));
    expect(chart).toContain('role="img"');
    expect([...chart.matchAll(/<rect /g)]).toHaveLength(12);
    expect(textOf(chart)).toContain('7 Sept ₹10,000 14 Sept ₹0');
    expect(textOf(chart)).toContain('23 Nov ₹22,000');
    expect(chart).toContain('<tr><th scope="row">23 Nov</th><td>₹22,000</td></tr>');
    expect(chart).toContain('<tr><th scope="row">7 Sept</th><td>₹10,000</td></tr>');
    // The largest week's bar is the longest (176 px); the ₹10,000 week's in proportion.
    expect(chart).toMatch(/<rect x="60" y="269" width="168"/);
    expect(chart).toMatch(/<rect x="60" y="5" width="76"/);
  });

  it('organizer B sees only B: one trip, one new booking, their own money and alert', async () => {
    const data = await organizerBoard.all(t.deps, as(d.ids.orgB, 'organizer'));
    expect(data.trips).toEqual({ active: 1, drafts: 0, included: 5 });
    expect(data.departures.map((x) => [x.title, x.startDate, x.fillPercent])).toEqual([
      ['Rajmachi Fort Night Trek', '2026-11-27', 0],
    ]);
    expect(data.newBookings.total).toBe(1);
    expect(data.newBookings.latest.map((b) => b.code)).toEqual(['TT-BNEW-0010']);
    expect(data.verifications).toEqual({ pending: 0, oldestAt: null });
    expect(data.refunds).toEqual({ count: 0, paise: 0 });
    expect(data.earnings).toEqual(weeks(0, 9_999_900, 0));
    expect(data.subscription).toBeNull();
    expect(data.alerts).toEqual([
      {
        kind: 'under-filled',
        tripId: d.trips.b1,
        title: 'Rajmachi Fort Night Trek',
        startDate: '2026-11-27',
        capacity: 10,
        seatsTaken: 0,
      },
    ]);

    const a = await page('/dashboard/organizer', d.cookies.orgA);
    const b = await page('/dashboard/organizer', d.cookies.orgB);
    for (const only of ['Rajmachi', 'TT-BNEW-0010', '₹99,999']) expect(a).not.toContain(only);
    for (const only of ['Kedarkantha', 'Hampta', 'TT-PROOF-0002', 'TT-CONF-0001', '₹6,200', '₹32,000'])
      expect(b).not.toContain(only);
    expect(textOf(b)).toContain('₹99,999 received after refunds.');
  });
});

describe('traveler dashboard figures', () => {
  it('lists Tenzing’s upcoming trip, the two bookings waiting on them, and two past trips', async () => {
    const data = await travelerBoard.all(t.deps, as(d.ids.tenzing, 'traveler'));
    expect(data.upcoming).toEqual([
      {
        id: d.bookings.confirmed,
        code: 'TT-CONF-0001',
        title: 'Kedarkantha Winter Trek',
        guests: 2,
        startDate: '2026-11-28',
        endDate: '2026-12-02',
      },
    ]);
    expect(data.needingAction).toEqual([
      {
        id: d.bookings.toPay,
        code: 'TT-TOPAY-0004',
        title: 'Hampta Pass Crossing',
        startDate: '2026-12-20',
        amountPaise: 1_200_000,
        holdExpiresAt: '2026-11-25T07:30:00.000Z',
        proofRejected: false,
        balanceDueOn: null,
      },
      {
        id: d.bookings.rejected,
        code: 'TT-REJ-0005',
        title: 'Kedarkantha Winter Trek',
        startDate: '2027-01-10',
        amountPaise: 900_000,
        holdExpiresAt: '2026-11-25T08:30:00.000Z',
        proofRejected: true,
        balanceDueOn: null,
      },
    ]);
    expect(data.past).toEqual([
      {
        id: d.bookings.pastConfirmed,
        code: 'TT-PAST-0008',
        tripId: d.trips.a1,
        title: 'Kedarkantha Winter Trek',
        startDate: '2026-11-01',
        endDate: '2026-11-05',
        reviewHref: null,
      },
      {
        id: d.bookings.pastCompleted,
        code: 'TT-DONE-0009',
        tripId: d.trips.b1,
        title: 'Rajmachi Fort Night Trek',
        startDate: '2026-10-10',
        // Completed and not reviewed yet: its review is one tap away (a confirmed one waits for the completion job).
        endDate: '2026-10-11',
        reviewHref: `/bookings/${d.bookings.pastCompleted}/review`,
      },
    ]);
    const text = textOf(await page('/dashboard/traveler', d.cookies.tenzing));
    expect(text).toContain('Kedarkantha Winter Trek 28 Nov 2026 to 2 Dec 2026, 2 guests');
    expect(text).toContain('TT-TOPAY-0004 Hampta Pass Crossing (20 Dec 2026): pay ₹12,000 by 25 Nov 2026, 1:00 pm IST');
    expect(text).toContain('TT-REJ-0005 Kedarkantha Winter Trek (10 Jan 2027): your UPI payment was not accepted');
    expect(text).toContain('Rajmachi Fort Night Trek 10 Oct 2026 to 11 Oct 2026');
    // The completed trip invites its review; the one only confirmed does not yet.
    expect(text).toContain('Review Rajmachi Fort Night Trek');
    expect(text).not.toContain('Review Kedarkantha Winter Trek');
  });

  it('Asha sees her own booking only', async () => {
    const data = await travelerBoard.all(t.deps, as(d.ids.asha, 'traveler'));
    expect(data.upcoming.map((b) => b.code)).toEqual(['TT-BNEW-0010']);
    expect(data.needingAction).toEqual([]);
    expect(data.past).toEqual([]);
    const html = await page('/dashboard/traveler', d.cookies.asha);
    for (const other of ['TT-CONF-0001', 'TT-TOPAY-0004', 'TT-REJ-0005', 'TT-PAST-0008', 'TT-DONE-0009'])
      expect(html).not.toContain(other);
  });
});

describe('agent dashboard', () => {
  it('finds customers by name, email or phone, and shows the ticket queue and the agent’s own tickets', async () => {
    expect((await agentBoard.all(t.deps, as(d.ids.agent, 'agent'))).customers).toEqual({
      q: '',
      results: [],
      total: 0,
    });
    const found = await agentBoard.all(t.deps, as(d.ids.agent, 'agent'), { q: 'tenzing@example' });
    expect(found.customers.total).toBe(1);
    expect(found.customers.results.map((u) => [u.name, u.email, u.role])).toEqual([
      ['Tenzing Norgay', 'tenzing@example.test', 'traveler'],
    ]);
    const text = textOf(await page('/dashboard/agent?q=Bird', d.cookies.agent));
    expect(text).toContain('2 matches for “Bird”.');
    expect(text).toContain('Earlier Bird');
    expect(text).toContain('Early Bird');
    expect(text).toContain('0 tickets in the queue · 0 open tickets assigned to you');
    // A ticket comes in and the agent takes it: the queue and their own count follow.
    const opened = await t.post(
      '/support',
      { subject: 'Where is my pass?', body: 'I paid but see no pass.' },
      d.cookies.tenzing,
    );
    const ticketId = Number(/\/support\/(\d+)$/.exec(opened.headers.get('location') ?? '')![1]);
    expect((await t.post(`/agent/tickets/${ticketId}/assign`, {}, d.cookies.agent)).status).toBe(303);
    expect(await agentBoard.one(t.deps, as(d.ids.agent, 'agent'), 'tickets')).toEqual({
      active: 1,
      mine: { open: 1, resolvedThisWeek: 0, medianFirstResponseMinutes: null },
    });
    expect(textOf(await page('/dashboard/agent', d.cookies.agent))).toContain(
      '1 ticket in the queue · 1 open ticket assigned to you',
    );
    expect(textOf(await page('/dashboard/agent?q=nobody-like-this', d.cookies.agent))).toContain(
      'Nobody matches “nobody-like-this”.',
    );
  });
});

describe('admin dashboard figures', () => {
  it('counts users, trips and bookings, sums GMV and subscription revenue, charts growth by India month', async () => {
    const data = await adminBoard.all(t.deps, as(d.ids.admin, 'admin'));
    expect(data.users).toEqual({ traveler: 5, organizer: 2, agent: 1, admin: 1 });
    expect(data.trips).toEqual({ active: 3, draft: 1, inactive: 0, completed: 0, cancelled: 1 });
    expect(data.bookings).toEqual({ pending: 5, confirmed: 3, completed: 1, cancelled: 1 });
    expect(data.gmv).toEqual({ totalPaise: 15_819_800, monthPaise: 12_699_900 });
    expect(data.subscriptionRevenue).toEqual({ totalPaise: 299_800, monthPaise: 149_900 });
    const months = [
      '2025-12',
      '2026-01',
      '2026-02',
      '2026-03',
      '2026-04',
      '2026-05',
      '2026-06',
      '2026-07',
      '2026-08',
      '2026-09',
      '2026-10',
      '2026-11',
    ];
    const users: Record<string, number> = { '2025-12': 1, '2026-10': 1, '2026-11': 7 };
    const bookings: Record<string, number> = { '2026-10': 1, '2026-11': 9 };
    expect(data.growth).toEqual(
      months.map((month) => ({ month, users: users[month] ?? 0, bookings: bookings[month] ?? 0 })),
    );
    expect(data.failingJobs).toEqual([
      {
        name: 'send-reminders',
        lastRunAt: '2026-11-25T06:00:00.000Z',
        detail: 'SMTP refused the connection',
        failuresToday: 2,
      },
    ]);
    expect(data.outbox).toEqual({ pending: 3, sending: 1, failed: 2, oldestDue: '2026-11-25T06:20:00.000Z' });

    const html = await page('/dashboard/admin', d.cookies.admin);
    const text = textOf(html);
    expect(text).toContain('Users (9 active) Travelers 5 Organizers 2 Support agents 1 Admins 1');
    expect(text).toContain('Trips (5) Active 3 Draft 1 Inactive 0 Completed 0 Cancelled 1');
    expect(text).toContain('Bookings (10) Awaiting payment 5 Confirmed 3 Completed 1 Cancelled 1');
    expect(text).toContain('₹1,58,198 in all, ₹1,26,999 this month (before refunds).');
    expect(text).toContain('₹2,998 in all, ₹1,499 this month.');
    expect(text).toContain('send-reminders failed at 25 Nov 2026, 11:30 am IST (2 failures in the last day)');
    expect(text).toContain('3 waiting to send (the first due 25 Nov 2026, 11:50 am IST), 1 sending, 2 failed.');
    expect(html).toContain('<tr><th scope="row">Nov 2026</th><td>7</td></tr>');
    expect(html).toContain('<tr><th scope="row">Dec 2025</th><td>1</td></tr>');
  });
});

describe('widgets alone', () => {
  it('each widget of each dashboard is served alone, the same section the page includes', async () => {
    const boards = [
      { board: organizerBoard, cookie: d.cookies.orgA },
      { board: travelerBoard, cookie: d.cookies.tenzing },
      { board: agentBoard, cookie: d.cookies.agent },
      { board: adminBoard, cookie: d.cookies.admin },
    ];
    for (const { board, cookie } of boards) {
      const whole = await page(`/dashboard/${board.role}`, cookie);
      for (const name of board.widgets) {
        const res = await t.request(`/dashboard/${board.role}/${name}`, { cookie });
        expect(res.status, `${board.role}/${name}`).toBe(200);
        const html = await res.text();
        expect(html.startsWith(`<section id="widget-${name}"`), `${board.role}/${name}`).toBe(true);
        expect(html).not.toContain('<html');
        expect(whole, `${board.role}/${name} is on the page`).toContain(html);
      }
      expect((await t.request(`/dashboard/${board.role}/nope`, { cookie })).status).toBe(404);
    }
  });
});

describe('dashboard links', () => {
  it("every link on a role's dashboard opens for that role (the admin's trips and bookings are the console's, not an organizer's)", async () => {
    const boards: { role: 'organizer' | 'traveler' | 'agent' | 'admin'; cookie: string }[] = [
      { role: 'organizer', cookie: d.cookies.orgA },
      { role: 'traveler', cookie: d.cookies.tenzing },
      { role: 'agent', cookie: d.cookies.agent },
      { role: 'admin', cookie: d.cookies.admin },
    ];
    for (const { role, cookie } of boards) {
      const html = await page(`/dashboard/${role}`, cookie);
      const main = html.slice(html.indexOf('<main'), html.indexOf('</main>'));
      const links = [...new Set([...main.matchAll(/href="(\/[^"]*)"/g)].map((m) => m[1].replace(/&amp;/g, '&')))];
      // The widgets' own links (the figures' "see all") stay in the role's area.
      const widgets = [...main.matchAll(/<section id="widget-[\s\S]*?<\/section>/g)].map((m) => m[0]).join('');
      const widgetLinks = [...widgets.matchAll(/href="(\/[^"]*)"/g)].map((m) => m[1]);
      expect(links.length, role).toBeGreaterThan(3);
      // An admin's figures of trips and bookings link the console's lists, not an organizer's own.
      const foreign = {
        organizer: /^\/(admin|agent)\//,
        traveler: /^\/(admin|agent|organizer)\//,
        agent: /^\/(admin|organizer)\//,
        admin: /^\/(organizer)\//,
      }[role]!;
      expect(widgetLinks.length, role).toBeGreaterThan(0);
      expect(
        widgetLinks.filter((l) => foreign.test(l)),
        role,
      ).toEqual([]);
      for (const link of links) {
        const res = await t.request(link, { cookie });
        expect(res.status, `${role}: ${link}`).toBe(200);
      }
    }
  });
});

describe('trips over the plan', () => {
  it('an organizer with more active trips than the plan includes is told what happens to them, and one within it is not', async () => {
    const first = await makeTrip(t.deps, { title: 'Over plan 1' });
    for (let i = 2; i <= 7; i++) await makeTrip(t.deps, { organizerId: first.organizerId, title: `Over plan ${i}` });
    const cookie = await sessionCookie(t.deps, first.organizerId);
    const text = textOf(await page('/dashboard/organizer', cookie));
    expect(text).toContain('7 trips are open for booking');
    expect(text).toContain(
      'Your plan includes 5 active trips: the 2 over it stay open for booking, but no trip can be published until fewer than 5 are active.',
    );
    expect(textOf(await page('/dashboard/organizer', d.cookies.orgB))).not.toContain('Your plan includes');
  });
});
