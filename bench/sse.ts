/**
 * The live-updates budgets (issue 16): 10,000 SSE streams on one app process (its RSS), one
 * event reaching all of them, the idle CPU of 1,000 streams (heartbeats and polling only) and
 * the bytes of one live update on the wire. The app runs as in production (bench/bookings.ts's
 * startApp: the compiled build, its own process, request logging on); the streams are raw TCP
 * sockets of this process (one per tab, as EventSource holds them), so neither process passes
 * its open-files limit (`ulimit -n`: 10,000 sockets each side; checked first).
 *
 * Standalone: `npx tsx bench/sse.ts` (SSE_STREAMS=2000 for a quicker run).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateToLatest, openDatabase } from '../src/db.js';
import { systemClock } from '../src/lib/clock.js';
import { createSession, SESSION_COOKIE } from '../src/auth/session.js';
import { channel, publish } from '../src/live/service.js';
import { bellData } from '../src/notifications/inapp.js';
import { bannerData } from '../src/notifications/inapp.js';
import { frame, DEFAULT_HUB } from '../src/live/hub.js';
import { startApp } from './bookings.js';

export interface SseResult {
  name: string;
  value: number;
  unit: 'MB' | 'ms' | '%' | 'B' | '';
  budget?: { max?: number; min?: number };
  note?: string;
}

const rssMb = (pid: number) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
};

const fdLimit = () => {
  const m = /Max open files\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'));
  return m ? Number(m[1]) : Infinity;
};

interface Tab {
  socket: Socket;
  bytes: number;
  /** Resolves on the first frame (the `retry:` line): the stream is open. */
  opened: Promise<void>;
  onData?: (chunk: Buffer) => void;
}

function openTab(port: number, cookie: string): Tab {
  const socket = connect({ host: '127.0.0.1', port });
  let resolveOpen!: () => void;
  let rejectOpen!: (e: Error) => void;
  const tab: Tab = {
    socket,
    bytes: 0,
    opened: new Promise((res, rej) => ((resolveOpen = res), (rejectOpen = rej))),
  };
  let head = '';
  socket.on('connect', () =>
    socket.write(
      `GET /events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\nCookie: ${cookie}\r\nConnection: keep-alive\r\n\r\n`,
    ),
  );
  socket.on('data', (chunk: Buffer) => {
    tab.bytes += chunk.length;
    if (head !== null && head.length < 4096) {
      head += chunk.toString('latin1');
      if (head.includes('retry:')) {
        if (!head.startsWith('HTTP/1.1 200')) rejectOpen(new Error(head.split('\r\n')[0]));
        else resolveOpen();
        head = 'x'.repeat(4096); // done looking
      } else if (/^HTTP\/1\.1 [^2]/.test(head)) rejectOpen(new Error(head.split('\r\n')[0]));
    }
    tab.onData?.(chunk);
  });
  socket.on('error', (e) => rejectOpen(e));
  return tab;
}

