import { formatDay, formatDayClock } from '../../src/lib/time.js';
import type { DepartureWaitlist, WaitlistPlace } from '../../src/bookings/types.js';

const seats = (n: number) => `${n} guest${n === 1 ? '' : 's'}`;

/** The traveler's waitlists: their place on each, an open offer's link, and leaving. */
export function MyWaitlistPage(p: { places: WaitlistPlace[] }) {
  return (
    <section id="my-waitlist">
      <h1>My waitlists</h1>
      {p.places.length === 0 ? (
        <p class="muted">You are not waiting for seats on any trek.</p>
      ) : (
        <div class="cards">
          {p.places.map((w) => (
            <article id={`waitlist-${w.id}`}>
              <h2>
                <a href={`/trips/${w.tripId}`}>{w.title}</a>
              </h2>
              <p>
                {formatDay(w.startDate)} · {seats(w.guests)}
              </p>
              {w.offerExpiresAt ? (
                w.free ? (
                  <form method="post" action={`/trips/${w.tripId}/join`} hx-boost="false">
                    <p>
                      <strong>A place is held for you until {formatDayClock(w.offerExpiresAt)}.</strong>
                    </p>
                    <input type="hidden" name="departure" value={w.departureId} />
                    <button type="submit">Join now</button>
                  </form>
                ) : (
                  <p>
                    <strong>Seats are held for you until {formatDayClock(w.offerExpiresAt)}.</strong>{' '}
                    <a href={`/waitlist/${w.id}/accept`} role="button">
                      Book them
                    </a>
                  </p>
                )
              ) : (
                <p>
                  You are <strong>number {w.place}</strong> on the waitlist.
                </p>
              )}
              <form method="post" action={`/waitlist/${w.id}/leave`} hx-boost="false">
                <button type="submit" class="secondary">
                  Leave the waitlist
                </button>
              </form>
            </article>
          ))}
        </div>
      )}
      <p>
        <a href="/bookings">My bookings</a>
      </p>
    </section>
  );
}

/** A departure's waitlist, in order, for its organizer. */
export function DepartureWaitlistPage(p: { w: DepartureWaitlist }) {
  const w = p.w;
  return (
    <section id="departure-waitlist">
      <hgroup>
        <h1>Waitlist: {w.title}</h1>
        <p>
          {formatDay(w.startDate)} · {w.seatsLeft} seat{w.seatsLeft === 1 ? '' : 's'} free
        </p>
      </hgroup>
      {w.entries.length === 0 ? (
        <p class="muted">Nobody is waiting for this date.</p>
      ) : (
        <table class="records">
          <thead>
            <tr>
              <th>#</th>
              <th>Traveler</th>
              <th>Guests</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {w.entries.map((e) => (
              <tr>
                <td>{e.place}</td>
                <td>
                  {e.name}
                  <br />
                  <small>
                    {e.email}
                    {e.phone ? ` · ${e.phone}` : ''}
                  </small>
                </td>
                <td>{e.guests}</td>
                <td>{e.offerExpiresAt ? `Offered, held until ${formatDayClock(e.offerExpiresAt)}` : 'Waiting'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>
        <a href={`/organizer/bookings?trip=${w.tripId}&departure=${w.departureId}`}>Bookings of this date</a>
      </p>
    </section>
  );
}
