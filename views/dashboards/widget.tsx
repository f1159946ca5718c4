import type { Child } from 'hono/jsx';
import type { Account } from '../../src/dashboards/types.js';
import { formatDate } from '../../src/lib/time.js';
import { Avatar, Badge } from '../account/pages.js';

/**
 * The frame of every dashboard widget, and the account widget every role's dashboard ends with.
 * Each widget is a pure function of its own data and renders one <section id="widget-NAME">:
 * the page includes them all, and GET /dashboard/ROLE/NAME returns one alone, for a live update
 * to swap in (hx-swap="outerHTML" on the same id). The widgets of each role are in organizer.tsx,
 * traveler.tsx, agent.tsx and admin.tsx.
 */
export function Widget(p: { name: string; title: string; children?: Child }) {
  return (
    <section id={`widget-${p.name}`} aria-labelledby={`widget-${p.name}-h`}>
      <h2 id={`widget-${p.name}-h`}>{p.title}</h2>
      {p.children}
    </section>
  );
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

type Profile = Account;

export const ProfileWidget = (p: { data: Profile }) => {
  const a = p.data;
  return (
    <Widget name="profile" title="Your account">
      <Avatar photo={a.photo} name={a.name} size={64} />
      <dl>
        <dt>Email</dt>
        <dd>
          {a.email} <Badge ok={a.emailVerified} />
        </dd>
        <dt>Mobile</dt>
        <dd>
          {a.phone ?? '—'} {a.phone && <Badge ok={a.phoneVerified} />}
        </dd>
        {a.location && (
          <>
            <dt>Location</dt>
            <dd>{a.location}</dd>
          </>
        )}
        {a.bio && (
          <>
            <dt>Bio</dt>
            <dd>{a.bio}</dd>
          </>
        )}
        <dt>Member since</dt>
        <dd>{formatDate(a.createdAt)}</dd>
      </dl>
      <a href="/me">Edit profile</a>
    </Widget>
  );
};
