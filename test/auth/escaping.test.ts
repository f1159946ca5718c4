import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { TestApp } from '../support/app.js';
import { signedIn } from '../support/factories.js';
import { accountsApp } from './helpers.js';
import { welcomeHtml } from '../../views/auth/emails.js';

/** Pieces an attacker would type into a name, bio or location. */
const NASTY = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' onmouseover='alert(1)",
  '</textarea><script>x()</script>',
  '<svg/onload=alert(1)>',
  '&lt;already&gt; &amp;',
  '{{7*7}} ${7*7}',
  '<a href="javascript:alert(1)">x</a>',
  '</title><h1>pwned</h1>',
];
/**
 * Each field starts with its own marker that appears nowhere in our markup, so "the value is on
 * the page raw" can only be true when that field was not escaped: a bare `x<` would also match
 * `inbox</a>` in the layout, or another field's value followed by its closing tag.
 */
const hostile = (marker: string) =>
  fc
    .array(
      fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 12 }), fc.constantFrom('<', '>', '"', "'", '&')),
      { minLength: 1, maxLength: 5 },
    )
    .map((parts) => `${marker}${parts.join('')}`);

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

let t: TestApp;
let me: { id: number; cookie: string };
let admin: { id: number; cookie: string };
beforeAll(async () => {
  t = await accountsApp();
  me = await signedIn(t.deps, { role: 'organizer' });
  admin = await signedIn(t.deps, { role: 'admin' });
});
afterAll(() => t.close());

function expectEscaped(html: string, value: string, where: string) {
  expect(html, where).toContain(escapeHtml(value));
  if (/[<>"']/.test(value)) expect(html.includes(value), `${where} shows ${JSON.stringify(value)} raw`).toBe(false);
}

describe('escaping what people type about themselves', () => {
  it('names, bios and locations full of HTML and script are shown escaped on every page that shows them', async () => {
    await fc.assert(
      fc.asyncProperty(hostile('Qn7'), hostile('Qb7'), hostile('Ql7'), async (name, bio, location) => {
        await t.db
          .updateTable('users')
          .set({ name, bio, location, org_display_name: name, org_about: bio })
          .where('id', '=', me.id)
          .execute();
        for (const path of ['/me', '/dashboard/organizer']) {
          const html = await (await t.request(path, { cookie: me.cookie })).text();
          expectEscaped(html, name, `${path} name`);
          expectEscaped(html, bio, `${path} bio`);
          expectEscaped(html, location, `${path} location`);
          expect(html).not.toMatch(/<script>alert|<img src=x|<svg\/onload|<h1>pwned/);
        }
        const list = await (await t.request(`/admin/users?role=organizer`, { cookie: admin.cookie })).text();
        expectEscaped(list, name, 'admin list');
        expect(welcomeHtml({ name, role: 'organizer', url: 'http://x', trialDays: 60 })).toContain(escapeHtml(name));
      }),
      { numRuns: 30 },
    );
  });

  it('a name typed at registration is stored as typed and shown escaped after sign-in', async () => {
    const name = '<b>Bold</b> "Quote" & \'Apos\'';
    await t.db.updateTable('users').set({ name }).where('id', '=', me.id).execute();
    const html = await (await t.request('/me', { cookie: me.cookie })).text();
    expect(html).toContain('&lt;b&gt;Bold&lt;/b&gt; &quot;Quote&quot; &amp; &#39;Apos&#39;');
    expect(html).not.toContain('<b>Bold</b>');
  });
});
