import type { IncomingMessage, ServerResponse } from 'node:http';

/** Set on the raw request by the access guard, so the request log line can name the user. */
export const LOG_USER_ID = Symbol('pod.logUserId');
export type LoggedRequest = IncomingMessage & { [LOG_USER_ID]?: string };

/**
 * Path segments that are secrets or personal: a calendar feed's token, a verification code, an
 * invitation or reset token. The query string is dropped altogether (searches hold names).
 */
const SECRET_SEGMENTS = /\/(calendar|verify|api\/v1\/verify|invitations|password-reset)\/[^/?#]+/g;

/** The path as the request log shows it: no query string, no secret segments. */
export function loggablePath(url: string | undefined): string {
  const path = (url ?? '').split('?')[0].split('#')[0];
  return path.replace(SECRET_SEGMENTS, '/$1/[redacted]');
}

/**
 * What one request log line says (ASVS 16.2.1, 16.2.5): the request id, method, path, client
 * address, user and status. Never headers (tokens, cookies), bodies (passwords) or queries.
 */
export const requestLogSerializers = {
  req: (req: { id?: unknown; method?: string; url?: string; remoteAddress?: string }) => ({
    id: req.id,
    method: req.method,
    path: loggablePath(req.url),
    remoteAddress: req.remoteAddress,
  }),
  res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
};

export function requestLogProps(req: IncomingMessage, _res: ServerResponse) {
  const userId = (req as LoggedRequest)[LOG_USER_ID];
  return userId ? { userId } : {};
}
