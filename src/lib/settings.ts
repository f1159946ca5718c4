import { AsyncLocalStorage } from 'node:async_hooks';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { Clock } from './clock.js';
import { allSettings, settingValue, upsertSetting } from './queries.js';

export interface RefundRule {
  /** Applies when the cancellation is at least this many days before the start. */
  minDays: number;
  percent: number;
}

/** Platform settings an admin can change; the defaults apply until they do. */
export const DEFAULT_SETTINGS = {
  /** Minutes an unpaid booking holds its seats. */
  holdMinutes: 30,
  /** Minutes a hold is extended to while a UPI payment proof waits for the organizer. */
  proofHoldMinutes: 48 * 60,
  /** Hours seats offered to a waitlisted traveler stay held for them before they go to the next entry. */
  waitlistOfferHours: 12,
  /**
   * Most seats one traveler may hold unpaid on one departure, over all their pending bookings
   * (a UPI payment still being checked counts: it is not paid yet). The same as the guest limit
   * of one booking, so nobody is stopped from booking a full party.
   */
  maxHeldSeatsPerTraveler: 10,
  /**
   * Most seats one traveler may hold unpaid over all departures at once (counted like the cap
   * above), so one account cannot take seats off sale on many departures with unpaid holds.
   */
  maxUnpaidSeatsPerTraveler: 12,
  /**
   * Hours past a UPI proof's decide-by time (the end of its hold) after which, still undecided,
   * its booking is cancelled and the seats go back on sale; the proof stays in the organizer's
   * queue. null: never (the organizer is only reminded).
   */
  proofReleaseHours: 24 as number | null,
  /** Default refund policy: ≥ 30 days 100 %, 15–29 days 50 %, < 15 days 0 %. */
  refundPolicy: [
    { minDays: 30, percent: 100 },
    { minDays: 15, percent: 50 },
    { minDays: 0, percent: 0 },
  ] as RefundRule[],
  /** The organizer plan; a change applies from each subscription's next period. */
  planAmountPaise: 149_900,
  planPeriodDays: 60,
  /** Active trips an organizer may have at once. */
  planListings: 5,
  trialDays: 60,
  /** Attempts at a failed auto-pay charge before the subscription goes inactive, and days between them. */
  chargeAttempts: 3,
  chargeRetryDays: 1,
  /** Days before an auto-pay charge that the organizer is reminded. */
  chargeReminderDays: [7, 3] as number[],
  /** Days before the trial ends that the organizer is told. */
  trialNoticeDays: [7, 3, 1] as number[],
  /** What the platform calls itself (page titles, the header, emails' sign-off) and how to reach it. */
  platformName: 'TrekTribe',
  contactEmail: '' as string,
  contactPhone: '' as string,
  /** When the nightly backup runs (HH:MM, India time); read when the server starts. */
  backupTime: '02:30' as string,
  /** Backups kept: the newest of each of the last this many days, and of the last this many weeks. */
  backupKeepDaily: 7,
  backupKeepWeekly: 4,
};

export type Settings = typeof DEFAULT_SETTINGS;
export type SettingKey = keyof Settings;

/**
 * The settings read in the request under way, by database handle: a page's service and the
 * layout (the platform's name and contact) share one read. A transaction is a handle of its
 * own, so what is read under its lock is read there; a write empties the request's reads.
 */
const readInRequest = new AsyncLocalStorage<Map<Kysely<Database>, Promise<Settings>>>();

/** Runs one request's handling (`next`) with its own settings read (app.ts, first middleware). */
export const settingsReadOncePerRequest = <T>(next: () => Promise<T>): Promise<T> => readInRequest.run(new Map(), next);

async function readSettings(db: Kysely<Database>): Promise<Settings> {
  const rows = await allSettings(db);
  const s: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const r of rows) if (r.key in DEFAULT_SETTINGS) s[r.key] = JSON.parse(r.value);
  return s as Settings;
}

export function getSettings(db: Kysely<Database>): Promise<Settings> {
  const read = readInRequest.getStore();
  if (!read) return readSettings(db);
  let settings = read.get(db);
  if (!settings) read.set(db, (settings = readSettings(db)));
  return settings;
}

export async function getSetting<K extends SettingKey>(db: Kysely<Database>, key: K): Promise<Settings[K]> {
  const row = await settingValue(db, key);
  return row ? (JSON.parse(row.value) as Settings[K]) : DEFAULT_SETTINGS[key];
}

export async function putSetting<K extends SettingKey>(
  db: Kysely<Database>,
  clock: Clock,
  key: K,
  value: Settings[K],
): Promise<void> {
  await upsertSetting(db, key, JSON.stringify(value), clock.now().toISOString());
  readInRequest.getStore()?.clear();
}
