import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { Child } from 'hono/jsx';
import type { AppEnv } from '../lib/env.js';
import { page } from '../render.js';
import { redirectWith } from '../lib/flash.js';
import { fieldErrors, FORM, readQuery, tryAction, userCanFix } from '../lib/forms.js';
import { actor, idParam } from '../lib/params.js';
import { istDate } from '../lib/time.js';
import { anonymousPageCache, savesData } from '../lib/page-cache.js';
import { readUploadForm, takesFiles } from '../lib/uploads.js';
import { requirePermission } from '../auth/middleware.js';
import { HomePage } from '../../views/home.js';
import { SearchPage, SearchResults, searchUrl } from '../../views/trips/SearchPage.js';
import { TripHead, TripPage } from '../../views/trips/TripPage.js';
import { TripFormPage, type TripFormProps } from '../../views/trips/TripForm.js';
import { ManageList } from '../../views/trips/ManageList.js';
import { OrganizerPage } from '../../views/organizers/OrganizerPage.js';
import { SaveData } from '../../views/trips/parts.js';
import { homePage, organizerPage, searchTrips, tripPage } from './discovery.js';
import { createTrip, duplicateTrip, managedTrips, tripForEdit, updateTrip } from './manage.js';
import { cancelDeparture, cancelTrip, deactivateTrip, publishTrip } from './status.js';
import { keepChosenPhotos } from './photos.js';
import {
  emptyDraft,
  MAX_IMAGES,
  WHOLE_FIELDS,
  readTripForm,
  SearchQuery,
  tripInputSchema,
  type TripDraft,
} from './schemas.js';

/** Discovery (/, /trips, /trips/:id, /organizers/:id) and organizer trip management. */
export const tripRoutes = new Hono<AppEnv>();

const today = (c: Context<AppEnv>) => istDate(c.get('deps').clock.now());
/** A back/forward restore needs the whole page, never the fragment. */
const wantsFragment = (c: Context<AppEnv>) => c.req.header('HX-History-Restore-Request') !== 'true';

/** Photos as the request asks: `Save-Data: on` gets each at its smallest width (see `photoPages`). */
const withPhotos = (c: Context<AppEnv>, body: Child) => (
  <SaveData.Provider value={savesData(c)}>{body}</SaveData.Provider>
);

/** Pages whose photos follow `Save-Data` say so, for the browser's and any shared cache. */
const photoPages: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.header('Vary', 'Save-Data', { append: true });
  await next();
};

/** The shop window, as signed-out visitors see it, is kept until the data changes. */
const shopWindow = anonymousPageCache();

tripRoutes.get('/', shopWindow, photoPages, async (c) =>
  page(c, withPhotos(c, <HomePage signedIn={c.get('user') !== null} data={await homePage(c.get('deps'))} />), {
    title: '',
  }),
);

tripRoutes.get('/trips', shopWindow, photoPages, async (c) => {
  const query = readQuery(c, SearchQuery);
  const r = await searchTrips(c.get('deps'), query);
  c.header('Vary', 'HX-Request', { append: true });
  // htmx pushes the tidy URL (no empty fields) into the address bar.
  if (c.req.header('HX-Request')) c.header('HX-Push-Url', searchUrl(query, r.page));
  return page(c, withPhotos(c, <SearchPage r={r} today={today(c)} />), {
    title: query.q ? `Treks for “${query.q}”` : 'Find a trek',
    fragment: wantsFragment(c) ? withPhotos(c, <SearchResults r={r} />) : undefined,
  });
});

tripRoutes.get('/trips/:id', shopWindow, photoPages, async (c) => {
  const user = c.get('user');
  const trip = await tripPage(c.get('deps'), idParam(c), user ? { id: user.id, role: user.role } : null);
  return page(c, withPhotos(c, <TripPage trip={trip} />), {
    title: trip.title,
    head: <TripHead trip={trip} publicUrl={c.get('deps').config.publicUrl} />,
  });
});

tripRoutes.get('/organizers/:id', shopWindow, photoPages, async (c) => {
  const org = await organizerPage(c.get('deps'), idParam(c));
  return page(c, withPhotos(c, <OrganizerPage org={org} />), { title: org.name });
});

// ---------------------------------------------------------------------------------------
// Organizer

tripRoutes.get('/organizer/trips', requirePermission('trips:update'), async (c) =>
  page(c, <ManageList trips={await managedTrips(c.get('deps'), actor(c))} />, { title: 'Your trips' }),
);

const renderForm = (
  c: Context<AppEnv>,
  p: Omit<TripFormProps, 'today'> & { title: string },
  status: 200 | 422 = 200,
) => {
  c.header('Vary', 'Save-Data', { append: true });
  return page(c, withPhotos(c, <TripFormPage {...p} today={today(c)} />), { title: p.title, status });
};

tripRoutes.get('/organizer/trips/new', requirePermission('trips:create'), (c) =>
  renderForm(c, { title: 'New trip', action: '/organizer/trips/new', draft: emptyDraft(), errors: {} }),
);

