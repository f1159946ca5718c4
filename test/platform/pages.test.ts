import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { signedIn } from '../support/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

describe('pages', () => {
  it('the home page renders in the layout with hashed assets', async () => {
    const res = await t.request('/');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toMatch(/href="\/static\/app\.[0-9a-f]{12}\.css"/);
    expect(html).toMatch(/src="\/static\/app\.[0-9a-f]{12}\.js"/);
    expect(html).toContain('Find your next trek');
  });

  it('an empty install tells the operator what to run on the home page', async () => {
    const html = await (await t.request('/')).text();
    expect(html).toContain('No treks listed yet');
    expect(html).toMatch(/npm run setup\s+npm run seed:demo/);
  });

  it('a signed-in visitor sees their name in the header, and a sign-out form on their profile and dashboard', async () => {
    const u = await signedIn(t.deps, { name: 'Asha Rao' });
    const html = await (await t.request('/', { cookie: u.cookie })).text();
    expect(html).toContain('Asha Rao');
    for (const path of ['/me', '/dashboard/traveler'])
      expect(await (await t.request(path, { cookie: u.cookie })).text()).toContain('action="/logout"');
  });
});
