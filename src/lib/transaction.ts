import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** Another process held the write lock past busy_timeout: wait a little and try again. */
export async function retryBusy<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const code = (e as { code?: string }).code;
      if ((code !== 'SQLITE_BUSY' && code !== 'SQLITE_BUSY_SNAPSHOT') || attempt >= 6) throw e;
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 50 * (attempt + 1)));
    }
  }
}

/** A transaction, tried again while another process holds the write lock. */
export const tx = <T>(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<T>) =>
  retryBusy(() => db.transaction().execute(fn));
