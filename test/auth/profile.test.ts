import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TestApp } from '../support/app.js';
import { accountsApp, flashOf, register, signIn } from './helpers.js';

let t: TestApp;
beforeEach(async () => {
  t = await accountsApp();
});
afterEach(() => t.close());

async function member(role = 'traveler') {
  const { person } = await register(t, { role });
  const { cookie } = await signIn(t, person.email);
  const id = (await t.db.selectFrom('users').select('id').where('email', '=', person.email).executeTakeFirstOrThrow())
    .id;
  return { ...person, id, cookie };
}
const row = (id: number) => t.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

function multipart(path: string, fields: Record<string, string | File>, cookie: string) {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.append(k, v);
  return t.request(path, { method: 'POST', body, cookie });
}

const jpeg = async (w: number, h: number) =>
  new File(
    [
      new Uint8Array(
        await sharp({ create: { width: w, height: h, channels: 3, background: '#3a7' } })
          .jpeg()
          .withMetadata({ exif: { IFD0: { Artist: 'gps-secret' } } })
          .toBuffer(),
      ),
    ],
    'me.jpg',
    { type: 'image/jpeg' },
  );

describe('the profile page', () => {
  it('shows the profile forms to the signed-in user', async () => {
    const m = await member();
    const res = await t.request('/me', { cookie: m.cookie });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`value="${m.name}"`);
    expect(html).toContain('enctype="multipart/form-data"');
    expect(html).not.toContain('UPI ID');
  });

  it('saves name, bio and location', async () => {
    const m = await member();
    const res = await multipart('/me', { name: 'Kavya R', bio: 'Sahyadri weekends.', location: 'Pune' }, m.cookie);
    expect(res.status).toBe(303);
    expect(flashOf(res)).toBe('Your profile is saved.');
    const u = await row(m.id);
    expect([u.name, u.bio, u.location]).toEqual(['Kavya R', 'Sahyadri weekends.', 'Pune']);
  });

  it('also works as a plain urlencoded form and empties optional fields', async () => {
    const m = await member();
    await multipart('/me', { name: 'Kavya', bio: 'x', location: 'y' }, m.cookie);
    const res = await t.post('/me', { name: 'Kavya', bio: '', location: '  ' }, m.cookie);
    expect(res.status).toBe(303);
    const u = await row(m.id);
    expect([u.bio, u.location]).toEqual([null, null]);
  });

  it('stores a photo as WebP without its metadata and shows it with its size', async () => {
    const m = await member();
    const res = await multipart('/me', { name: m.name, bio: '', location: '', photo: await jpeg(800, 600) }, m.cookie);
    expect(res.status).toBe(303);
    const u = await row(m.id);
    expect(u.photo).toMatch(/^[a-z2-7]{32}$/);
    expect([u.photo_width, u.photo_height]).toEqual([320, 240]);
    const file = join(t.dir, 'uploads', `${u.photo}-320.webp`);
    const meta = await sharp(file).metadata();
    expect(meta.format).toBe('webp');
    expect(meta.exif).toBeUndefined();
    const html = await (await t.request('/me', { cookie: m.cookie })).text();
    expect(html).toContain(`src="/uploads/${u.photo}-320.webp" width="96" height="72"`);
    const served = await t.request(`/uploads/${u.photo}-320.webp`);
    expect(served.headers.get('Content-Type')).toBe('image/webp');

    // A new photo replaces the old file.
    await multipart('/me', { name: m.name, photo: await jpeg(200, 200) }, m.cookie);
    const after = await row(m.id);
    expect(after.photo).not.toBe(u.photo);
    expect([after.photo_width, after.photo_height]).toEqual([200, 200]);
    expect(existsSync(file)).toBe(false);
  });

  it('refuses a file that is not an image, whatever its name, next to the photo field, and changes nothing', async () => {
    const m = await member();
    const fake = new File([new TextEncoder().encode('<?php echo "hi"; ?>')], 'holiday.jpg', { type: 'image/jpeg' });
    const res = await multipart('/me', { name: 'Changed Name', photo: fake }, m.cookie);
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('That file is not an image we can read.');
    expect(html).toContain('value="Changed Name"');
    const u = await row(m.id);
    expect(u.name).toBe(m.name);
    expect(u.photo).toBeNull();
  });

  it('refuses an empty name and an overlong bio, 422', async () => {
    const m = await member();
    const res = await t.post('/me', { name: ' ', bio: 'b'.repeat(1001), location: '' }, m.cookie);
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('Enter your name.');
    expect(html).toContain('Use at most 1000 characters.');
    expect((await row(m.id)).name).toBe(m.name);
  });

  it('refuses a bad phone number, 422, and keeps the old one verified', async () => {
    const m = await member();
    await t.db
      .updateTable('users')
      .set({ phone_verified_at: t.clock.now().toISOString() })
      .where('id', '=', m.id)
      .execute();
    const res = await t.post('/me/phone', { phone: '555' }, m.cookie);
    expect(res.status).toBe(422);
    const u = await row(m.id);
    expect(u.phone).toBe('+919876543210');
    expect(u.phone_verified_at).not.toBeNull();
  });
});

describe('the organizer page settings', () => {
  it('lets an organizer set their display name, about and a UPI ID', async () => {
    const m = await member('organizer');
    expect(await (await t.request('/me', { cookie: m.cookie })).text()).toContain('UPI ID');
    const res = await t.post(
      '/me/organizer',
      { org_display_name: 'Sahyadri Trails', org_about: 'Since 2012.', upi_id: 'sahyadri.trails@okhdfcbank' },
      m.cookie,
    );
    expect(res.status).toBe(303);
    const u = await row(m.id);
    expect([u.org_display_name, u.org_about, u.upi_id]).toEqual([
      'Sahyadri Trails',
      'Since 2012.',
      'sahyadri.trails@okhdfcbank',
    ]);
  });

  it.each(['sahyadri', 'sahyadri@', '@okaxis', 'a b@okaxis', 'x@1bank'])('refuses the UPI ID %j, 422', async (upi) => {
    const m = await member('organizer');
    const res = await t.post('/me/organizer', { org_display_name: 'X', org_about: '', upi_id: upi }, m.cookie);
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('Enter a UPI ID like yourname@okaxis.');
    expect((await row(m.id)).upi_id).toBeNull();
  });

  it('is not for travelers', async () => {
    const m = await member('traveler');
    const res = await t.post('/me/organizer', { org_display_name: 'X', org_about: '', upi_id: 'x@okaxis' }, m.cookie);
    expect(res.status).toBe(403);
    expect((await row(m.id)).upi_id).toBeNull();
  });
});
