/**
 * Run as its own process by sync-render.test.ts (promise hooks are process-wide, so another
 * test file in a shared worker could have switched them on): serves real pages through the
 * app, then prints whether promise hooks are on, as JSON on stdout.
 * With `--control` it first enters an AsyncLocalStorage, as hono/jsx would on its own.
 */
import { AsyncLocalStorage, executionAsyncId } from 'node:async_hooks';
import { makeTestApp } from '../support/app.js';
import { signedIn } from '../support/factories.js';
import { bookingForm, bookingIdFrom, makeTrip } from '../bookings/support.js';

/** With promise hooks on, every awaited promise is an async resource of its own: the id changes. */
async function promiseHooksOn(): Promise<boolean> {
  await null;
  const a = executionAsyncId();
  await null;
  return executionAsyncId() !== a;
}

if (process.argv.includes('--control')) new AsyncLocalStorage().run(1, () => {});
const t = await makeTestApp();
const trip = await makeTrip(t.deps, { capacity: 10, pricePaise: 250_000 });
const traveler = await signedIn(t.deps);
const statuses: number[] = [];
const home = await t.request('/');
statuses.push(home.status);
// A booking renders the organizer's e-mail (JSX) inside its transaction; then its page.
const booked = await t.post(`/trips/${trip.tripId}/book`, bookingForm(trip.departureId, 2), traveler.cookie);
statuses.push(booked.status);
const page = await t.request(`/bookings/${bookingIdFrom(booked)}`, { cookie: traveler.cookie });
statuses.push(page.status);
const html = await page.text();
const { code } = await t.db.selectFrom('bookings').select('code').executeTakeFirstOrThrow();
const mails = await t.db.selectFrom('outbox').select('payload').where('channel', '=', 'email').execute();
const hooks = await promiseHooksOn();
await t.close();
console.log(JSON.stringify({ statuses, hooks, pageShowsCode: html.includes(code), htmlMails: mails.filter((m) => String(JSON.parse(m.payload).html).includes('</a>')).length }));
