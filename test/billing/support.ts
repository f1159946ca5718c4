import type { TestApp } from '../support/app.js';
import { createUser, sessionCookie, type UserFields } from '../support/factories.js';
import { startTrial } from '../../src/billing/trial.js';

/** An organizer whose trial started now (as at their first sign-in), and their cookie. */
export async function organizerOnTrial(t: TestApp, f: UserFields = {}) {
  const id = await createUser(t.deps, { role: 'organizer', ...f });
  await startTrial(t.db, t.clock, id);
  return { id, cookie: await sessionCookie(t.deps, id) };
}

export const subscriptionOf = (t: TestApp, organizerId: number) =>
  t.db.selectFrom('subscriptions').selectAll().where('organizer_id', '=', organizerId).executeTakeFirst();

export const subscriptionCount = async (t: TestApp, organizerId: number) =>
  Number(
    (
      await t.db
        .selectFrom('subscriptions')
        .select((e) => e.fn.countAll<number>().as('n'))
        .where('organizer_id', '=', organizerId)
        .executeTakeFirstOrThrow()
    ).n,
  );
