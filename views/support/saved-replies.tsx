import type { FieldErrors } from '../../src/lib/errors.js';
import type { SavedReply } from '../../src/support/types.js';
import { AgentNav } from './agent-desk.js';
import { Err, invalid, type Values } from './parts.js';

/* The agents' saved replies (/agent/replies): each one's edit form, and a new one. */

export interface SavedRepliesProps {
  replies: SavedReply[];
  values?: Values;
  errors?: FieldErrors;
  /** The reply whose edit form the errors belong to; null for the new one. */
  errorsFor?: number | null;
}

export function SavedRepliesPage(p: SavedRepliesProps) {
  const errs = (id: number | null) => (p.errorsFor === id ? p.errors : undefined);
  const vals = (id: number | null, r?: SavedReply) =>
    p.errorsFor === id && p.values ? p.values : { title: r?.title, body: r?.body };
  const Form = (f: { action: string; id: number | null; r?: SavedReply; label: string }) => (
    <form method="post" action={f.action} hx-boost="false">
      <label>
        Title
        <input
          name="title"
          value={vals(f.id, f.r).title}
          maxlength={80}
          required
          aria-invalid={invalid(errs(f.id), 'title')}
        />
        <Err errors={errs(f.id)} k="title" />
      </label>
      <label>
        Text
        <textarea name="body" rows={3} maxlength={5000} required aria-invalid={invalid(errs(f.id), 'body')}>
          {vals(f.id, f.r).body}
        </textarea>
        <Err errors={errs(f.id)} k="body" />
      </label>
      <button type="submit">{f.label}</button>
    </form>
  );
  return (
    <>
      <AgentNav />
      <h1>Saved replies</h1>
      {p.replies.map((r) => (
        <article id={`saved-${r.id}`}>
          <Form action={`/agent/replies/${r.id}`} id={r.id} r={r} label="Save" />
          <form method="post" action={`/agent/replies/${r.id}/delete`} hx-boost="false">
            <button type="submit" class="secondary">
              Delete
            </button>
          </form>
        </article>
      ))}
      <h2>New saved reply</h2>
      <Form action="/agent/replies" id={null} label="Add" />
    </>
  );
}
