import type { AdminBooking, AdminPayment, OrganizerChoice } from '../../src/admin/types.js';
import type { BookingFilter, PaymentFilter } from '../../src/admin/schemas.js';
import { BOOKING_STATUSES, PAYMENT_STATUSES } from '../../src/admin/schemas.js';
import { formatPaise } from '../../src/lib/money.js';
import { formatDateTime, formatDay } from '../../src/lib/time.js';
import { FilterForm, hrefWith, Pager, Select } from './parts.js';

interface ListProps<R, F> {
  rows: R[];
  total: number;
  page: number;
  pages: number;
  organizers: OrganizerChoice[];
  filter: F;
}

/** The filters both lists share: status, organizer, trip id and a date range (days in India). */
function MoneyFilters(p: {
  path: string;
  statuses: readonly string[];
  filter: BookingFilter | PaymentFilter;
  organizers: OrganizerChoice[];
  dateLabel: string;
}) {
  const f = p.filter;
  return (
    <FilterForm action={p.path} label="Filter" csv={hrefWith(`${p.path}.csv`, { ...f, page: null })}>
      <Select name="status" label="Status" value={f.status} options={p.statuses} all="Any status" />
      <Select
        name="organizer"
        label="Organizer"
        value={f.organizer}
        options={p.organizers.map((o) => ({ value: o.id, label: o.name }))}
        all="Any organizer"
      />
      <label>
        Trip id
        <input type="text" name="trip" value={f.trip ?? ''} inputmode="numeric" autocomplete="off" />
      </label>
      <label>
        {p.dateLabel} from (IST)
        <input type="date" name="from" value={f.from} />
      </label>
      <label>
        to (IST, inclusive)
        <input type="date" name="to" value={f.to} />
      </label>
    </FilterForm>
  );
}

export function BookingsPage(p: ListProps<AdminBooking, BookingFilter>) {
  return (
    <section>
      <h1>Bookings</h1>
      <MoneyFilters
        path="/admin/bookings"
        statuses={BOOKING_STATUSES}
        filter={p.filter}
        organizers={p.organizers}
        dateLabel="Booked"
      />
      <Pager
        path="/admin/bookings"
        query={p.filter}
        page={p.page}
        pages={p.pages}
        total={p.total}
        noun={['booking', 'bookings']}
      />
      <table class="records" id="booking-list">
        <thead>
          <tr>
            <th scope="col">Booking</th>
            <th scope="col">Trip</th>
            <th scope="col">Status</th>
            <th scope="col">Amount</th>
            <th scope="col">Received</th>
            <th scope="col">Outstanding</th>
          </tr>
        </thead>
        <tbody>
          {p.rows.map((b) => (
            <tr id={`booking-${b.id}`}>
              <td>
                <a href={`/bookings/${b.id}`}>{b.code}</a>
                <br />
                <small class="muted">{formatDateTime(b.created_at)}</small>
              </td>
              <td data-label="Trip">
                {b.trip_title} · {formatDay(b.start_date)}
                <br />
                <small>
                  {b.traveler_name} with {b.organizer_name}
                </small>
              </td>
              <td data-label="Status">
                {b.status} · {b.payment_status}
              </td>
              <td data-label="Amount">
                {formatPaise(b.amount_paise)}
                {b.refund_paise > 0 && <small> (refunded {formatPaise(b.refund_paise)})</small>}
              </td>
              <td data-label="Received" class="received">
                {formatPaise(b.paid_paise)}
              </td>
              <td data-label="Outstanding" class="outstanding">
                {b.outstanding_paise > 0 ? (
                  <>
                    {formatPaise(b.outstanding_paise)}
                    {b.balance_due_on && <small> due by {formatDay(b.balance_due_on)}</small>}
                  </>
                ) : (
                  formatPaise(0)
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function PaymentsPage(p: ListProps<AdminPayment, PaymentFilter>) {
  return (
    <section>
      <h1>Payments</h1>
      <MoneyFilters
        path="/admin/payments"
        statuses={PAYMENT_STATUSES}
        filter={p.filter}
        organizers={p.organizers}
        dateLabel="Paid"
      />
      <Pager
        path="/admin/payments"
        query={p.filter}
        page={p.page}
        pages={p.pages}
        total={p.total}
        noun={['payment', 'payments']}
      />
      <table class="records" id="payment-list">
        <thead>
          <tr>
            <th scope="col">Payment</th>
            <th scope="col">Booking</th>
            <th scope="col">Status</th>
            <th scope="col">Amount</th>
          </tr>
        </thead>
        <tbody>
          {p.rows.map((r) => (
            <tr id={`payment-${r.id}`}>
              <td>
                #{r.id} {r.method}
                <br />
                <small class="muted">{formatDateTime(r.paid_at ?? r.created_at)}</small>
              </td>
              <td data-label="Booking">
                <a href={`/bookings/${r.booking_id}`}>{r.booking_code}</a> · {r.trip_title}
                <br />
                <small>{r.organizer_name}</small>
              </td>
              <td data-label="Status">{r.status}</td>
              <td data-label="Amount">
                {formatPaise(r.amount_paise)}
                {Number(r.refunded_paise) > 0 && <small> (refunded {formatPaise(Number(r.refunded_paise))})</small>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
