import { request } from 'node:http';

/**
 * A form POST over a real socket, as a browser or a client library sends it: with a declared
 * Content-Length, or, given `chunkSize`, in writes of that size with no length (Node then
 * sends Transfer-Encoding: chunked).
 */
export function postOverSocket(
  url: string,
  body: Buffer | string,
  opts: { contentType?: string; chunkSize?: number; headers?: Record<string, string> } = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {
      'Content-Type': opts.contentType ?? 'application/x-www-form-urlencoded',
      Origin: new URL(url).origin,
      ...opts.headers,
    };
    if (!opts.chunkSize) headers['Content-Length'] = Buffer.byteLength(body);
    const req = request(url, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    // A server that answers before reading the whole body (a size limit) closes the connection:
    // the rest of the write then fails after the answer is in, when no request listens any more.
    req.on('socket', (socket) => socket.on('error', () => {}));
    if (opts.chunkSize) {
      const b = Buffer.from(body);
      for (let i = 0; i < b.length; i += opts.chunkSize) req.write(b.subarray(i, i + opts.chunkSize));
      req.end();
    } else req.end(body);
  });
}

/** A TestApp's app served on a real socket on 127.0.0.1 (a random port); the test gateway's SDK calls go there. */
export async function serveOnLoopback(t: {
  app: { fetch: (req: Request, ...rest: never[]) => Response | Promise<Response> };
  deps: { payments: { mode: string; useApiBase(url: string): void } };
}): Promise<{ url: string; port: number; close(): Promise<void> }> {
  const { serve } = await import('@hono/node-server');
  return new Promise((resolve) => {
    const server = serve({ fetch: t.app.fetch as never, port: 0, hostname: '127.0.0.1' }, (info) => {
      const url = `http://127.0.0.1:${info.port}`;
      if (t.deps.payments.mode === 'test') t.deps.payments.useApiBase(`${url}/test-gateway`);
      resolve({ url, port: info.port, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

/**
 * One request over a real socket with exactly the headers given (Host included: a DNS
 * rebinding page's requests reach us with its own name in Host).
 */
export function rawRequest(
  url: string,
  o: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...o.headers };
    if (o.body !== undefined) headers['Content-Length'] = Buffer.byteLength(o.body);
    const req = request(url, { method: o.method ?? 'GET', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() }),
      );
    });
    req.on('error', reject);
    req.end(o.body);
  });
}
