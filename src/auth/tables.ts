import type { Generated } from 'kysely';

export type Role = 'traveler' | 'organizer' | 'agent' | 'admin';
export type UserStatus = 'active' | 'deactivated' | 'deleted';

export interface UsersTable {
  id: Generated<number>;
  email: string;
  email_verified_at: string | null;
  name: string;
  /** E.164; null only for a Google user who has not completed the profile yet. */
  phone: string | null;
  phone_verified_at: string | null;
  password_hash: string | null;
  role: Role;
  google_sub: string | null;
  status: Generated<UserStatus>;
  profile_complete: Generated<number>;
  bio: string | null;
  location: string | null;
  /** Upload key of the profile photo. */
  photo: string | null;
  photo_width: number | null;
  photo_height: number | null;
  org_display_name: string | null;
  org_about: string | null;
  upi_id: string | null;
  first_organizer_login_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface SessionsTable {
  /** SHA-256 (hex) of the token in the cookie; the token itself is never stored. */
  id: string;
  user_id: number;
  expires_at: string;
  created_at: string;
}

export type TokenPurpose = 'verify-email' | 'reset-password' | 'phone-otp';

/** Single-use secrets sent by email or SMS; only their hash is stored. */
export interface AccountTokensTable {
  id: Generated<number>;
  user_id: number;
  purpose: TokenPurpose;
  token_hash: string;
  /** The email or phone it was sent to: a secret is void once that changes. */
  target: string;
  attempts: Generated<number>;
  expires_at: string;
  used_at: string | null;
  created_at: string;
}

export interface AccountTables {
  users: UsersTable;
  sessions: SessionsTable;
  account_tokens: AccountTokensTable;
}
