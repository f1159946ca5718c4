import sharp from 'sharp';
import type { TestApp } from '../support/app.js';

/** A valid trip form as a browser posts it (one departure), with overrides. */
export function tripForm(over: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    title: 'Kedarkantha Winter Trek',
    description: 'A classic winter summit climb through pine forests and snowy meadows above Sankri.',
    destination: 'Sankri, Uttarkashi',
    region: 'Uttarakhand',
    price: '12,499',
    difficulty: 'beginner',
    categories: ['snow', 'first-trek'],
    included: 'Meals\nTents\nGuide',
    requirements: 'Trekking shoes',
    itinerary: 'Dehradun to Sankri, then four days on the trail.',
    meeting_point: 'Dehradun railway station',
    'schedule[0][title]': 'Drive to Sankri',
    'schedule[0][activities]': 'Ten hours by road',
    'departures[0][id]': '',
    'departures[0][start_date]': '2026-12-20',
    'departures[0][end_date]': '2026-12-25',
    'departures[0][capacity]': '15',
    intent: 'publish',
    ...over,
  };
}

/** POSTs a multipart form (files included) as a browser would. */
export function postMultipart(
  t: TestApp,
  path: string,
  form: Record<string, string | string[]>,
  files: { name: string; file: File }[],
  cookie?: string,
) {
  const body = new FormData();
  for (const [k, v] of Object.entries(form)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
  for (const f of files) body.append(f.name, f.file);
  return t.request(path, { method: 'POST', body, cookie });
}

export async function jpeg(width = 1600, height = 1000, name = 'photo.jpg'): Promise<File> {
  const buf = await sharp({ create: { width, height, channels: 3, background: { r: 30, g: 90, b: 140 } } })
    .jpeg()
    .toBuffer();
  return new File([new Uint8Array(buf)], name, { type: 'image/jpeg' });
}

/** The trip id from a redirect Location such as /trips/12 or /organizer/trips/12/edit. */
export const idFrom = (res: Response) => Number(/\/trips\/(\d+)/.exec(res.headers.get('location') ?? '')?.[1]);

/** Follows a POST's 303 like a browser: GET the Location with the flash cookie it set. */
export async function follow(t: TestApp, res: Response, cookie: string): Promise<string> {
  const flash = res.headers.get('set-cookie')?.split(';')[0];
  const next = await t.request(res.headers.get('location')!, { cookie: flash ? `${cookie}; ${flash}` : cookie });
  return next.text();
}
