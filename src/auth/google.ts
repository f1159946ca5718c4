import { CodeChallengeMethod, OAuth2Client, decodeIdToken, generateCodeVerifier, generateState } from 'arctic';
import type { Config } from '../config.js';
import { BadRequest } from '../lib/errors.js';
import type { GoogleClaims } from './types.js';

/**
 * Google sign-in through arctic's generic OAuth2 client, with the endpoints taken from
 * config (Google's by default), so tests can stand a fake token endpoint on 127.0.0.1.
 */
type GoogleConfig = NonNullable<Config['google']>;

const client = (g: GoogleConfig, publicUrl: string) =>
  new OAuth2Client(g.clientId, g.clientSecret, `${publicUrl}/auth/google/callback`);

export function googleAuthorization(g: GoogleConfig, publicUrl: string): { url: URL; state: string; verifier: string } {
  const state = generateState();
  const verifier = generateCodeVerifier();
  const url = client(g, publicUrl).createAuthorizationURLWithPKCE(
    g.authUrl,
    state,
    CodeChallengeMethod.S256,
    verifier,
    ['openid', 'email', 'profile'],
  );
  return { url, state, verifier };
}

const FAILED = 'Google sign-in did not work. Please try again.';

/**
 * Trades the code for tokens and reads the ID token's claims. The token comes straight
 * from the token endpoint over our own request, so (as OpenID Connect allows) we check its
 * audience, issuer and expiry rather than its signature.
 */
export async function googleClaims(
  g: GoogleConfig,
  publicUrl: string,
  code: string,
  verifier: string,
  now: Date,
): Promise<GoogleClaims> {
  let claims: Record<string, unknown>;
  try {
    const tokens = await client(g, publicUrl).validateAuthorizationCode(g.tokenUrl, code, verifier);
    claims = decodeIdToken(tokens.idToken()) as Record<string, unknown>;
  } catch {
    throw new BadRequest(FAILED);
  }
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  const iss = String(claims.iss ?? '');
  const exp = Number(claims.exp);
  if (!aud.includes(g.clientId) || !/^(https:\/\/)?accounts\.google\.com$/.test(iss) || !(exp * 1000 > now.getTime()))
    throw new BadRequest(FAILED);
  if (typeof claims.sub !== 'string' || !claims.sub || typeof claims.email !== 'string' || !claims.email.includes('@'))
    throw new BadRequest(FAILED);
  return {
    sub: claims.sub,
    email: claims.email,
    emailVerified: claims.email_verified === true || claims.email_verified === 'true',
    name: typeof claims.name === 'string' ? claims.name : '',
  };
}
