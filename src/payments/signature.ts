import { createHmac, timingSafeEqual } from 'node:crypto';

export const hmacHex = (secret: string, data: string) => createHmac('sha256', secret).update(data).digest('hex');

/** Constant-time check of a hex HMAC-SHA256 signature (the SDK's own helpers use ===). */
export function signatureMatches(secret: string, data: string, given: string | undefined | null): boolean {
  if (!given || !/^[0-9a-f]{64}$/i.test(given)) return false;
  const expected = Buffer.from(hmacHex(secret, data), 'hex');
  const actual = Buffer.from(given, 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Checkout returns HMAC(key secret, "order_id|payment_id"). */
export const checkoutSignature = (keySecret: string, orderId: string, paymentId: string) =>
  hmacHex(keySecret, `${orderId}|${paymentId}`);
