import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { startFakeRazorpay, type FakeRazorpayServer } from '../support/fake-razorpay.js';
import { reconcileCharges } from '../../src/billing/reconcile.js';
import { subscriptionOf } from '../billing/support.js';
import { bankAnswers, chargesOf, organizerWithTrip, setUpAutopay } from '../billing/autopay-support.js';

let rzp: FakeRazorpayServer;
let t: TestApp;
beforeEach(async () => {
  rzp = await startFakeRazorpay();
  t = await makeTestApp(rzp.env);
});
afterEach(async () => {
  await t.close();
  await rzp.stop();
});

const CHARGE_DAY = '2027-03-23T02:00:00+05:30';

/** The charge job in a child process on the test's database file; its exit code or signal and output. */
function chargeInChild(env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; signal: string | null; out: string }>((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, '../billing/charge-process.ts')],
      {
        env: {
          ...process.env,
          ...rzp.env,
          DATA_DIR: t.dir,
          PUBLIC_URL: 'http://localhost:3000',
          ALLOW_HTTP: 'on',
          NODE_ENV: 'test',
          CLOCK: CHARGE_DAY,
          ...env,
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (b) => (out += String(b)));
    child.on('exit', (code, signal) => resolve({ code, signal, out }));
  });
}

describe('the charge job across processes', () => {
  it('two processes at once on one database file charge each subscription once', async () => {
    const orgs = [];
    for (let n = 1; n <= 12; n++) {
      const o = await organizerWithTrip(t, 20 + n);
      await setUpAutopay(t, rzp, o.cookie);
      orgs.push(o);
    }
    const [one, two] = await Promise.all([chargeInChild(), chargeInChild()]);
    expect([one.code, two.code]).toEqual([0, 0]);
    const charged = [one, two].map((r) => Number(/^charged (\d+)/.exec(r.out)?.[1]));
    expect(charged[0] + charged[1]).toBe(12);
    expect(rzp.fake.debits).toHaveLength(12);
    expect(new Set(rzp.fake.debits.map((d) => d.customer_id)).size).toBe(12);
    await bankAnswers(t, rzp);
    for (const o of orgs)
      expect((await chargesOf(t, o.id)).map((c) => [c.kind, c.status])).toEqual([
        ['mandate', 'paid'],
        ['auto', 'paid'],
      ]);
  }, 60_000);

  it('killed (-9) after Razorpay took the debit and before recording it: never charged again, reconciled from Razorpay', async () => {
    const o = await organizerWithTrip(t, 40);
    await setUpAutopay(t, rzp, o.cookie);
    const killed = await chargeInChild({ KILL_AFTER_DEBIT: '1' });
    expect(killed.signal).toBe('SIGKILL');
    expect(rzp.fake.debits).toHaveLength(1);
    const [, pending] = await t.db.selectFrom('subscription_charges').selectAll().orderBy('id').execute();
    expect(pending).toMatchObject({ status: 'pending', razorpay_payment_id: null });
    expect(pending.razorpay_order_id).toBe(rzp.fake.debits[0].order_id);

    const again = await chargeInChild();
    expect(again.out).toMatch(/^charged 0,/);
    expect(rzp.fake.debits).toHaveLength(1);

    // The bank answers; the webhook is lost, the reconcile job asks Razorpay about the order.
    await rzp.fake.settleDebits();
    t.clock.set('2027-03-23T08:00:00+05:30');
    expect(await reconcileCharges(t.deps)).toBe('reconciled 1 paid, 0 failed, 0 waiting, 0 unreachable');
    expect((await chargesOf(t, o.id)).at(-1)).toMatchObject({ kind: 'auto', status: 'paid' });
    expect((await subscriptionOf(t, o.id))?.current_period_end).toBe('2027-05-24T06:30:00.000Z');
    expect(rzp.fake.debits).toHaveLength(1);
  }, 60_000);
});
