import { configOrExit } from '../config.js';
import { systemClock } from '../lib/clock.js';
import { listBackups } from '../backups/service.js';
import { restoreBackup, RestoreRefused } from '../backups/restore.js';
import { listOffsite } from '../backups/offsite.js';

/**
 * `npm run restore -- <backup>`: puts a backup (a name under DATA_DIR/backups, or a path) in
 * place of the current data, with the server stopped. Without an argument, lists the backups.
 */
const config = configOrExit();
const given = process.argv[2];
if (!given) {
  const names = await listBackups(config.dataDir);
  console.log(names.length ? `Backups in ${config.dataDir}/backups (newest first):` : 'No backups yet.');
  for (const n of names) console.log(`  ${n}`);
  if (config.backupS3) {
    const there = await listOffsite(config.backupS3);
    console.log(
      there.length ? `In s3://${config.backupS3.bucket}/${config.backupS3.prefix}:` : 'None in the S3 store.',
    );
    for (const n of there) console.log(`  s3:${n}`);
  }
  console.log('Restore one with: npm run restore -- <name>');
  process.exit(0);
}
try {
  const r = await restoreBackup(config, systemClock, given);
  console.log(`Restored ${r.from} (${r.files} stored files).`);
  console.log(
    r.replacedDir
      ? `The data it replaced is kept in ${r.replacedDir}.`
      : 'There was no database before; nothing was replaced.',
  );
  console.log('Start the server: it applies any migrations the backup is missing.');
} catch (err) {
  if (!(err instanceof RestoreRefused)) throw err;
  console.error(`Not restored: ${err.message}`);
  process.exit(1);
}
