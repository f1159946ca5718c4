import type { Database } from '../schema.js';

/** What a request carries besides the deps (lib/env.ts): its user, the bell's banners, its posted form. */

/** The signed-in user of a request, as the session middleware (auth/middleware.ts) loads it. */
export interface CurrentUser {
  id: number;
  name: string;
  email: string;
  role: Database['users']['role'];
  profileComplete: boolean;
  emailVerified: boolean;
  phoneVerified: boolean;
  sessionId: string;
}

/** An announcement shown at the top of every page of a signed-in user until dismissed. */
export interface Banner {
  announcementId: number;
  title: string;
  body: string;
  until: string | null;
}

/** What Hono's `parseBody({ all: true })` gives: a repeated name (or one ending in []) becomes a list. */
export type UploadForm = Record<string, string | File | (string | File)[]>;

/** One request's form, and the scratch folder its files were written to (null when Hono read it). */
export interface Upload {
  dir: string | null;
  form: Promise<UploadForm>;
}
