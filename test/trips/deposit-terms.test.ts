/** The trip form's deposit terms (issue 32, H): stored, shown again, and refused next to their field. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { signedIn } from '../support/factories.js';
import { idFrom, tripForm } from './support.js';

let t: TestApp;
let org: { id: number; cookie: string };
beforeAll(async () => {
  t = await makeTestApp();
  org = await signedIn(t.deps, { role: 'organizer' });
});
afterAll(() => t.close());

const terms = (id: number) =>
  t.db
    .selectFrom('trips')
    .select(['deposit_kind', 'deposit_value', 'balance_due_days'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
const countTrips = async () =>
  Number(
    (
      await t.db
        .selectFrom('trips')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('deposit terms on the trip form', () => {
  it('an organizer asks ₹3,000 a guest with the balance 21 days before; the edit form shows it again', async () => {
    const res = await t.post(
      '/organizer/trips/new',
      tripForm({ deposit_kind: 'amount', deposit_value: '3,000', balance_due_days: '21' }),
      org.cookie,
    );
    expect(res.status).toBe(303);
    const id = idFrom(res);
    expect(await terms(id)).toEqual({ deposit_kind: 'amount', deposit_value: 300_000, balance_due_days: 21 });
    const html = await (await t.request(`/organizer/trips/${id}/edit`, { cookie: org.cookie })).text();
    expect(html).toMatch(/value="amount" selected/);
    expect(html).toContain('value="3000"');
    expect(html).toContain('value="21"');
  });

  it('a percentage is stored as it is; no deposit leaves all three empty', async () => {
    const pct = idFrom(
      await t.post(
        '/organizer/trips/new',
        tripForm({ deposit_kind: 'percent', deposit_value: '25', balance_due_days: '30' }),
        org.cookie,
      ),
    );
    expect(await terms(pct)).toEqual({ deposit_kind: 'percent', deposit_value: 25, balance_due_days: 30 });
    const none = idFrom(await t.post('/organizer/trips/new', tripForm({ deposit_value: '25' }), org.cookie));
    expect(await terms(none)).toEqual({ deposit_kind: null, deposit_value: null, balance_due_days: null });
  });

  const cases: [string, Record<string, string>, string, RegExp][] = [
    [
      'a 100 % deposit',
      { deposit_kind: 'percent', deposit_value: '100', balance_due_days: '30' },
      'deposit_value',
      /1 to 99/,
    ],
    [
      'a deposit above the price',
      { deposit_kind: 'amount', deposit_value: '20000', balance_due_days: '30' },
      'deposit_value',
      /less than the price/,
    ],
    [
      'no due date',
      { deposit_kind: 'percent', deposit_value: '20', balance_due_days: '' },
      'balance_due_days',
      /7 to 180/,
    ],
    [
      'a balance due 3 days before the start (the grace would run past it)',
      { deposit_kind: 'percent', deposit_value: '20', balance_due_days: '3' },
      'balance_due_days',
      /7 to 180/,
    ],
    [
      'an unknown kind',
      { deposit_kind: 'half', deposit_value: '20', balance_due_days: '30' },
      'deposit_kind',
      /Choose how/,
    ],
  ];
  for (const [what, over, field, message] of cases)
    it(`refuses ${what} with a 422 next to the field, and writes nothing`, async () => {
      const before = await countTrips();
      const res = await t.post('/organizer/trips/new', tripForm(over), org.cookie);
      expect(res.status).toBe(422);
      const m = new RegExp(`id="f-${field}-error"[^>]*>([^<]*)<`).exec(await res.text());
      expect(m?.[1]).toMatch(message);
      expect(await countTrips()).toBe(before);
    });
});
