import { z } from 'zod';

/** The agent dashboard's customer search: a name, email or phone; too long is cut, not refused. */
export const customerSearch = z.object({
  q: z.string().trim().max(100).optional().default('').catch(''),
});
