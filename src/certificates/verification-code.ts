import { randomBytes } from 'node:crypto';

/**
 * Certificate verification codes: random, unguessable and easy to read aloud or type from paper.
 *
 * The alphabet is Crockford's base 32 without the characters people confuse (I, L, O, U and the
 * digits 0 and 1): 30 symbols, about 4.9 bits each. 14 symbols carry 68.7 bits, above the
 * 60-bit floor, so guessing a valid code through the rate-limited verify route is hopeless.
 * Codes are stored normalised (upper case, no separators) and shown grouped in fours.
 */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CODE_LENGTH = 14;
const GROUP = 4;

/** Bits of entropy in a code: log2(alphabet size) x length. */
export const CODE_BITS = Math.log2(CODE_ALPHABET.length) * CODE_LENGTH;

/**
 * A new normalised code. Bytes are drawn by rejection sampling (only bytes below the largest
 * multiple of the alphabet size are used) so every symbol is equally likely.
 */
export function generateVerificationCode(random: (size: number) => Buffer = randomBytes): string {
  const n = CODE_ALPHABET.length;
  const limit = 256 - (256 % n);
  let code = '';
  while (code.length < CODE_LENGTH) {
    for (const byte of random(CODE_LENGTH * 2)) {
      if (byte >= limit) continue;
      code += CODE_ALPHABET[byte % n];
      if (code.length === CODE_LENGTH) break;
    }
  }
  return code;
}

/** 'ABCDEFGHJKMNPQ' -> 'ABCD-EFGH-JKMN-PQ' (for print, email and the API). */
export function formatVerificationCode(code: string): string {
  const groups: string[] = [];
  for (let i = 0; i < code.length; i += GROUP) groups.push(code.slice(i, i + GROUP));
  return groups.join('-');
}

/**
 * What a person typed or scanned -> the stored form, or null when it cannot be a code.
 * Accepts any case and ignores spaces, hyphens, dots and underscores; any other character, or
 * the wrong length, is refused rather than guessed at.
 */
export function normaliseVerificationCode(input: string): string | null {
  if (typeof input !== 'string' || input.length > 64) return null;
  const compact = input.replace(/[\s._-]+/g, '').toUpperCase();
  if (compact.length !== CODE_LENGTH) return null;
  for (const ch of compact) if (!CODE_ALPHABET.includes(ch)) return null;
  return compact;
}

/** The public page that checks a code: `<base>/verify/ABCD-EFGH-JKMN-PQ`. */
export function verificationUrl(publicBaseUrl: string, code: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/verify/${formatVerificationCode(code)}`;
}
