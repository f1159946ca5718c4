import { Field } from '../components/Field.js';
import type { FieldErrors } from '../../src/lib/errors.js';
import { imageUrl } from '../../src/lib/images.js';

export type { Account } from '../../src/auth/types.js';
import type { Account } from '../../src/auth/types.js';

/** Which form on /me a failed submission belongs to, with what was typed. */
export interface MeForm {
  form: 'profile' | 'phone' | 'password' | 'organizer';
  values: Record<string, string | undefined>;
  errors: FieldErrors;
}

/** Signing out lives on the profile and the dashboard: the header keeps one row on a phone. */
export const SignOut = () => (
  <form method="post" action="/logout">
    <button type="submit" class="secondary outline">
      Sign out
    </button>
  </form>
);

export function Avatar(p: { photo: Account['photo']; name: string; size?: number }) {
  if (!p.photo) return null;
  const size = p.size ?? 96;
  return (
    <img
      class="avatar"
      src={imageUrl(p.photo.key, p.photo.width)}
      width={size}
      height={Math.round((size * p.photo.height) / p.photo.width)}
      alt={`Photo of ${p.name}`}
      loading="lazy"
    />
  );
}

export function Badge(p: { ok: boolean }) {
  return p.ok ? <small class="badge ok">verified</small> : <small class="badge">not verified</small>;
}

export function MePage(p: { account: Account; failed?: MeForm }) {
  const a = p.account;
  const f = p.failed;
  const v = (form: MeForm['form'], key: string, fallback: string | null) =>
    f?.form === form ? f.values[key] : (fallback ?? undefined);
  const e = (form: MeForm['form']) => (f?.form === form ? f.errors : undefined);
  return (
    <>
      <h1>Your profile</h1>
      <SignOut />

      <section id="account">
        <h2>Account</h2>
        <p>
          {a.email} <Badge ok={a.emailVerified} />
        </p>
        {!a.emailVerified && (
          <form method="post" action="/verify-email/resend">
            <button type="submit" class="secondary">
              Send me a new confirmation link
            </button>
          </form>
        )}
        <p>
          Mobile: {a.phone ?? '—'} {a.phone && <Badge ok={a.phoneVerified} />}
          {a.phone && !a.phoneVerified && (
            <>
              {' '}
              <a href="/verify-phone">Verify it</a>
            </>
          )}
        </p>
      </section>

      <section id="profile">
        <h2>About you</h2>
        <Avatar photo={a.photo} name={a.name} />
        <form method="post" action="/me" enctype="multipart/form-data" novalidate>
          <Field
            label="Name"
            name="name"
            value={v('profile', 'name', a.name)}
            errors={e('profile')}
            required
            autocomplete="name"
            maxlength={80}
          />
          <Field
            label="Location"
            name="location"
            value={v('profile', 'location', a.location)}
            errors={e('profile')}
            autocomplete="address-level2"
            maxlength={120}
            placeholder="e.g. Pune, Maharashtra"
          />
          <label for="f-bio">
            Bio
            <textarea
              id="f-bio"
              name="bio"
              rows={4}
              maxlength={1000}
              aria-invalid={e('profile')?.bio ? 'true' : undefined}
            >
              {v('profile', 'bio', a.bio) ?? ''}
            </textarea>
            {e('profile')?.bio && <small class="field-error">{e('profile')!.bio}</small>}
          </label>
          <label for="f-photo">
            Photo
            <input
              id="f-photo"
              name="photo"
              type="file"
              accept="image/jpeg,image/png,image/webp"
              aria-invalid={e('profile')?.photo ? 'true' : undefined}
            />
            {e('profile')?.photo ? (
              <small class="field-error">{e('profile')!.photo}</small>
            ) : (
              <small>JPEG, PNG or WebP, up to 8 MB.</small>
            )}
          </label>
          <button type="submit">Save profile</button>
        </form>
      </section>

      {a.role === 'organizer' && (
        <section id="organizer">
          <h2>Your organizer page</h2>
          <p class="muted">Travelers see this on your public page and pay your UPI ID for manual payments.</p>
          <form method="post" action="/me/organizer" novalidate>
            <Field
              label="Display name"
              name="org_display_name"
              value={v('organizer', 'org_display_name', a.orgDisplayName)}
              errors={e('organizer')}
              maxlength={100}
              autocomplete="organization"
            />
            <label for="f-org_about">
              About your treks
              <textarea id="f-org_about" name="org_about" rows={5} maxlength={2000}>
                {v('organizer', 'org_about', a.orgAbout) ?? ''}
              </textarea>
              {e('organizer')?.org_about && <small class="field-error">{e('organizer')!.org_about}</small>}
            </label>
            <Field
              label="UPI ID"
              name="upi_id"
              value={v('organizer', 'upi_id', a.upiId)}
              errors={e('organizer')}
              placeholder="yourname@okaxis"
              autocomplete="off"
              inputmode="email"
            />
            <button type="submit">Save organizer page</button>
          </form>
        </section>
      )}

      <section id="phone">
        <h2>Mobile number</h2>
        <form method="post" action="/me/phone" novalidate>
          <Field
            label="Mobile number"
            name="phone"
            type="tel"
            value={v('phone', 'phone', a.phone)}
            errors={e('phone')}
            required
            autocomplete="tel"
            inputmode="tel"
            hint="A new number must be verified again by SMS."
          />
          <button type="submit">Change number</button>
        </form>
      </section>

      <section id="password">
        <h2>{a.hasPassword ? 'Change password' : 'Set a password'}</h2>
        <form method="post" action="/me/password" novalidate>
          {a.hasPassword && (
            <Field
              label="Current password"
              name="current"
              type="password"
              errors={e('password')}
              required
              autocomplete="current-password"
            />
          )}
          <Field
            label="New password"
            name="password"
            type="password"
            errors={e('password')}
            required
            autocomplete="new-password"
            hint="At least 10 characters. Every other device will be signed out."
          />
          <button type="submit">Save password</button>
        </form>
      </section>

      <section id="sessions">
        <h2>Where you are signed in</h2>
        <p>
          You are signed in on {a.sessions} {a.sessions === 1 ? 'device' : 'devices'}.
        </p>
        <form method="post" action="/me/sign-out-everywhere">
          <button type="submit" class="secondary">
            Sign out everywhere
          </button>
        </form>
      </section>
    </>
  );
}
