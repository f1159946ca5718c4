import type { Deps } from '../deps.js';
import type { Actor } from '../auth/permissions.js';
import { audit } from '../lib/audit.js';
import { getSettings, putSetting } from '../lib/settings.js';
import { planSettings } from '../billing/plan.js';
import type { BookingSettingsInput, PlatformSettingsInput } from './schemas.js';
import type { BookingSettings, PlatformSettings } from './types.js';

export async function settingsPage(deps: Pick<Deps, 'db'>) {
  const [plan, s] = await Promise.all([planSettings(deps), getSettings(deps.db)]);
  const bookings: BookingSettings = {
    holdMinutes: s.holdMinutes,
    waitlistOfferHours: s.waitlistOfferHours,
    maxUnpaidSeatsPerTraveler: s.maxUnpaidSeatsPerTraveler,
    refundPolicy: s.refundPolicy,
  };
  const platform: PlatformSettings = {
    platformName: s.platformName,
    contactEmail: s.contactEmail,
    contactPhone: s.contactPhone,
  };
  return { plan, bookings, platform };
}

/** Saves the changed settings of one section in one transaction, audited with before and after. */
async function saveSettings<T extends Record<string, unknown>>(
  deps: Pick<Deps, 'db' | 'clock'>,
  actor: Actor,
  section: string,
  after: T,
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const before = (await getSettings(trx)) as unknown as Record<string, unknown>;
    const changed = Object.keys(after).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
    if (changed.length === 0) return;
    for (const k of changed) await putSetting(trx, deps.clock, k as never, after[k] as never);
    await audit(trx, deps.clock, {
      actorId: actor.id,
      action: `settings.${section}_changed`,
      targetType: 'settings',
      targetId: section,
      before: Object.fromEntries(changed.map((k) => [k, before[k]])),
      after: Object.fromEntries(changed.map((k) => [k, after[k]])),
    });
  });
}

/** Hold expiry and the cap on unpaid seats apply to the next booking; the refund policy to trips created from now on (each trip keeps its own). */
export const changeBookingSettings = (deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, input: BookingSettingsInput) =>
  saveSettings(deps, actor, 'bookings', input);

export const changePlatformSettings = (deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, input: PlatformSettingsInput) =>
  saveSettings(deps, actor, 'platform', input);
