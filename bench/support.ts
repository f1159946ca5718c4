import { request } from 'node:http';
import type { Deps } from '../src/deps.js';

/**
 * What a bench section gets: the running app (in this process, on 127.0.0.1) and its
 * dependencies, so a section can seed data, fetch pages as a browser would, and time code.
 */
export interface BenchContext {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  deps: Deps;
  /** One request with raw (still compressed) body bytes, as they cross the wire. */
  get(path: string, headers?: Record<string, string>): Promise<Transfer>;
  /** Median milliseconds of `runs` calls of `fn` (after one warm-up call). */
  time(fn: () => Promise<unknown> | unknown, runs?: number): Promise<number>;
}

export interface Transfer {
  status: number;
  headers: Record<string, string>;
  /** Body bytes as transferred (compressed when Content-Encoding is set). */
  bodyBytes: number;
  /** Status line + header lines, roughly as HTTP/1.1 sends them. */
  headerBytes: number;
  /** The body as text (decoded only when it was not compressed). */
  text: string | null;
  /** The body bytes as transferred. */
  body: Buffer;
}

/** One row of the report. A budget makes it PASS or FAIL; without one it is information. */
export interface Line {
  measure: string;
  value: number;
  unit: 'KB' | 'B' | 'req/s' | 'ms' | '%' | '';
  /** value must be ≤ max / ≥ min. */
  budget?: { max?: number; min?: number };
  note?: string;
}

/**
 * A bench section: a file `bench/<name>.bench.ts` whose default export returns its lines.
 * It may also export `seed(ctx)`, run for every section before any of them measures.
 */
export type Section = (ctx: BenchContext) => Promise<Line[]>;

/** Accept-Encoding as Chromium sends it. */
export const CHROMIUM_ACCEPT_ENCODING = 'gzip, deflate, br, zstd';

export function getRaw(base: string, path: string, headers: Record<string, string> = {}): Promise<Transfer> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), { method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        let headerBytes = `HTTP/1.1 ${res.statusCode} ${res.statusMessage}\r\n`.length + 2;
        for (let i = 0; i < res.rawHeaders.length; i += 2)
          headerBytes += `${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}\r\n`.length;
        const h: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h[k] = v;
        resolve({
          status: res.statusCode ?? 0,
          headers: h,
          bodyBytes: body.length,
          headerBytes,
          text: h['content-encoding'] ? null : body.toString('utf8'),
          body,
        });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export async function medianMs(fn: () => Promise<unknown> | unknown, runs = 20): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(times.length / 2)] * 100) / 100;
}

export const kb = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;
