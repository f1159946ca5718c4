import type { DB } from '../db.js';

/**
 * Values kept per database for as long as its stamp (a changeStamp, maybe with more in it)
 * stays the same, so never stale: a new stamp starts an empty store. Past `max` values the
 * oldest goes first.
 */
export function storeUntilChange<V>(max: number) {
  const stores = new WeakMap<object, { stamp: string; values: Map<string, V> }>();
  const current = (db: DB, stamp: string) => {
    let s = stores.get(db);
    if (!s || s.stamp !== stamp) stores.set(db, (s = { stamp, values: new Map() }));
    return s.values;
  };
  return {
    get: (db: DB, stamp: string, key: string): V | undefined => current(db, stamp).get(key),
    set(db: DB, stamp: string, key: string, value: V): void {
      const values = current(db, stamp);
      if (values.size >= max) values.delete(values.keys().next().value!);
      values.set(key, value);
    },
  };
}
