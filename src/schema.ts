import type { CoreTables } from './lib/tables.js';
import type { AccountTables } from './auth/tables.js';
import type { TripTables } from './trips/tables.js';
import type { BookingTables } from './bookings/tables.js';
import type { PaymentTables } from './payments/tables.js';
import type { BillingTables } from './billing/tables.js';
import type { LiveTables } from './live/tables.js';
import type { NotificationTables } from './notifications/tables.js';
import type { ReviewTables } from './reviews/tables.js';
import type { SupportTables } from './support/tables.js';
import type { CrmTables } from './crm/tables.js';

/** The whole database as Kysely sees it; each feature owns its part. */
export interface Database
  extends
    CoreTables,
    AccountTables,
    TripTables,
    BookingTables,
    PaymentTables,
    BillingTables,
    LiveTables,
    NotificationTables,
    ReviewTables,
    SupportTables,
    CrmTables {}
