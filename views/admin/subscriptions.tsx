import { formatPaise } from '../../src/lib/money.js';
import { formatDate, formatMonth } from '../../src/lib/time.js';
import type { SubscriptionsOverview, SubscriptionStatus } from '../../src/billing/types.js';

const STATUS: Record<SubscriptionStatus, string> = {
  trial: 'Trial',
  active: 'Active',
  past_due: 'Past due',
  inactive: 'Inactive',
  cancelled: 'Cancelled',
};

/** Revenue per month as bars with their labels in the SVG itself (no script, readable at 360 px). */
function RevenueChart(p: { revenue: SubscriptionsOverview['revenue'] }) {
  const bar = 36;
  const gap = 12;
  const h = 160;
  const max = Math.max(1, ...p.revenue.map((r) => r.paise));
  const width = Math.max(1, p.revenue.length) * (bar + gap) + gap;
  return (
    <svg
      id="revenue-chart"
      role="img"
      aria-label="Subscription revenue per month"
      viewBox={`0 0 ${width} ${h + 40}`}
      style="max-width: 100%; height: auto;"
    >
      {p.revenue.map((r, i) => {
        const barH = Math.round((r.paise / max) * h);
        const x = gap + i * (bar + gap);
        return (
          <g>
            <rect x={x} y={h - barH + 16} width={bar} height={barH} fill="#0172ad" />
            <text x={x + bar / 2} y={h - barH + 12} text-anchor="middle" font-size="10">
              {formatPaise(r.paise)}
            </text>
            <text x={x + bar / 2} y={h + 32} text-anchor="middle" font-size="10">
              {r.month}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

export function SubscriptionsPage(p: SubscriptionsOverview) {
  return (
    <>
      <h1>Subscriptions</h1>
      <p id="status-counts">
        {p.counts.map((c, i) => (
          <>
            {i > 0 && ' · '}
            {STATUS[c.status]}: {c.n}
          </>
        ))}
      </p>
      <section class="grid">
        <div>
          <h2>Revenue per month</h2>
          {p.revenue.length > 0 ? <RevenueChart revenue={p.revenue} /> : <p class="muted">No payments yet.</p>}
        </div>
        <div>
          <table class="records" id="revenue">
            <thead>
              <tr>
                <th>Month</th>
                <th>Payments</th>
                <th>Revenue</th>
              </tr>
            </thead>
            <tbody>
              {p.revenue.map((r) => (
                <tr>
                  <td data-label="Month">{formatMonth(r.month)}</td>
                  <td data-label="Payments">{r.n}</td>
                  <td data-label="Revenue">{formatPaise(r.paise)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section>
        <h2>By status</h2>
        <table class="records" id="subscriptions">
          <thead>
            <tr>
              <th>Organizer</th>
              <th>Status</th>
              <th>Paid until</th>
              <th>Next charge</th>
              <th>Auto-pay</th>
            </tr>
          </thead>
          <tbody>
            {p.items.map((s) => (
              <tr>
                <td data-label="Organizer">
                  <a href={`/organizer/subscription?organizer=${s.organizerId}`}>{s.organizer}</a>
                </td>
                <td data-label="Status">{STATUS[s.status]}</td>
                <td data-label="Paid until">{formatDate(s.periodEnd)}</td>
                <td data-label="Next charge">{s.nextChargeAt ? formatDate(s.nextChargeAt) : '—'}</td>
                <td data-label="Auto-pay">{s.autopay}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
