import type { Child } from 'hono/jsx';

/** The HTML part of every email: a title, the body, the sign-off. */
export function Mail(p: {
  title: string;
  children?: Child;
  /** The platform's name (a setting); TrekTribe until it is set. */ brand?: string;
}) {
  return (
    <html lang="en">
      <body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #1f2937; max-width: 36rem; margin: 0 auto; padding: 1rem;">
        <h1 style="font-size: 1.25rem;">{p.title}</h1>
        {p.children}
        <p style="color: #6b7280; font-size: 0.875rem;">
          {p.brand ?? 'TrekTribe'} — treks by the people who lead them.
        </p>
      </body>
    </html>
  );
}

export function Button(p: { href: string; label: string }) {
  return (
    <p>
      <a
        href={p.href}
        style="display: inline-block; background: #0172ad; color: #fff; padding: 0.75rem 1.25rem; border-radius: 0.375rem; text-decoration: none;"
      >
        {p.label}
      </a>
    </p>
  );
}
