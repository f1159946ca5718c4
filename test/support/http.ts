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
