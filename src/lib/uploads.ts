import busboy from 'busboy';
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { IncomingMessage } from 'node:http';
import { createWriteStream, openAsBlob } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { AppEnv } from './env.js';
import type { Upload, UploadForm } from './request.js';
import { DomainError, tooLarge } from './errors.js';
import { randomToken } from './tokens.js';

export type { UploadForm };

/** The most files one form takes (a trip form sends up to 8 new photos). */
export const MAX_FILES = 10;
/** All text fields of one upload form together: a trip form at every maximum is a few hundred KB. */
export const MAX_TEXT_BYTES = 1024 * 1024;
const MAX_FIELDS = 1000;

interface Limits {
  fileBytes: number;
  bodyBytes: number;
}

export const isMultipart = (contentType: string | undefined) =>
  contentType?.trimStart().toLowerCase().startsWith('multipart/form-data') ?? false;

/** Where files of uploads in progress are written; each request gets a folder of its own. */
export const scratchDir = (dataDir: string) => join(dataDir, 'tmp', 'uploads');

const tooManyFiles = () => new DomainError(`That form has too many files (at most ${MAX_FILES}).`);
const tooManyFields = () => new DomainError('That form has too many fields.');
const tooMuchText = () => tooLarge('The text of that form', MAX_TEXT_BYTES);
const cutShort = () => new DomainError('The form did not arrive complete. Please try again.', undefined, 400);

/**
 * The posted form of a route that takes files. From a socket, a multipart body goes through
 * busboy and each file is written to a scratch folder as it arrives, so memory stays flat
 * however large the post; the Files handed back read from disk, and `removeUploads` deletes
 * the folder once the route has answered. A file over UPLOAD_FILE_LIMIT_MB stops the reading
 * at once. Without a socket (`app.request()` in tests) or for a url-encoded post, Hono's
 * `parseBody` reads the body, and the same limits are checked on what it gives.
 */
export function readUploadForm(c: Context<AppEnv>): Promise<UploadForm> {
  if (!takesUploads(c)) throw new Error(`readUploadForm on ${c.req.path}, a route not marked with takesFiles`);
  const known = c.get('upload');
  if (known) return known.form;
  const { config } = c.get('deps');
  const limits = {
    fileBytes: Math.min(config.uploadFileLimitBytes, config.bodyLimitBytes),
    bodyBytes: config.bodyLimitBytes,
  };
  // c.env is undefined under app.request(); a body something else has begun reading is Hono's.
  const incoming = c.env?.incoming;
  let upload: Upload;
  if (incoming && !incoming.readableDidRead && isMultipart(c.req.header('content-type'))) {
    const dir = join(scratchDir(config.dataDir), randomToken());
    upload = { dir, form: mkdir(dir, { recursive: true }).then(() => streamToDisk(incoming, dir, limits)) };
  } else {
    upload = { dir: null, form: c.req.parseBody({ all: true }).then((form) => withinLimits(form, limits)) };
  }
  c.set('upload', upload);
  return upload.form;
}

/**
 * Marks a route that takes files: `app.post('/me', takesFiles, …, handler)`, and its handler reads
 * the form with readUploadForm. This mark is the one place that decides it: a multipart post to
 * such a route gets BODY_LIMIT_MB instead of FORM_LIMIT_KB (app.ts) and, from a socket, is left
 * unread by readPostedForm for readUploadForm to stream to disk.
 */
export const takesFiles: MiddlewareHandler<AppEnv> = (_c, next) => next();

/** The handler of a route as Hono matched it (a sub-app's route may come wrapped, with the original kept). */
const original = (handler: unknown) => (handler as { __COMPOSED_HANDLER?: unknown }).__COMPOSED_HANDLER ?? handler;

/** Whether the route this request goes to is marked with takesFiles (known before any middleware runs). */
export const takesUploads = (c: Context): boolean => matchedRoutes(c).some((r) => original(r.handler) === takesFiles);

const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data'];

/**
 * Every posted form is read here, once, before any route: a body that cannot be read as the
 * form it claims to be (multipart without a boundary, cut short) is the error page (400), so
 * no route, validator or `parseBody` ever meets it. The bytes are read first, outside the
 * catch, so the body limit still answers for a body too large. An upload arriving on a socket
 * is left to readUploadForm, which streams it to disk.
 */
export function readPostedForm(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const contentType = c.req.header('content-type') ?? '';
    const mediaType = contentType.split(';')[0].trim().toLowerCase();
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || !FORM_TYPES.includes(mediaType)) return next();
    if (isMultipart(contentType) && takesUploads(c) && c.env?.incoming) return next();
    const bytes = await c.req.arrayBuffer();
    const normalized = contentType.replace(/^[^;]+/, (t) => t.toLowerCase());
    let form: FormData;
    try {
      form = await new Response(bytes, { headers: { 'Content-Type': normalized } }).formData();
    } catch {
      throw cutShort();
    }
    c.req.bodyCache.formData = form;
    // The bytes again for a route that hands the request on as it came (the test gateway's API).
    c.req.raw = new Request(c.req.raw, { body: bytes });
    return next();
  };
}

