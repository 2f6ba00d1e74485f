/**
 * Whether an error means a dependency (PostgreSQL or Redis) is unreachable right now, as
 * opposed to a bug: such a request is answered 503 with Retry-After, so that clients and load
 * balancers try again, instead of a 500.
 */

/** Seconds a client should wait before retrying during an outage. */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;

/** Socket-level failures (Node's error codes). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs of an unavailable server: class 08 (connection exception), admin or crash shutdown
 * and "cannot connect now" (57P01-57P03), too many connections (53300).
 */
const PG_UNAVAILABLE = /^(08...|57P0[123]|53300)$/;

/** Messages of pg, its pool, TypeORM and ioredis when the connection is gone. */
const OUTAGE_MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error/i,
  /Connection is closed/i,
  /Stream isn't writeable/i,
  /Reached the max retries per request limit/i,
  /connect ECONNREFUSED/i,
];

export function isDependencyOutage(error: unknown): boolean {
  const seen = new Set<unknown>();
  const stack: unknown[] = [error];
  while (stack.length > 0) {
    const current = stack.pop();
    if (!current || typeof current !== 'object' || seen.has(current)) continue;
    seen.add(current);
    const e = current as {
      code?: unknown;
      message?: unknown;
      driverError?: unknown;
      cause?: unknown;
      errors?: unknown;
    };
    if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || PG_UNAVAILABLE.test(e.code))) {
      return true;
    }
    if (typeof e.message === 'string' && OUTAGE_MESSAGES.some((m) => m.test(e.message as string))) {
      return true;
    }
    stack.push(e.driverError, e.cause, ...(Array.isArray(e.errors) ? (e.errors as unknown[]) : []));
  }
  return false;
}
