import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import type { Flash } from '../src/lib/env.js';

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
  /** Extra tags for <head> (Open Graph, a page's own script). */
  head?: Child;
  children?: Child;
}

/** The header shows only the first word of a name: a full name would push the bar to a third row on a phone. */
const firstName = (name: string) => name.trim().split(/\s+/)[0] || name;

/** The page shell: header with navigation, flash message, main, footer. */
export function Layout(p: LayoutProps) {
  return (
    <>
      {raw('<!doctype html>')}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta
            name="htmx-config"
            content='{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false,"scrollIntoViewOnBoost":false}'
          />
          <title>{p.title ? `${p.title} · TrekTribe` : 'TrekTribe'}</title>
          <link rel="icon" href={p.icon} type="image/svg+xml" />
          <link rel="stylesheet" href={p.css} />
          <script src={p.js} defer></script>
          {p.head}
        </head>
        <body hx-boost="true">
          {p.testMode && <p class="test-mode">Test mode: no real money moves.</p>}
          <header class="container">
            <nav>
              <ul>
                <li>
                  <a class="brand" href="/">
                    TrekTribe
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
                    <li class="me">
                      <a href="/me" title={p.user.name}>
                        <span>{firstName(p.user.name)}</span>
                      </a>
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
            <small class="muted">TrekTribe — treks by the people who lead them.</small>
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
        </body>
      </html>
    </>
  );
}
