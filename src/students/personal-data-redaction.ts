/**
 * Redacting a student's personal data inside stored JSON (audit before/after snapshots) when
 * the student is erased. Pure: no Nest, TypeORM or database imports.
 */

/** Keys whose values are personal data wherever they appear in a snapshot. */
export const PERSONAL_KEYS: readonly string[] = [
  'givenName',
  'familyName',
  'email',
  'employer',
  'registrationNumber',
  'holderName',
  'studentName',
  'recipient',
  'bodyText',
  'bodyHtml',
  // Free text written about the person (notes, reasons for a decision or a change).
  'note',
  'reason',
  'comment',
  'revokedReason',
];

export const REDACTED = '[erased]';

export interface RedactionOptions {
  /**
   * Personal strings (email, full name, given name, family name, registration, free text) to
   * replace wherever they occur in a string as whole words, case-insensitively.
   */
  strings: string[];
  /** What replaces them (and the values of PERSONAL_KEYS). */
  replacement?: string;
  /**
   * Whether every PERSONAL_KEYS value goes too (default true): right for records about the
   * person; false for others' records that merely mention them.
   */
  keys?: boolean;
}

/**
 * One pattern for all needles, longest first, each matched as a whole word (no letter or digit
 * either side), so erasing "Ann" leaves "Annual" alone. Needles under 3 characters are ignored:
 * too short to tell apart from ordinary words.
 */
export function personalPattern(strings: string[]): RegExp | null {
  const needles = [...new Set(strings.map((s) => s.trim()).filter((s) => s.length >= 3))].sort(
    (a, b) => b.length - a.length,
  );
  if (needles.length === 0) return null;
  const escaped = needles.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${escaped.join('|')})(?![\\p{L}\\p{N}])`, 'giu');
}

/** `text` with every personal string replaced (see personalPattern). */
export function redactText(text: string, strings: string[], replacement = REDACTED): string {
  const pattern = personalPattern(strings);
  return pattern ? text.replace(pattern, replacement) : text;
}

/**
 * Returns a copy of `value` with every PERSONAL_KEYS value replaced and every occurrence of the
 * given strings (case-insensitive) replaced inside other strings. Keys and structure are kept,
 * so an audit trail still shows what changed, just not whose data it was.
 */
export function redactPersonalData<T>(value: T, options: RedactionOptions): T {
  const replacement = options.replacement ?? REDACTED;
  const pattern = personalPattern(options.strings);
  const keys = options.keys ?? true;

  const walk = (v: unknown, key?: string): unknown => {
    if (typeof v === 'string') {
      if (keys && key !== undefined && PERSONAL_KEYS.includes(key)) return replacement;
      return pattern ? v.replace(pattern, replacement) : v;
    }
    if (Array.isArray(v)) return v.map((item) => walk(item));
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, walk(item, k)]));
    }
    return v;
  };
  return walk(value) as T;
}
