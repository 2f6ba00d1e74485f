import type { FastifyRequest } from 'fastify';
import type { AccessTokens } from './access-tokens';
import type { AuthSessions, LiveSession } from './auth-sessions.service';

/**
 * Who a request is, or null: a well-signed, unexpired token naming a live server-side session of
 * the same user (one prepared statement by primary key). A web session's token counts only from
 * the page cookie, never as a bearer token, so a copied cookie cannot be replayed against the
 * API. (An API token may open pages: its holder already has every power the pages give.)
 * Shared by the access guard and the queue dashboard, which Nest's guards do not reach.
 */
export async function authenticate(
  tokens: AccessTokens,
  sessions: AuthSessions,
  request: FastifyRequest,
): Promise<(LiveSession & { sessionId: string; via: 'api' | 'web' }) | null> {
  const presented = tokens.presented(request);
  const claims = presented ? await tokens.verify(presented.token) : null;
  const session = claims ? await sessions.live(claims.sid) : null;
  if (!presented || !claims || !session || session.userId !== claims.sub) return null;
  if (session.kind === 'web' && presented.kind !== 'web') return null;
  return { ...session, sessionId: claims.sid, via: presented.kind };
}
