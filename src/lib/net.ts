import { isIP } from 'node:net';

/**
 * Whether an address to listen on (or a peer's address) is loopback only: 127.0.0.0/8,
 * ::1 (also in brackets or as IPv4-mapped ::ffff:127.x.x.x) and the name localhost.
 * Everything else, the wildcards 0.0.0.0 and :: included, is reachable from elsewhere.
 */
export function isLoopback(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = h.replace(/^::ffff:/, '');
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/**
 * The client's address as the trusted proxies saw it: with `hops` proxies in front of us,
 * each appending the address it received from to X-Forwarded-For, the client is the
 * hops-th entry from the right. Entries to its left are the client's own to write, so they
 * never count. With fewer entries than hops (a request that did not come through them all),
 * the socket's peer is the answer.
 */
export function forwardedClient(forwardedFor: string | undefined, hops: number, socketAddress: string): string {
  if (hops < 1 || !forwardedFor) return socketAddress;
  const entries = forwardedFor.split(',').map((e) => e.trim());
  if (entries.length < hops) return socketAddress;
  return entries[entries.length - hops] || socketAddress;
}
