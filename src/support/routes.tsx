import { Hono, type Context } from 'hono';
import { zValidator } from '@hono/zod-validator';
import type { AppEnv } from '../lib/env.js';
import { requirePermission } from '../auth/middleware.js';
import { NotFoundError, type FieldErrors } from '../lib/errors.js';
import { redirectWith } from '../lib/flash.js';
import { fieldErrors, formHook, readQuery, tryForm, typedValues, type Status, type Values } from '../lib/forms.js';
import { actor, idParam } from '../lib/params.js';
import { page } from '../render.js';
import { readUploadForm, takesFiles } from '../lib/uploads.js';
import { AgentTicketLive, AgentTicketPage, QueuePage, type AgentTicketProps } from '../../views/support/agent-desk.js';
import { CustomerTicketLive, CustomerTicketPage, SupportHome } from '../../views/support/customer.js';
import { SavedRepliesPage } from '../../views/support/saved-replies.js';
import { agentStats } from './agent-stats.js';
import { addNote, agentReply, agentTicket, assignToMe, changeStatus, ticketQueue } from './agent-desk.js';
import {
  customerReply,
  customerTicket,
  myTickets,
  openTicket,
  rateTicket,
  ticketFormData,
  ticketImage,
} from './customer-tickets.js';
import { agentTyping, customerTyping } from './typing.js';
import { addSavedReply, editSavedReply, listSavedReplies, removeSavedReply } from './saved-replies.js';
import {
  agentReplyForm,
  customerReplyForm,
  noteForm,
  queueQuery,
  ratingForm,
  savedReplyForm,
  savedReplyQuery,
  statusForm,
  ticketForm,
  uploadFields,
} from './schemas.js';

type C = Context<AppEnv>;

const renderHome = async (c: C, values: Values = {}, errors: FieldErrors = {}, status: Status = 200) => {
  const [tickets, form] = await Promise.all([
    myTickets(c.get('deps'), actor(c)),
    ticketFormData(c.get('deps'), actor(c)),
  ]);
  return page(c, <SupportHome tickets={tickets} bookings={form.bookings} values={values} errors={errors} />, {
    title: 'Support',
    status,
  });
};

/** The customer's thread; an htmx request gets its live part alone (the status and the thread: what a live refresh swaps). */
const renderCustomerTicket = async (c: C, values: Values = {}, errors: FieldErrors = {}, status: Status = 200) => {
  const d = await customerTicket(c.get('deps'), actor(c), idParam(c));
  return page(c, <CustomerTicketPage {...d} values={values} errors={errors} />, {
    title: `Ticket #${d.ticket.id}`,
    status,
    fragment: <CustomerTicketLive {...d} />,
  });
};

const renderAgentTicket = async (
  c: C,
  o: Pick<AgentTicketProps, 'values' | 'errors' | 'errorsFor'> = {},
  status: Status = 200,
) => {
  const reply = savedReplyQuery.parse({ reply: c.req.query('reply') }).reply;
  const d = await agentTicket(c.get('deps'), actor(c), idParam(c), reply);
  return page(c, <AgentTicketPage {...d} {...o} meId={actor(c).id} />, {
    title: `Ticket #${d.ticket.id}`,
    status,
    fragment: <AgentTicketLive {...d} />,
  });
};

const agentFailed =
  (errorsFor: AgentTicketProps['errorsFor']) => (c: C, values: Values, errors: FieldErrors, status: Status) =>
    renderAgentTicket(c, { values, errors, errorsFor }, status);

const renderReplies = async (
  c: C,
  values?: Values,
  errors?: FieldErrors,
  errorsFor?: number | null,
  status: Status = 200,
) =>
  page(
    c,
    <SavedRepliesPage replies={await listSavedReplies(c.get('deps'), actor(c))} {...{ values, errors, errorsFor }} />,
    {
      title: 'Saved replies',
      status,
    },
  );

/** Support tickets: the customer's /support pages and the agents' /agent/tickets desk. */
export const supportRoutes = new Hono<AppEnv>();

// ------------------------------------------------------------ the customer

supportRoutes.get('/support', requirePermission('tickets:create'), (c) => renderHome(c));

/** A new ticket: its images stream to disk (readUploadForm, on a route marked takesFiles), then the form is checked. */
supportRoutes.post('/support', takesFiles, requirePermission('tickets:create'), async (c) => {
  const posted = await readUploadForm(c);
  const f = ticketForm.safeParse(uploadFields(posted));
  if (!f.success) return renderHome(c, typedValues(posted), fieldErrors(f.error.issues), 422);
  const r = await tryForm(() => openTicket(c.get('deps'), actor(c), f.data));
  if (!r.ok) return renderHome(c, typedValues(posted), r.errors, r.status);
  return redirectWith(
    c,
    `/support/${r.value}`,
    'Your ticket is with our support team. We will reply here and by email.',
  );
});

supportRoutes.get('/support/:id', requirePermission('tickets:create'), (c) => renderCustomerTicket(c));

supportRoutes.post('/support/:id/reply', takesFiles, requirePermission('tickets:create'), async (c) => {
  const posted = await readUploadForm(c);
  const f = customerReplyForm.safeParse(uploadFields(posted));
  if (!f.success) return renderCustomerTicket(c, typedValues(posted), fieldErrors(f.error.issues), 422);
  const r = await tryForm(() => customerReply(c.get('deps'), actor(c), idParam(c), f.data));
  if (!r.ok) return renderCustomerTicket(c, typedValues(posted), r.errors, r.status);
  return redirectWith(c, `/support/${idParam(c)}`, 'Reply sent.');
});

