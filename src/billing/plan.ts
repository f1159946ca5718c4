import type { Deps } from '../deps.js';
import { audit } from '../lib/audit.js';
import { getSettings, putSetting, type SettingKey, type Settings } from '../lib/settings.js';
import type { PlanInput } from './schemas.js';
import type { PlanSettings } from './types.js';

/** The organizer's subscription page (links in messages and errors point to it). */
export const SUBSCRIPTION_PAGE = '/organizer/subscription';

/** Where each part of the plan is kept in the settings. */
const SETTING_OF = {
  amountPaise: 'planAmountPaise',
  periodDays: 'planPeriodDays',
  listings: 'planListings',
  trialDays: 'trialDays',
  chargeAttempts: 'chargeAttempts',
  chargeRetryDays: 'chargeRetryDays',
  chargeReminderDays: 'chargeReminderDays',
  trialNoticeDays: 'trialNoticeDays',
} as const satisfies Record<keyof PlanSettings, SettingKey>;

const PLAN_KEYS = Object.keys(SETTING_OF) as (keyof PlanSettings)[];

export const planOf = (s: Settings): PlanSettings =>
  Object.fromEntries(PLAN_KEYS.map((k) => [k, s[SETTING_OF[k]]])) as unknown as PlanSettings;

export async function planSettings(deps: Pick<Deps, 'db'>): Promise<PlanSettings> {
  return planOf(await getSettings(deps.db));
}

/** Saves the plan settings; running periods keep their terms, the next ones take these. Audited. */
export async function changePlan(deps: Pick<Deps, 'db' | 'clock'>, actorId: number, input: PlanInput): Promise<void> {
  const { db, clock } = deps;
  await db.transaction().execute(async (trx) => {
    const before = planOf(await getSettings(trx));
    const after: PlanSettings = input;
    const changed = PLAN_KEYS.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
    if (changed.length === 0) return;
    for (const k of changed) await putSetting(trx, clock, SETTING_OF[k], after[k] as never);
    await audit(trx, clock, {
      actorId,
      action: 'settings.plan_changed',
      targetType: 'settings',
      targetId: 'plan',
      before: Object.fromEntries(changed.map((k) => [k, before[k]])),
      after: Object.fromEntries(changed.map((k) => [k, after[k]])),
    });
  });
}
