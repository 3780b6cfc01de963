// Dates as the officers live them: in Vietnam (UTC+7, no daylight saving), whatever zone the
// browser's computer is set to.

const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;

// Today in Vietnam as YYYY-MM-DD (at 06:30 in Hà Giang it is already today, not yesterday's UTC date).
export function todayInVietnam(now = new Date()) {
  return new Date(now.getTime() + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
}
