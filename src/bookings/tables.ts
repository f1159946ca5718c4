/** Tables of the bookings and payments feature (filled in by that feature's migration). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface BookingTables {}
