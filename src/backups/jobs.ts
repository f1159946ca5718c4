import type { Deps } from '../deps.js';
import { formatBytes } from './files.js';
import { takeBackup } from './service.js';

/** The nightly backup; its line on /admin/jobs says what was written and how long it took. */
export async function nightlyBackup(deps: Deps): Promise<string> {
  const b = await takeBackup(deps);
  return [
    `${b.name}: database ${formatBytes(b.databaseBytes)} (integrity ok), ${b.files} files ${formatBytes(b.fileBytes)}`,
    `${(b.durationMs / 1000).toFixed(1)} s`,
    `kept ${b.kept}${b.removed.length ? `, removed ${b.removed.join(', ')}` : ''}`,
    ...(b.offsite
      ? [
          `uploaded ${b.offsite.label} (${formatBytes(b.offsite.bytes)}), kept ${b.offsite.kept} there${b.offsite.removed.length ? `, removed ${b.offsite.removed.length}` : ''}`,
        ]
      : []),
  ].join('; ');
}

/** The cron expression (India time) of a daily run at `time` (HH:MM); 02:30 when it is not a time. */
export function dailyAt(time: string): string {
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(time.trim());
  return m ? `${Number(m[2])} ${Number(m[1])} * * *` : '30 2 * * *';
}
