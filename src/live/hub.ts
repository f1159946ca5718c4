import type { Logger } from 'pino';
import type { DB } from '../db.js';
import type { Clock } from '../lib/clock.js';
import { liveSessions } from '../auth/session.js';
import { eventsAfter, lastEventId, missedEvents, type LiveEventRow } from './queries.js';
import { SIGNED_OUT } from './events.js';

export { SIGNED_OUT };

/**
 * What a hub needs of the app's deps (src/deps.ts, which holds the hub: the hub does not import it
 * back).
 */
export interface HubDeps {
  db: DB;
  clock: Clock;
  log: Logger;
  stopping?: AbortSignal;
}

export interface HubOptions {
  /** How often the events table is read for new rows (ms). */
  pollMs: number;
  /** A comment line this often keeps proxies and phones from dropping an idle stream (ms). */
  heartbeatMs: number;
  /** The browser's reconnect delay, sent as `retry:` (ms). */
  retryMs: number;
  /** Open streams one user may hold (tabs); one more is refused with 429. */
  maxStreamsPerUser: number;
  /** At most this many missed events are replayed after a reconnect (the newest). */
  replayLimit: number;
  /** A stream whose client reads nothing while this many bytes pile up is ended. */
  maxBacklogBytes: number;
}

export type { Stream as LiveStream };

export const DEFAULT_HUB: HubOptions = {
  pollMs: 250,
  heartbeatMs: 25_000,
  retryMs: 5_000,
  maxStreamsPerUser: 8,
  replayLimit: 100,
  maxBacklogBytes: 64 * 1024,
};

/**
 * Where a stream's frames go: the Node response itself under the server (no web stream per
 * tab: at 10,000 tabs that costs ~10 KB each), or a ReadableStream (`app.request` in tests).
 */
export interface Sink {
  write(frame: Uint8Array): void;
  /** Bytes written but not yet taken by the client. */
  backlog(): number;
  end(): void;
}

interface Stream {
  userId: number;
  sessionId: string;
  channels: string[];
  sink: Sink;
  /** Frames delivered while the replay of missed events is being read; sent after it. */
  pending: Uint8Array[] | null;
  closed: boolean;
}

const encoder = new TextEncoder();
const HEARTBEAT = encoder.encode(': \n\n');

/** One SSE frame; empty data is sent as an empty comment, since EventSource drops an event with no data. */
export function frame(e: Pick<LiveEventRow, 'id' | 'event' | 'data'>): Uint8Array {
  const lines = (e.data || '<!---->').split(/\r\n|\r|\n/).map((l) => `data: ${l}\n`);
  return encoder.encode(`id: ${e.id}\nevent: ${e.event}\n${lines.join('')}\n`);
}

/**
 * The streams of this process. Services never talk to it: they write events to the database
 * (`publish`), and the hub reads the rows after the last one it saw, every `pollMs` while any
 * stream is open (one range scan of the primary key), and writes each to the streams on its
 * channel. A frame is encoded once however many streams get it.
 */
export class LiveHub {
  private readonly byChannel = new Map<string, Set<Stream>>();
  private readonly byUser = new Map<number, Set<Stream>>();
  private cursor: Promise<number> | null = null;
  private polling = false;
  private poller: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private stopped = false;
  /** Counts the times polling stopped: a poll begun before cannot move the new cursor. */
  private generation = 0;
  readonly options: HubOptions;

  constructor(
    private readonly deps: HubDeps,
    options: Partial<HubOptions> = {},
  ) {
    this.options = { ...DEFAULT_HUB, ...options };
    deps.stopping?.addEventListener('abort', () => this.stop(), { once: true });
  }

  /** Open streams in this process. */
  get size(): number {
    let n = 0;
    for (const s of this.byUser.values()) n += s.size;
    return n;
  }

  /** Whether this user may open one more stream now. */
  hasRoomFor(userId: number): boolean {
    return !this.stopped && this.streamsOf(userId) < this.options.maxStreamsPerUser;
  }

  streamsOf(userId: number): number {
    return this.byUser.get(userId)?.size ?? 0;
  }

  /**
   * A new stream on `channels`, or null when the user already holds `maxStreamsPerUser` (or the
   * hub is stopping). With `lastEventId`, the events missed on these channels come first.
   */
  async open(o: {
    userId: number;
    sessionId: string;
    channels: string[];
    lastEventId?: number;
  }): Promise<ReadableStream<Uint8Array> | null> {
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    let stream: Stream | null = null;
    const body = new ReadableStream<Uint8Array>({
      start: (c) => {
        controller = c;
      },
      cancel: () => {
        if (stream) this.remove(stream);
      },
    });
    stream = await this.attach(o, {
      write: (f) => controller.enqueue(f),
      // Frames queued (the default strategy counts chunks), as bytes of a typical frame.
      backlog: () => Math.max(0, -(controller.desiredSize ?? 0)) * 256,
      end: () => controller.close(),
    });
    return stream ? body : null;
  }

  /**
   * Attaches a stream writing to `sink`, or returns null when the user already holds
   * `maxStreamsPerUser` (or the hub is stopping). With `lastEventId`, the events missed on
   * these channels come first. Call `detach` when the client goes.
   */
  async attach(
    o: { userId: number; sessionId: string; channels: string[]; lastEventId?: number },
    sink: Sink,
  ): Promise<Stream | null> {
    if (!this.hasRoomFor(o.userId)) return null;
    const stream: Stream = {
      userId: o.userId,
      sessionId: o.sessionId,
      channels: o.channels,
      sink,
      pending: [],
      closed: false,
    };
    this.add(stream);
    this.write(stream, encoder.encode(`retry: ${this.options.retryMs}\n: connected\n\n`), true);
    try {
      const upTo = await this.start();
      if (o.lastEventId !== undefined && o.lastEventId < upTo) {
        const missed = await missedEvents(this.deps.db, {
          afterId: o.lastEventId,
          upTo,
          channels: o.channels,
          limit: this.options.replayLimit,
        });
        for (const e of missed) this.write(stream, frame(e), true);
      }
    } catch (err) {
      this.deps.log.error({ err }, 'live stream could not start');
      this.end(stream);
      return stream;
    }
    const pending = stream.pending ?? [];
    stream.pending = null;
    for (const f of pending) this.write(stream, f);
    return stream;
  }