/** Adds a row for "add departure"/"add day"; null when the button was a save. */
function grow(draft: TripDraft, intent: string): TripDraft | null {
  if (intent === 'add_departure')
    return {
      ...draft,
      departures: [
        ...draft.departures,
        { id: '', start_date: '', end_date: '', capacity: draft.departures.at(-1)?.capacity ?? '', remove: false },
      ],
    };
  if (intent === 'add_day') return { ...draft, schedule: [...draft.schedule, { title: '', activities: '' }] };
  return null;
}

/**
 * Reads and checks the posted trip form; a re-render (422 or "add a row") is returned as a
 * Response. Photos posted with it are stored as pending first, so a re-render shows them
 * and the save attaches them.
 */
async function tripForm(
  c: Context<AppEnv>,
  form: Omit<TripFormProps, 'today' | 'draft' | 'errors' | 'pending'> & { title: string },
) {
  const { draft: posted, files, intent } = readTripForm(await readUploadForm(c));
  const onTrip = form.existing?.images.filter((i) => !posted.remove_images.includes(String(i.id))).length ?? 0;
  const chosen = await keepChosenPhotos(c.get('deps'), actor(c), {
    keys: posted.photos,
    remove: posted.remove_photos,
    files,
    room: MAX_IMAGES - onTrip,
  });
  const draft: TripDraft = { ...posted, photos: chosen.photos.map((p) => p.key), remove_photos: [] };
  const shown = { ...form, pending: chosen.photos };
  const photoTrouble = Object.keys(chosen.errors).length > 0;
  const grown = grow(draft, intent);
  if (grown)
    return {
      response: await renderForm(c, { ...shown, draft: grown, errors: chosen.errors }, photoTrouble ? 422 : 200),
    };
  const parsed = tripInputSchema(today(c)).safeParse(draft);
  if (!parsed.success || photoTrouble)
    return {
      response: await renderForm(
        c,
        {
          ...shown,
          draft,
          errors: { ...(parsed.success ? {} : fieldErrors(parsed.error.issues, WHOLE_FIELDS)), ...chosen.errors },
        },
        422,
      ),
    };
  const retry = (e: unknown) => {
    if (!userCanFix(e)) throw e;
    return renderForm(c, { ...shown, draft, errors: { [e.field ?? FORM]: e.message }, formLink: e.link }, 422);
  };
  return { input: parsed.data, publish: intent === 'publish', retry };
}

tripRoutes.post('/organizer/trips/new', takesFiles, requirePermission('trips:create'), async (c) => {
  const f = await tripForm(c, { title: 'New trip', action: '/organizer/trips/new' });
  if ('response' in f) return f.response;
  try {
    const id = await createTrip(c.get('deps'), actor(c), f.input, f.publish);
    return redirectWith(
      c,
      f.publish ? `/trips/${id}` : `/organizer/trips/${id}/edit`,
      f.publish ? 'Your trip is published.' : 'Draft saved.',
    );
  } catch (e) {
    return f.retry(e);
  }
});

tripRoutes.get('/organizer/trips/:id/edit', requirePermission('trips:update'), async (c) => {
  const t = await tripForEdit(c.get('deps'), actor(c), idParam(c));
  return renderForm(c, {
    title: `Edit: ${t.draft.title}`,
    action: `/organizer/trips/${t.id}/edit`,
    draft: t.draft,
    errors: {},
    existing: t,
  });
});

tripRoutes.post('/organizer/trips/:id/edit', takesFiles, requirePermission('trips:update'), async (c) => {
  const t = await tripForEdit(c.get('deps'), actor(c), idParam(c));
  const f = await tripForm(c, {
    title: `Edit: ${t.draft.title}`,
    action: `/organizer/trips/${t.id}/edit`,
    existing: t,
  });
  if ('response' in f) return f.response;
  try {
    await updateTrip(c.get('deps'), actor(c), t.id, f.input, f.publish);
    return redirectWith(c, `/organizer/trips/${t.id}/edit`, f.publish ? 'Saved and published.' : 'Saved.');
  } catch (e) {
    return f.retry(e);
  }
});

/** Status changes: one verb each, back to the list with what happened (or why not). */
const verbs = {
  publish: [publishTrip, 'Published: travelers can find it now.'],
  deactivate: [deactivateTrip, 'Deactivated: travelers no longer see it.'],
  cancel: [cancelTrip, 'The trip is cancelled.'],
} as const;
for (const [verb, [act, done]] of Object.entries(verbs)) {
  tripRoutes.post(`/organizer/trips/:id/${verb}`, requirePermission('trips:update'), (c) =>
    tryAction(c, '/organizer/trips', () => act(c.get('deps'), actor(c), idParam(c)), done),
  );
}

tripRoutes.post('/organizer/trips/:id/duplicate', requirePermission('trips:create'), async (c) => {
  const id = await duplicateTrip(c.get('deps'), actor(c), idParam(c));
  return redirectWith(c, `/organizer/trips/${id}/edit`, 'A draft copy was made. Check the dates and publish it.');
});

tripRoutes.post('/organizer/trips/:id/departures/:departureId/cancel', requirePermission('trips:update'), async (c) => {
  const id = idParam(c);
  const cancel = () => cancelDeparture(c.get('deps'), actor(c), id, idParam(c, 'departureId'));
  return tryAction(c, `/organizer/trips/${id}/edit`, cancel, 'The departure is cancelled.');
});
