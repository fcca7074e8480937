/** The UTC calendar day of an epoch-ms timestamp, `YYYY-MM-DD` (pure: no clock is read). */
export function utcDay(ts: number): string {
  return new Date(ts).toISOString().slice(0, 10);
}
