/**
 * TRUST_PROXY as Fastify's `trustProxy`: which hops in front of the app may tell it the client's
 * address through X-Forwarded-For. Never "trust everything": that makes the leftmost entry, which
 * the client writes itself, the address that rate limits count.
 * - `false` or `0`: no proxy; the socket's address is the client.
 * - a number n (`true` means 1): n proxies in front; the client is the address n hops from the
 *   right of the chain, the one the outermost trusted proxy saw.
 * - a comma-separated list of addresses or CIDR ranges: exactly those proxies are trusted.
 */
export type TrustProxy = false | number | string[];

const HOPS = /^\d{1,2}$/;
const ADDRESS = /^[0-9A-Fa-f:.]+(\/\d{1,3})?$/;

export function parseTrustProxy(value: string): TrustProxy | null {
  const v = value.trim().toLowerCase();
  if (v === '' || v === 'false' || v === '0') return false;
  if (v === 'true') return 1;
  if (HOPS.test(v)) return Number(v);
  const list = v.split(',').map((s) => s.trim());
  return list.every((s) => ADDRESS.test(s)) ? list : null;
}

/**
 * The value for Fastify's `trustProxy`. Fastify refuses a bare hop count (it cannot check the
 * immediate peer), so n hops become the function proxy-addr calls with each hop's index from the
 * socket outwards: the socket and the next n - 1 addresses are proxies. Prefer a list of proxy
 * addresses where they are known: then a client that reaches the app directly cannot pose as one.
 */
export function fastifyTrustProxy(
  setting: TrustProxy,
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting === 'number') {
    return setting === 0 ? false : (_address: string, hop: number) => hop < setting;
  }
  return setting;
}
