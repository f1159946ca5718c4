import type { BookingRow } from './queries.js';

/** A booking as a calendar file (.ics) the traveler adds to their calendar. */

/**
 * A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped; every line break (CRLF,
 * a lone CR or a lone LF) becomes the \\n escape, so no value can end its content line and start
 * another property; other control characters, which TEXT does not allow, are dropped.
 */
const icsText = (s: string) =>
  s
    .replace(/[\\;,]/g, (ch) => `\\${ch}`)
    .replace(/\r\n|\r|\n/g, '\\n')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');

/** A content line folded at 75 octets (RFC 5545 3.1): CRLF and a space, never inside a UTF-8 character. */
function icsFold(line: string): string {
  const parts: string[] = [];
  let part = '';
  let octets = 0;
  for (const ch of line) {
    const n = Buffer.byteLength(ch);
    if (octets + n > 75) {
      parts.push(part);
      part = ' ';
      octets = 1;
    }
    part += ch;
    octets += n;
  }
  parts.push(part);
  return parts.join('\r\n');
}

/** An all-day calendar event from the first to the last day of the trip (RFC 5545). */
export function bookingIcs(b: BookingRow, publicUrl: string, now: Date): string {
  const day = (d: string) => d.replace(/-/g, '');
  const after = new Date(`${b.end_date}T00:00:00Z`);
  after.setUTCDate(after.getUTCDate() + 1);
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//TrekTribe//Bookings//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:booking-${b.code}@trektribe`,
    `DTSTAMP:${stamp}`,
    `DTSTART;VALUE=DATE:${day(b.start_date)}`,
    `DTEND;VALUE=DATE:${day(after.toISOString().slice(0, 10))}`,
    `SUMMARY:${icsText(`${b.title} (${b.code})`)}`,
    `LOCATION:${icsText(b.meeting_point ?? b.destination)}`,
    `DESCRIPTION:${icsText(`Booking ${b.code}, ${b.guests} guest(s). ${publicUrl}/bookings/${b.id}`)}`,
    `URL:${publicUrl}/bookings/${b.id}`,
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(icsFold).join('\r\n') + '\r\n';
}
