import { ASSESSMENT_OUTCOMES as OUTCOME_CODES } from '../assessments/assessment-result.entity';
import { ABSENCE_REQUEST_STATUSES as ABSENCE_CODES } from '../attendance/absence-request.entity';
import { ATTENDANCE_STATUSES as ATTENDANCE_CODES } from '../attendance/attendance-record.entity';
import { AWARD_RESULTS as AWARD_CODES } from '../awards/university-award.entity';
import { CERTIFICATE_STATUSES as CERTIFICATE_CODES } from '../certificates/certificate.entity';
import { COHORT_STATUSES as COHORT_CODES } from '../cohorts/cohort.entity';
import { COMPLETION_RULE_TYPES as RULE_CODES } from '../completion/completion-rules';
import { ROUTES as ROUTE_CODES } from '../courses/course.entity';
import { ENROLMENT_STATUSES as ENROLMENT_CODES } from '../enrolments/enrolment.entity';
import { SESSION_KINDS as SESSION_KIND_CODES } from '../sessions/session.entity';
import { PROFESSIONS as PROFESSION_CODES } from '../students/student.entity';
import {
  STUDY_ENTRY_STATUSES as STUDY_STATUS_CODES,
  STUDY_KINDS as STUDY_KIND_CODES,
} from '../study-log/study-log-entry.entity';
import { ROLES as ROLE_CODES } from '../users/user.entity';
import {
  acceptedLabels,
  assessmentLabel,
  CODE_FAMILIES,
  CodeFamily,
  codesOf,
  labelOf,
  parseCode,
  PROFESSIONS,
  ROUTES,
} from './labels';

/** Each family against the runtime list of codes its entity declares. */
const RUNTIME_CODES: Record<keyof typeof CODE_FAMILIES, readonly string[]> = {
  PROFESSIONS: PROFESSION_CODES,
  ROUTES: ROUTE_CODES,
  ENROLMENT_STATUSES: ENROLMENT_CODES,
  COHORT_STATUSES: COHORT_CODES,
  ATTENDANCE_STATUSES: ATTENDANCE_CODES,
  CERTIFICATE_STATUSES: CERTIFICATE_CODES,
  ASSESSMENT_OUTCOMES: OUTCOME_CODES,
  COMPLETION_OUTCOMES: ['completed', 'not_completed'],
  COMPLETION_RULE_TYPES: RULE_CODES,
  STUDY_KINDS: STUDY_KIND_CODES,
  STUDY_ENTRY_STATUSES: STUDY_STATUS_CODES,
  ABSENCE_REQUEST_STATUSES: ABSENCE_CODES,
  AWARD_RESULTS: AWARD_CODES,
  ROLES: ROLE_CODES,
  SESSION_KINDS: SESSION_KIND_CODES,
};

const families = Object.entries(CODE_FAMILIES) as Array<
  [keyof typeof CODE_FAMILIES, CodeFamily<string>]
>;

describe.each(families)('%s', (name, f) => {
  it('labels exactly the codes the entity declares, each with words, not the code', () => {
    expect([...codesOf(f)].sort()).toEqual([...RUNTIME_CODES[name]].sort());
    for (const code of codesOf(f)) {
      const label = labelOf(f, code);
      expect(label).toMatch(/^[A-Z]/);
      expect(label).not.toContain('_');
    }
  });

  it('gives every label to one code only', () => {
    const labels = codesOf(f).map((c) => labelOf(f, c));
    expect(new Set(labels).size).toBe(labels.length);
  });

  it('reads back the code from its code, its label and their everyday variants', () => {
    for (const code of codesOf(f)) {
      const label = labelOf(f, code);
      for (const input of [
        code,
        label,
        code.toUpperCase(),
        label.toLowerCase(),
        `  ${label}  `,
        label.replace(/ /g, '-'),
        code.replace(/_/g, ' '),
      ]) {
        expect(parseCode(f, input)).toBe(code);
      }
    }
  });
});

describe('labels of professions and routes', () => {
  it.each([
    ['peer_support_worker', 'Peer support worker'],
    ['occupational_therapist', 'Occupational therapist'],
    ['astronaut', 'astronaut'],
    [null, ''],
  ])('%j reads %j', (code, label) => {
    expect(labelOf(PROFESSIONS, code)).toBe(label);
  });

  it.each([
    ['Peer support worker', 'peer_support_worker'],
    ['peer-support-worker', 'peer_support_worker'],
    ['PEER_SUPPORT_WORKER', 'peer_support_worker'],
    ['Peer  support\tworker', 'peer_support_worker'],
    ['peer support', null],
    ['astronaut', null],
    ['', null],
    ['constructor', null],
  ])('%j parses as %j', (input, code) => {
    expect(parseCode(PROFESSIONS, input)).toBe(code);
  });

  it('reads only the codes allowed when told', () => {
    const allowed = ['graduate_certificate'];
    expect(parseCode(ROUTES, 'Graduate certificate (level 6)', allowed)).toBe(
      'graduate_certificate',
    );
    expect(parseCode(ROUTES, 'postgraduate_certificate', allowed)).toBeNull();
    expect(acceptedLabels(ROUTES, allowed)).toBe('Graduate certificate (level 6)');
  });

  it('lists the accepted labels for an error message', () => {
    expect(acceptedLabels(PROFESSIONS, ['nurse', 'peer_support_worker'])).toBe(
      'Nurse, Peer support worker',
    );
    expect(acceptedLabels(ROUTES)).toBe(
      'Graduate certificate (level 6), Postgraduate certificate (level 7)',
    );
  });
});

describe('assessmentLabel', () => {
  const course = [
    { code: 'ESSAY', title: 'Reflective essay' },
    { code: 'PRACTICE', title: 'Practice portfolio' },
  ];
  it('is the title the course gives the code, or the code when the course has none', () => {
    expect(assessmentLabel('ESSAY', course)).toBe('Reflective essay');
    expect(assessmentLabel('VIVA', course)).toBe('VIVA');
  });
});
