export function NotFoundBody() {
  return (
    <section>
      <h1>Page not found</h1>
      <p>We could not find that page. It may have moved, or the link may be mistyped.</p>
      <p>
        <a href="/">Go to the home page</a> · <a href="/trips">Browse treks</a>
      </p>
    </section>
  );
}

export function ErrorBody(p: { requestId: string }) {
  return (
    <section>
      <h1>Something went wrong</h1>
      <p>Sorry, that did not work. Nothing was changed. Please try again in a moment.</p>
      <p class="muted">Reference: {p.requestId}</p>
    </section>
  );
}

export function ForbiddenBody(p: { message: string }) {
  return (
    <section>
      <h1>Not allowed</h1>
      <p>{p.message}</p>
      <p>
        <a href="/dashboard">Back to your dashboard</a>
      </p>
    </section>
  );
}

/** What an htmx request gets instead of a whole page. */
export function ErrorFragment(p: { message: string }) {
  return (
    <p class="flash error" role="alert">
      {p.message}
    </p>
  );
}
