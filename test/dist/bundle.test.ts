/**
 * The production bundle, as the Dockerfile makes it (its image cannot be pulled here): the
 * sources it copies, compiled, the dev dependencies pruned, `dist/src/server.js` started with
 * NODE_ENV=production as an unprivileged user on a fresh DATA_DIR, then walked through the
 * setup and demo commands, sign-in, search, a booking and the health check. Anything the
 * running product imports from a dev dependency fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../src/lib/assets.js';
import { freePort } from '../e2e/support/server.js';
import { bookingForm } from '../bookings/support.js';

/** What the Dockerfile's build stage copies (node_modules stands for its `npm ci`). */
const COPIED = [
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'src',
  'views',
  'migrations',
];
const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;
const PASSWORD = 'dist-check-password-1';

let base: string;
let app: string;
let dataDir: string;
let url: string;
let server: ChildProcess | undefined;
let output = '';

/** A command of the bundle, as the unprivileged user when we are root (as the image's USER node). */
function bundled(args: string[], env: Record<string, string>) {
  const cmd = asRoot
    ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath]
    : [process.execPath];
  return {
    cmd: cmd[0],
    args: [...cmd.slice(1), ...args],
    env: { PATH: process.env.PATH ?? '', HOME: dataDir, ...env },
  };
}

function sh(cmd: string, args: string[], cwd: string) {
  execFileSync(cmd, args, { cwd, stdio: 'pipe', timeout: 300_000 });
}

beforeAll(async () => {
  const root = projectRoot();
  base = mkdtempSync(join(tmpdir(), 'tt-dist-'));
  chmodSync(base, 0o755);
  app = join(base, 'app');
  mkdirSync(app);
  for (const f of COPIED) cpSync(join(root, f), join(app, f), { recursive: true });
  cpSync(join(root, 'node_modules'), join(app, 'node_modules'), { recursive: true, verbatimSymlinks: true });
  sh(join(app, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json'], app);
  sh('npm', ['prune', '--omit=dev', '--no-audit', '--no-fund', '--offline'], app);
  // The run stage: production dependencies, the compiled code and static/.
  cpSync(join(root, 'static'), join(app, 'static'), { recursive: true });
  for (const f of ['src', 'views', 'migrations', 'tsconfig.json', 'tsconfig.build.json'])
    rmSync(join(app, f), { recursive: true });
  dataDir = join(base, 'data');
  mkdirSync(dataDir);
  if (asRoot) chownSync(dataDir, NOBODY, NOBODY);

  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const env = {
    NODE_ENV: 'production',
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: url,
    ALLOW_HTTP: 'on',
    SETUP_PASSWORD: PASSWORD,
    LOG_LEVEL: 'warn',
  };
  for (const script of ['dist/src/cli/setup.js', 'dist/src/cli/seed-demo.js']) {
    const c = bundled([script], env);
    execFileSync(c.cmd, c.args, { cwd: app, env: c.env, stdio: 'pipe', timeout: 180_000 });
  }
  const c = bundled(['dist/src/server.js'], env);
  server = spawn(c.cmd, c.args, { cwd: app, env: c.env, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout!.on('data', (d) => (output += d));
  server.stderr!.on('data', (d) => (output += d));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`the bundled server exited with ${server.exitCode}:\n${output}`);
    if (
      await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (Date.now() > deadline) throw new Error(`the bundled server did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}, 600_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server!.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  if (base) rmSync(base, { recursive: true, force: true });
});

/** A request as a browser on the site makes it (its Origin, the session cookie). */
async function visit(path: string, init: { cookie?: string; form?: Record<string, string | string[]> } = {}) {
  const headers: Record<string, string> = { origin: url };
  if (init.cookie) headers.cookie = init.cookie;
  let body: URLSearchParams | undefined;
  if (init.form) {
    body = new URLSearchParams();
    for (const [k, v] of Object.entries(init.form)) for (const x of [v].flat()) body.append(k, x);
  }
  return fetch(`${url}${path}`, { method: body ? 'POST' : 'GET', headers, body, redirect: 'manual' });
}

describe('the production bundle', () => {
  it('has no dev dependency left and keeps what the Dockerfile runs', () => {
    for (const dev of ['typescript', 'vitest', 'tsx', 'playwright-core'])
      expect(existsSync(join(app, 'node_modules', dev)), dev).toBe(false);
    for (const prod of ['hono', 'better-sqlite3', 'sharp', 'htmx.org', '@picocss/pico'])
      expect(existsSync(join(app, 'node_modules', prod)), prod).toBe(true);
    expect(existsSync(join(app, 'src'))).toBe(false);
  });

  it('runs as an unprivileged user and serves the health check and its assets', async () => {
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    if (asRoot) {
      const uid = execFileSync('ps', ['-o', 'uid=', '-p', String(server!.pid)])
        .toString()
        .trim();
      // setpriv execs node in place: the server process itself runs as nobody.
      expect(Number(uid)).toBe(NOBODY);
    }
    const home = await (await visit('/')).text();
    const css = /href="(\/static\/[^"]+\.css)"/.exec(home)?.[1];
    const js = /src="(\/static\/[^"]+\.js)"/.exec(home)?.[1];
    expect(css && js).toBeTruthy();
    for (const asset of [css!, js!]) expect((await fetch(`${url}${asset}`)).status, asset).toBe(200);
  });

  it('walks sign-in, search and a booking', async () => {
    const login = await visit('/login', { form: { email: 'traveler@trektribe.local', password: PASSWORD } });
    expect(login.status, output).toBe(303);
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    expect(cookie).toMatch(/=/);

    const search = await (await visit('/trips?q=Kedarkantha', { cookie })).text();
    const tripId = Number(/href="\/trips\/(\d+)"/.exec(search)?.[1]);
    expect(tripId, 'a demo trek found by search').toBeGreaterThan(0);

    const form = await (await visit(`/trips/${tripId}/book`, { cookie })).text();
    const departure = Number(/<option value="(\d+)"/.exec(form)?.[1]);
    expect(departure).toBeGreaterThan(0);
    const booked = await visit(`/trips/${tripId}/book`, { cookie, form: bookingForm(departure, 2) });
    expect(booked.status, await booked.clone().text()).toBe(303);
    // Held: on to paying (the built-in test gateway is off in production, so UPI).
    const id = Number(/^\/bookings\/(\d+)\/pay$/.exec(booked.headers.get('location') ?? '')?.[1]);
    expect(id).toBeGreaterThan(0);
    expect((await visit(`/bookings/${id}/pay`, { cookie })).status).toBe(200);
    const page = await (await visit(`/bookings/${id}`, { cookie })).text();
    expect(page).toContain('2 guests');
    expect(output).not.toMatch(/"level":(50|60)/);
  });
});
