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
];

export const REDACTED = '[erased]';

export interface RedactionOptions {
  /** Exact personal strings (email, full name...) to replace wherever they occur in a string. */
  strings: string[];
  /** What replaces them (and the values of PERSONAL_KEYS). */
  replacement?: string;
}

/**
 * Returns a copy of `value` with every PERSONAL_KEYS value replaced and every occurrence of the
 * given strings (case-insensitive) replaced inside other strings. Keys and structure are kept,
 * so an audit trail still shows what changed, just not whose data it was.
 */
export function redactPersonalData<T>(value: T, options: RedactionOptions): T {
  const replacement = options.replacement ?? REDACTED;
  const needles = options.strings
    .map((s) => s.trim())
    .filter((s) => s.length >= 3)
    .sort((a, b) => b.length - a.length);
  const pattern = needles.length
    ? new RegExp(needles.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'gi')
    : null;

  const walk = (v: unknown, key?: string): unknown => {
    if (typeof v === 'string') {
      if (key !== undefined && PERSONAL_KEYS.includes(key)) return replacement;
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
