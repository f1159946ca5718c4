import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasHorizontalScroll, openPage, screenshot } from './support/browser.js';
import { serverAndBrowser } from './support/harness.js';

const e2e = serverAndBrowser();

/** The outbox job runs every 10 s: reload the dev mailbox until the message is there. */
async function openMail(page: Page, to: string, subject: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    await page.goto(`/dev/mailbox?to=${encodeURIComponent(to)}`);
    const link = page.getByRole('link', { name: subject });
    if ((await link.count()) > 0) {
      await link.first().click();
      await page.getByRole('heading', { name: subject }).waitFor();
      return;
    }
    if (Date.now() > deadline) throw new Error(`no "${subject}" mail for ${to} in the dev mailbox`);
    await page.waitForTimeout(500);
  }
}

async function expectNoSideScroll(page: Page, where: string) {
  expect(await hasHorizontalScroll(page), `${where} scrolls sideways at 360 px`).toBe(false);
}

describe.each([
  ['on', true],
  ['off', false],
])('accounts in Chromium at 360×640 with JavaScript %s', (label, javaScript) => {
  it('register → confirm from the dev mailbox → sign in → edit profile → sign out', async () => {
    const w = await openPage(e2e.browser, e2e.server.url, { javaScript });
    const { page } = w;
    const email = `e2e-js-${label}-${Date.now()}@example.test`;
    const name = `Tenzin ${label}`;

    await page.goto('/');
    await page.getByRole('link', { name: 'Register' }).click();
    await page.getByRole('heading', { name: 'Create your account' }).waitFor();
    await expectNoSideScroll(page, '/register');
    await page.getByLabel('Your name').fill(name);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Mobile number').fill('98765 43210');
    await page.getByLabel('Password').fill('snow leopard ridge');
    await page.getByLabel('book treks (traveler)').check();
    await page.getByRole('button', { name: 'Create account' }).click();
    // Registering signs the new traveler in: their dashboard, with the email on its way.
    await page.getByText(`We sent a confirmation link to ${email}`).waitFor();
    expect(new URL(page.url()).pathname).toBe('/dashboard/traveler');
    await page.getByRole('heading', { name: `Hello, ${name}` }).waitFor();

    await openMail(page, email, 'Confirm your email address');
    await page.locator('a[href*="/verify-email?token="]').first().click();
    // Opening the link only shows the page: a mail scanner following it confirms nothing.
    await page.getByRole('heading', { name: 'Confirm your email' }).waitFor();
    await expectNoSideScroll(page, '/verify-email');
    const opened = await e2e.server.db
      .selectFrom('users')
      .select('email_verified_at')
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    expect(opened.email_verified_at).toBeNull();
    await page.getByRole('button', { name: 'Confirm my email' }).click();
    await page.getByText('your email address is confirmed').waitFor();
    expect(new URL(page.url()).pathname).toBe('/dashboard/traveler');
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByText('You are signed out.').waitFor();
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();

    await page.locator('input[name=email]').fill(email);
    await page.locator('input[name=password]').fill('not my password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Next to the field, and in the error summary the page opens on.
    await page.locator('.field-error', { hasText: 'Wrong email or password.' }).waitFor();
    await page.locator('#error-summary', { hasText: 'Wrong email or password.' }).waitFor();
    expect(await page.locator('input[name=email]').inputValue()).toBe(email);

    await page.locator('input[name=password]').fill('snow leopard ridge');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: `Hello, ${name}` }).waitFor();
    // Signing in lands on /dashboard, which is the traveler's dashboard itself (no redirect).
    expect(new URL(page.url()).pathname).toBe('/dashboard');
    await expectNoSideScroll(page, 'dashboard');

    // The header shows the first name only (a full name would wrap the bar on a phone); the link's
    // name is the whole of it.
    const me = page.getByRole('link', { name, exact: true });
    await expect(me.locator('span:not(.vh)').textContent()).resolves.toBe('Tenzin');
    await me.click();
    await page.getByRole('heading', { name: 'Your profile' }).waitFor();
    await expectNoSideScroll(page, '/me');
    await page.getByLabel('Location').fill('Leh, Ladakh');
    await page.getByLabel('Bio').fill('Slow walker, fast talker.');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByText('Your profile is saved.').waitFor();
    expect(await page.getByLabel('Location').inputValue()).toBe('Leh, Ladakh');
    await screenshot(page, `accounts-me-js-${label}`);

    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByText('You are signed out.').waitFor();
    await expect(page.getByRole('link', { name: 'Sign in' }).count()).resolves.toBe(1);

    const user = await e2e.server.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    expect(user).toMatchObject({
      name,
      phone: '+919876543210',
      location: 'Leh, Ladakh',
      bio: 'Slow walker, fast talker.',
      role: 'traveler',
    });
    expect(user.email_verified_at).not.toBeNull();
    expect(
      await e2e.server.db.selectFrom('sessions').selectAll().where('user_id', '=', user.id).execute(),
    ).toHaveLength(0);
    // The deliberate wrong password answers 422, which Chromium (and htmx) log as a failed load.
    expect(w.errors.filter((e) => !/\b422\b/.test(e))).toEqual([]);
    expect(w.offHost).toEqual([]);
    await w.close();
  });
});