/** Deletes the files readUploadForm wrote, once the route has answered (or failed). */
export const removeUploads: MiddlewareHandler<AppEnv> = async (c, next) => {
  try {
    await next();
  } finally {
    const upload = c.get('upload');
    if (upload?.dir) {
      await upload.form.catch(() => undefined);
      await rm(upload.dir, { recursive: true, force: true });
    }
  }
};

function streamToDisk(incoming: IncomingMessage, dir: string, limits: Limits): Promise<UploadForm> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: incoming.headers,
        defParamCharset: 'utf8',
        limits: {
          fileSize: limits.fileBytes,
          files: MAX_FILES,
          fields: MAX_FIELDS,
          fieldSize: MAX_TEXT_BYTES,
          fieldNameSize: 200,
        },
      });
    } catch {
      // No boundary, or not multipart after all.
      return reject(cutShort());
    }
    const entries: [string, string | Promise<File>][] = [];
    const writes = new AbortController();
    let received = 0;
    let text = 0;
    let settled = false;

    const count = (chunk: Buffer) => {
      received += chunk.length;
      // A declared length was checked by the body limit; this holds a chunked body to it.
      if (received > limits.bodyBytes) stop(tooLarge('That upload', limits.bodyBytes));
    };
    const ended = () => {
      if (!incoming.complete) stop(cutShort());
    };
    /** Stops reading: the rest of the body is left to the server to drain or drop. */
    const stop = (error: unknown) => {
      if (settled) return;
      settled = true;
      incoming.unpipe(parser);
      incoming.off('data', count);
      // Not from inside busboy's own event (it still uses the file stream after 'limit').
      setImmediate(() => {
        writes.abort();
        parser.destroy();
        // Reject once every file is closed, so the folder can be deleted right after.
        void Promise.allSettled(entries.map(([, value]) => value)).then(() => reject(error));
      });
    };

    parser.on('field', (name, value, info) => {
      if (settled) return;
      text += Buffer.byteLength(name) + Buffer.byteLength(value);
      if (info.nameTruncated || info.valueTruncated || text > MAX_TEXT_BYTES) return stop(tooMuchText());
      entries.push([name, value]);
    });
    parser.on('file', (name, stream, info) => {
      if (settled) return stream.resume();
      const path = join(dir, String(entries.length));
      stream.once('limit', () => stop(tooLarge('That file', limits.fileBytes)));
      const file = pipeline(stream, createWriteStream(path), { signal: writes.signal }).then(
        async () => new File([await openAsBlob(path)], info.filename ?? '', { type: info.mimeType }),
      );
      file.catch(stop);
      entries.push([name, file]);
    });
    parser.on('filesLimit', () => stop(tooManyFiles()));
    parser.on('fieldsLimit', () => stop(tooManyFields()));
    parser.on('error', () => stop(cutShort()));
    parser.once('close', () => {
      if (settled) return;
      Promise.all(entries.map(async ([name, value]) => [name, await value] as const)).then((all) => {
        if (settled) return;
        settled = true;
        resolve(toForm(all));
      }, stop);
    });
    incoming.on('error', () => stop(cutShort()));
    incoming.once('close', ended);
    incoming.on('data', count);
    incoming.pipe(parser);
  });
}

function toForm(entries: readonly (readonly [string, string | File])[]): UploadForm {
  const form: UploadForm = Object.create(null);
  for (const [name, value] of entries) {
    const known = form[name];
    if (known === undefined) form[name] = name.endsWith('[]') ? [value] : value;
    else if (Array.isArray(known)) known.push(value);
    else form[name] = [known, value];
  }
  return form;
}

/** The streaming limits, for a form Hono has already read whole. */
function withinLimits(form: UploadForm, limits: Limits): UploadForm {
  const values = Object.values(form).flat();
  const files = values.filter((v): v is File => typeof v !== 'string');
  if (files.length > MAX_FILES) throw tooManyFiles();
  if (files.some((f) => f.size > limits.fileBytes)) throw tooLarge('That file', limits.fileBytes);
  if (values.length - files.length > MAX_FIELDS) throw tooManyFields();
  let text = 0;
  for (const [name, value] of Object.entries(form)) {
    for (const v of [value].flat()) if (typeof v === 'string') text += Buffer.byteLength(name) + Buffer.byteLength(v);
  }
  if (text > MAX_TEXT_BYTES) throw tooMuchText();
  return form;
}

/** Scratch folders left by a process that stopped mid-upload; returns how many were removed. */
export async function sweepAbandonedUploads(dataDir: string, olderThan: Date): Promise<number> {
  const root = scratchDir(dataDir);
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const path = join(root, name);
    const { mtimeMs } = await stat(path).catch(() => ({ mtimeMs: Infinity }));
    if (mtimeMs < olderThan.getTime()) {
      await rm(path, { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}
