import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import type { Deps } from './deps.js';
import type { AppEnv } from './lib/env.js';
import { requestLog } from './lib/logger.js';
import { settingsReadOncePerRequest } from './lib/settings.js';
import { readFlash } from './lib/flash.js';
import { serveAsset } from './lib/assets.js';
import { finishResponse } from './lib/finish-response.js';
import { refuseCrossSite } from './lib/csrf.js';
import { ownHostOnly } from './lib/exposure.js';
import { tooLarge } from './lib/errors.js';
import { isMultipart, readPostedForm, removeUploads, takesUploads } from './lib/uploads.js';
import { loadUser } from './auth/middleware.js';
import { readSessionCookie } from './auth/cookies.js';
import { handleError, notFound } from './error-pages.js';
import { platformRoutes } from './platform/routes.js';
import { accountRoutes } from './auth/routes.js';
import { tripRoutes } from './trips/routes.js';
import { bookingRoutes } from './bookings/routes.js';
import { paymentRoutes } from './payments/routes.js';
import { adminRoutes } from './admin/routes.js';
import { loadBell, notificationCentreRoutes, notificationRoutes } from './notifications/routes.js';
import { billingRoutes } from './billing/routes.js';
import { dashboardRoutes } from './dashboards/routes.js';
import { checkoutCsp } from './payments/csp.js';
import { liveRoutes } from './live/routes.js';
import { reviewRoutes } from './reviews/routes.js';
import { adminReviewRoutes } from './admin/reviews.js';
import { supportRoutes } from './support/routes.js';
import { crmRoutes } from './crm/routes.js';

/** Routes only machines call (webhooks): their errors are plain status codes. */
const isMachineRoute = (path: string) => path.startsWith('/webhooks/');

/**
 * The body limit. A multipart post to a route that takes files (trip photos, a UPI screenshot, a
 * profile photo: marked with takesFiles, lib/uploads.ts) gets BODY_LIMIT_MB and is streamed to
 * disk by readUploadForm; every other request FORM_LIMIT_KB, so a flood of large posts to a form
 * (/login, say) is refused from its Content-Length before any of it is read. Hono's bodyLimit first asks for `c.req.raw.body`, which makes
 * @hono/node-server build a full web Request with a stream over the socket for every request,
 * GETs included, and then every body is read through web streams. A declared Content-Length
 * is checked without that. A chunked body (no length) goes through Hono's counting reader,
 * which holds the body in memory, except an upload from a socket: readUploadForm counts
 * that one as it streams it to disk.
 */
function limitBody(uploadBytes: number, formBytes: number): MiddlewareHandler<AppEnv> {
  const limit = (maxBytes: number, what: 'upload' | 'form') => {
    const tooLargeBody = async (c: Context<AppEnv>): Promise<Response> => {
      // A machine posted it (a webhook): a plain 413 it can act on, not a page for a person.
      if (isMachineRoute(c.req.path)) return c.text('Payload too large', 413);
      throw tooLarge(`That ${what}`, maxBytes);
    };
    return { maxBytes, tooLargeBody, counting: bodyLimit({ maxSize: maxBytes, onError: tooLargeBody }) };
  };
  const upload = limit(uploadBytes, 'upload');
  const form = limit(formBytes, 'form');
  return (c, next) => {
    const isUpload = takesUploads(c) && isMultipart(c.req.header('content-type'));
    const { maxBytes, tooLargeBody, counting } = isUpload ? upload : form;
    const length = c.req.header('content-length');
    if (c.req.header('transfer-encoding') === undefined) {
      if (length !== undefined) return Number(length) > maxBytes ? tooLargeBody(c) : next();
      if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    }
    if (isUpload && c.env?.incoming) return next();
    return counting(c, next);
  };
}

/** The development-only routes: the dev mailbox and the built-in test gateway (its API and checkout). */
const DEV_ONLY = ['/dev/*', '/test-gateway/*'];

/**
 * Whatever is answered to a request with a session (pages, fragments, CSVs, a booking's QR code,
 * error pages, 304s) is that person's: neither a shared cache nor the browser's disk keeps it.
 * A response the route marked `public` (a published trip photo, a script) is the same for
 * everyone and keeps its caching; one already `no-store` keeps its own (the stream's
 * `no-transform`). With no-store the browser keeps no copy to revalidate, so the ETag goes
 * unused for these; it costs nothing and still serves the anonymous pages.
 */
const privateToSessions: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  if (!c.get('user') && !readSessionCookie(c)) return;
  const declared = c.res.headers.get('Cache-Control') ?? '';
  if (/\b(public|no-store)\b/i.test(declared)) return;
  c.res.headers.set('Cache-Control', 'private, no-store');
};

/** Paths that stream forever: never buffered, compressed or ETagged. */
const isStream = (path: string) => path === '/events';

export function createApp(deps: Deps) {
  const app = new Hono<AppEnv>();
  const publicOrigin = new URL(deps.config.publicUrl).origin;

  app.use(requestId({ headerName: 'X-Request-Id' }));
  app.use((_c, next) => settingsReadOncePerRequest(next));
  app.use(async (c, next) => {
    c.set('deps', deps);
    await next();
  });
  app.use(requestLog);
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        // Each is 'self', plus Razorpay's hosts on the checkout page alone.
        scriptSrc: [checkoutCsp.script],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: [checkoutCsp.connect],
        frameSrc: [checkoutCsp.frame],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
      },
      referrerPolicy: 'strict-origin-when-cross-origin',
      strictTransportSecurity: deps.config.secureCookies ? 'max-age=63072000; includeSubDomains' : false,
      crossOriginEmbedderPolicy: false,
      xFrameOptions: 'DENY',
    }),
  );
  // Hashed assets first: no session lookup, no compression pass (they are precompressed).
  app.on(['GET', 'HEAD'], '/static/*', (c, next) => serveAsset(c, deps.assets) ?? next());
  app.use(privateToSessions);
  app.use(finishResponse(isStream));
  // The development tools answer only under our own names: no DNS-rebinding page reads them.
  for (const devOnly of DEV_ONLY) app.use(devOnly, ownHostOnly(deps.config));
  // The Razorpay webhook is signed over its body (payments/webhook.ts): it needs no origin.
  app.use(refuseCrossSite({ origins: [publicOrigin], exempt: ['/webhooks/razorpay'] }));
  app.use(limitBody(deps.config.bodyLimitBytes, deps.config.formLimitBytes));
  app.use(removeUploads);
  app.use(readPostedForm());
  app.use(readFlash);
  app.use(loadUser);
  app.use(loadBell);

  app.route('/', platformRoutes);
  app.route('/', accountRoutes);
  app.route('/', tripRoutes);
  app.route('/', bookingRoutes);
  app.route('/', paymentRoutes);
  app.route('/', adminRoutes);
  app.route('/', notificationRoutes);
  app.route('/', billingRoutes);
  app.route('/', liveRoutes);
  app.route('/', notificationCentreRoutes);
  app.route('/', reviewRoutes);
  app.route('/', adminReviewRoutes);
  app.route('/', dashboardRoutes);
  app.route('/', supportRoutes);
  app.route('/', crmRoutes);

  app.notFound(notFound);
  app.onError(handleError);
  return app;
}

export type App = ReturnType<typeof createApp>;
