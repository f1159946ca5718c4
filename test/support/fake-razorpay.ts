import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { FakeRazorpay } from '../../src/payments/fake-razorpay.js';
import { makeTestApp, type TestApp } from './app.js';

export interface FakeRazorpayServer {
  fake: FakeRazorpay;
  /** Environment that points the app's real razorpay SDK at this fake. */
  env: Record<string, string>;
  url: string;
  /** Razorpay goes down (connections refused) ... */
  stop(): Promise<void>;
  /** ... and comes back on the same address. */
  start(): Promise<void>;
}

/** The app's own fake Razorpay API, on its own port on 127.0.0.1, for the real SDK to talk to. */
export async function startFakeRazorpay(): Promise<FakeRazorpayServer> {
  const keys = {
    keyId: 'rzp_test_fake',
    keySecret: 'fake_key_secret_0123456789',
    webhookSecret: 'fake_webhook_secret_0123456789',
  };
  const fake = new FakeRazorpay(keys);
  let server: ServerType | null = null;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = serve({ fetch: fake.api.fetch, port, hostname: '127.0.0.1' }, (info: AddressInfo) => {
        port = info.port;
        resolve();
      });
    });
  await listen();
  const url = `http://127.0.0.1:${port}`;
  return {
    fake,
    url,
    env: {
      RAZORPAY_KEY_ID: keys.keyId,
      RAZORPAY_KEY_SECRET: keys.keySecret,
      RAZORPAY_WEBHOOK_SECRET: keys.webhookSecret,
      RAZORPAY_API_BASE: url,
    },
    async stop() {
      const s = server as unknown as { close(cb: () => void): void; closeAllConnections?: () => void } | null;
      if (!s) return;
      server = null;
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections?.();
      });
    },
    async start() {
      if (!server) await listen();
    },
  };
}

/**
 * For a test file: a fresh app whose SDK talks to its own fake Razorpay, both started before
 * the tests and closed after. The getters return them once started.
 */
export function withFakeRazorpay(): { app: () => TestApp; rzp: () => FakeRazorpayServer } {
  let rzp: FakeRazorpayServer;
  let t: TestApp;
  beforeAll(async () => {
    rzp = await startFakeRazorpay();
    t = await makeTestApp(rzp.env);
  });
  afterAll(async () => {
    await t.close();
    await rzp.stop();
  });
  return { app: () => t, rzp: () => rzp };
}
