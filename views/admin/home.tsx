import { ADMIN_PAGES } from './parts.js';

/**
 * /admin: the index of the console. The platform figures live on the admin dashboard
 * (/dashboard/admin, its own queries); this page links to them rather than repeat them.
 */
export function AdminHome() {
  return (
    <section>
      <h1>Admin</h1>
      <div id="figures">
        <p>
          <a href="/dashboard/admin">Platform figures</a> are on the admin dashboard.
        </p>
      </div>
      <ul id="admin-pages">
        {ADMIN_PAGES.map((p) => (
          <li>
            <a href={p.href}>{p.label}</a> <small class="muted">{p.about}</small>
          </li>
        ))}
      </ul>
    </section>
  );
}
