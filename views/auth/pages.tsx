import { Field } from '../components/Field.js';
import type { FieldErrors } from '../../src/lib/errors.js';

type Values = Record<string, string | undefined>;

export interface FormProps {
  values?: Values;
  errors?: FieldErrors;
}

/** A form-level message (rate limits, "wrong email or password") shown above the fields. */
function FormError(p: { errors?: FieldErrors }) {
  const msg = p.errors?.form;
  return msg ? (
    <p class="flash error" role="alert">
      {msg}
    </p>
  ) : null;
}

function RoleChoice(p: { value?: string; errors?: FieldErrors }) {
  const error = p.errors?.role;
  return (
    <fieldset aria-invalid={error ? 'true' : undefined}>
      <legend>I want to</legend>
      <label>
        <input type="radio" name="role" value="traveler" checked={p.value !== 'organizer'} /> book treks (traveler)
      </label>
      <label>
        <input type="radio" name="role" value="organizer" checked={p.value === 'organizer'} /> list and run treks
        (organizer)
      </label>
      {error && <small class="field-error">{error}</small>}
    </fieldset>
  );
}

/** The account's mobile number, as registering and completing a profile ask for it. */
const PhoneField = (p: { value: string | undefined; errors?: FieldErrors }) => (
  <Field
    label="Mobile number"
    name="phone"
    type="tel"
    value={p.value}
    errors={p.errors}
    required
    autocomplete="tel"
    inputmode="tel"
    hint="A 10-digit Indian mobile, or +country code and number."
  />
);

export function GoogleButton(p: { next?: string }) {
  const href = p.next ? `/auth/google?next=${encodeURIComponent(p.next)}` : '/auth/google';
  return (
    <p>
      <a href={href} role="button" class="secondary outline google" hx-boost="false">
        Continue with Google
      </a>
    </p>
  );
}

export function RegisterPage(p: FormProps & { google: boolean }) {
  const v = p.values ?? {};
  return (
    <section class="narrow">
      <h1>Create your account</h1>
      {p.google && <GoogleButton />}
      <form method="post" action="/register" novalidate>
        <FormError errors={p.errors} />
        <Field
          label="Your name"
          name="name"
          value={v.name}
          errors={p.errors}
          required
          autocomplete="name"
          maxlength={80}
        />
        <Field
          label="Email"
          name="email"
          type="email"
          value={v.email}
          errors={p.errors}
          required
          autocomplete="email"
          inputmode="email"
        />
        <PhoneField value={v.phone} errors={p.errors} />
        <Field
          label="Password"
          name="password"
          type="password"
          errors={p.errors}
          required
          autocomplete="new-password"
          hint="At least 10 characters."
        />
        <RoleChoice value={v.role} errors={p.errors} />
        <button type="submit">Create account</button>
      </form>
      <p>
        Already have an account? <a href="/login">Sign in</a>
      </p>
    </section>
  );
}

export function LoginPage(p: FormProps & { google: boolean; next?: string }) {
  const v = p.values ?? {};
  return (
    <section class="narrow">
      <h1>Sign in</h1>
      {p.google && <GoogleButton next={p.next} />}
      <form method="post" action="/login" novalidate>
        <FormError errors={p.errors} />
        {p.next && <input type="hidden" name="next" value={p.next} />}
        <Field
          label="Email"
          name="email"
          type="email"
          value={v.email}
          errors={p.errors}
          required
          autocomplete="username"
          inputmode="email"
        />
        <Field
          label="Password"
          name="password"
          type="password"
          errors={p.errors}
          required
          autocomplete="current-password"
        />
        <button type="submit">Sign in</button>
      </form>
      <p>
        <a href="/forgot-password">Forgot your password?</a> · <a href="/register">Create an account</a>
      </p>
    </section>
  );
}

