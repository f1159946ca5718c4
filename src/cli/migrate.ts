import { join } from 'node:path';
import { loadConfig } from '../config.js';
import { migrateDown, migrateToLatest, openDatabase } from '../db.js';

/** `npm run migrate` applies every pending migration; `npm run migrate -- down` undoes the last. */
const config = loadConfig();
const { db } = openDatabase(join(config.dataDir, 'trektribe.db'));
const direction = process.argv[2] ?? 'up';
try {
  const result = direction === 'down' ? await migrateDown(db) : await migrateToLatest(db);
  for (const r of result.results ?? []) console.log(`${r.direction} ${r.migrationName}: ${r.status}`);
  if (!result.results?.length) console.log('nothing to do');
} finally {
  await db.destroy();
}