  /** The client went away: forget its stream. */
  detach(stream: Stream): void {
    this.remove(stream);
  }

  /** Ends every stream and stops reading events (shutdown). */
  stop(): void {
    this.stopped = true;
    for (const set of [...this.byUser.values()]) for (const s of [...set]) this.end(s);
    this.idle();
  }

  /** Ends the streams of a user (tests, and whoever must cut them at once in this process). */
  endUser(userId: number): void {
    for (const s of [...(this.byUser.get(userId) ?? [])]) this.end(s);
  }

  /** Reads new events now instead of at the next tick (tests; the bench). */
  async pollNow(): Promise<void> {
    await this.poll();
  }

  private add(s: Stream) {
    for (const ch of s.channels) {
      let set = this.byChannel.get(ch);
      if (!set) this.byChannel.set(ch, (set = new Set()));
      set.add(s);
    }
    let mine = this.byUser.get(s.userId);
    if (!mine) this.byUser.set(s.userId, (mine = new Set()));
    mine.add(s);
  }

  private remove(s: Stream) {
    if (s.closed) return;
    s.closed = true;
    for (const ch of s.channels) {
      const set = this.byChannel.get(ch);
      set?.delete(s);
      if (set?.size === 0) this.byChannel.delete(ch);
    }
    const mine = this.byUser.get(s.userId);
    mine?.delete(s);
    if (mine?.size === 0) this.byUser.delete(s.userId);
    if (this.byUser.size === 0) this.idle();
  }

  private end(s: Stream) {
    if (s.closed) return;
    this.remove(s);
    try {
      s.sink.end();
    } catch {
      // already errored or closed by the client
    }
  }

  private write(s: Stream, f: Uint8Array, now = false) {
    if (s.closed) return;
    if (s.pending && !now) {
      s.pending.push(f);
      return;
    }
    // A client that reads nothing: end it rather than hold its frames (it reconnects and replays).
    if (s.sink.backlog() > this.options.maxBacklogBytes) return this.end(s);
    try {
      s.sink.write(f);
    } catch {
      this.remove(s);
    }
  }

  /** Starts polling (from the newest event) when the first stream opens; the cursor's id. */
  private start(): Promise<number> {
    if (!this.cursor) {
      this.cursor = lastEventId(this.deps.db);
      this.cursor.catch(() => (this.cursor = null));
      this.poller = setInterval(() => void this.poll(), this.options.pollMs).unref();
      this.heartbeat = setInterval(() => this.beat(), this.options.heartbeatMs).unref();
    }
    return this.cursor;
  }

  /** No streams: stop reading; the next stream starts again from the newest event. */
  private idle() {
    if (this.poller) clearInterval(this.poller);
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.poller = this.heartbeat = null;
    this.cursor = null;
    this.generation++;
  }

  /**
   * The heartbeat, and a look at the sessions behind the streams: one that has ended in any way
   * (expired, a sign-out event missed, an account deactivated or deleted) ends its streams.
   */
  private beat() {
    const all = [...this.byUser.values()].flatMap((set) => [...set]);
    for (const s of all) this.write(s, HEARTBEAT, true);
    void this.endStaleSessions(all).catch((err) => this.deps.log.error({ err }, 'live sessions could not be checked'));
  }

  private async endStaleSessions(streams: Stream[]) {
    const ids = [...new Set(streams.map((s) => s.sessionId))];
    const held = new Set<string>();
    for (let i = 0; i < ids.length; i += 500)
      for (const id of await liveSessions(this.deps.db, ids.slice(i, i + 500), this.deps.clock.now())) held.add(id);
    for (const s of streams) if (!held.has(s.sessionId)) this.end(s);
  }

  private async poll(): Promise<void> {
    if (this.polling || !this.cursor) return;
    this.polling = true;
    try {
      const generation = this.generation;
      let after = await this.cursor;
      for (;;) {
        const rows = await eventsAfter(this.deps.db, after, 500);
        if (this.generation !== generation) return; // went idle meanwhile
        for (const row of rows) this.deliver(row);
        if (rows.length > 0) {
          after = rows[rows.length - 1].id;
          this.cursor = Promise.resolve(after);
        }
        if (rows.length < 500) return;
      }
    } catch (err) {
      this.deps.log.error({ err }, 'live events could not be read');
    } finally {
      this.polling = false;
    }
  }

  private deliver(row: LiveEventRow) {
    const set = this.byChannel.get(row.channel);
    if (!set) return;
    const f = frame(row);
    for (const s of [...set]) {
      this.write(s, f);
      if (row.event === SIGNED_OUT) this.end(s);
    }
  }
}

const hubs = new WeakMap<object, LiveHub>();

/** The hub of this app: `deps.live` when the server (or a test) made one, else one made on first use. */
export function hubOf(deps: HubDeps & { live?: LiveHub }): LiveHub {
  if (deps.live) return deps.live;
  let hub = hubs.get(deps);
  if (!hub) hubs.set(deps, (hub = new LiveHub(deps)));
  return hub;
}
