import type { Generated } from 'kysely';

/** One published event: who hears it (`channel`), its SSE event name and data (an HTML fragment or empty). */
export interface LiveEventsTable {
  id: Generated<number>;
  channel: string;
  event: string;
  data: Generated<string>;
  created_at: string;
}

export interface LiveTables {
  live_events: LiveEventsTable;
}
