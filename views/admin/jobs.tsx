import { formatDateTime } from '../../src/lib/time.js';

export interface JobView {
  name: string;
  cron: string;
  nextRun: string | null;
  last: RunView | null;
  failuresToday: number;
}

export interface RunView {
  id: number;
  name: string;
  started_at: string;
  finished_at: string | null;
  outcome: 'running' | 'ok' | 'failed' | 'skipped';
  detail: string | null;
}

const OUTCOME: Record<RunView['outcome'], string> = { running: 'running', ok: 'ok', failed: 'FAILED', skipped: 'skipped (overlap)' };

function duration(r: RunView): string {
  if (!r.finished_at) return '…';
  const ms = Date.parse(r.finished_at) - Date.parse(r.started_at);
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** The scheduled jobs, a "run now" button for each, and the latest runs. */
export function JobsPage(p: { jobs: JobView[]; runs: RunView[]; only: string | null }) {
  return (
    <section>
      <h1>Scheduled jobs</h1>
      <p class="muted">Times in IST. Every run is recorded below; a job never runs twice at once.</p>
      <table id="jobs">
        <thead>
          <tr>
            <th scope="col">Job</th>
            <th scope="col">Schedule</th>
            <th scope="col">Next run</th>
            <th scope="col">Last run</th>
            <th scope="col">Failed (24 h)</th>
            <th scope="col"></th>
          </tr>
        </thead>
        <tbody>
          {p.jobs.map((j) => (
            <tr id={`job-${j.name}`}>
              <th scope="row"><a href={`/admin/jobs?name=${encodeURIComponent(j.name)}`}>{j.name}</a></th>
              <td><code>{j.cron}</code></td>
              <td>{j.nextRun ? formatDateTime(j.nextRun) : '—'}</td>
              <td>{j.last ? `${OUTCOME[j.last.outcome]} · ${formatDateTime(j.last.started_at)}` : 'never'}</td>
              <td>{j.failuresToday}</td>
              <td>
                <form method="post" action={`/admin/jobs/${encodeURIComponent(j.name)}/run`} class="inline">
                  <button type="submit" class="secondary">Run now</button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{p.only ? `Latest runs of ${p.only}` : 'Latest runs'}</h2>
      {p.only && <p><a href="/admin/jobs">All jobs</a></p>}
      {p.runs.length === 0 ? (
        <p>No runs yet.</p>
      ) : (
        <table id="runs">
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">Started</th>
              <th scope="col">Took</th>
              <th scope="col">Outcome</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {p.runs.map((r) => (
              <tr class={`run-${r.outcome}`}>
                <td>{r.name}</td>
                <td>{formatDateTime(r.started_at)}</td>
                <td>{duration(r)}</td>
                <td>{r.outcome === 'failed' ? <strong>{OUTCOME[r.outcome]}</strong> : OUTCOME[r.outcome]}</td>
                <td>{r.detail ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
