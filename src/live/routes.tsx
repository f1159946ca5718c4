import { Hono } from 'hono';
import type { AppEnv } from '../lib/env.js';
import { channel } from './service.js';
import { allowedTopics } from './topics.js';
import { hubOf } from './hub.js';

const lastEventId = (header: string | undefined) => (header && /^\d{1,15}$/.test(header) ? Number(header) : undefined);

/**
 * GET /events: the tab's one stream (text/event-stream) for the signed-in user; `?topics=`
 * names what the page shows (`booking:12,trip:5`), each kept only if the user may see it.
 * Never compressed, buffered or ETagged (app.ts lists /events as a stream).
 */
export const liveRoutes = new Hono<AppEnv>().get('/events', async (c) => {
  const user = c.get('user');
  if (!user) return c.text('Sign in to receive live updates.', 401, { 'HX-Redirect': '/login' });
  const deps = c.get('deps');
  const topics = await allowedTopics(deps, user, (c.req.query('topics') ?? '').split(',').filter(Boolean));
  const body = await hubOf(deps).open({
    userId: user.id,
    sessionId: user.sessionId,
    channels: [channel.all, channel.user(user.id), channel.role(user.role), channel.session(user.sessionId), ...topics],
    lastEventId: lastEventId(c.req.header('Last-Event-ID')),
  });
  if (!body) return c.text('Too many open tabs with live updates; close one.', 429);
  return c.body(body, 200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store, no-transform',
    'X-Accel-Buffering': 'no',
  });
});
