import type { Context } from 'hono';
import type { AppEnv } from '../lib/env.js';
import { fieldErrors, tryForm } from '../lib/forms.js';
import { readUploadForm } from '../lib/uploads.js';
import { postedScreenshot, upiProofForm } from './schemas.js';

/**
 * A UPI proof form as posted (a booking's, a move's): its screenshot streamed to disk
 * (readUploadForm), then the form checked. Everything wrong is said at once (a bad UTR does not
 * hide that the file will not do either), and a screenshot that will do is kept by `keep`, so the
 * next try needs no upload.
 */
export async function readProofForm(c: Context<AppEnv>, keep: (file: File) => Promise<unknown>) {
  const posted = await readUploadForm(c);
  const f = upiProofForm.safeParse(posted);
  if (f.success)
    return { ok: true as const, utr: f.data.utr, screenshot: f.data.screenshot ?? { kept: f.data.kept ?? '' } };
  const errors = fieldErrors(f.error.issues);
  const file = postedScreenshot(posted.screenshot);
  const kept = file && (await tryForm(() => keep(file), { fieldsOnly: true }));
  if (kept && !kept.ok) errors.screenshot ??= kept.errors.screenshot;
  return { ok: false as const, utr: typeof posted.utr === 'string' ? posted.utr : '', errors };
}
