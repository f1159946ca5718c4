import { readQuery } from '../lib/forms.js';
import { Hono, type Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { AppEnv } from '../lib/env.js';
import { page } from '../lib/render.js';
import { htmlResponse } from '../lib/finish-response.js';
import { actor } from '../lib/params.js';
import { requireRole, requireUser } from '../auth/middleware.js';
import { customerSearch } from './schemas.js';
import { adminBoard, agentBoard, organizerBoard, travelerBoard, type Board } from './service.js';
import type { BoardInput } from './types.js';
import {
  ADMIN_WIDGETS,
  AGENT_WIDGETS,
  AdminDashboardPage,
  AgentDashboardPage,
  ORGANIZER_WIDGETS,
  OrganizerDashboardPage,
  TRAVELER_WIDGETS,
  TravelerDashboardPage,
  type WidgetViews,
} from '../../views/dashboards/pages.js';

const input = (c: Context<AppEnv>): BoardInput => readQuery(c, customerSearch);

/**
 * GET /dashboard/ROLE (the whole page) and GET /dashboard/ROLE/WIDGET (one widget's section
 * alone, the fragment a live update swaps in), for the role only.
 */
function mount<D>(app: Hono<AppEnv>, board: Board<D>, Page: (p: { data: D }) => Child, views: WidgetViews<D>) {
  const path = `/dashboard/${board.role}`;
  app.get(path, requireRole(board.role), async (c) => {
    const data = await board.all(c.get('deps'), actor(c), input(c));
    return page(c, <Page data={data} />, { title: 'Dashboard' });
  });
  app.get(`${path}/:widget`, requireRole(board.role), async (c) => {
    const name = board.widget(c.req.param('widget'));
    const data = await board.one(c.get('deps'), actor(c), name, input(c));
    return htmlResponse(c, <>{views[name]({ data })}</>);
  });
}

/** /dashboard sends each role to its own dashboard. */
export const dashboardRoutes = new Hono<AppEnv>().get('/dashboard', requireUser, (c) =>
  c.redirect(`/dashboard/${c.get('user')!.role}`, 303),
);
mount(dashboardRoutes, organizerBoard, OrganizerDashboardPage, ORGANIZER_WIDGETS);
mount(dashboardRoutes, travelerBoard, TravelerDashboardPage, TRAVELER_WIDGETS);
mount(dashboardRoutes, agentBoard, AgentDashboardPage, AGENT_WIDGETS);
mount(dashboardRoutes, adminBoard, AdminDashboardPage, ADMIN_WIDGETS);
