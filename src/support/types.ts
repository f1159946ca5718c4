import type { TicketMessageKind, TicketStatus } from './tables.js';

/** The support desk's domain types: what its services hand to the views (views/support/). */
export type { TicketMessageKind, TicketStatus };

export const STATUS_LABEL: Record<TicketStatus, string> = {
  open: 'Open',
  in_progress: 'In progress',
  waiting: 'Waiting on customer',
  resolved: 'Resolved',
  closed: 'Closed',
};

export interface TicketSummary {
  id: number;
  subject: string;
  status: TicketStatus;
  customer: { id: number; name: string };
  assignee: { id: number; name: string } | null;
  booking: { id: number; code: string } | null;
  createdAt: string;
  updatedAt: string;
  rating: number | null;
}

export interface TicketDetails extends TicketSummary {
  waitingSince: string | null;
  resolvedAt: string | null;
  /** The customer may rate it now (resolved, not rated yet). */
  canRate: boolean;
  /** The customer may still reply (not closed). */
  canReply: boolean;
}

export interface TicketImage {
  url: string;
  width: number;
  height: number;
}

export interface TicketMessage {
  id: number;
  kind: TicketMessageKind;
  body: string;
  author: { id: number; name: string; staff: boolean };
  images: TicketImage[];
  createdAt: string;
}

/**
 * "Seen": the newest message of the viewer's side that the other side has read (opened the thread
 * after it was written), and when they last opened it. `today`: that was today in India.
 */
export interface SeenMark {
  messageId: number;
  at: string;
  today: boolean;
}

export interface SavedReply {
  id: number;
  title: string;
  body: string;
}

export interface AgentStat {
  agentId: number;
  name: string;
  open: number;
  resolvedThisWeek: number;
  /** Median minutes to the first reply of tickets opened in the last 30 days; null without any. */
  medianFirstResponseMinutes: number | null;
}
