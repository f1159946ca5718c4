import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ICAL from 'ical.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { signedIn, makeTrip } from '../support/factories.js';
import { bookingForm, bookingIdFrom } from './support.js';

/**
 * The booking's .ics file carries text an organizer typed (title, meeting point). Whatever it
 * holds, the file must stay one event with its own properties (RFC 5545: TEXT escaped, lines
 * folded at 75 octets), as a real iCalendar parser (ical.js) reads it.
 */
let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

async function icsOf(title: string, meetingPoint: string) {
  const trip = await makeTrip(t.deps, { title, meetingPoint, pricePaise: 100_000 });
  const me = await signedIn(t.deps);
  const id = bookingIdFrom(await t.post(`/trips/${trip.tripId}/book`, bookingForm(trip.departureId, 1), me.cookie));
  const res = await t.request(`/bookings/${id}/booking.ics`, { cookie: me.cookie });
  expect(res.status).toBe(200);
  const bytes = Buffer.from(await res.arrayBuffer());
  const code = (await t.db.selectFrom('bookings').select('code').where('id', '=', id).executeTakeFirstOrThrow()).code;
  return { bytes, text: bytes.toString('utf8'), code };
}

/** RFC 5545 3.1: a CRLF followed by one space or tab is removed; what is left are the content lines. */
const unfold = (text: string) =>
  text
    .replace(/\r\n[ \t]/g, '')
    .split('\r\n')
    .slice(0, -1);

describe('booking .ics', () => {
  it('a lone CR, LF or CRLF in a title or meeting point cannot start a property of its own', async () => {
    const title = 'Roopkund\rATTENDEE:mailto:evil@example.com\nORGANIZER:mailto:x@example.com\r\nX-A:1';
    const meeting = 'Lohajung, gate 2; bring ID\\passport\rDTSTART:19700101';
    const { text, code } = await icsOf(title, meeting);
    // Every line ends in CRLF: no bare CR or LF anywhere.
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const lines = unfold(text);
    expect(lines.filter((l) => /^(ATTENDEE|ORGANIZER|X-A)[:;]/.test(l))).toEqual([]);
    expect(lines.filter((l) => l.startsWith('DTSTART'))).toEqual(['DTSTART;VALUE=DATE:20270310']);

    const event = new ICAL.Component(ICAL.parse(text)).getFirstSubcomponent('vevent')!;
    expect(
      event
        .getAllProperties()
        .map((p) => p.name)
        .sort(),
    ).toEqual(['description', 'dtend', 'dtstamp', 'dtstart', 'location', 'summary', 'uid', 'url']);
    expect(event.getFirstPropertyValue('summary')).toBe(`${title.replace(/\r\n|\r/g, '\n')} (${code})`);
    expect(event.getFirstPropertyValue('location')).toBe(meeting.replace(/\r/g, '\n'));
  });

  it('long lines are folded at 75 octets without splitting a UTF-8 character, and read back whole', async () => {
    const title = `हम्प्टा पास ट्रेक, मनाली से 🏔️; ${'Kedarkantha summit push, '.repeat(4)}`;
    const meeting = `Sankri base camp ${'देहरादून रेलवे स्टेशन '.repeat(6)}`;
    const { bytes, text, code } = await icsOf(title, meeting);
    const raw = bytes.toString('latin1').split('\r\n');
    for (const line of raw) expect(Buffer.byteLength(line, 'latin1'), line).toBeLessThanOrEqual(75);
    // Each physical line is valid UTF-8 on its own: no character was cut in two.
    for (const line of raw) expect(Buffer.from(line, 'latin1').toString('utf8'), line).not.toContain('\ufffd');
    expect(raw.some((l) => l.startsWith(' '))).toBe(true);

    const event = new ICAL.Component(ICAL.parse(text)).getFirstSubcomponent('vevent')!;
    expect(event.getFirstPropertyValue('summary')).toBe(`${title} (${code})`);
    expect(event.getFirstPropertyValue('location')).toBe(meeting);
    expect(unfold(text)).toContain(`LOCATION:${meeting}`);
  });
});
