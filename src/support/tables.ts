import type { ColumnType, Generated } from 'kysely';

export type TicketStatus = 'open' | 'in_progress' | 'waiting' | 'resolved' | 'closed';
export type TicketMessageKind = 'reply' | 'note';

export interface SupportTicketsTable {
  id: Generated<number>;
  customer_id: number;
  booking_id: number | null;
  subject: string;
  status: TicketStatus;
  assignee_id: number | null;
  /** Set while the ticket waits on the customer: the auto-close job closes it 7 days after. */
  waiting_since: string | null;
  first_response_at: string | null;
  first_responder_id: number | null;
  resolved_at: string | null;
  closed_at: string | null;
  /** 1–5, given once by the customer after the ticket was resolved. */
  rating: number | null;
  rated_at: string | null;
  customer_seen_at: string | null;
  agent_seen_at: string | null;
  created_at: string;
  updated_at: string;
  /** Generated: 1 while open, in progress or waiting on the customer (the active queue). */
  active: ColumnType<number, never, never>;
}

export interface SupportMessagesTable {
  id: Generated<number>;
  ticket_id: number;
  author_id: number;
  /** 'note': an internal note, for agents only. */
  kind: TicketMessageKind;
  body: string;
  /** JSON: [{ key, width, height, widths }] of images in the private store. */
  images: Generated<string>;
  created_at: string;
}

export interface SavedRepliesTable {
  id: Generated<number>;
  title: string;
  body: string;
  created_by: number | null;
  created_at: string;
  updated_at: string;
}

export interface SupportTables {
  support_tickets: SupportTicketsTable;
  support_messages: SupportMessagesTable;
  saved_replies: SavedRepliesTable;
}
