import { serve } from '@hono/node-server';
import { createGateway } from '../src/payments/gateway.js';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { migrateToLatest, openDatabase } from '../src/db.js';
import type { Deps } from '../src/deps.js';
import { loadAssets, projectRoot } from '../src/lib/assets.js';
import { systemClock } from '../src/lib/clock.js';
import { getRaw, medianMs, type BenchContext, type Line, type Section } from './support.js';

/**
 * `npm run bench`: the app in this process on 127.0.0.1 with a scratch DATA_DIR, measured by
 * every `bench/*.bench.ts` section (in name order), printed as one table against the
 * budgets. Always exits 0: it is a report; failures are marked FAIL.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'tt-bench-'));
const config = loadConfig({
  NODE_ENV: 'production',
  ALLOW_HTTP: 'on',
  DATA_DIR: dataDir,
  HOST: '127.0.0.1',
  PUBLIC_URL: 'http://127.0.0.1:3000',
  LOG_LEVEL: 'info',
});
const { db, sqlite } = openDatabase(join(dataDir, 'trektribe.db'));
await migrateToLatest(db);
// Request logging stays on (it is part of every real request), written to nowhere.
const log = pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: false }));
const deps: Deps = { config, db, clock: systemClock, log, assets: loadAssets(), payments: createGateway(config) };
const app = createApp(deps);
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
await new Promise<void>((resolve) => server.once('listening', () => resolve()));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const ctx: BenchContext = { url, deps, get: (path, headers) => getRaw(url, path, headers), time: medianMs };

const dir = join(projectRoot(), 'bench');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  // BENCH=support,trips runs only those sections.
  .filter((f) => !process.env.BENCH || process.env.BENCH.split(',').includes(f.replace(/\.bench\.ts$/, '')))
  .sort();
const modules = await Promise.all(
  files.map(async (f) => ({
    name: f.replace(/\.bench\.ts$/, ''),
    mod: (await import(pathToFileURL(join(dir, f)).href)) as {
      default: Section;
      seed?: (c: BenchContext) => Promise<void>;
    },
  })),
);

const rows: { section: string; line: Line }[] = [];
try {
  for (const m of modules) await m.mod.seed?.(ctx);
  for (const m of modules) {
    try {
      for (const line of await m.mod.default(ctx)) rows.push({ section: m.name, line });
    } catch (err) {
      rows.push({
        section: m.name,
        line: {
          measure: `section failed: ${err instanceof Error ? err.message : String(err)}`,
          value: NaN,
          unit: '',
          budget: { max: -Infinity },
        },
      });
    }
  }
} finally {
  server.close();
  (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
  await db.destroy();
  if (sqlite.open) sqlite.close();
  rmSync(dataDir, { recursive: true, force: true });
}

function verdict(l: Line): 'PASS' | 'FAIL' | '' {
  if (!l.budget) return '';
  const ok =
    (l.budget.max === undefined || l.value <= l.budget.max) && (l.budget.min === undefined || l.value >= l.budget.min);
  return ok ? 'PASS' : 'FAIL';
}
const budgetText = (l: Line) =>
  !l.budget
    ? ''
    : [
        l.budget.min !== undefined ? `≥ ${l.budget.min} ${l.unit}` : '',
        l.budget.max !== undefined && Number.isFinite(l.budget.max) ? `≤ ${l.budget.max} ${l.unit}` : '',
      ]
        .filter(Boolean)
        .join(', ');

const table = rows.map(({ section, line }) => [
  section,
  line.measure,
  Number.isNaN(line.value) ? '—' : `${line.value} ${line.unit}`.trim(),
  budgetText(line),
  verdict(line),
  line.note ?? '',
]);
const head = ['section', 'measure', 'value', 'budget', 'result', 'note'];
const widths = head.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
const fmt = (r: string[]) =>
  r
    .map((c, i) => (i === 2 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
    .join('  ')
    .trimEnd();
console.log(fmt(head));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of table) console.log(fmt(r));
const failed = rows.filter((r) => verdict(r.line) === 'FAIL');
console.log('');
console.log(
  failed.length === 0
    ? `All ${rows.filter((r) => r.line.budget).length} budgets met.`
    : `FAILED ${failed.length} budget(s): ${failed.map((f) => `${f.section}: ${f.line.measure}`).join('; ')}`,
);
process.exit(0);
