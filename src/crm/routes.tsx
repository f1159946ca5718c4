import { Hono, type Context } from 'hono';
import { zValidator } from '@hono/zod-validator';
import type { AppEnv } from '../lib/env.js';
import { requirePermission } from '../auth/middleware.js';
import type { FieldErrors } from '../lib/errors.js';
import { redirectWith } from '../lib/flash.js';
import { formHook, tryForm, type Status, type Values } from '../lib/forms.js';
import { actor, idParam } from '../lib/params.js';
import { page } from '../render.js';
import { CustomerPage, CustomerSearchPage, type CustomerPageProps } from '../../views/crm/pages.js';
import * as svc from './service.js';
import { searchQuery, smsForm, whatsappForm } from './schemas.js';

type C = Context<AppEnv>;

const renderCustomer = async (
  c: C,
  o: Pick<CustomerPageProps, 'values' | 'errors' | 'errorsFor'> = {},
  status: Status = 200,
) => {
  const d = await svc.customerPage(c.get('deps'), actor(c), idParam(c));
  return page(c, <CustomerPage {...d} {...o} />, { title: d.profile.name, status });
};

const sendFailed = (errorsFor: 'sms' | 'whatsapp') => (c: C, values: Values, errors: FieldErrors, status: Status) =>
  renderCustomer(c, { values, errors, errorsFor }, status);

/** The agents' CRM: customer search, the customer page, SMS and WhatsApp through the outbox. */
export const crmRoutes = new Hono<AppEnv>();

crmRoutes.get(
  '/agent/customers',
  requirePermission('users:read'),
  zValidator('query', searchQuery, formHook()),
  async (c) => {
    const { q } = c.req.valid('query');
    const hits = q ? await svc.searchCustomers(c.get('deps'), actor(c), q) : [];
    return page(c, <CustomerSearchPage q={q} hits={hits} />, { title: 'Customers' });
  },
);

crmRoutes.get('/agent/customers/:id', requirePermission('users:read'), (c) => renderCustomer(c));

crmRoutes.post(
  '/agent/customers/:id/sms',
  requirePermission('messages:send'),
  zValidator('form', smsForm, formHook(sendFailed('sms'))),
  async (c) => {
    const r = await tryForm(() => svc.sendSms(c.get('deps'), actor(c), idParam(c), c.req.valid('form').text));
    if (!r.ok) return renderCustomer(c, { values: c.req.valid('form'), errors: r.errors, errorsFor: 'sms' }, r.status);
    return redirectWith(c, `/agent/customers/${idParam(c)}`, 'SMS queued; it shows on the timeline below.');
  },
);

crmRoutes.post(
  '/agent/customers/:id/whatsapp',
  requirePermission('messages:send'),
  zValidator('form', whatsappForm, formHook(sendFailed('whatsapp'))),
  async (c) => {
    const f = c.req.valid('form');
    const r = await tryForm(() => svc.sendWhatsapp(c.get('deps'), actor(c), idParam(c), f));
    if (!r.ok) {
      const values = {
        mode: f.mode,
        text: f.text,
        ...Object.fromEntries(Object.entries(f.variables).map(([k, v]) => [`var${k}`, v])),
      };
      return renderCustomer(c, { values, errors: r.errors, errorsFor: 'whatsapp' }, r.status);
    }
    return redirectWith(
      c,
      `/agent/customers/${idParam(c)}`,
      'WhatsApp message queued; it shows on the timeline below.',
    );
  },
);
