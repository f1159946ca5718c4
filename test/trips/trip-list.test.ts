import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { addDeparture, createUser, makeBooking, makeTrip, signedIn } from '../support/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

const csvLinks = (html: string) =>
  [...html.matchAll(/href="(\/organizer\/departures\/\d+\/participants\.csv)"/g)].map((m) => m[1]);

describe("the organizer's trip list", () => {
  it('links the participants CSV of every departure that has bookings, and of no other', async () => {
    const org = await signedIn(t.deps, { role: 'organizer', name: 'Ridge Walkers' });
    const trip = await makeTrip(t.deps, {
      organizerId: org.id,
      title: 'Brahmatal Lake Trek',
      departures: [{ start: '2027-02-01', capacity: 10 }],
    });
    const empty = await addDeparture(t.deps, trip.tripId, { start: '2027-03-01' });
    const quiet = await makeTrip(t.deps, { organizerId: org.id, title: 'Nag Tibba Weekend' });
    const traveler = await createUser(t.deps, { role: 'traveler', name: 'Asha Rao' });
    await makeBooking(t.deps, {
      trip,
      userId: traveler,
      status: 'confirmed',
      guests: 2,
      participants: [
        { name: 'Asha Rao', phone: '+919800000001' },
        { name: 'Vikram Rao', phone: '+919800000002' },
      ],
    });
    await t.db.updateTable('departures').set({ seats_taken: 2 }).where('id', '=', trip.departureId).execute();

    const res = await t.request('/organizer/trips', { cookie: org.cookie });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(csvLinks(html)).toEqual([`/organizer/departures/${trip.departureId}/participants.csv`]);
    expect(html).not.toContain(`/organizer/departures/${empty}/participants.csv`);
    expect(html).not.toContain(`/organizer/departures/${quiet.departureId}/participants.csv`);

    const csv = await t.request(csvLinks(html)[0], { cookie: org.cookie });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('Content-Type')).toContain('text/csv');
    const body = await csv.text();
    expect(body).toContain('Asha Rao');
    expect(body).toContain('Vikram Rao');
  });

  it("an admin's list (everyone's trips) links it too, and the link answers them", async () => {
    const admin = await signedIn(t.deps, { role: 'admin' });
    const html = await (await t.request('/organizer/trips', { cookie: admin.cookie })).text();
    const links = csvLinks(html);
    expect(links.length).toBe(1);
    const csv = await t.request(links[0], { cookie: admin.cookie });
    expect(csv.status).toBe(200);
    expect(await csv.text()).toContain('Vikram Rao');
  });
});
