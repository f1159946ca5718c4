import { Hono, type Context } from 'hono';
import { zValidator } from '@hono/zod-validator';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../lib/env.js';
import { DomainError, type FieldErrors } from '../lib/errors.js';
import { page } from '../render.js';
import { redirectWith } from '../lib/flash.js';
import { clientIp } from '../lib/rate-limit.js';
import { actor } from '../lib/params.js';
import { constantTimeEqual } from '../lib/tokens.js';
import { profileGate, requireRole, requireUser, safeNext } from './middleware.js';
import { endSession, startSession } from './cookies.js';
import { fieldErrors, formHook, tryAction, tryForm, typedValues, type Status, type Values } from '../lib/forms.js';
import { readUploadForm, takesFiles } from '../lib/uploads.js';
import { googleAuthorization, googleClaims } from './google.js';
import * as s from './schemas.js';
import { accountSummary } from './accounts.js';
import { emailTokenIsValid, resendEmailVerification, verifyEmail } from './email-verification.js';
import { completeProfile, googleSignIn } from './google-sign-in.js';
import { requestPasswordReset, resetPassword, resetTokenIsValid } from './password-reset.js';
import { changePhone, sendPhoneCode, verifyPhoneCode } from './phone.js';
import { changePassword, signOutEverywhere, updateOrganizerProfile, updateProfile } from './profile.js';
import { registerAccount } from './registration.js';
import { signIn } from './sign-in.js';
import type { Role } from './tables.js';
import {
  CompleteProfilePage,
  ForgotPasswordPage,
  LoginPage,
  MessagePage,
  RegisterPage,
  ResetPasswordPage,
  VerifyEmailPage,
  VerifyPhonePage,
} from '../../views/auth/pages.js';
import { MePage, type MeForm } from '../../views/account/pages.js';

/** Each role's home: its dashboard (src/dashboards/). */
export const ROLE_HOME: Record<Role, string> = {
  traveler: '/dashboard/traveler',
  organizer: '/dashboard/organizer',
  agent: '/dashboard/agent',
  admin: '/dashboard/admin',
};

const GOOGLE_STATE = 'tt_g_state';
const GOOGLE_VERIFIER = 'tt_g_verifier';
const GOOGLE_NEXT = 'tt_g_next';

/** Reads and clears what /auth/google left for its callback: the state, the PKCE verifier, where to go after. */
function takeGoogleCookies(c: Context<AppEnv>) {
  const taken = {
    expected: getCookie(c, GOOGLE_STATE),
    verifier: getCookie(c, GOOGLE_VERIFIER),
    next: safeNext(getCookie(c, GOOGLE_NEXT)),
  };
  const secure = c.get('deps').config.secureCookies;
  for (const name of [GOOGLE_STATE, GOOGLE_VERIFIER, GOOGLE_NEXT])
    deleteCookie(c, name, { path: '/auth/google', secure });
  return taken;
}

const googleFailed = (c: Context<AppEnv>, message: string, status: 400 | 403 = 400) =>
  page(
    c,
    <MessagePage
      title="Google sign-in did not work"
      message={message}
      link={{ href: '/login', label: 'Back to sign in' }}
    />,
    { title: 'Sign-in failed', status },
  );

const googleOn = (c: Context<AppEnv>) => c.get('deps').config.google !== undefined;
const home = (role: Role) => ROLE_HOME[role];

const renderRegister = (c: Context<AppEnv>, values: Values, errors: FieldErrors, status: Status = 200) =>
  page(c, <RegisterPage values={values} errors={errors} google={googleOn(c)} />, {
    title: 'Create your account',
    status,
  });

const renderLogin = (c: Context<AppEnv>, values: Values, errors: FieldErrors, status: Status = 200) =>
  page(
    c,
    <LoginPage values={values} errors={errors} google={googleOn(c)} next={safeNext(values.next) ?? undefined} />,
    { title: 'Sign in', status },
  );

