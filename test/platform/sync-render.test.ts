import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { jsx } from 'hono/jsx';
import '../../src/lib/sync-render.js';
import { projectRoot } from '../../src/lib/assets.js';

const run = promisify(execFile);
const probe = async (...args: string[]) => JSON.parse((await run(process.execPath, ['--import', 'tsx', 'test/platform/sync-render-probe.ts', ...args], { cwd: projectRoot() })).stdout.trim().split('\n').at(-1)!);

describe('hono/jsx renders without AsyncLocalStorage (src/lib/sync-render.ts)', () => {
  it('after pages, a booking and its e-mail are rendered, promise hooks are still off', async () => {
    const r = await probe();
    expect(r.statuses).toEqual([200, 303, 200]);
    expect(r.pageShowsCode).toBe(true);
    expect(r.htmlMails).toBeGreaterThan(0);
    expect(r.hooks).toBe(false);
  });

  it('control: the same probe sees promise hooks once an AsyncLocalStorage has been entered', async () => {
    const r = await probe('--control');
    expect(r.statuses).toEqual([200, 303, 200]);
    expect(r.hooks).toBe(true);
  });

  it('context still works in a synchronous render: SVG attributes take their SVG names, and only inside <svg>', () => {
    const html = String(jsx('div', { strokeWidth: 1 }, jsx('svg', { viewBox: '0 0 2 2', strokeWidth: 2 }, jsx('path', { strokeLinecap: 'round', d: 'M0 0L2 2' })), jsx('span', { strokeWidth: 3 })));
    expect(html).toBe('<div strokeWidth="1"><svg viewBox="0 0 2 2" stroke-width="2"><path stroke-linecap="round" d="M0 0L2 2"></path></svg><span strokeWidth="3"></span></div>');
  });

  it('the two ways hono looks for AsyncLocalStorage are back in place', () => {
    expect(typeof process.getBuiltinModule).toBe('function');
    expect(process.getBuiltinModule('node:async_hooks').AsyncLocalStorage).toBeTypeOf('function');
  });
});
