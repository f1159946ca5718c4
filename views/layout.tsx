import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import type { Flash } from '../src/lib/env.js';
import { BellCount, Banner, LiveSource, type LayoutLive } from './notifications/live.js';

export interface LayoutUser {
  name: string;
  role: string;
}

export interface LayoutProps {
  title: string;
  css: string;
  js: string;
  icon: string;
  user: LayoutUser | null;
  flash: Flash | null;
  testMode?: boolean;
  /** The platform's name and how to reach it (settings); TrekTribe and nothing when not given. */
  brand?: { name: string; contact: string };
  /** A signed-in page: the bell, the announcement banners and the tab's live stream. */
  live?: LayoutLive;
  /** Extra tags for <head> (Open Graph, a page's own script). */
  head?: Child;
  children?: Child;
}

/**
 * The header shows only the first word of a name (a full name would push the bar to a third row
 * on a phone, and even that may end in an ellipsis); the rest is there for screen readers, so the
 * link names the person, or "Account" when there is no name.
 */
function AccountLink(p: { name: string }) {
  const [first, ...rest] = p.name.trim().split(/\s+/).filter(Boolean);
  if (!first)
    return (
      <a href="/me">
        <span>Account</span>
      </a>
    );
  return (
    <a href="/me" title={p.name}>
      <span>{first}</span>
      {rest.length > 0 && <span class="vh"> {rest.join(' ')}</span>}
    </a>
  );
}

/** The page shell: header with navigation, flash message, main, footer. */
export function Layout(p: LayoutProps) {
  const brand = p.brand?.name ?? 'TrekTribe';
  return (
    <>
      {raw('<!doctype html>')}
      <html lang="en-IN">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta
            name="htmx-config"
            content='{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false,"scrollIntoViewOnBoost":false}'
          />
          <title>{p.title ? `${p.title} · ${brand}` : brand}</title>
          <link rel="icon" href={p.icon} type="image/svg+xml" />
          <link rel="stylesheet" href={p.css} />
          <script src={p.js} defer></script>
          {p.head}
        </head>
        <body hx-boost="true">
          <a class="skip" href="#main">
            Skip to content
          </a>
          <header class="container">
            {p.testMode && <p class="test-mode">Test mode: no real money moves.</p>}
            <nav>
              <ul>
                <li>
                  <a class="brand" href="/">
                    {brand}
                  </a>
                </li>
              </ul>
              <ul>
                <li>
                  <a href="/trips">Treks</a>
                </li>
                {p.user ? (
                  <>
                    <li>
                      <a href="/dashboard">Dashboard</a>
                    </li>
                    {p.live && (
                      <li class="bell">
                        <a href="/notifications">
                          <svg class="bell-icon" aria-hidden="true" viewBox="0 0 24 24" width="20" height="20">
                            <path d="M12 22a2.5 2.5 0 0 0 2.5-2.5h-5A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.8V3a1.5 1.5 0 0 0-3 0v1.2A7 7 0 0 0 5 11v5l-2 2v1h18v-1z" />
                          </svg>
                          <span id="bell-count">
                            <BellCount unread={p.live.unread} />
                          </span>
                        </a>
                      </li>
                    )}
                    <li class="me">
                      <AccountLink name={p.user.name} />
                    </li>
                  </>
                ) : (
                  <>
                    <li>
                      <a href="/login">Sign in</a>
                    </li>
                    <li>
                      <a href="/register">Register</a>
                    </li>
                  </>
                )}
              </ul>
            </nav>
          </header>
          {p.live && (
            <div class="container" id="live-banners">
              {p.live.banners.map((b) => (
                <Banner b={b} />
              ))}
            </div>
          )}
          <main class="container" id="main">
            {p.flash && (
              <p class={`flash ${p.flash.kind}`} role={p.flash.kind === 'error' ? 'alert' : 'status'}>
                {p.flash.message}
                {p.flash.link && (
                  <>
                    {' '}
                    <a href={p.flash.link.href}>{p.flash.link.label}</a>
                  </>
                )}
              </p>
            )}
            {p.children}
          </main>
          <footer class="container">
            <small class="muted">
              {brand} — treks by the people who lead them.{p.brand?.contact && ` Contact: ${p.brand.contact}`}
            </small>
            {p.user && (
              <nav aria-label="Help">
                <ul>
                  <li>
                    <a href="/support">Help and support</a>
                  </li>
                  {(p.user.role === 'agent' || p.user.role === 'admin') && (
                    <>
                      <li>
                        <a href="/agent/tickets">Support desk</a>
                      </li>
                      <li>
                        <a href="/agent/customers">Customers</a>
                      </li>
                    </>
                  )}
                </ul>
              </nav>
            )}
          </footer>
          {p.live && <LiveSource live={p.live} />}
        </body>
      </html>
    </>
  );
}
