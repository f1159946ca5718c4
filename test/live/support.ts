import type { TestApp } from '../support/app.js';
import { LiveHub, type HubOptions } from '../../src/live/hub.js';

export interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
  retry?: string;
  /** A comment line (`: …`), the heartbeat's form. */
  comment?: string;
}

/** A quick hub for tests: polls every 20 ms, beats every `heartbeatMs` (long unless asked). */
export function fastHub(t: TestApp, o: Partial<HubOptions> = {}): LiveHub {
  const hub = new LiveHub(t.deps, { pollMs: 20, heartbeatMs: 60_000, ...o });
  t.deps.live = hub;
  return hub;
}

/** Parses SSE text into frames (comments come out as frames of their own). */
export function parseFrames(text: string): SseFrame[] {
  const frames: SseFrame[] = [];
  for (const block of text.split('\n\n')) {
    if (!block) continue;
    const f: SseFrame = {};
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) f.comment = line.slice(1).trim();
      else {
        const i = line.indexOf(':');
        const k = line.slice(0, i);
        const v = line.slice(i + 1).replace(/^ /, '');
        if (k === 'data') data.push(v);
        else if (k === 'id' || k === 'event' || k === 'retry') f[k] = v;
      }
    }
    if (data.length) f.data = data.join('\n');
    frames.push(f);
  }
  return frames;
}

export interface OpenStream {
  res: Response;
  frames: SseFrame[];
  /** Resolves with the first frame (from the start) that matches, or rejects after `ms`. */
  waitFor(match: (f: SseFrame) => boolean, ms?: number): Promise<SseFrame>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): Promise<void>;
}

/** GET /events as a browser's EventSource would, reading frames as they come. */
export async function openStream(
  t: TestApp,
  cookie: string | undefined,
  o: { topics?: string[]; lastEventId?: number } = {},
): Promise<OpenStream> {
  const headers: Record<string, string> = { Accept: 'text/event-stream' };
  if (o.lastEventId !== undefined) headers['Last-Event-ID'] = String(o.lastEventId);
  const q = o.topics ? `?topics=${encodeURIComponent(o.topics.join(','))}` : '';
  const res = await t.request(`/events${q}`, { cookie, headers });
  const frames: SseFrame[] = [];
  const waiters = new Set<() => void>();
  let buffer = '';
  let done = false;
  const reader = res.body?.getReader();
  const decoder = new TextDecoder();
  const ended = (async () => {
    if (!reader || res.status !== 200) return;
    try {
      for (;;) {
        const { value, done: end } = await reader.read();
        if (end) break;
        buffer += decoder.decode(value, { stream: true });
        const cut = buffer.lastIndexOf('\n\n');
        if (cut >= 0) {
          frames.push(...parseFrames(buffer.slice(0, cut + 2)));
          buffer = buffer.slice(cut + 2);
          for (const w of waiters) w();
        }
      }
    } catch {
      // cancelled by close()
    } finally {
      done = true;
      for (const w of waiters) w();
    }
  })();
  return {
    res,
    frames,
    ended,
    waitFor(match, ms = 2000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const f = frames.find(match);
          if (f) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(f);
          } else if (done) {
            waiters.delete(check);
            clearTimeout(timer);
            reject(new Error('stream ended first'));
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching frame within ${ms} ms; got ${JSON.stringify(frames)}`));
        }, ms);
        waiters.add(check);
        check();
      });
    },
    async close() {
      await reader?.cancel().catch(() => {});
      await ended;
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An EventSource-like reader of a server's `/events` (and `?topics=`) over real HTTP. */
export async function listenOverHttp(url: string, cookie: string, query = '') {
  const res = await fetch(`${url}/events${query}`, { headers: { Cookie: cookie, Accept: 'text/event-stream' } });
  const frames: SseFrame[] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const ended = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        const cut = buffer.lastIndexOf('\n\n');
        if (cut >= 0) {
          frames.push(...parseFrames(buffer.slice(0, cut + 2)));
          buffer = buffer.slice(cut + 2);
        }
      }
    } catch {
      // cancelled
    }
  })();
  const waitFor = async (match: (f: SseFrame) => boolean, ms = 5000) => {
    const deadline = Date.now() + ms;
    while (!frames.some(match)) {
      if (Date.now() > deadline) throw new Error(`nothing matched; got ${JSON.stringify(frames)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return frames.find(match)!;
  };
  return { res, frames, ended, waitFor, close: () => reader.cancel().catch(() => {}) };
}
