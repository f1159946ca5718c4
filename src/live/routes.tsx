import { Hono } from 'hono';
import type { ServerResponse } from 'node:http';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { AppEnv } from '../lib/env.js';
import { channel } from './service.js';
import { allowedTopics } from './topics.js';
import { hubOf, type LiveHub, type Sink } from './hub.js';

const lastEventId = (header: string | undefined) => (header && /^\d{1,15}$/.test(header) ? Number(header) : undefined);

const HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-store, no-transform',
  'X-Accel-Buffering': 'no',
  'X-Content-Type-Options': 'nosniff',
};

/** The stream written straight to the Node response: headers at once, each frame a chunk. */
async function onNodeResponse(hub: LiveHub, res: ServerResponse, o: Parameters<LiveHub['attach']>[0]) {
  const sink: Sink = {
    write: (f) => void res.write(f),
    backlog: () => res.writableLength,
    end: () => res.end(),
  };
  res.writeHead(200, HEADERS);
  const stream = await hub.attach(o, sink);
  if (!stream) return false;
  if (res.destroyed) hub.detach(stream);
  else res.once('close', () => hub.detach(stream));
  return true;
}

/**
 * GET /events: the tab's one stream (text/event-stream) for the signed-in user; `?topics=`
 * names what the page shows (`booking:12,trip:5`), each kept only if the user may see it.
 * Never compressed, buffered or ETagged (app.ts lists /events as a stream).
 */
export const liveRoutes = new Hono<AppEnv>().get('/events', async (c) => {
  const user = c.get('user');
  if (!user) return c.text('Sign in to receive live updates.', 401, { 'HX-Redirect': '/login' });
  const deps = c.get('deps');
  const hub = hubOf(deps);
  if (!hub.hasRoomFor(user.id)) return c.text('Too many open tabs with live updates; close one.', 429);
  const topics = await allowedTopics(deps, user, (c.req.query('topics') ?? '').split(',').filter(Boolean));
  const o = {
    userId: user.id,
    sessionId: user.sessionId,
    channels: [channel.all, channel.user(user.id), channel.role(user.role), channel.session(user.sessionId), ...topics],
    lastEventId: lastEventId(c.req.header('Last-Event-ID')),
  };
  const res = c.env?.outgoing as ServerResponse | undefined;
  if (res) {
    // @hono/node-server leaves the response alone: the stream writes to it from now on.
    if (!(await onNodeResponse(hub, res, o))) res.end();
    return RESPONSE_ALREADY_SENT;
  }
  const body = await hub.open(o);
  if (!body) return c.text('Too many open tabs with live updates; close one.', 429);
  return c.body(body, 200, HEADERS);
});
