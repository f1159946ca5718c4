import type { Deps } from '../deps.js';
import { forgetOldEvents } from './service.js';

/** Published events older than any reconnect (a day): the table stays small. */
export async function pruneLiveEvents(deps: Deps): Promise<string> {
  return `removed ${await forgetOldEvents(deps)} live events`;
}
