import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { hash, timingSafeEqual, randomInt } from 'node:crypto';

/** A random secret with 160 bits of entropy, safe for URLs and cookies. */
export function randomToken(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

/**
 * Secrets are stored only as their SHA-256. node:crypto's one-shot `hash` (native, without the
 * Hash object createHash builds): this runs on every signed-in request.
 */
export function hashToken(token: string): string {
  return hash('sha256', token, 'hex');
}

export function constantTimeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
/** A short human-readable code without look-alike characters (0/O, 1/I). */
export function humanCode(length = 8): string {
  let s = '';
  for (let i = 0; i < length; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return s;
}