const renderForgot = (c: Context<AppEnv>, values: Values, errors: FieldErrors, status: Status = 200) =>
  page(c, <ForgotPasswordPage values={values} errors={errors} />, { title: 'Forgot your password?', status });

const renderReset = async (c: Context<AppEnv>, values: Values, errors: FieldErrors, status: Status = 200) => {
  const token = values.token ?? '';
  const valid = await resetTokenIsValid(c.get('deps'), token);
  return page(c, <ResetPasswordPage token={token} valid={valid} errors={errors} />, {
    title: 'Choose a new password',
    status: valid ? status : 400,
  });
};

/** The confirmation page for a link that still works, "Link not valid" (400) for any other. */
const renderVerifyEmail = async (c: Context<AppEnv>, values: Values, _errors: FieldErrors, status: Status = 200) => {
  const token = values.token ?? '';
  const valid = await emailTokenIsValid(c.get('deps'), token);
  const retry = c.get('user')
    ? { href: '/me', label: 'Send a new link from your profile' }
    : { href: '/login', label: 'Sign in to ask for a new link' };
  return page(c, <VerifyEmailPage token={token} valid={valid} retry={retry} />, {
    title: valid ? 'Confirm your email' : 'Link not valid',
    status: valid ? status : 400,
  });
};

async function renderVerifyPhone(c: Context<AppEnv>, values: Values, errors: FieldErrors, status: Status = 200) {
  const a = await accountSummary(c.get('deps'), actor(c).id);
  return page(
    c,
    <VerifyPhonePage
      phone={a.phone}
      verified={a.phoneVerified}
      codeSent={c.req.query('sent') === '1' || status !== 200}
      values={values}
      errors={errors}
    />,
    { title: 'Verify your mobile number', status },
  );
}

const renderComplete = (c: Context<AppEnv>, values: Values, errors: FieldErrors, status: Status = 200) =>
  page(
    c,
    <CompleteProfilePage name={c.get('user')!.name} email={c.get('user')!.email} values={values} errors={errors} />,
    { title: 'Complete your profile', status },
  );

async function renderMe(c: Context<AppEnv>, failed?: MeForm, status: Status = 200) {
  const account = await accountSummary(c.get('deps'), actor(c).id);
  return page(c, <MePage account={account} failed={failed} />, { title: 'Your profile', status });
}

const meFailed = (form: MeForm['form']) => (c: Context<AppEnv>, values: Values, errors: FieldErrors, status: Status) =>
  renderMe(c, { form, values, errors }, status);

/** Register, sign in/out, verification, password reset, Google, profile. */
export const accountRoutes = new Hono<AppEnv>();

accountRoutes.use('*', profileGate);

// ------------------------------------------------------------ register, sign in, sign out

accountRoutes
  .get('/register', (c) =>
    c.get('user') ? c.redirect('/dashboard', 303) : renderRegister(c, { role: c.req.query('role') }, {}),
  )
  .post('/register', zValidator('form', s.registerForm, formHook(renderRegister)), async (c) => {
    const input = c.req.valid('form');
    const r = await tryForm(() => registerAccount(c.get('deps'), input, clientIp(c)));
    if (!r.ok) return renderRegister(c, typedValues(input), r.errors, r.status);
    await startSession(c, r.value);
    return redirectWith(c, home(input.role), `Welcome! We sent a confirmation link to ${input.email}.`);
  })
  .get('/login', (c) =>
    c.get('user')
      ? c.redirect(safeNext(c.req.query('next')) ?? '/dashboard', 303)
      : renderLogin(c, { next: c.req.query('next') }, {}),
  )
  .post('/login', zValidator('form', s.loginForm, formHook(renderLogin)), async (c) => {
    const input = c.req.valid('form');
    const r = await tryForm(() => signIn(c.get('deps'), input.email, input.password, clientIp(c)));
    if (!r.ok) return renderLogin(c, { email: input.email, next: input.next }, r.errors, r.status);
    await startSession(c, r.value.id);
    return redirectWith(c, safeNext(input.next) ?? '/dashboard');
  })
  .post('/logout', async (c) => {
    await endSession(c);
    return redirectWith(c, '/', 'You are signed out.');
  });

