import { Hono, type Context } from 'hono';
import { zValidator } from '@hono/zod-validator';
import type { AppEnv } from '../lib/env.js';
import { requirePermission, requireUser } from '../auth/middleware.js';
import type { FieldErrors } from '../lib/errors.js';
import { redirectWith } from '../lib/flash.js';
import { formHook, tryForm, userCanFix } from '../lib/forms.js';
import { actor, idParam } from '../lib/params.js';
import { page } from '../render.js';
import {
  MyReviewsPage,
  OrganizerReviewsPage,
  ReportPage,
  ReviewFormPage,
  type ReviewValues,
} from '../../views/reviews/pages.js';
import * as svc from './service.js';
import { replyForm, reportForm, reviewForm } from './schemas.js';

type C = Context<AppEnv>;
type Status = 200 | 409 | 422;

const text = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** What the review form posted, to fill it in again. */
async function postedReview(c: C): Promise<ReviewValues> {
  const body = await c.req.parseBody({ all: true });
  const tags = body.tags === undefined ? [] : [body.tags].flat().map(String);
  return {
    trip_stars: text(body.trip_stars),
    organizer_stars: text(body.organizer_stars),
    title: text(body.title),
    comment: text(body.comment),
    tags,
  };
}

/** A message about one of the tags ("tags[2]") is shown at the set of tags. */
const oneTagsError = (errors: FieldErrors): FieldErrors =>
  Object.fromEntries(Object.entries(errors).map(([k, v]) => [k.startsWith('tags[') ? 'tags' : k, v]));

/** The review form of the booking; a booking that cannot be reviewed goes to the traveler's reviews with why. */
async function renderReviewForm(c: C, values: ReviewValues, errors: FieldErrors, status: Status = 200) {
  try {
    const booking = await svc.reviewForm(c.get('deps'), actor(c), idParam(c));
    return page(c, <ReviewFormPage booking={booking} values={values} errors={errors} />, {
      title: `Review ${booking.title}`,
      status,
    });
  } catch (e) {
    if (userCanFix(e)) return redirectWith(c, '/reviews', e.message, 'error', e.link);
    throw e;
  }
}

async function renderOrganizerReviews(
  c: C,
  failed?: { id: number; value: string; error: string },
  status: Status = 200,
) {
  const reviews = await svc.organizerInbox(c.get('deps'), actor(c));
  return page(c, <OrganizerReviewsPage reviews={reviews} failed={failed} />, { title: 'Reviews', status });
}

async function renderReport(
  c: C,
  values: { reason?: string; details?: string },
  errors: FieldErrors,
  status: Status = 200,
) {
  const review = await svc.reviewToReport(c.get('deps'), idParam(c));
  return page(c, <ReportPage review={review} values={values} errors={errors} />, { title: 'Report a review', status });
}

/** Writing, replying to and reporting reviews; the admin's side is src/admin/reviews.tsx. */
export const reviewRoutes = new Hono<AppEnv>();

reviewRoutes.get('/reviews', requirePermission('reviews:create'), async (c) =>
  page(c, <MyReviewsPage {...await svc.myReviews(c.get('deps'), actor(c))} />, { title: 'Your reviews' }),
);

reviewRoutes.get('/bookings/:id/review', requirePermission('reviews:create'), (c) =>
  renderReviewForm(c, { tags: [] }, {}),
);

reviewRoutes.post(
  '/bookings/:id/review',
  requirePermission('reviews:create'),
  zValidator(
    'form',
    reviewForm,
    formHook(async (c, _values, errors) => renderReviewForm(c, await postedReview(c), oneTagsError(errors), 422)),
  ),
  async (c) => {
    const r = await tryForm(() => svc.createReview(c.get('deps'), actor(c), idParam(c), c.req.valid('form')));
    if (!r.ok) return redirectWith(c, '/reviews', Object.values(r.errors)[0], 'error');
    return redirectWith(c, `/reviews#review-${r.value.id}`, 'Thank you: your review is published.');
  },
);

reviewRoutes.get('/reviews/:id/report', requireUser, (c) => renderReport(c, {}, {}));

reviewRoutes.post(
  '/reviews/:id/report',
  requireUser,
  zValidator(
    'form',
    reportForm,
    formHook(async (c, _values, errors) => renderReport(c, await c.req.parseBody(), errors, 422)),
  ),
  async (c) => {
    const f = c.req.valid('form');
    const r = await tryForm(() => svc.reportReview(c.get('deps'), actor(c), idParam(c), f));
    if (!r.ok) return renderReport(c, f, r.errors, 422);
    return redirectWith(c, `/trips/${r.value.tripId}#reviews`, 'Thank you: an admin will look at this review.');
  },
);

reviewRoutes.get('/organizer/reviews', requirePermission('trips:update'), (c) => renderOrganizerReviews(c));

reviewRoutes.post(
  '/organizer/reviews/:id/reply',
  requirePermission('trips:update'),
  zValidator(
    'form',
    replyForm,
    formHook(async (c, _values, errors) =>
      renderOrganizerReviews(
        c,
        { id: idParam(c), value: text((await c.req.parseBody()).reply) ?? '', error: errors.reply ?? errors.form },
        422,
      ),
    ),
  ),
  async (c) => {
    const { reply } = c.req.valid('form');
    const r = await tryForm(() => svc.replyToReview(c.get('deps'), actor(c), idParam(c), reply));
    // Already replied: the form is gone from the page, so the message goes with it as a flash.
    if (!r.ok) return redirectWith(c, '/organizer/reviews', Object.values(r.errors)[0], 'error');
    return redirectWith(c, `/organizer/reviews#review-${r.value.id}`, 'Your reply is published under the review.');
  },
);
