import { hkdfSync } from 'node:crypto';

/** What a key derived from JWT_SECRET is for; each purpose gets its own, unrelated key. */
export type KeyPurpose = 'access-token' | 'csrf' | 'rate-limit';

const cache = new Map<string, Buffer>();

/**
 * One configured secret, several keys (HKDF-SHA256 with the purpose as `info`): a token signed
 * for one purpose can never be replayed as another (an access token is no CSRF token), and
 * neither exposes the secret itself.
 */
export function deriveKey(secret: string, purpose: KeyPurpose): Buffer {
  const id = `${purpose}\u0000${secret}`;
  let key = cache.get(id);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', secret, 'pod-cohorts', `pod-cohorts ${purpose} v1`, 32));
    cache.set(id, key);
  }
  return key;
}
