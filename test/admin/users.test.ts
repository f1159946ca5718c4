import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.js';
import { createUser, signedIn } from '../support/factories.js';
import { accountsApp, flashOf, fromIp, PASSWORD, signIn } from '../auth/helpers.js';

let t: TestApp;
let admin: { id: number; cookie: string };
beforeEach(async () => {
  t = await accountsApp();
  admin = await signedIn(t.deps, { role: 'admin', name: 'Root Admin', email: 'root@example.test' });
});
afterEach(() => t.close());

const user = (id: number) => t.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const auditOf = (id: number) =>
  t.db.selectFrom('audit_log').selectAll().where('target_id', '=', String(id)).orderBy('id').execute();

describe('admin user management', () => {
  it('lists users newest first, 25 a page, with search by name, email or phone and a role filter', async () => {
    for (let i = 0; i < 30; i++)
      await createUser(t.deps, {
        role: i % 2 ? 'organizer' : 'traveler',
        name: `Walker ${String(i).padStart(2, '0')}`,
      });
    await createUser(t.deps, { name: 'Zoya Findme', email: 'zoya@example.test', phone: '+919812345678' });
    const first = await (await t.request('/admin/users', { cookie: admin.cookie })).text();
    expect(first).toContain('32 users · page 1 of 2');
    expect(first).toContain('Zoya Findme');
    expect(first).toContain('href="/admin/users?page=2"');
    const second = await (await t.request('/admin/users?page=2', { cookie: admin.cookie })).text();
    expect(second).toContain('Root Admin');
    expect(second).not.toContain('Zoya Findme');

    for (const q of ['zoya', 'ZOYA@EXAMPLE', '98123']) {
      const html = await (await t.request(`/admin/users?q=${encodeURIComponent(q)}`, { cookie: admin.cookie })).text();
      expect(html, q).toContain('1 user');
      expect(html, q).toContain('Zoya Findme');
    }
    const organizers = await (await t.request('/admin/users?role=organizer', { cookie: admin.cookie })).text();
    expect(organizers).toContain('15 users');
    const literal = await (await t.request('/admin/users?q=%25', { cookie: admin.cookie })).text();
    expect(literal).toContain('0 users');
  });

  it('answers an htmx search with only the list', async () => {
    await createUser(t.deps, { name: 'Zoya Findme' });
    const res = await t.request('/admin/users?q=zoya', { cookie: admin.cookie, headers: { 'HX-Request': 'true' } });
    const html = await res.text();
    expect(html.startsWith('<div id="user-list">')).toBe(true);
    expect(html).not.toContain('<html');
  });

  it('creates an agent who can sign in, and writes it to the audit log', async () => {
    const res = await t.post(
      '/admin/users',
      { name: 'Sunita Agent', email: 'sunita@example.test', phone: '9000012345', role: 'agent', password: PASSWORD },
      admin.cookie,
    );
    expect(res.status).toBe(303);
    expect(flashOf(res)).toContain('Sunita Agent can now sign in as agent.');
    const created = await t.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', 'sunita@example.test')
      .executeTakeFirstOrThrow();
    expect(created).toMatchObject({ role: 'agent', phone: '+919000012345' });
    const [entry] = await auditOf(created.id);
    expect(entry).toMatchObject({ actor_id: admin.id, action: 'user.created', target_type: 'user' });
    expect(JSON.parse(entry.after!)).toEqual({ email: 'sunita@example.test', name: 'Sunita Agent', role: 'agent' });
    const { cookie } = await signIn(t, 'sunita@example.test', PASSWORD, '10.8.0.1');
    expect(await (await t.request('/dashboard', { cookie })).text()).toContain('<p>Support agent dashboard</p>');
  });

  it('refuses a bad staff form next to its fields, 422, and creates nothing', async () => {
    const res = await t.post(
      '/admin/users',
      { name: '', email: 'x', phone: '1', role: 'traveler', password: 'short' },
      admin.cookie,
    );
    expect(res.status).toBe(422);
    const html = await res.text();
    for (const m of [
      'Enter your name.',
      'Enter an email address',
      'Enter a 10-digit Indian mobile',
      'Choose agent or admin.',
      'Use at least 10 characters.',
    ])
      expect(html).toContain(m);
    expect(await t.db.selectFrom('users').selectAll().execute()).toHaveLength(1);
    expect(await t.db.selectFrom('audit_log').selectAll().execute()).toHaveLength(0);
  });

  it('changes a role, with before and after in the audit log', async () => {
    const id = await createUser(t.deps, { role: 'traveler' });
    const res = await t.post(`/admin/users/${id}/role`, { role: 'organizer' }, admin.cookie);
    expect(res.status).toBe(303);
    expect((await user(id)).role).toBe('organizer');
    const [entry] = await auditOf(id);
    expect(entry).toMatchObject({ actor_id: admin.id, action: 'user.role_changed' });
    expect([JSON.parse(entry.before!), JSON.parse(entry.after!)]).toEqual([
      { role: 'traveler' },
      { role: 'organizer' },
    ]);
  });

  it('deactivates a user (signing them out everywhere) and reactivates them, each audited', async () => {
    const { id, cookie } = await signedIn(t.deps, { role: 'traveler' });
    expect((await t.post(`/admin/users/${id}/status`, { status: 'deactivated' }, admin.cookie)).status).toBe(303);
    expect((await user(id)).status).toBe('deactivated');
    expect(await t.db.selectFrom('sessions').selectAll().where('user_id', '=', id).execute()).toHaveLength(0);
    expect((await t.request('/me', { cookie })).status).toBe(303);

    expect((await t.post(`/admin/users/${id}/status`, { status: 'active' }, admin.cookie)).status).toBe(303);
    expect((await user(id)).status).toBe('active');
    expect((await auditOf(id)).map((a) => a.action)).toEqual(['user.deactivated', 'user.reactivated']);
  });

  it('will not let an admin demote or deactivate themselves', async () => {
    const res = await t.post(`/admin/users/${admin.id}/status`, { status: 'deactivated' }, admin.cookie);
    expect(flashOf(res)).toContain('You cannot deactivate your own account');
    await t.post(`/admin/users/${admin.id}/role`, { role: 'traveler' }, admin.cookie);
    expect(await user(admin.id)).toMatchObject({ status: 'active', role: 'admin' });
    expect(await t.db.selectFrom('audit_log').selectAll().execute()).toHaveLength(0);
  });

  it('sends a tampered role or status back with a message and changes nothing', async () => {
    const id = await createUser(t.deps, { role: 'traveler' });
    const res = await t.post(`/admin/users/${id}/role`, { role: 'superuser' }, admin.cookie, {
      Referer: 'http://localhost:3000/admin/users?q=test&page=2',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe('/admin/users?q=test&page=2');
    expect(flashOf(res)).toBe('Choose a role.');
    expect(flashOf(await t.post(`/admin/users/${id}/status`, { status: 'deleted' }, admin.cookie))).toBe(
      'Choose a status.',
    );
    expect(await user(id)).toMatchObject({ role: 'traveler', status: 'active' });
  });

  it('answers 404 for a user that does not exist', async () => {
    expect((await t.post('/admin/users/9999/role', { role: 'agent' }, admin.cookie)).status).toBe(404);
    expect((await t.post('/admin/users/abc/status', { status: 'active' }, admin.cookie)).status).toBe(404);
  });

  it.each(['traveler', 'organizer', 'agent'] as const)(
    'a %s cannot list, create, promote or deactivate users',
    async (role) => {
      const other = await createUser(t.deps, { role: 'traveler' });
      const me = await signedIn(t.deps, { role });
      expect((await t.request('/admin/users', { cookie: me.cookie })).status).toBe(403);
      expect(
        (
          await t.post(
            '/admin/users',
            { name: 'X', email: 'x@example.test', phone: '9000000009', role: 'admin', password: PASSWORD },
            me.cookie,
          )
        ).status,
      ).toBe(403);
      expect((await t.post(`/admin/users/${me.id}/role`, { role: 'admin' }, me.cookie)).status).toBe(403);
      expect((await t.post(`/admin/users/${other}/status`, { status: 'deactivated' }, me.cookie)).status).toBe(403);
      expect((await user(me.id)).role).toBe(role);
      expect((await user(other)).status).toBe('active');
      expect(await t.db.selectFrom('users').selectAll().where('email', '=', 'x@example.test').execute()).toHaveLength(
        0,
      );
    },
  );

  it('sends anonymous visitors to sign in', async () => {
    const res = await t.request('/admin/users');
    expect(res.headers.get('Location')).toBe('/login?next=%2Fadmin%2Fusers');
    expect((await t.post('/admin/users/1/role', { role: 'admin' }, undefined, fromIp('10.8.1.1'))).status).toBe(303);
    expect((await user(admin.id)).role).toBe('admin');
  });
});
