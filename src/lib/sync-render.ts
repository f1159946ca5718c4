import { jsx } from 'hono/jsx';

/**
 * hono/jsx renders on its synchronous context store, never on an AsyncLocalStorage.
 *
 * hono/jsx keeps context values (its own: the SVG/MathML namespace, `<head>` hoisting) in
 * an AsyncLocalStorage when the runtime has one, so that an async component could still read
 * them after an `await`. Our views are synchronous functions of their props, so they never
 * need that. And on Node 20 the first `AsyncLocalStorage.run()` switches on promise hooks for
 * the whole process, for good: from the first page rendered, every promise anywhere (Kysely's,
 * Hono's, the HTTP server's) pays for an async id and four hook calls.
 *
 * hono looks for AsyncLocalStorage once, at its first render, through
 * `process.getBuiltinModule` or `process.mainModule.require`. Without either it uses its
 * synchronous store: the path it documents for runtimes without AsyncLocalStorage, where
 * context works in every synchronous render. This module makes that first render, with both
 * ways in hidden for its duration, so hono settles on the synchronous store.
 *
 * It must be evaluated before anything renders: `app.ts` imports it first. `test/platform/
 * sync-render.test.ts` proves promise hooks stay off after real pages are served, and that
 * SVG attributes and the namespace context still come out right.
 */
function renderOnceWithoutAsyncLocalStorage(): void {
  const keys = ['getBuiltinModule', 'mainModule'] as const;
  const saved = keys.map((k) => Object.getOwnPropertyDescriptor(process, k));
  for (const k of keys) Object.defineProperty(process, k, { value: undefined, configurable: true, writable: true });
  try {
    // Any render probes; an <svg> also creates hono's namespace context.
    String(jsx('svg', { viewBox: '0 0 1 1' }));
  } finally {
    keys.forEach((k, i) => {
      const d = saved[i];
      if (d) Object.defineProperty(process, k, d);
      else delete (process as unknown as Record<string, unknown>)[k];
    });
  }
}

renderOnceWithoutAsyncLocalStorage();
