import { readQuery } from '../lib/forms.js';
import { Hono, type Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { AppEnv } from '../lib/env.js';
import { page } from '../render.js';
import { htmlResponse } from '../lib/finish-response.js';
import { actor } from '../lib/params.js';
import { requireRole, requireUser } from '../auth/middleware.js';
import type { Role } from '../auth/tables.js';
import { liveDashboardOf } from '../live/pages.js';
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

/** A role's dashboard: its board, its page, and its widgets' views. */
interface Dashboard<D> {
  board: Board<D>;
  Page: (p: { data: D }) => Child;
  views: WidgetViews<D>;
}

const DASHBOARDS: { [R in Role]: Dashboard<any> } = {
  organizer: { board: organizerBoard, Page: OrganizerDashboardPage, views: ORGANIZER_WIDGETS },
  traveler: { board: travelerBoard, Page: TravelerDashboardPage, views: TRAVELER_WIDGETS },
  agent: { board: agentBoard, Page: AgentDashboardPage, views: AGENT_WIDGETS },
  admin: { board: adminBoard, Page: AdminDashboardPage, views: ADMIN_WIDGETS },
};

/** The whole dashboard of a role, live as at /dashboard/ROLE wherever it is served. */
async function renderDashboard<D>(c: Context<AppEnv>, d: Dashboard<D>) {
  const data = await d.board.all(c.get('deps'), actor(c), input(c));
  return page(c, <d.Page data={data} />, { title: 'Dashboard', live: liveDashboardOf(c, d.board.role) });
}

/**
 * /dashboard renders the signed-in role's dashboard itself (no redirect: one round trip less on a
 * slow network). GET /dashboard/ROLE is the same page for the role only, and GET
 * /dashboard/ROLE/WIDGET one widget's section alone, the fragment a live update swaps in.
 */
export const dashboardRoutes = new Hono<AppEnv>().get('/dashboard', requireUser, (c) =>
  renderDashboard(c, DASHBOARDS[c.get('user')!.role]),
);
for (const d of Object.values(DASHBOARDS)) {
  const path = `/dashboard/${d.board.role}`;
  dashboardRoutes.get(path, requireRole(d.board.role), (c) => renderDashboard(c, d));
  dashboardRoutes.get(`${path}/:widget`, requireRole(d.board.role), async (c) => {
    const name = d.board.widget(c.req.param('widget'));
    const data = await d.board.one(c.get('deps'), actor(c), name, input(c));
    return htmlResponse(c, <>{d.views[name]({ data })}</>);
  });
}
