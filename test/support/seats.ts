import { sql } from 'kysely';
import type { DB } from '../../src/db.js';

/** Departures whose seats taken are not their live bookings' guests plus the seats held by open waitlist offers. */
export async function seatsThatDoNotAddUp(db: DB) {
  const rows = await db
    .selectFrom('departures as d')
    .leftJoin('bookings as b', (j) =>
      j.onRef('b.departure_id', '=', 'd.id').on('b.status', 'in', ['pending', 'confirmed']),
    )
    .select((eb) => [
      'd.id',
      'd.seats_taken',
      'd.capacity',
      eb.fn.coalesce(eb.fn.sum<number>('b.guests'), eb.lit(0)).as('guests'),
      sql<number>`(select coalesce(sum(w.guests), 0) from waitlist_entries w
                   where w.departure_id = d.id and w.status = 'offered')`.as('offered'),
    ])
    .groupBy('d.id')
    .execute();
  return rows.filter((r) => Number(r.guests) + Number(r.offered) !== r.seats_taken || r.seats_taken > r.capacity);
}