export function ForgotPasswordPage(p: FormProps & { sent?: boolean }) {
  return (
    <section class="narrow">
      <h1>Forgot your password?</h1>
      {p.sent ? (
        <p role="status">
          If an account uses that email, we have sent it a link to choose a new password. It works for one hour.
        </p>
      ) : (
        <p>Enter your email and we will send you a link to choose a new password.</p>
      )}
      <form method="post" action="/forgot-password" novalidate>
        <Field
          label="Email"
          name="email"
          type="email"
          value={p.values?.email}
          errors={p.errors}
          required
          autocomplete="email"
          inputmode="email"
        />
        <button type="submit">Send me a link</button>
      </form>
      <p>
        <a href="/login">Back to sign in</a>
      </p>
    </section>
  );
}

export function ResetPasswordPage(p: FormProps & { token: string; valid: boolean }) {
  return (
    <section class="narrow">
      <h1>Choose a new password</h1>
      {p.valid ? (
        <form method="post" action="/reset-password" novalidate>
          <input type="hidden" name="token" value={p.token} />
          <Field
            label="New password"
            name="password"
            type="password"
            errors={p.errors}
            required
            autocomplete="new-password"
            hint="At least 10 characters."
          />
          <button type="submit">Save new password</button>
        </form>
      ) : (
        <>
          <p role="alert">This link has expired or was already used.</p>
          <p>
            <a href="/forgot-password">Ask for a new link</a>
          </p>
        </>
      )}
    </section>
  );
}

/** The page an emailed verification link opens: one button POSTs the token, so merely opening the link (a mail scanner, a preview) confirms nothing. */
export function VerifyEmailPage(p: { token: string; valid: boolean; retry: { href: string; label: string } }) {
  return p.valid ? (
    <section class="narrow">
      <h1>Confirm your email</h1>
      <p>Tap the button to confirm this is your email address.</p>
      <form method="post" action="/verify-email">
        <input type="hidden" name="token" value={p.token} />
        <button type="submit">Confirm my email</button>
      </form>
    </section>
  ) : (
    <MessagePage
      title="Link not valid"
      message="This link has expired or was already used. Ask for a new one."
      link={p.retry}
    />
  );
}

export function VerifyPhonePage(p: FormProps & { phone: string | null; verified: boolean; codeSent: boolean }) {
  return (
    <section class="narrow">
      <h1>Verify your mobile number</h1>
      {p.verified ? (
        <p role="status">
          Your number {p.phone} is verified. <a href="/me">Back to your profile</a>
        </p>
      ) : (
        <>
          <p>We text a 6-digit code to {p.phone ?? 'your number'}. It works for 10 minutes.</p>
          <FormError errors={p.errors?.phone ? { form: p.errors.phone } : p.errors} />
          <form method="post" action="/verify-phone/send">
            <button type="submit" class={p.codeSent ? 'secondary' : undefined}>
              {p.codeSent ? 'Send a new code' : 'Text me a code'}
            </button>
          </form>
          <form method="post" action="/verify-phone" novalidate>
            <Field
              label="Code"
              name="code"
              value={p.values?.code}
              errors={p.errors}
              required
              autocomplete="one-time-code"
              inputmode="numeric"
              maxlength={6}
            />
            <button type="submit">Verify</button>
          </form>
          <p>
            Wrong number? <a href="/me#phone">Change it on your profile</a>
          </p>
        </>
      )}
    </section>
  );
}

export function CompleteProfilePage(p: FormProps & { name: string; email: string }) {
  const v = p.values ?? {};
  return (
    <section class="narrow">
      <h1>One more step</h1>
      <p>
        Welcome, {p.name}. You signed in as {p.email}. Add your mobile number so organizers and travelers can reach you.
      </p>
      <form method="post" action="/complete-profile" novalidate>
        <FormError errors={p.errors} />
        <PhoneField value={v.phone} errors={p.errors} />
        <RoleChoice value={v.role} errors={p.errors} />
        <button type="submit">Continue</button>
      </form>
    </section>
  );
}

export function MessagePage(p: { title: string; message: string; link?: { href: string; label: string } }) {
  return (
    <section class="narrow">
      <h1>{p.title}</h1>
      <p>{p.message}</p>
      {p.link && (
        <p>
          <a href={p.link.href}>{p.link.label}</a>
        </p>
      )}
    </section>
  );
}
