import { formatDateTime } from '../../src/lib/time.js';
import { formatBytes } from '../../src/backups/files.js';
import type { SystemOverview } from '../../src/admin/types.js';

const uptime = (s: number) =>
  s < 3600 ? `${Math.floor(s / 60)} min` : s < 86_400 ? `${Math.floor(s / 3600)} h` : `${Math.floor(s / 86_400)} days`;

/** /admin/system: what an operator checks, each part with what to do when it is wrong. */
export function SystemPage(p: { s: SystemOverview }) {
  const s = p.s;
  return (
    <section>
      <h1>System</h1>
      <p class="muted">
        Version {s.version}, up {uptime(s.uptimeSeconds)}.
      </p>
      <article id="system-storage">
        <h2>Database and disk</h2>
        <p>
          Database {formatBytes(s.storage.databaseBytes)}, its write-ahead log {formatBytes(s.storage.walBytes)}.
        </p>
        {s.storage.freeBytes !== null && s.storage.totalBytes !== null && (
          <p>
            {s.lowDisk && <strong>Low on space: </strong>}
            {formatBytes(s.storage.freeBytes)} free of {formatBytes(s.storage.totalBytes)} where the data lives.
          </p>
        )}
      </article>
      <article id="system-backup">
        <h2>Backups</h2>
        {s.backupWarning && (
          <p role="alert">
            <strong>{s.backupWarning}</strong> Run <code>npm run backup</code>, or the backup job from{' '}
            <a href="/admin/jobs?name=backups.nightly">Jobs</a>.
          </p>
        )}
        {s.backup ? (
          <p>
            Newest: {formatDateTime(s.backup.takenAt)}, {formatBytes(s.backup.bytes)}, in <code>{s.backup.dir}</code>.
          </p>
        ) : (
          <p>None yet.</p>
        )}
        {s.backupRun && (
          <p>
            Last run {formatDateTime(s.backupRun.started_at)}: {s.backupRun.outcome === 'ok' ? 'ok' : 'FAILED'}
            {s.backupRun.detail && <> ({s.backupRun.detail})</>}
          </p>
        )}
      </article>
      <article id="system-outbox">
        <h2>Messages</h2>
        <p>
          {s.outbox.pending} waiting, {s.outbox.sending} sending, {s.outbox.failed} failed.{' '}
          <a href="/admin/outbox">Outbox</a>
        </p>
      </article>
      <article id="system-jobs">
        <h2>Jobs</h2>
        <ul>
          {s.jobs.map((j) => (
            <li>
              <a href={`/admin/jobs?name=${encodeURIComponent(j.name)}`}>{j.name}</a>:{' '}
              {j.last ? (
                <>
                  {j.last.outcome === 'failed' ? 'FAILED' : j.last.outcome} {formatDateTime(j.last.started_at)}
                </>
              ) : (
                'not run yet'
              )}
              {j.failuresToday > 0 && <> · {j.failuresToday} failed in the last day</>}
            </li>
          ))}
        </ul>
      </article>
    </section>
  );
}
