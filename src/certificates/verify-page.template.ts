import type { VerificationView } from './certificate-verification.service';

/**
 * What the public verification page says, for each outcome. The page itself is the shared
 * NHS.UK layout's template src/web/views/verify.njk (rendered by PageRenderer, so every value is
 * escaped by Nunjucks' autoescaping); this file keeps the wording and the page model, so the
 * facts shown stay the same whatever the markup.
 */
export type VerifyPageModel =
  | { kind: 'found'; view: VerificationView; code: string }
  | { kind: 'not_found'; code: string }
  | { kind: 'rate_limited'; retryAfterSeconds: number };

export const VERIFY_STATUS = {
  valid: {
    tag: 'nhsuk-tag--green',
    label: 'Valid',
    lead: 'This certificate is genuine and current.',
  },
  revoked: {
    tag: 'nhsuk-tag--red',
    label: 'Revoked',
    lead: 'This certificate was issued but has been revoked. It is no longer valid.',
  },
  superseded: {
    tag: 'nhsuk-tag--grey',
    label: 'Superseded',
    lead: 'This certificate was genuine but has been replaced by a newer one, which the holder can show you.',
  },
} as const;

/** The browser tab's title for each outcome. */
export function verifyPageTitle(model: VerifyPageModel): string {
  switch (model.kind) {
    case 'found':
      return `Certificate ${model.view.serial}: ${VERIFY_STATUS[model.view.status].label}`;
    case 'not_found':
      return 'Certificate not found';
    case 'rate_limited':
      return 'Too many checks';
  }
}
