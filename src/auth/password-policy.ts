import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { zxcvbnEstimator } from '../common/zxcvbn';

/** ASVS 6.2.1 asks at least 8; a 12-character floor keeps the API's long-standing minimum. */
export const PASSWORD_MIN_LENGTH = 12;
/** ASVS 6.2.9 asks that at least 64 be allowed; argon2 is fine with 128. */
export const PASSWORD_MAX_LENGTH = 128;
/** zxcvbn's 0..4 scale: 3 is "safely unguessable: moderate protection from offline attack". */
export const PASSWORD_MIN_SCORE = 3;

/** Words of this service an attacker would try first (ASVS 6.2.11). */
const SERVICE_WORDS = ['pod', 'cohorts', 'podcohorts', 'nelft', 'lsbu', 'open', 'dialogue'];

let zxcvbn: ZxcvbnFactory | undefined;

export type PasswordVerdict = { ok: true } | { ok: false; reason: string };

/**
 * Whether a new password may be set (ASVS 6.2.1-6.2.12): long enough, not too long, and not
 * guessable by zxcvbn's estimate, which checks offline against the common-password lists
 * shipped with @zxcvbn-ts/language-common (the most used breached passwords), English words and
 * names, keyboard walks, repeats and sequences, and `context`: the person's own email, names
 * and the service's words. No composition rules (6.2.5). Pure: no I/O.
 */
export function checkNewPassword(password: string, context: string[] = []): PasswordVerdict {
  if (password.length < PASSWORD_MIN_LENGTH) {
    return { ok: false, reason: `must be at least ${PASSWORD_MIN_LENGTH} characters` };
  }
  if (password.length > PASSWORD_MAX_LENGTH) {
    return { ok: false, reason: `must be at most ${PASSWORD_MAX_LENGTH} characters` };
  }
  const inputs = [...SERVICE_WORDS, ...context.flatMap(contextWords)];
  zxcvbn ??= zxcvbnEstimator();
  const result = zxcvbn.check(password, inputs);
  if (result.score >= PASSWORD_MIN_SCORE) return { ok: true };
  const warning = result.feedback.warning ? ` (${result.feedback.warning.replace(/\.$/, '')})` : '';
  return {
    ok: false,
    reason: `is too easy to guess${warning}: use a longer phrase of unrelated words`,
  };
}

/** An email gives its whole form and its parts: "ada.lovelace@nhs.net" -> ada, lovelace, nhs... */
function contextWords(value: string): string[] {
  const lower = value.trim().toLowerCase();
  return lower ? [lower, ...lower.split(/[^a-z0-9]+/).filter((w) => w.length >= 3)] : [];
}