supportRoutes.post(
  '/support/:id/rate',
  requirePermission('tickets:create'),
  zValidator('form', ratingForm, formHook(renderCustomerTicket)),
  async (c) => {
    const r = await tryForm(() => rateTicket(c.get('deps'), actor(c), idParam(c), c.req.valid('form').rating));
    if (!r.ok) return renderCustomerTicket(c, {}, { rating: Object.values(r.errors)[0] }, r.status);
    return redirectWith(c, `/support/${idParam(c)}`, 'Thank you for rating our help.');
  },
);

/** "typing…" (posted by the page's script while the customer writes a reply): the desk's open pages show it. */
supportRoutes.post('/support/:id/typing', requirePermission('tickets:create'), async (c) => {
  await customerTyping(c.get('deps'), actor(c), idParam(c));
  return c.body(null, 204);
});

/** An image of a thread: private to the ticket's customer and staff, never cached by others. */
supportRoutes.get('/support/:id/images/:name', requirePermission('tickets:create'), async (c) => {
  const bytes = await ticketImage(c.get('deps'), actor(c), idParam(c), c.req.param('name'));
  if (!bytes) throw new NotFoundError();
  return c.body(bytes, 200, { 'Content-Type': 'image/webp', 'Cache-Control': 'private, max-age=3600' });
});

// ------------------------------------------------------------ the agents

supportRoutes.get('/agent/tickets', requirePermission('tickets:manage'), async (c) => {
  const f = readQuery(c, queueQuery);
  const [queue, stats] = await Promise.all([
    ticketQueue(c.get('deps'), actor(c), f),
    agentStats(c.get('deps'), actor(c)),
  ]);
  return page(c, <QueuePage {...queue} stats={stats} />, { title: 'Ticket queue' });
});

supportRoutes.get('/agent/tickets/:id', requirePermission('tickets:manage'), (c) => renderAgentTicket(c));

supportRoutes.post('/agent/tickets/:id/assign', requirePermission('tickets:manage'), async (c) => {
  await assignToMe(c.get('deps'), actor(c), idParam(c));
  return redirectWith(c, `/agent/tickets/${idParam(c)}`, 'The ticket is yours.');
});

supportRoutes.post(
  '/agent/tickets/:id/reply',
  requirePermission('tickets:manage'),
  zValidator('form', agentReplyForm, formHook(agentFailed('reply'))),
  async (c) => {
    await agentReply(c.get('deps'), actor(c), idParam(c), c.req.valid('form'));
    return redirectWith(c, `/agent/tickets/${idParam(c)}`, 'Reply sent; the customer gets it by email.');
  },
);

/** "typing…" (posted by the page's script while an agent writes a reply): the customer's open page shows it. */
supportRoutes.post('/agent/tickets/:id/typing', requirePermission('tickets:manage'), async (c) => {
  await agentTyping(c.get('deps'), actor(c), idParam(c));
  return c.body(null, 204);
});

supportRoutes.post(
  '/agent/tickets/:id/note',
  requirePermission('tickets:manage'),
  zValidator('form', noteForm, formHook(agentFailed('note'))),
  async (c) => {
    await addNote(c.get('deps'), actor(c), idParam(c), c.req.valid('form').body);
    return redirectWith(c, `/agent/tickets/${idParam(c)}`, 'Note added (agents only).');
  },
);

supportRoutes.post(
  '/agent/tickets/:id/status',
  requirePermission('tickets:manage'),
  zValidator('form', statusForm, formHook(agentFailed('status'))),
  async (c) => {
    const r = await tryForm(() => changeStatus(c.get('deps'), actor(c), idParam(c), c.req.valid('form').status));
    if (!r.ok)
      return renderAgentTicket(c, { errors: { status: Object.values(r.errors)[0] }, errorsFor: 'status' }, r.status);
    return redirectWith(c, `/agent/tickets/${idParam(c)}`, 'Status changed.');
  },
);

// ------------------------------------------------------------ saved replies

supportRoutes.get('/agent/replies', requirePermission('tickets:manage'), (c) => renderReplies(c));

supportRoutes.post(
  '/agent/replies',
  requirePermission('tickets:manage'),
  zValidator(
    'form',
    savedReplyForm,
    formHook((c, v, e, s) => renderReplies(c, v, e, null, s)),
  ),
  async (c) => {
    await addSavedReply(c.get('deps'), actor(c), c.req.valid('form'));
    return redirectWith(c, '/agent/replies', 'Saved reply added.');
  },
);

supportRoutes.post(
  '/agent/replies/:id',
  requirePermission('tickets:manage'),
  zValidator(
    'form',
    savedReplyForm,
    formHook((c, v, e, s) => renderReplies(c, v, e, idParam(c), s)),
  ),
  async (c) => {
    await editSavedReply(c.get('deps'), actor(c), idParam(c), c.req.valid('form'));
    return redirectWith(c, '/agent/replies', 'Saved reply saved.');
  },
);

supportRoutes.post('/agent/replies/:id/delete', requirePermission('tickets:manage'), async (c) => {
  await removeSavedReply(c.get('deps'), actor(c), idParam(c));
  return redirectWith(c, '/agent/replies', 'Saved reply deleted.');
});
