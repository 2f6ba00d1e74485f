import { createHmac } from 'node:crypto';

/**
 * Self check-in: the code a tutor shows changes every 30 seconds. It is an HMAC of the session
 * id and the 30-second step (like TOTP), cut to six digits a student can also type. A code is
 * accepted in its own step and the next (a scan at the end of a step still works), and is
 * "stale" when it belongs to an older step of the last ten minutes.
 */
export const CHECK_IN_STEP_MS = 30_000;
/** Check-in opens this long before the start and closes at the end of the session. */
export const CHECK_IN_OPENS_BEFORE_MS = 30 * 60_000;
/** Arriving up to this long after the start counts as present. */
export const CHECK_IN_GRACE_MS = 10 * 60_000;
const STALE_STEPS = 20;

export function checkInStep(at: number): number {
  return Math.floor(at / CHECK_IN_STEP_MS);
}

export function checkInCode(key: string, sessionId: string, step: number): string {
  const digest = createHmac('sha256', key).update(`${sessionId.toLowerCase()}:${step}`).digest();
  return String(digest.readUInt32BE(0) % 1_000_000).padStart(6, '0');
}

/** When the code of `step` stops being accepted. */
export function checkInExpiry(step: number): Date {
  return new Date((step + 2) * CHECK_IN_STEP_MS);
}

export type CodeMatch = 'current' | 'stale' | 'none';

export function matchCode(key: string, sessionId: string, code: string, at: number): CodeMatch {
  const now = checkInStep(at);
  if ([now, now - 1].some((s) => checkInCode(key, sessionId, s) === code)) return 'current';
  for (let s = now - 2; s > now - STALE_STEPS; s--) {
    if (checkInCode(key, sessionId, s) === code) return 'stale';
  }
  return 'none';
}

export type CheckInOutcome =
  | { ok: true; status: 'present'; minutes: number }
  | { ok: true; status: 'late'; minutes: number }
  | { ok: false; reason: 'not_open_yet' | 'closed' };

/**
 * Present when arriving by the start plus the grace; late after it, with the minutes from arrival
 * to the end (less than the contact minutes, as the register's rule for late asks).
 */
export function checkInOutcome(
  session: { startsAt: Date; endsAt: Date; contactMinutes: number },
  at: number,
): CheckInOutcome {
  if (at < session.startsAt.getTime() - CHECK_IN_OPENS_BEFORE_MS) {
    return { ok: false, reason: 'not_open_yet' };
  }
  if (at >= session.endsAt.getTime()) return { ok: false, reason: 'closed' };
  if (at <= session.startsAt.getTime() + CHECK_IN_GRACE_MS) {
    return { ok: true, status: 'present', minutes: session.contactMinutes };
  }
  const left = Math.floor((session.endsAt.getTime() - at) / 60_000);
  const minutes = Math.min(left, session.contactMinutes - 1);
  if (minutes <= 0) return { ok: false, reason: 'closed' };
  return { ok: true, status: 'late', minutes };
}
