/** Same-origin paths: where a link or a redirect may send the browser on this site. */

/** Any origin will do: a target is kept only if it stays on whichever origin it is read against. */
const HERE = new URL('http://trektribe.invalid');
/** Characters a local path may hold as typed: printable ASCII, no space, no backslash. */
const PLAIN = /^\/[\x21-\x5b\x5d-\x7e]*$/;
/** What a path must not hold even percent-encoded: controls, bidi/zero-width marks, backslashes, a second slash right after the first. */
const HIDDEN = /[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff\\]|^\/\//;

/**
 * A place on this site to send the browser back to ("/bookings/12?x=1"), or null. Only a
 * same-origin path: printable ASCII as given (browsers drop tabs and newlines, read "\" as
 * "/" and fold Unicode look-alikes, any of which turns "/x/evil.example" into another host),
 * parsed against an origin and kept only when it stays on it, and with no "//", "\", controls
 * or invisible marks in its path decoded either, look-alikes folded (for anything that decodes
 * it again). The query may carry anything percent-encoded: it names no host.
 */
export function safeNext(next: string | undefined | null): string | null {
  if (typeof next !== 'string' || next.length > 2000 || !PLAIN.test(next) || next.startsWith('//')) return null;
  let u: URL;
  try {
    u = new URL(next, HERE);
  } catch {
    return null;
  }
  const path = u.pathname + u.search + u.hash;
  if (u.origin !== HERE.origin || !path.startsWith('/') || path.startsWith('//')) return null;
  let decoded = u.pathname;
  for (let i = 0; i < 3; i++) {
    try {
      decoded = decodeURIComponent(decoded);
    } catch {
      return null;
    }
    if (HIDDEN.test(decoded) || HIDDEN.test(decoded.normalize('NFKC'))) return null;
  }
  return path;
}

/**
 * The local path + query of an absolute address on `origin` (config.publicUrl's), as `safeNext`
 * keeps it, or null: another host, another scheme, or a path a browser could read as one.
 */
export function ownPath(address: string, origin: string): string | null {
  let u: URL;
  try {
    u = new URL(address);
  } catch {
    return null;
  }
  return u.origin === new URL(origin).origin ? safeNext(u.pathname + u.search) : null;
}
