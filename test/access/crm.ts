import type { RouteAccess } from './types.js';

const staff = ['agent', 'admin'] as const;

/** The agents' CRM: search, the customer page, SMS and WhatsApp (admins can do what agents can). */
export const crmAccess: RouteAccess[] = [
  { method: 'GET', path: '/agent/customers', allowed: [...staff] },
  { method: 'GET', path: '/agent/customers/:id', allowed: [...staff], sample: '/agent/customers/999999' },
  { method: 'POST', path: '/agent/customers/:id/sms', allowed: [...staff], sample: '/agent/customers/999999/sms' },
  {
    method: 'POST',
    path: '/agent/customers/:id/whatsapp',
    allowed: [...staff],
    sample: '/agent/customers/999999/whatsapp',
  },
];
