import type { Kysely } from 'kysely';
import type { Deps } from '../deps.js';
import type { Database } from '../schema.js';
import { isoNow } from '../lib/clock.js';
import { DomainError } from '../lib/errors.js';
import { consume } from '../lib/rate-limit.js';
import { getSetting } from '../lib/settings.js';
import { enqueue } from '../notifications/outbox.js';
import { EMAIL_TAKEN, insertAccount, uniqueEmail } from './accounts.js';
import { issueEmailVerification } from './email-verification.js';
import { LIMITS } from './limits.js';
import { hashPassword } from './passwords.js';
import * as q from './queries.js';
import type { RegisterInput } from './schemas.js';
import { startOrganizerTrial } from './sign-in.js';
import type { Role } from './tables.js';
import { welcomeHtml, welcomeText } from '../../views/auth/emails.js';

type Ctx = Pick<Deps, 'db' | 'clock' | 'config'>;
type Db = Kysely<Database>;

export async function registerAccount(deps: Ctx, input: RegisterInput, ip: string): Promise<number> {
  const { db, clock } = deps;
  await consume(
    db,
    clock,
    [{ key: `register:ip:${ip}`, rule: LIMITS.registerPerIp }],
    'Too many new accounts from your network.',
  );
  if (await q.findUserByEmail(db, input.email)) throw new DomainError(EMAIL_TAKEN, 'email');
  const passwordHash = await hashPassword(input.password);
  return uniqueEmail(() =>
    db.transaction().execute(async (trx) => {
      const now = isoNow(clock);
      const userId = await insertAccount(trx, input, passwordHash, now);
      await sendWelcome(trx, deps, { email: input.email, name: input.name, role: input.role });
      await issueEmailVerification(trx, deps, { id: userId, email: input.email, name: input.name });
      // Registering signs the new account in (see the route): that is the organizer's first sign-in.
      if (input.role === 'organizer')
        await startOrganizerTrial(trx, clock, { id: userId, first_organizer_login_at: null });
      return userId;
    }),
  );
}

/** The welcome email of a new account (registered, or a Google account that completed its profile). */
export async function sendWelcome(trx: Db, deps: Ctx, u: { email: string; name: string; role: Role }) {
  const p = { name: u.name, role: u.role, url: deps.config.publicUrl, trialDays: await getSetting(trx, 'trialDays') };
  await enqueue(trx, deps, {
    channel: 'email',
    to: u.email,
    template: 'welcome',
    subject: 'Welcome to TrekTribe',
    text: welcomeText(p),
    html: welcomeHtml(p),
  });
}
