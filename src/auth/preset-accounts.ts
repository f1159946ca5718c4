import type { Deps } from '../deps.js';
import { isoNow } from '../lib/clock.js';
import { audit } from '../lib/audit.js';
import { hashPassword } from './passwords.js';
import * as q from './queries.js';
import type { Role } from './tables.js';

// The accounts `npm run setup` makes.

export const PRESET_ACCOUNTS: { role: Role; email: string; name: string; phone: string }[] = [
  { role: 'admin', email: 'admin@trektribe.local', name: 'TrekTribe Admin', phone: '+919000000001' },
  { role: 'agent', email: 'agent@trektribe.local', name: 'TrekTribe Support', phone: '+919000000002' },
  { role: 'organizer', email: 'organizer@trektribe.local', name: 'Demo Organizer', phone: '+919000000003' },
  { role: 'traveler', email: 'traveler@trektribe.local', name: 'Demo Traveler', phone: '+919000000004' },
];

/** Creates whichever preset account is missing (verified, ready to sign in); returns those created. */
export async function ensurePresetAccounts(deps: Pick<Deps, 'db' | 'clock'>, password: string): Promise<string[]> {
  const { db, clock } = deps;
  const created: string[] = [];
  const passwordHash = await hashPassword(password);
  for (const a of PRESET_ACCOUNTS) {
    await db.transaction().execute(async (trx) => {
      if (await q.findUserByEmail(trx, a.email)) return;
      const now = isoNow(clock);
      const id = await q.insertUser(trx, {
        ...a,
        password_hash: passwordHash,
        email_verified_at: now,
        phone_verified_at: now,
        upi_id: a.role === 'organizer' ? 'demo.organizer@okaxis' : null,
        created_at: now,
        updated_at: now,
      });
      await audit(trx, clock, {
        actorId: null,
        action: 'user.created',
        targetType: 'user',
        targetId: id,
        after: { email: a.email, role: a.role, by: 'setup' },
      });
      created.push(a.email);
    });
  }
  return created;
}
