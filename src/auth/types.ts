/** The accounts domain as views see it. */
import type { Role, UserStatus } from './tables.js';

export type { Role, UserStatus };

export interface GoogleClaims {
  sub: string;
  email: string;
  emailVerified: boolean;
  name: string;
}

export interface Account {
  id: number;
  name: string;
  email: string;
  emailVerified: boolean;
  phone: string | null;
  phoneVerified: boolean;
  role: Role;
  bio: string | null;
  location: string | null;
  photo: { key: string; width: number; height: number } | null;
  orgDisplayName: string | null;
  orgAbout: string | null;
  upiId: string | null;
  hasPassword: boolean;
  createdAt: string;
  sessions: number;
}

/** One row of the admin's list of accounts. */
export interface AccountListItem {
  id: number;
  name: string;
  email: string;
  phone: string | null;
  role: Role;
  status: UserStatus;
  emailVerified: boolean;
  createdAt: string;
}
