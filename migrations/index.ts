import type { Migration } from 'kysely';
import * as m0001 from './0001_core.js';
import * as m0002 from './0002_accounts.js';
import * as m0003 from './0003_trips.js';
import * as m0010 from './0010_account_tokens.js';
import * as m0020 from './0020_trip_search.js';
import * as m0021 from './0021_trip_filter_index.js';
import * as m0022 from './0022_pending_photos.js';
import * as m0030 from './0030_bookings.js';
import * as m0040 from './0040_dev_messages_outbox.js';
import * as m0041 from './0041_auth_generation.js';
import * as m0042 from './0042_refund_claims.js';
import * as m0043 from './0043_hold_caps.js';
import * as m0044 from './0044_drop_auth_generation.js';
import * as m0045 from './0045_payment_owners.js';
import * as m0046 from './0046_subscriptions.js';
import * as m0047 from './0047_subscription_payments.js';
import * as m0048 from './0048_refunds_any_owner.js';
import * as m0050 from './0050_live_events.js';
import * as m0051 from './0051_notifications.js';
import * as m0052 from './0052_announcements.js';
import * as m0053 from './0053_dashboard_indexes.js';
import * as m0054 from './0054_reviews.js';
import * as m0056 from './0056_support_tickets.js';
import * as m0057 from './0057_customer_search.js';
import * as m0058 from './0058_customer_search_secure_delete.js';
import * as m0059 from './0059_trip_moderation.js';
import * as m0060 from './0060_audit_filters.js';
import * as m0061 from './0061_payment_mismatch.js';
import * as m0062 from './0062_storage_probe.js';
import * as m0063 from './0063_kept_proof_screenshots.js';
import * as m0064 from './0064_upi_proof_resend.js';
import * as m0065 from './0065_deposits.js';
import * as m0066 from './0066_waitlist.js';
import * as m0067 from './0067_booking_moves.js';
import * as m0068 from './0068_move_payments.js';
import * as m0069 from './0069_refunds_in_parts.js';
import * as m0070 from './0070_order_purpose.js';

/**
 * Every migration, in order. Names sort in the order they run. The first of each feature
 * took a range (0001–0009 platform, 0010–0019 accounts, 0020–0029 trips, 0030–0039
 * bookings/payments); from 0040 on, a new migration, whatever its feature, takes the next
 * number after the newest: a database migrated before must be able to take it, and Kysely's
 * migrator refuses one that sorts before a migration already run.
 */
export const migrations: Record<string, Migration> = {
  '0001_core': m0001,
  '0002_accounts': m0002,
  '0003_trips': m0003,
  '0010_account_tokens': m0010,
  '0020_trip_search': m0020,
  '0021_trip_filter_index': m0021,
  '0022_pending_photos': m0022,
  '0030_bookings': m0030,
  '0040_dev_messages_outbox': m0040,
  '0041_auth_generation': m0041,
  '0042_refund_claims': m0042,
  '0043_hold_caps': m0043,
  '0044_drop_auth_generation': m0044,
  '0045_payment_owners': m0045,
  '0046_subscriptions': m0046,
  '0047_subscription_payments': m0047,
  '0048_refunds_any_owner': m0048,
  '0050_live_events': m0050,
  '0051_notifications': m0051,
  '0052_announcements': m0052,
  '0053_dashboard_indexes': m0053,
  '0054_reviews': m0054,
  '0056_support_tickets': m0056,
  '0057_customer_search': m0057,
  '0058_customer_search_secure_delete': m0058,
  '0059_trip_moderation': m0059,
  '0060_audit_filters': m0060,
  '0061_payment_mismatch': m0061,
  '0062_storage_probe': m0062,
  '0063_kept_proof_screenshots': m0063,
  '0064_upi_proof_resend': m0064,
  '0065_deposits': m0065,
  '0066_waitlist': m0066,
  '0067_booking_moves': m0067,
  '0068_move_payments': m0068,
  '0069_refunds_in_parts': m0069,
  '0070_order_purpose': m0070,
};
