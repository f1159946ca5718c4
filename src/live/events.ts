/** The event that ends a stream: its session is over (sign-out, sign-out everywhere, deactivation). */
export const SIGNED_OUT = 'signed-out';
