import type { Child } from 'hono/jsx';
import type { Role } from '../../src/auth/tables.js';
import type {
  AdminDashboard,
  AgentDashboard,
  OrganizerDashboard,
  TravelerDashboard,
} from '../../src/dashboards/types.js';
import { SignOut } from '../account/pages.js';
import { ProfileWidget } from './widget.js';
import * as organizer from './organizer.js';
import * as traveler from './traveler.js';
import * as agent from './agent.js';
import * as admin from './admin.js';

/** Each widget's view, by its name in the role's dashboard data. */
export type WidgetViews<D> = { [K in keyof D]: (p: { data: D[K] }) => Child };

export const ORGANIZER_WIDGETS: WidgetViews<OrganizerDashboard> = {
  profile: ProfileWidget,
  trips: organizer.TripsWidget,
  departures: organizer.DeparturesWidget,
  newBookings: organizer.NewBookingsWidget,
  verifications: organizer.VerificationsWidget,
  refunds: organizer.RefundsWidget,
  earnings: organizer.EarningsWidget,
  subscription: organizer.SubscriptionWidget,
  alerts: organizer.AlertsWidget,
};

export const TRAVELER_WIDGETS: WidgetViews<TravelerDashboard> = {
  profile: ProfileWidget,
  upcoming: traveler.UpcomingWidget,
  needingAction: traveler.NeedingActionWidget,
  past: traveler.PastWidget,
};

export const AGENT_WIDGETS: WidgetViews<AgentDashboard> = {
  profile: ProfileWidget,
  tickets: agent.TicketsWidget,
  customers: agent.CustomersWidget,
};

export const ADMIN_WIDGETS: WidgetViews<AdminDashboard> = {
  profile: ProfileWidget,
  users: admin.UsersWidget,
  trips: admin.AdminTripsWidget,
  bookings: admin.AdminBookingsWidget,
  gmv: admin.GmvWidget,
  subscriptionRevenue: admin.SubscriptionRevenueWidget,
  growth: admin.GrowthWidget,
  failingJobs: admin.FailingJobsWidget,
  outbox: admin.OutboxWidget,
};

/** Every page of a role that the header (home, Treks, profile) does not link to is one tap from its dashboard. */
const QUICK_LINKS: Record<Role, { href: string; label: string }[]> = {
  traveler: [
    { href: '/bookings', label: 'My bookings' },
    { href: '/waitlist', label: 'My waitlists' },
    { href: '/reviews', label: 'My reviews' },
    { href: '/trips', label: 'Find a trek' },
  ],
  organizer: [
    { href: '/organizer/trips/new', label: 'New trip' },
    { href: '/organizer/trips', label: 'Your trips' },
    { href: '/organizer/bookings', label: 'Bookings' },
    { href: '/organizer/verifications', label: 'Payments to verify' },
    { href: '/organizer/earnings', label: 'Earnings' },
    { href: '/organizer/reviews', label: 'Reviews of your trips' },
    { href: '/organizer/subscription', label: 'Subscription and plan' },
    { href: '/me#organizer', label: 'Your organizer page and UPI ID' },
  ],
  agent: [
    { href: '/agent/tickets', label: 'Ticket queue' },
    { href: '/agent/customers', label: 'Customers' },
    { href: '/agent/replies', label: 'Saved replies' },
  ],
  admin: [
    { href: '/admin', label: 'Admin console' },
    { href: '/admin/users', label: 'Manage users' },
    { href: '/admin/trips', label: 'Trips' },
    { href: '/admin/bookings', label: 'All bookings' },
    { href: '/admin/payments', label: 'Payments' },
    { href: '/admin/subscriptions', label: 'Subscriptions' },
    { href: '/admin/reviews', label: 'Reviews' },
    { href: '/admin/announcements', label: 'Announcements' },
    { href: '/admin/jobs', label: 'Scheduled jobs' },
    { href: '/admin/system', label: 'System: disk, backups, version' },
    { href: '/admin/outbox', label: 'Outgoing messages' },
    { href: '/admin/settings', label: 'Settings and plan' },
    // An admin may also run trips of their own, as an organizer does.
    { href: '/organizer/trips', label: 'Your own trips (as an organizer)' },
    { href: '/organizer/trips/new', label: 'New trip of your own' },
    { href: '/organizer/bookings', label: 'Bookings of your own trips' },
    { href: '/organizer/verifications', label: 'Payments to verify on your own trips' },
    { href: '/organizer/earnings', label: 'Earnings of your own trips' },
    { href: '/bookings', label: 'Bookings made as a traveler' },
    { href: '/waitlist', label: 'Waitlists joined as a traveler' },
  ],
};

const ROLE_LABEL: Record<Role, string> = {
  traveler: 'Traveler',
  organizer: 'Organizer',
  agent: 'Support agent',
  admin: 'Admin',
};

function QuickLinks(p: { role: Role }) {
  const links = QUICK_LINKS[p.role];
  if (links.length === 0) return null;
  return (
    <nav aria-label={p.role === 'organizer' ? 'Quick actions' : 'Your pages'} class="quick-links">
      <h2>{p.role === 'organizer' ? 'Quick actions' : 'Your pages'}</h2>
      <ul>
        {links.map((l) => (
          <li>
            <a href={l.href}>{l.label}</a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/**
 * A role's dashboard: a greeting, the widgets in the order given (the profile last), the
 * role's pages and signing out.
 */
function Dashboard<D extends { profile: { name: string } }>(p: {
  role: Role;
  data: D;
  views: WidgetViews<D>;
  order: (keyof D)[];
}) {
  const one = (k: keyof D) => p.views[k]({ data: p.data[k] });
  return (
    <>
      <hgroup>
        <h1>Hello, {p.data.profile.name}</h1>
        <p>{ROLE_LABEL[p.role]} dashboard</p>
      </hgroup>
      {p.order.map(one)}
      <QuickLinks role={p.role} />
      {one('profile')}
      <SignOut />
    </>
  );
}

/**
 * What needs the organizer's action first (payments to verify, overdue ones, new bookings, refunds
 * to pay back), then how things stand: on a phone the first screen is the work to do.
 */
export const ORGANIZER_ORDER: (keyof OrganizerDashboard)[] = [
  'verifications',
  'alerts',
  'newBookings',
  'refunds',
  'departures',
  'trips',
  'earnings',
  'subscription',
];

export const OrganizerDashboardPage = (p: { data: OrganizerDashboard }) => (
  <Dashboard role="organizer" data={p.data} views={ORGANIZER_WIDGETS} order={ORGANIZER_ORDER} />
);

export const TravelerDashboardPage = (p: { data: TravelerDashboard }) => (
  <Dashboard role="traveler" data={p.data} views={TRAVELER_WIDGETS} order={['needingAction', 'upcoming', 'past']} />
);

export const AgentDashboardPage = (p: { data: AgentDashboard }) => (
  <Dashboard role="agent" data={p.data} views={AGENT_WIDGETS} order={['tickets', 'customers']} />
);

export const AdminDashboardPage = (p: { data: AdminDashboard }) => (
  <Dashboard
    role="admin"
    data={p.data}
    views={ADMIN_WIDGETS}
    order={['failingJobs', 'outbox', 'users', 'trips', 'bookings', 'gmv', 'subscriptionRevenue', 'growth']}
  />
);
