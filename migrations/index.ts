import type { Migration } from 'kysely';
import * as m0001 from './0001_core.js';
import * as m0002 from './0002_accounts.js';
import * as m0003 from './0003_trips.js';
import * as m0020 from './0020_trip_search.js';
import * as m0030 from './0030_bookings.js';

/**
 * Every migration, in order. Names sort in the order they run. Reserved ranges so
 * features can add theirs without colliding: 0004–0009 platform (outbox, jobs,
 * notifications), 0010–0019 accounts, 0020–0029 trips, 0030–0039 bookings/payments.
 */
export const migrations: Record<string, Migration> = {
  '0001_core': m0001,
  '0002_accounts': m0002,
  '0003_trips': m0003,
  '0020_trip_search': m0020,
  '0030_bookings': m0030,
};
