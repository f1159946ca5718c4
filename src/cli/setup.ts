import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../config.js';
import { migrateToLatest, openDatabase } from '../db.js';
import { systemClock } from '../lib/clock.js';
import { ensurePresetAccounts, PRESET_ACCOUNTS } from '../auth/preset-accounts.js';

/**
 * `npm run setup`: the preset accounts of a new install (one admin, agent, organizer and
 * traveler). Safe to run again: existing accounts are left alone. The password comes from
 * SETUP_PASSWORD, or is random and printed this once.
 */
const config = loadConfig();
const { db } = openDatabase(join(config.dataDir, 'trektribe.db'));
try {
  await migrateToLatest(db);
  const password = config.setupPassword ?? randomBytes(12).toString('base64url');
  const created = await ensurePresetAccounts({ db, clock: systemClock }, password);
  for (const a of PRESET_ACCOUNTS)
    console.log(`${created.includes(a.email) ? 'created' : 'exists '}  ${a.role.padEnd(9)} ${a.email}`);
  if (created.length === 0) console.log('Nothing to do: every preset account already exists.');
  else if (config.setupPassword) console.log('Their password is the one in SETUP_PASSWORD.');
  else console.log(`Their password (shown only now, change it after signing in): ${password}`);
} finally {
  await db.destroy();
}