export async function runSseBench(say: (s: string) => void = console.log): Promise<SseResult[]> {
  const streams = Number(process.env.SSE_STREAMS ?? 10_000);
  const idleStreams = Math.min(1000, streams);
  const perUser = DEFAULT_HUB.maxStreamsPerUser;
  if (fdLimit() < streams + 500)
    throw new Error(`ulimit -n is ${fdLimit()}: raise it above ${streams + 500} (each side holds ${streams} sockets)`);

  const dir = mkdtempSync(join(tmpdir(), 'tt-bench-sse-'));
  const { db, sqlite } = openDatabase(join(dir, 'trektribe.db'));
  await migrateToLatest(db);
  const deps = { db, clock: systemClock };
  const users = Math.ceil(streams / perUser);
  const now = new Date().toISOString();
  const cookies: string[] = [];
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < users; i++) {
      const { id } = await trx
        .insertInto('users')
        .values({
          email: `sse${i}@example.test`,
          name: `Stream ${i}`,
          phone: null,
          role: 'traveler',
          password_hash: null,
          email_verified_at: now,
          phone_verified_at: null,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      cookies.push(`${SESSION_COOKIE}=${(await createSession(trx, systemClock, id)).token}`);
    }
  });

  const root = join(import.meta.dirname, '..');
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')],
    {
      stdio: 'inherit',
    },
  );
  const app = await startApp(root, dir);
  const port = Number(new URL(app.base).port);
  const pid = Number(readFileSync(`/proc/self/task/${process.pid}/children`, 'utf8').trim().split(/\s+/).pop());
  const results: SseResult[] = [];
  const tabs: Tab[] = [];
  try {
    const rssBefore = rssMb(pid);
    const openStart = performance.now();
    for (let i = 0; i < streams; i += 250) {
      const batch = Array.from({ length: Math.min(250, streams - i) }, (_, k) =>
        openTab(port, cookies[Math.floor((i + k) / perUser)]),
      );
      tabs.push(...batch);
      await Promise.all(batch.map((t) => t.opened));
    }
    const openMs = performance.now() - openStart;
    await new Promise((r) => setTimeout(r, 2000));
    const rss = rssMb(pid);
    say(
      `sse: ${streams} streams open in ${Math.round(openMs)} ms; app RSS ${rssBefore} MB before, ${rss} MB with them`,
    );
    results.push({
      name: `SSE: app RSS with ${streams} open streams`,
      value: rss,
      unit: 'MB',
      budget: { max: 300 },
      note: `${rssBefore} MB before; opened in ${(openMs / 1000).toFixed(1)} s`,
    });

    // One event to everyone: from the insert to the last stream's frame.
    const fanOut: number[] = [];
    for (let run = 0; run < 3; run++) {
      const marker = `bench-${run}`;
      let left = tabs.length;
      let lastAt = 0;
      const all = new Promise<void>((resolve) => {
        for (const t of tabs)
          t.onData = (chunk) => {
            if (chunk.includes(marker)) {
              t.onData = undefined;
              if (--left === 0) {
                lastAt = performance.now();
                resolve();
              }
            }
          };
      });
      const sent = performance.now();
      await publish(deps, { to: channel.all, event: 'announcement', data: marker });
      await all;
      fanOut.push(lastAt - sent);
    }
    fanOut.sort((a, b) => a - b);
    results.push({
      name: `SSE: one event reaches all ${streams} streams`,
      value: Math.round(fanOut[1]),
      unit: 'ms',
      budget: { max: 1000 },
      note: `3 runs: ${fanOut.map((m) => Math.round(m)).join(' / ')} ms (insert → last frame; polling every ${DEFAULT_HUB.pollMs} ms)`,
    });

    // The wire cost of one live update, as a stream receives it (frame plus its HTTP chunk header).
    const one = tabs[0];
    const before = one.bytes;
    const userId = 1;
    const got = new Promise<void>((resolve) => (one.onData = (c) => c.includes('event: bell') && resolve()));
    await publish(deps, { to: channel.user(userId), event: 'bell', data: bellData(12) });
    await got;
    results.push({
      name: 'SSE: one bell update on the wire',
      value: one.bytes - before,
      unit: 'B',
      budget: { max: 1024 },
      note: `the frame alone ${frame({ id: 123456, event: 'bell', data: bellData(12) }).byteLength} B; a piece's refetch signal (booking, seats, queue) ${frame({ id: 123456, event: 'booking', data: '' }).byteLength} B; an announcement banner ${frame({ id: 123456, event: 'announcement', data: bannerData({ announcementId: 1, title: 'Monsoon pause', body: 'No treks above 4,000 m in July.', until: null }) }).byteLength} B`,
    });

    // Idle: 1,000 streams, heartbeats (every 25 s) and polling only, against the same time with none.
    for (const t of tabs.splice(idleStreams)) t.socket.destroy();
    await new Promise((r) => setTimeout(r, 3000));
    const window = DEFAULT_HUB.heartbeatMs + 1000;
    const cpuBusy0 = app.cpuMs();
    await new Promise((r) => setTimeout(r, window));
    const withStreams = ((app.cpuMs() - cpuBusy0) / window) * 100;
    for (const t of tabs.splice(0)) t.socket.destroy();
    await new Promise((r) => setTimeout(r, 3000));
    const cpuIdle0 = app.cpuMs();
    await new Promise((r) => setTimeout(r, window));
    const without = ((app.cpuMs() - cpuIdle0) / window) * 100;
    results.push({
      name: `SSE: CPU that ${idleStreams} idle streams add`,
      value: Math.round((withStreams - without) * 100) / 100,
      unit: '%',
      budget: { max: 2 },
      note: `${withStreams.toFixed(2)} % with them, ${without.toFixed(2)} % without, over ${window / 1000} s (one heartbeat and session check)`,
    });
  } finally {
    for (const t of tabs) t.socket.destroy();
    await app.close();
    await db.destroy();
    if (sqlite.open) sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await runSseBench())
    console.log(
      `${r.name}: ${r.value} ${r.unit}${r.budget?.max !== undefined ? ` (budget ≤ ${r.budget.max}: ${r.value <= r.budget.max ? 'PASS' : 'FAIL'})` : ''}${r.note ? ` — ${r.note}` : ''}`,
    );
}
