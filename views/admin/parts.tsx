import type { Child } from 'hono/jsx';

/** Pieces every admin list shares: the filter form (plain GET) and the pager keeping the filters. */

export type Query = Record<string, string | number | boolean | null>;

export function hrefWith(path: string, query: Query, page?: number): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (k === 'page' || v === null || v === '' || v === false) continue;
    qs.set(k, v === true ? 'yes' : String(v));
  }
  if (page && page > 1) qs.set('page', String(page));
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

export function FilterForm(p: { action: string; label: string; children?: Child; csv?: string }) {
  return (
    <form method="get" action={p.action} class="search-filters" aria-label={p.label}>
      {p.children}
      <button type="submit">Filter</button>
      {p.csv && (
        <p>
          <a href={p.csv} download>
            Download these as CSV
          </a>
        </p>
      )}
    </form>
  );
}

export function Select(p: {
  name: string;
  label: string;
  value: string | number | null;
  options: readonly (string | { value: string | number; label: string })[];
  all: string;
}) {
  return (
    <label>
      {p.label}
      <select name={p.name}>
        <option value="" selected={p.value === null || p.value === ''}>
          {p.all}
        </option>
        {p.options.map((o) => {
          const { value, label } = typeof o === 'string' ? { value: o, label: o } : o;
          return (
            <option value={String(value)} selected={String(value) === String(p.value ?? '')}>
              {label}
            </option>
          );
        })}
      </select>
    </label>
  );
}

export function Pager(p: {
  path: string;
  query: Query;
  page: number;
  pages: number;
  total: number;
  /** One and many: ['booking', 'bookings']. */
  noun: [string, string];
}) {
  return (
    <>
      <p class="muted">
        {p.total} {p.total === 1 ? p.noun[0] : p.noun[1]}
        {p.pages > 1 && ` · page ${p.page} of ${p.pages}`}
      </p>
      {p.pages > 1 && (
        <nav aria-label="Pages">
          <ul>
            {p.page > 1 && (
              <li>
                <a href={hrefWith(p.path, p.query, p.page - 1)}>Previous</a>
              </li>
            )}
            {p.page < p.pages && (
              <li>
                <a href={hrefWith(p.path, p.query, p.page + 1)}>Next</a>
              </li>
            )}
          </ul>
        </nav>
      )}
    </>
  );
}

/** The pages of the console, for its index and the links at the top of each page. */
export const ADMIN_PAGES: { href: string; label: string; about: string }[] = [
  { href: '/dashboard/admin', label: 'Dashboard', about: 'Platform figures: users, trips, bookings, revenue, growth.' },
  { href: '/admin/users', label: 'Users', about: 'Find, change role, deactivate, delete with erasure, create staff.' },
  { href: '/admin/trips', label: 'Trips', about: 'Moderation: deactivate or reactivate a trip, with a reason.' },
  { href: '/admin/bookings', label: 'Bookings', about: 'Every booking, filtered, with CSV export.' },
  { href: '/admin/payments', label: 'Payments', about: 'Every payment, filtered, with CSV export.' },
  { href: '/admin/settings', label: 'Settings', about: 'Plan, hold expiry, refund policy, platform name and contact.' },
  {
    href: '/admin/subscriptions',
    label: 'Subscriptions',
    about: 'Organizer subscriptions by status, revenue per month.',
  },
  { href: '/admin/reviews', label: 'Reviews', about: 'Reported reviews: hide, restore or keep visible.' },
  {
    href: '/admin/announcements',
    label: 'Announcements',
    about: 'A banner and a notification to everyone or one role.',
  },
  { href: '/admin/jobs', label: 'Jobs', about: 'Scheduled jobs, their runs, run one now.' },
  {
    href: '/admin/system',
    label: 'System',
    about: 'Database and disk, the last backup, messages waiting, every job’s last run, version.',
  },
  { href: '/admin/outbox', label: 'Outbox', about: 'Every email, SMS and WhatsApp message; retry a failed one.' },
  { href: '/admin/audit', label: 'Audit log', about: 'Every admin and money action, by actor, action or object.' },
];
