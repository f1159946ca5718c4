import type { GuestValues } from '../../views/bookings/book.js';
import type { BookingForm } from './schemas.js';

/** The guest rows of the booking and participants forms: as posted (to show again), and as participants. */

export type Body = Record<string, string | string[] | File | (string | File)[] | undefined>;

export function guestValues(src: Body, lead?: { name: string; phone: string }): GuestValues {
  const arr = (k: string) => {
    const v = src[k];
    return (v === undefined ? [] : Array.isArray(v) ? v : [v]).map(String);
  };
  const name = arr('name');
  const phone = arr('phone');
  if (lead && name.length === 0) name.push(lead.name);
  if (lead && phone.length === 0) phone.push(lead.phone);
  return {
    name,
    phone,
    age: arr('age'),
    diet: arr('diet'),
    requests: typeof src.requests === 'string' ? src.requests : '',
    pay: typeof src.pay === 'string' ? src.pay : undefined,
  };
}

export const participantsOf = (f: Pick<BookingForm, 'guests' | 'name' | 'phone' | 'age' | 'diet'>) =>
  Array.from({ length: f.guests }, (_, i) => ({
    name: f.name[i],
    phone: f.phone[i],
    age: f.age[i],
    dietary: f.diet[i] ?? '',
  }));
