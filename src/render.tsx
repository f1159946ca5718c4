import type { Context } from 'hono';
import QRCode from 'qrcode';
import type { Child } from 'hono/jsx';
import { Layout } from '../views/layout.js';
import type { AppEnv } from './lib/env.js';
import { htmlResponse } from './lib/finish-response.js';
import { DEFAULT_SETTINGS, getSettings } from './lib/settings.js';
import { livePageOf, type LivePage } from './live/pages.js';
import { raw } from 'hono/html';
import { withErrorSummary } from '../views/components/ErrorSummary.js';

export const isHtmx = (c: Context) => c.req.header('HX-Request') === 'true' && c.req.header('HX-Boosted') !== 'true';

interface PageOptions {
  title: string;
  status?: 200 | 201 | 400 | 401 | 403 | 404 | 409 | 422 | 429 | 500 | 503;
  head?: Child;
  /** What an htmx (non-boosted) request gets instead of the whole page. */
  fragment?: Child;
  /**
   * Live pieces of the page (src/live/): the topics its stream asks for (`booking:12`), and for
   * each event the element (by id) fetched again from this page when it comes. Without it, the
   * page's entry in src/live/pages.ts (by route), if any.
   */
  live?: LivePage;
}

/** The tab's stream: /events with the page's topics. */
const eventsUrl = (topics: string[] = []) =>
  topics.length ? `/events?topics=${encodeURIComponent(topics.join(','))}` : '/events';

/** Renders a page in the layout, or only its fragment for htmx requests that asked for one. */
export async function page(c: Context<AppEnv>, body: Child, o: PageOptions): Promise<Response> {
  const status = o.status ?? 200;
  if (o.fragment !== undefined && isHtmx(c)) return htmlResponse(c, <>{o.fragment}</>, status);
  const { assets, config, db } = c.get('deps');
  const user = c.get('user');
  // The platform's name and contact are settings an admin changes (/admin/settings).
  const { platformName, contactEmail, contactPhone } = await getSettings(db).catch(() => DEFAULT_SETTINGS);
  const bell = c.get('bell');
  const live = o.live ?? livePageOf(c);
  // A form sent back with its errors: the summary of them on top, whichever form it is.
  const content = status === 422 ? raw(await withErrorSummary(await (<>{body}</>).toString())) : body;
  return htmlResponse(
    c,
    <Layout
      title={o.title}
      css={assets.url('app.css')}
      js={assets.url('app.js')}
      icon={assets.url('icon.svg')}
      user={user ? { name: user.name, role: user.role } : null}
      flash={c.get('flash')}
      testMode={config.testGateway}
      live={
        user && bell
          ? {
              url: eventsUrl(live?.topics),
              ...bell,
              pieces: (live?.pieces ?? []).map((x) => ({
                ...x,
                from: x.from ?? c.req.path + new URL(c.req.url).search,
              })),
            }
          : undefined
      }
      head={o.head}
      brand={{ name: platformName, contact: [contactEmail, contactPhone].filter(Boolean).join(' · ') }}
    >
      {content}
    </Layout>,
    status,
  );
}

/** A QR code of `text` as an SVG image, private to the viewer (it may carry a booking's code). */
export async function qrSvg(c: Context<AppEnv>, text: string): Promise<Response> {
  const body = await QRCode.toString(text, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  return c.body(body, 200, { 'Content-Type': 'image/svg+xml', 'Cache-Control': 'private, max-age=3600' });
}
