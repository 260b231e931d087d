// Durations in environment files (docs/gitops.md#the-environment-file): `soak: 24h`,
// `duration: 64h`, written as weeks, days, hours and minutes in that order (`2d12h`,
// `90m`). They are elapsed time: a day is 24 hours, also across a daylight-saving change.
import { plural } from '../words.js';

const DURATION = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$/;
const MINUTE = 60_000;

/** Milliseconds, or null when the text is not a duration (or is zero). */
export function parseDuration(text: string): number | null {
  const match = DURATION.exec(text);
  if (!match || text.length === 0) return null;
  const [weeks, days, hours, minutes] = match.slice(1).map((part) => (part === undefined ? 0 : Number(part)));
  const ms = (((weeks! * 7 + days!) * 24 + hours!) * 60 + minutes!) * MINUTE;
  return Number.isSafeInteger(ms) && ms > 0 ? ms : null;
}

/** `64h` → "64 hours", for messages. */
export function describeDuration(ms: number): string {
  if (ms < MINUTE) return 'less than a minute';
  const minutes = Math.floor(ms / MINUTE);
  if (minutes < 60 || minutes % 60 !== 0) return plural(minutes, 'minute');
  const hours = minutes / 60;
  return plural(hours, 'hour');
}
