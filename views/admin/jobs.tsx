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

const OUTCOME: Record<RunView['outcome'], string> = {
  running: 'running',
  ok: 'ok',
  failed: 'FAILED',
  skipped: 'skipped (overlap)',
};

function duration(r: RunView): string {
  if (!r.finished_at) return '…';
  const ms = Date.parse(r.finished_at) - Date.parse(r.started_at);
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** The scheduled jobs, a "run now" button for each, and the latest runs. */
export function JobsPage(p: { jobs: JobView[]; runs: RunView[]; only: string | null; hidden: string[] }) {
  return (
    <section>
      <h1>Scheduled jobs</h1>
      <p class="muted">Times in IST. Every run is recorded below; a job never runs twice at once.</p>
      <div class="cards" id="jobs">
        {p.jobs.map((j) => (
          <article id={`job-${j.name}`}>
            <header>
              <strong>
                <a href={`/admin/jobs?name=${encodeURIComponent(j.name)}`}>{j.name}</a>
              </strong>{' '}
              <code>{j.cron}</code>
            </header>
            <p>
              Next run: {j.nextRun ? formatDateTime(j.nextRun) : '—'}
              <br />
              Last run: {j.last ? `${OUTCOME[j.last.outcome]} · ${formatDateTime(j.last.started_at)}` : 'never'}
              <br />
              Failed in the last 24 h: {j.failuresToday === 0 ? 'none' : <strong>{j.failuresToday}</strong>}
            </p>
            <form method="post" action={`/admin/jobs/${encodeURIComponent(j.name)}/run`}>
              <button type="submit" class="secondary">
                Run now
              </button>
            </form>
          </article>
        ))}
      </div>
      <h2>{p.only ? `Latest runs of ${p.only}` : 'Latest runs'}</h2>
      {p.only && (
        <p>
          <a href="/admin/jobs">All jobs</a>
        </p>
      )}
      {p.hidden.length > 0 && (
        <p class="muted">
          Runs every few seconds that went fine are left out here:{' '}
          {p.hidden.map((n, i) => (
            <>
              {i > 0 && ', '}
              <a href={`/admin/jobs?name=${encodeURIComponent(n)}`}>all runs of {n}</a>
            </>
          ))}
          .
        </p>
      )}
      {p.runs.length === 0 ? (
        <p>No runs yet.</p>
      ) : (
        <table id="runs" class="records">
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
                <td data-label="Started">{formatDateTime(r.started_at)}</td>
                <td data-label="Took">{duration(r)}</td>
                <td data-label="Outcome">
                  {r.outcome === 'failed' ? <strong>{OUTCOME[r.outcome]}</strong> : OUTCOME[r.outcome]}
                </td>
                <td data-label="Detail">{r.detail ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