// ------------------------------------------------------------ email verification, password reset

accountRoutes
  .get('/verify-email', (c) => renderVerifyEmail(c, { token: c.req.query('token') }, {}))
  .post('/verify-email', zValidator('form', s.verifyEmailForm, formHook(renderVerifyEmail)), async (c) => {
    const { token } = c.req.valid('form');
    const r = await tryForm(() => verifyEmail(c.get('deps'), token));
    if (!r.ok) return renderVerifyEmail(c, { token }, r.errors, r.status);
    return redirectWith(
      c,
      c.get('user') ? home(c.get('user')!.role) : '/login',
      'Thank you: your email address is confirmed.',
    );
  })
  .post('/verify-email/resend', requireUser, async (c) => {
    const resend = () => resendEmailVerification(c.get('deps'), actor(c).id);
    return tryAction(c, '/me', resend, `We sent a new confirmation link to ${c.get('user')!.email}.`);
  })
  .get('/forgot-password', (c) => renderForgot(c, {}, {}))
  .post('/forgot-password', zValidator('form', s.forgotForm, formHook(renderForgot)), async (c) => {
    const input = c.req.valid('form');
    const r = await tryForm(() => requestPasswordReset(c.get('deps'), input.email, clientIp(c)));
    if (!r.ok) return renderForgot(c, typedValues(input), r.errors, r.status);
    return redirectWith(c, '/forgot-password/sent');
  })
  .get('/forgot-password/sent', (c) => page(c, <ForgotPasswordPage sent />, { title: 'Check your email' }))
  .get('/reset-password', (c) => renderReset(c, { token: c.req.query('token') }, {}))
  .post('/reset-password', zValidator('form', s.resetForm, formHook(renderReset)), async (c) => {
    const input = c.req.valid('form');
    const r = await tryForm(() => resetPassword(c.get('deps'), input.token, input.password));
    if (!r.ok) return renderReset(c, { token: input.token }, r.errors, r.status);
    await endSession(c);
    return redirectWith(
      c,
      '/login',
      'Your password is changed and every device is signed out. Sign in with the new password.',
    );
  });

// ------------------------------------------------------------ phone verification

accountRoutes
  .get('/verify-phone', requireUser, (c) => renderVerifyPhone(c, {}, {}))
  .post('/verify-phone/send', requireUser, async (c) => {
    const r = await tryForm(() => sendPhoneCode(c.get('deps'), actor(c).id, clientIp(c)));
    if (!r.ok) return renderVerifyPhone(c, {}, r.errors, r.status);
    return redirectWith(c, '/verify-phone?sent=1', 'We texted you a 6-digit code.');
  })
  .post('/verify-phone', requireUser, zValidator('form', s.otpForm, formHook(renderVerifyPhone)), async (c) => {
    const r = await tryForm(() => verifyPhoneCode(c.get('deps'), actor(c).id, c.req.valid('form').code));
    if (!r.ok) return renderVerifyPhone(c, {}, r.errors, r.status);
    return redirectWith(c, '/me', 'Your mobile number is verified.');
  });

// ------------------------------------------------------------ Google

