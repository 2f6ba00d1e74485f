import request from 'supertest';
import type { DataSource } from 'typeorm';
import { generateVerificationCode } from '../../src/certificates/verification-code';
import type { CompletionRule } from '../../src/completion/completion-rules';
import { makeCertificate } from './enrolment-factories';
import {
  makeBlock,
  makeCohort,
  makeCourse,
  makeEnrolment,
  makeSession,
  makeStudent,
} from './factories';
import { TEST_PASSWORD, TestApp } from './test-app';

/**
 * Arrangements for the web page specs: a cohort whose numbers are known in advance, and a
 * browser-like supertest agent signed in through the sign-in form.
 */
type Db = Pick<DataSource, 'query'>;

export const HTML = 'text/html,application/xhtml+xml';

const DAY = 86_400_000;

export interface PageCohort {
  course: { id: string; code: string };
  cohort: { id: string; number: number; course_id: string };
  blockId: string;
  /** Sessions that have ended, oldest first, `minutes` long each. */
  past: Array<{ id: string }>;
  /** Sessions still to come. */
  future: Array<{ id: string }>;
  students: Array<{ id: string; email: string; name: string; enrolmentId: string }>;
}

/**
 * A course and a cohort with one teaching block holding `past` ended sessions (one a day,
 * starting `past + 1` days ago) and `future` sessions to come, each `minutes` long, and seated
 * students enrolled before all of them. Students are named `<given> <family>` from `names`.
 */
export async function makePageCohort(
  db: Db,
  opts: {
    names: Array<[string, string]>;
    past?: number;
    future?: number;
    minutes?: number;
    rules?: CompletionRule[];
    courseTitle?: string;
  },
): Promise<PageCohort> {
  const minutes = opts.minutes ?? 240;
  const course = await makeCourse(db, {
    ...(opts.rules ? { rules: opts.rules } : {}),
    ...(opts.courseTitle ? { title: opts.courseTitle } : {}),
  });
  const cohort = await makeCohort(db, course.id, {
    ...(opts.rules ? { rules: opts.rules } : {}),
    startDate: new Date(Date.now() - 60 * DAY).toISOString().slice(0, 10),
    endDate: new Date(Date.now() + 60 * DAY).toISOString().slice(0, 10),
  });
  const block = await makeBlock(db, cohort.id, {
    title: 'Residential week 1',
    startDate: new Date(Date.now() - 30 * DAY).toISOString().slice(0, 10),
    endDate: new Date(Date.now() + 30 * DAY).toISOString().slice(0, 10),
  });
  const pastCount = opts.past ?? 3;
  const past = [];
  for (let i = 0; i < pastCount; i++) {
    const startsAt = new Date(Date.now() - (pastCount + 1 - i) * DAY);
    past.push(
      await makeSession(db, cohort.id, {
        startsAt,
        minutes,
        blockId: block.id,
        title: `Open Dialogue practice ${i + 1}`,
      }),
    );
  }
  const future = [];
  for (let i = 0; i < (opts.future ?? 0); i++) {
    future.push(
      await makeSession(db, cohort.id, {
        startsAt: new Date(Date.now() + (i + 1) * DAY),
        minutes,
        blockId: block.id,
        title: `Network meetings ${i + 1}`,
      }),
    );
  }
  const students = [];
  for (const [givenName, familyName] of opts.names) {
    const s = await makeStudent(db, { givenName, familyName });
    const e = await makeEnrolment(db, s.id, cohort, {
      enrolledAt: new Date(Date.now() - 45 * DAY),
    });
    students.push({
      id: s.id,
      email: s.email,
      name: `${givenName} ${familyName}`,
      enrolmentId: e.id,
    });
  }
  return { course, cohort, blockId: block.id, past, future, students };
}

/** An issued certificate whose verification code is a real one (the public page looks it up). */
export async function makeVerifiableCertificate(
  db: Db,
  enrolment: { id: string; cohortId: string },
  over: Parameters<typeof makeCertificate>[2] = {},
): Promise<{ id: string; serial: string; verification_code: string }> {
  const cert = await makeCertificate(db, enrolment, over);
  const code = generateVerificationCode();
  await db.query('UPDATE certificates SET verification_code = $2 WHERE id = $1', [cert.id, code]);
  return { ...cert, verification_code: code };
}

export function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF field on the page');
  return match[1];
}

/** A cookie-keeping agent signed in through the sign-in form, as a browser without scripts. */
export async function signedInAgent(
  t: TestApp,
  email: string,
): Promise<{
  agent: request.Agent;
  csrf: () => Promise<string>;
  post: (path: string, fields: Record<string, string>) => Promise<request.Response>;
}> {
  const agent = t.http();
  const page = await agent.get('/sign-in').set('Accept', HTML);
  const res = await agent
    .post('/sign-in')
    .type('form')
    .set('Accept', HTML)
    .send({ email, password: TEST_PASSWORD, _csrf: csrfFrom(page.text) });
  if (res.status !== 303) throw new Error(`sign-in failed for ${email}: ${res.status}`);
  // Signing in renews the CSRF secret: read the token from a page opened afterwards.
  const home = res.headers.location;
  const csrf = async () => csrfFrom((await agent.get(home).set('Accept', HTML)).text);
  // The token is read before the POST is built: the agent attaches its cookies when a request
  // is created, so the CSRF cookie set by that page must already be in the jar.
  const post = async (path: string, fields: Record<string, string>) => {
    const token = await csrf();
    return agent
      .post(path)
      .type('form')
      .set('Accept', HTML)
      .send({ _csrf: token, ...fields });
  };
  return { agent, csrf, post };
}

/** The visible text of an HTML page, tags dropped and whitespace collapsed (for assertions). */
export function pageText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The error summary's entries as `#href text` (what a reader of the summary follows). */
export function errorSummary(html: string): string[] {
  const summary = /<div class="nhsuk-error-summary"[\s\S]*?<\/ul>/.exec(html)?.[0] ?? '';
  return [
    ...summary.matchAll(/<li>\s*(?:<a href="([^"]*)"[^>]*>)?([\s\S]*?)(?:<\/a>)?\s*<\/li>/g),
  ].map(([, href, text]) => `${href ?? ''} ${pageText(text)}`.trim());
}
