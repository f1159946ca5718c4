import type { AuditRow } from '../../src/admin/types.js';
import type { AuditFilter } from '../../src/admin/schemas.js';
import { formatDateTime } from '../../src/lib/time.js';
import { FilterForm, hrefWith, Pager, Select } from './parts.js';

export interface AuditPageProps {
  rows: AuditRow[];
  total: number;
  page: number;
  pages: number;
  actions: string[];
  filter: AuditFilter;
}

/** Every admin and money action, newest first; each actor and object links to its own filter. */
export function AuditPage(p: AuditPageProps) {
  const f = p.filter;
  return (
    <section>
      <h1>Audit log</h1>
      <FilterForm action="/admin/audit" label="Filter the audit log">
        <label>
          Actor (user id)
          <input type="text" name="actor" value={f.actor ?? ''} inputmode="numeric" autocomplete="off" />
        </label>
        <Select name="action" label="Action" value={f.action} options={p.actions} all="Any action" />
        <label>
          Object
          <input type="text" name="object" value={f.object} placeholder="booking, trip, user…" autocomplete="off" />
        </label>
        <label>
          Object id
          <input type="text" name="objectId" value={f.objectId} autocomplete="off" />
        </label>
      </FilterForm>
      <Pager path="/admin/audit" query={f} page={p.page} pages={p.pages} total={p.total} noun={['entry', 'entries']} />
      <table class="records" id="audit-list">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Action</th>
            <th scope="col">Object</th>
            <th scope="col">Change</th>
          </tr>
        </thead>
        <tbody>
          {p.rows.map((r) => (
            <tr id={`audit-${r.id}`}>
              <td>{formatDateTime(r.createdAt)}</td>
              <td data-label="Who">
                {r.actorId === null ? (
                  'the system'
                ) : (
                  <a href={hrefWith('/admin/audit', { actor: r.actorId })}>{r.actorName ?? `#${r.actorId}`}</a>
                )}
              </td>
              <td data-label="Action">{r.action}</td>
              <td data-label="Object">
                <a href={hrefWith('/admin/audit', { object: r.targetType, objectId: r.targetId })}>
                  {r.targetType} {r.targetId ?? ''}
                </a>
              </td>
              <td data-label="Change">
                {r.amounts && (
                  <p class="audit-amounts">
                    <strong>{r.amounts}</strong>
                  </p>
                )}
                <small>
                  {r.before && <code>{r.before}</code>}
                  {r.before && r.after && ' → '}
                  {r.after && <code>{r.after}</code>}
                </small>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