accountRoutes
  .get('/auth/google', (c) => {
    const g = c.get('deps').config.google;
    if (!g) return c.notFound();
    const { url, state, verifier } = googleAuthorization(g, c.get('deps').config.publicUrl);
    const opts = {
      path: '/auth/google',
      httpOnly: true,
      sameSite: 'Lax' as const,
      secure: c.get('deps').config.secureCookies,
      maxAge: 600,
    };
    setCookie(c, GOOGLE_STATE, state, opts);
    setCookie(c, GOOGLE_VERIFIER, verifier, opts);
    const next = safeNext(c.req.query('next'));
    if (next) setCookie(c, GOOGLE_NEXT, next, opts);
    return c.redirect(url.toString(), 302);
  })
  .get('/auth/google/callback', async (c) => {
    const { config, clock } = c.get('deps');
    if (!config.google) return c.notFound();
    const { expected, verifier, next } = takeGoogleCookies(c);
    const state = c.req.query('state');
    const code = c.req.query('code');
    // The state is checked before anything else: without a match the request is not ours.
    if (!expected || !state || !verifier || !constantTimeEqual(expected, state))
      return googleFailed(c, 'This sign-in link has expired or was not started here. Please try again.');
    if (!code) return googleFailed(c, 'Google did not let you in. Please try again.');
    const signIn = async () =>
      googleSignIn(c.get('deps'), await googleClaims(config.google!, config.publicUrl, code, verifier, clock.now()));
    const user = await signIn().catch((e: unknown) => (e instanceof DomainError ? e : Promise.reject(e)));
    if (user instanceof DomainError) return googleFailed(c, user.message, user.status === 403 ? 403 : 400);
    await startSession(c, user.id);
    return redirectWith(c, user.profile_complete ? (next ?? '/dashboard') : '/complete-profile');
  })
  .get('/complete-profile', requireUser, (c) =>
    c.get('user')!.profileComplete ? c.redirect('/dashboard', 303) : renderComplete(c, {}, {}),
  )
  .post(
    '/complete-profile',
    requireUser,
    zValidator('form', s.completeProfileForm, formHook(renderComplete)),
    async (c) => {
      const r = await tryForm(() => completeProfile(c.get('deps'), actor(c).id, c.req.valid('form')));
      if (!r.ok) return renderComplete(c, typedValues(c.req.valid('form')), r.errors, r.status);
      return redirectWith(c, '/verify-phone', 'Welcome to TrekTribe! Verify your mobile number next.');
    },
  );

// ------------------------------------------------------------ profile

accountRoutes
  .get('/me', requireUser, (c) => renderMe(c))
  .post('/me', takesFiles, requireUser, async (c) => {
    const posted = await readUploadForm(c);
    const form = s.profileForm.safeParse(posted);
    if (!form.success)
      return renderMe(c, { form: 'profile', values: typedValues(posted), errors: fieldErrors(form.error.issues) }, 422);
    const input = form.data;
    const r = await tryForm(() => updateProfile(c.get('deps'), actor(c).id, input));
    if (!r.ok) return renderMe(c, { form: 'profile', values: typedValues(input), errors: r.errors }, r.status);
    return redirectWith(c, '/me', 'Your profile is saved.');
  })
  .post('/me/phone', requireUser, zValidator('form', s.phoneForm, formHook(meFailed('phone'))), async (c) => {
    const changed = await changePhone(c.get('deps'), actor(c).id, c.req.valid('form').phone);
    return changed
      ? redirectWith(c, '/verify-phone', 'Number changed. Verify it with a code by SMS.')
      : redirectWith(c, '/me', 'That is already your number.');
  })
  .post('/me/password', requireUser, zValidator('form', s.passwordForm, formHook(meFailed('password'))), async (c) => {
    const input = c.req.valid('form');
    const r = await tryForm(() => changePassword(c.get('deps'), actor(c).id, input.current, input.password));
    if (!r.ok) return renderMe(c, { form: 'password', values: {}, errors: r.errors }, r.status);
    await startSession(c, actor(c).id);
    return redirectWith(c, '/me', 'Your password is changed. Every other device is signed out.');
  })
  .post(
    '/me/organizer',
    requireRole('organizer'),
    zValidator('form', s.organizerForm, formHook(meFailed('organizer'))),
    async (c) => {
      await updateOrganizerProfile(c.get('deps'), actor(c), c.req.valid('form'));
      return redirectWith(c, '/me#organizer', 'Your organizer page is saved.');
    },
  )
  .post('/me/sign-out-everywhere', requireUser, async (c) => {
    await signOutEverywhere(c.get('deps'), actor(c).id);
    await endSession(c);
    return redirectWith(c, '/login', 'You are signed out on every device.');
  });
