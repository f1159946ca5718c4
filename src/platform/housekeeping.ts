import type { Deps } from '../deps.js';
import { DAY, HOUR } from '../lib/clock.js';
import { pruneJobRuns } from '../lib/jobs.js';
import { forgetDeliveredMessages } from '../notifications/service.js';
import { forgetUnattachedPhotos } from '../trips/photos.js';
import { tidyProofScreenshots } from '../bookings/upi-proofs.js';
import { sweepAbandonedUploads } from '../lib/uploads.js';

/**
 * The nightly tidy-up: the outbox job alone records 8,640 runs a day, and delivered
 * messages hold links and codes nobody needs after a month. Photos stored for a trip form
 * that was never saved go after a day; screenshots of rejected UPI proofs after 30 days; the
 * scratch folder of an upload that a stopped process never finished, after an hour.
 */
export async function housekeeping(deps: Deps): Promise<string> {
  const now = deps.clock.now().getTime();
  const runs = await pruneJobRuns(deps.db, {
    uneventfulBefore: new Date(now - 14 * DAY).toISOString(),
    failedBefore: new Date(now - 90 * DAY).toISOString(),
  });
  const messages = await forgetDeliveredMessages(deps);
  const photos = await forgetUnattachedPhotos(deps);
  const proofs = await tidyProofScreenshots(deps);
  const uploads = await sweepAbandonedUploads(deps.config.dataDir, new Date(now - HOUR));
  return `removed ${runs} old job runs, ${messages} delivered messages, ${photos} unsaved photos, ${proofs.removed} screenshots of rejected payment proofs, ${uploads} abandoned uploads; moved ${proofs.moved} screenshots to private storage`;
}
