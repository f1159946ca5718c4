import { z } from 'zod';

export const searchQuery = z.object({
  q: z.string().trim().max(100).catch('').default(''),
});

const message = (max: number) =>
  z
    .string({ message: 'Write the message.' })
    .trim()
    .min(1, 'Write the message.')
    .max(max, `Keep it under ${max} characters.`);

export const smsForm = z.object({ text: message(640) });

/** Free text (inside the 24 h window) or the configured template with its variables (var1 … var10). */
export const whatsappForm = z
  .object({
    mode: z.enum(['text', 'template'], { message: 'Choose free text or the template.' }),
    text: z.string().trim().max(1000, 'Keep it under 1000 characters.').optional(),
  })
  .catchall(z.string().trim().max(300, 'Keep each value under 300 characters.'))
  .superRefine((f, ctx) => {
    if (f.mode === 'text' && !f.text) ctx.addIssue({ code: 'custom', path: ['text'], message: 'Write the message.' });
  })
  .transform((f) => ({
    mode: f.mode,
    text: f.text ?? '',
    variables: Object.fromEntries(
      Object.entries(f)
        .filter(([k]) => /^var([1-9]|10)$/.test(k))
        .map(([k, v]) => [k.slice(3), String(v)]),
    ) as Record<string, string>,
  }));
export type WhatsappInput = z.output<typeof whatsappForm>;
