import { Field } from '../components/Field.js';
import type { FieldErrors } from '../../src/lib/errors.js';
import { formatDate } from '../../src/lib/time.js';
import type { AccountListItem } from '../../src/auth/types.js';
import type { ErasureSubject } from '../../src/admin/types.js';

export interface UsersPageProps {
  rows: AccountListItem[];
  total: number;
  page: number;
  pages: number;
  q: string;
  role: string;
  selfId: number;
  create?: { values: Record<string, string | undefined>; errors: FieldErrors };
}

const ROLES = ['traveler', 'organizer', 'agent', 'admin'] as const;

function pageHref(p: UsersPageProps, page: number) {
  const qs = new URLSearchParams();
  if (p.q) qs.set('q', p.q);
  if (p.role) qs.set('role', p.role);
  if (page > 1) qs.set('page', String(page));
  const s = qs.toString();
  return s ? `/admin/users?${s}` : '/admin/users';
}

/** The list the search form swaps (htmx) and the page includes. */
export function UserList(p: UsersPageProps) {
  return (
    <div id="user-list">
      <p class="muted">
        {p.total} {p.total === 1 ? 'user' : 'users'}
        {p.pages > 1 && ` · page ${p.page} of ${p.pages}`}
      </p>
      <table class="records">
        <thead>
          <tr>
            <th>Name</th>
            <th>Email · phone</th>
            <th>Role</th>
            <th>Status</th>
          </tr>
        </thead>
        <tbody>
          {p.rows.map((u) => (
            <tr id={`user-${u.id}`}>
              <td>
                {u.name}
                <br />
                <small class="muted">since {formatDate(u.createdAt)}</small>
              </td>
              <td>
                {u.email}
                {!u.emailVerified && <small class="muted"> (unverified)</small>}
                <br />
                <small>{u.phone ?? '—'}</small>
              </td>
              <td>
                {u.id === p.selfId ? (
                  u.role
                ) : (
                  <form method="post" action={`/admin/users/${u.id}/role`} class="row-form">
                    <select name="role" aria-label={`Role of ${u.name}`}>
                      {ROLES.map((r) => (
                        <option value={r} selected={r === u.role}>
                          {r}
                        </option>
                      ))}
                    </select>
                    <button type="submit" class="secondary">
                      Change
                    </button>
                  </form>
                )}
              </td>
              <td>
                {u.id === p.selfId ? (
                  u.status
                ) : (
                  <form method="post" action={`/admin/users/${u.id}/status`} class="row-form">
                    <input type="hidden" name="status" value={u.status === 'active' ? 'deactivated' : 'active'} />
                    <button type="submit" class={u.status === 'active' ? 'secondary outline' : undefined}>
                      {u.status === 'active' ? 'Deactivate' : 'Reactivate'}
                    </button>
                  </form>
                )}
                {u.id !== p.selfId && (
                  <a href={`/admin/users/${u.id}/delete`} class="delete-user">
                    Delete…
                  </a>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {p.pages > 1 && (
        <nav aria-label="Pages">
          <ul>
            {p.page > 1 && (
              <li>
                <a href={pageHref(p, p.page - 1)}>Previous</a>
              </li>
            )}
            {p.page < p.pages && (
              <li>
                <a href={pageHref(p, p.page + 1)}>Next</a>
              </li>
            )}
          </ul>
        </nav>
      )}
    </div>
  );
}

export function UsersPage(p: UsersPageProps) {
  const c = p.create;
  return (
    <>
      <h1>Users</h1>
      <form
        method="get"
        action="/admin/users"
        class="search-filters"
        aria-label="Find users"
        hx-get="/admin/users"
        hx-target="#user-list"
        hx-select="#user-list"
        hx-swap="outerHTML"
        hx-push-url="true"
        hx-trigger="submit, input changed delay:400ms from:find input[name=q], change from:find select"
      >
        <div role="search">
          <input
            type="search"
            name="q"
            value={p.q}
            placeholder="Name, email or phone"
            aria-label="Search users"
            inputmode="search"
          />
          <button type="submit">Search</button>
        </div>
        <select name="role" aria-label="Role">
          <option value="" selected={!p.role}>
            All roles
          </option>
          {ROLES.map((r) => (
            <option value={r} selected={r === p.role}>
              {r}
            </option>
          ))}
        </select>
      </form>
      <UserList {...p} />
      <section id="new-staff">
        <h2>New agent or admin</h2>
        <form method="post" action="/admin/users" novalidate>
          <Field
            label="Name"
            name="name"
            value={c?.values.name}
            errors={c?.errors}
            required
            autocomplete="off"
            maxlength={80}
          />
          <Field
            label="Email"
            name="email"
            type="email"
            value={c?.values.email}
            errors={c?.errors}
            required
            autocomplete="off"
            inputmode="email"
          />
          <Field
            label="Mobile number"
            name="phone"
            type="tel"
            value={c?.values.phone}
            errors={c?.errors}
            required
            autocomplete="off"
            inputmode="tel"
          />
          <label for="f-staff-role">
            Role
            <select id="f-staff-role" name="role">
              <option value="agent" selected={c?.values.role !== 'admin'}>
                agent
              </option>
              <option value="admin" selected={c?.values.role === 'admin'}>
                admin
              </option>
            </select>
            {c?.errors.role && <small class="field-error">{c.errors.role}</small>}
          </label>
          <Field
            label="First password"
            name="password"
            type="password"
            errors={c?.errors}
            required
            autocomplete="new-password"
            hint="At least 10 characters; tell it to them privately."
          />
          <button type="submit">Create account</button>
        </form>
      </section>
    </>
  );
}

/** The confirmation step of deleting with erasure: what goes, what stays, the email typed to confirm. */
export function EraseUserPage(p: { user: ErasureSubject; errors?: FieldErrors; typed?: string }) {
  const u = p.user;
  return (
    <section id="erase-user">
      <h1>Delete {u.name}?</h1>
      <p>
        {u.email} · {u.phone ?? 'no phone'} · {u.role}
      </p>
      <h2>What is erased</h2>
      <ul>
        <li>Name, email, phone, photo (the image files too), bio, location, organizer profile and UPI ID.</li>
        <li>Sign-in: every session ends, the Google link and all sign-in links and codes are removed.</li>
        <li>
          What they typed on their bookings (guests' names, phones and diets, special requests), their UPI screenshots,
          and every message to them. Their email and phone are removed from every other record too.
        </li>
      </ul>
      <h2>What stays</h2>
      <ul>
        <li>
          Bookings, payments and refunds with their amounts, under "Deleted user": organizers' earnings and the books
          still add up.
        </li>
        <li>
          An organizer's trips stay on record but are taken out of discovery for good, and auto-pay stops; travelers'
          past bookings on them stay.
        </li>
      </ul>
      {u.openBookings > 0 ? (
        <p class="flash error" role="alert">
          This account has {u.openBookings} booking(s) that are not over yet. Cancel them (or wait until their trips
          end) before deleting it.
        </p>
      ) : (
        <form method="post" action={`/admin/users/${u.id}/delete`} novalidate>
          {p.errors?.form && (
            <p class="flash error" role="alert">
              {p.errors.form}
            </p>
          )}
          <Field
            label={`Type ${u.email} to confirm`}
            name="confirm"
            value={p.typed}
            errors={p.errors}
            required
            autocomplete="off"
            inputmode="email"
          />
          <button type="submit" class="contrast">
            Delete and erase
          </button>
        </form>
      )}
      <p>
        <a href="/admin/users">Back to users</a>
      </p>
    </section>
  );
}
