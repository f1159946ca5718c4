import autocannon from 'autocannon';
import { CHROMIUM_ACCEPT_ENCODING, type BenchContext, type Line } from './support.js';
import { signedIn } from '../test/support/factories.js';

const DURATION = 5;
const CONNECTIONS = 10;

async function rps(
  url: string,
  headers: Record<string, string>,
): Promise<{ rps: number; p99: number; errors: number }> {
  // A short warm-up, then the measured run; the load comes from a worker thread.
  await autocannon({ url, connections: CONNECTIONS, duration: 1, workers: 1, headers });
  const r = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, workers: 1, headers });
  return { rps: Math.round(r.requests.average), p99: r.latency.p99, errors: r.errors + r.timeouts + r.non2xx };
}

/**
 * Requests per second of the home page against the health check in the same process and
 * run: the page (session lookup, rendering, compression, ETag) should keep ≥ 40 % of the bare rate.
 * Signed out, `/` is usually a stored page (src/lib/page-cache.ts); the signed-in line shows
 * what rendering it every time costs.
 */
export default async function throughput(ctx: BenchContext): Promise<Line[]> {
  const headers = { 'Accept-Encoding': CHROMIUM_ACCEPT_ENCODING };
  const health = await rps(`${ctx.url}/healthz`, headers);
  const home = await rps(`${ctx.url}/`, headers);
  const user = await signedIn(ctx.deps, { name: 'Bench Traveler' });
  const rendered = await rps(`${ctx.url}/`, { ...headers, Cookie: user.cookie });
  return [
    {
      measure: 'GET /healthz',
      value: health.rps,
      unit: 'req/s',
      note: `p99 ${health.p99} ms, ${health.errors} errors`,
    },
    { measure: 'GET /', value: home.rps, unit: 'req/s', note: `p99 ${home.p99} ms, ${home.errors} errors` },
    {
      measure: '/ as a share of /healthz',
      value: Math.round((home.rps / health.rps) * 1000) / 10,
      unit: '%',
      budget: { min: 40 },
    },
    {
      measure: 'GET / signed in (rendered every time)',
      value: rendered.rps,
      unit: 'req/s',
      note: `${Math.round((rendered.rps / health.rps) * 100)} % of /healthz; p99 ${rendered.p99} ms, ${rendered.errors} errors`,
    },
  ];
}
