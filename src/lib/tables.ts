import type { Generated } from 'kysely';

export interface JobRunsTable {
  id: Generated<number>;
  name: string;
  started_at: string;
  finished_at: string | null;
  outcome: 'running' | 'ok' | 'failed' | 'skipped';
  detail: string | null;
}

export type Channel = 'email' | 'sms' | 'whatsapp';

export interface OutboxTable {
  id: Generated<number>;
  channel: Channel;
  recipient: string;
  template: string;
  /** JSON: { subject?, text, html? } as the recipient will see it. */
  payload: string;
  status: Generated<'pending' | 'sending' | 'sent' | 'failed'>;
  attempts: Generated<number>;
  next_attempt_at: string;
  last_error: string | null;
  provider_id: string | null;
  created_at: string;
  sent_at: string | null;
}

/** What the dev mailbox shows: messages "delivered" with no real provider configured. */
export interface DevMessagesTable {
  id: Generated<number>;
  outbox_id: number | null;
  channel: Channel;
  recipient: string;
  subject: string | null;
  text: string;
  html: string | null;
  created_at: string;
}

export interface SettingsTable {
  key: string;
  /** JSON */
  value: string;
  updated_at: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  actor_id: number | null;
  action: string;
  target_type: string;
  target_id: string | null;
  before: string | null;
  after: string | null;
  created_at: string;
}

export interface RateLimitsTable {
  key: string;
  count: number;
  window_start: string;
}

export interface CoreTables {
  job_runs: JobRunsTable;
  outbox: OutboxTable;
  dev_messages: DevMessagesTable;
  settings: SettingsTable;
  audit_log: AuditLogTable;
  rate_limits: RateLimitsTable;
}
