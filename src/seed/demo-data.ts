import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import {
  type CompletionFacts,
  type CompletionRule,
  evaluateCompletion,
  type RuleResult,
} from '../completion/completion-rules';
import type { AssessmentDefinition } from '../courses/course.entity';
import type { CohortStatus } from '../cohorts/cohort.entity';
import type { EnrolmentStatus } from '../enrolments/enrolment.entity';
import type { Profession } from '../students/student.entity';
import type { Role } from '../users/user.entity';

/**
 * The POD demo data set as plain values, built in memory without a database so it can be
 * checked on its own and written in a handful of multi-row INSERTs (see seed.ts).
 *
 * Deterministic: every random choice comes from a seeded PRNG (one stream per cohort, drawn in a
 * fixed order) and every id is a name-based UUID, so two builds are identical. The one input is
 * `now`: cohort 5 is placed relative to it so a fresh local run always shows a live cohort, and
 * only sessions that have ended by then get a register. Cohorts 1 to 4 never depend on it.
 * All people are fictional; emails use example.org (students) and pod.example (logins).
 */

/** Demo logins for the local run; the seed never runs in production. */
export const DEMO_LOGINS = {
  admin: { email: 'admin@pod.example', password: 'demo-admin-password' },
  tutor: { email: 'tutor@pod.example', password: 'demo-tutor-password' },
  student: { email: 'student@pod.example', password: 'demo-student-password' },
} as const;
export type DemoLogin = keyof typeof DEMO_LOGINS;

export const DEMO_COURSE_CODE = 'POD';
export const DEMO_TIMEZONE = 'Europe/London';

export interface DemoCourse {
  id: string;
  code: string;
  title: string;
  provider: string;
  accreditationBody: string;
  accreditationLevel: string;
  routes: string[];
  assessments: AssessmentDefinition[];
  defaultCompletionRules: CompletionRule[];
  targetsContactHours: number;
  targetsIndependentHours: number;
}

export interface DemoCohort {
  id: string;
  number: number;
  name: string;
  startDate: string;
  endDate: string;
  capacity: number;
  status: CohortStatus;
  timezone: string;
  completionRules: CompletionRule[];
  warnAfterConsecutiveAbsences: number;
}

export interface DemoBlock {
  id: string;
  cohortId: string;
  title: string;
  startDate: string;
  endDate: string;
}

export interface DemoSession {
  id: string;
  cohortId: string;
  blockId: string;
  title: string;
  kind: 'residential';
  startsAt: Date;
  endsAt: Date;
  contactMinutes: number;
  location: string;
  mandatory: boolean;
}

export interface DemoStudent {
  id: string;
  givenName: string;
  familyName: string;
  email: string;
  profession: Profession;
  employer: string;
  registrationNumber: string | null;
}

export interface DemoUser {
  id: string;
  email: string;
  role: Role;
  displayName: string;
  studentId: string | null;
  /** Which DEMO_LOGINS password the account gets. */
  login: DemoLogin;
}

export interface DemoEnrolment {
  id: string;
  studentId: string;
  cohortId: string;
  route: 'graduate_certificate' | 'postgraduate_certificate';
  status: EnrolmentStatus;
  enrolledAt: Date;
  queuedAt: Date;
  seatedAt: Date | null;
  endedAt: Date | null;
  reason: string | null;
  transferredFromId: string | null;
  transferredToId: string | null;
}

export type AttendanceStatus = 'present' | 'late' | 'left_early' | 'excused' | 'absent';

export interface DemoAttendance {
  id: string;
  sessionId: string;
  enrolmentId: string;
  status: AttendanceStatus;
  minutesAttended: number;
  note: string | null;
  markedById: string;
  markedAt: Date;
}

export interface DemoAssessmentResult {
  id: string;
  enrolmentId: string;
  assessmentCode: string;
  outcome: 'pass' | 'refer' | 'fail';
  mark: number | null;
  attempt: number;
  note: string | null;
  recordedById: string;
  recordedAt: Date;
}

export interface DemoDecision {
  id: string;
  enrolmentId: string;
  outcome: 'completed' | 'not_completed';
  rules: CompletionRule[];
  facts: CompletionFacts;
  results: RuleResult[];
  override: boolean;
  reason: string | null;
  /** Null when the system decided. */
  decidedById: string | null;
  decidedAt: Date;
}

export interface DemoData {
  course: DemoCourse;
  cohorts: DemoCohort[];
  blocks: DemoBlock[];
  sessions: DemoSession[];
  students: DemoStudent[];
  users: DemoUser[];
  cohortTutors: Array<{ userId: string; cohortId: string }>;
  enrolments: DemoEnrolment[];
  attendance: DemoAttendance[];
  assessments: DemoAssessmentResult[];
  decisions: DemoDecision[];
  /** The cohort 5 student the demo student login is linked to. */
  demoStudentId: string;
}

/** mulberry32: a tiny, fast, seedable PRNG; good enough for demo data, not for secrets. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A name-based UUID (version 5 layout over SHA-1) for a demo row: the same parts always give
 * the same id, which is what makes re-running the seed a no-op (ON CONFLICT DO NOTHING).
 */
export function demoId(...parts: Array<string | number>): string {
  const h = createHash('sha1')
    .update(['pod-demo', ...parts].join('/'))
    .digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** Wall-clock time in the cohort's zone to a UTC instant; luxon applies BST/GMT per date. */
export function localInstant(date: string, time: string, zone = DEMO_TIMEZONE): Date {
  const [year, month, day] = date.split('-').map(Number);
  const [hour, minute] = time.split(':').map(Number);
  const d = DateTime.fromObject({ year, month, day, hour, minute }, { zone });
  if (!d.isValid) throw new Error(`Invalid local time ${date} ${time} in ${zone}`);
  return d.toUTC().toJSDate();
}

/** Calendar arithmetic on ISO dates (no time zone involved). */
const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const addMinutes = (d: Date, minutes: number) => new Date(d.getTime() + minutes * 60_000);

type Rng = () => number;
const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)];
const between = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
function weighted<T>(rng: Rng, table: ReadonlyArray<readonly [T, number]>): T {
  const total = table.reduce((s, [, w]) => s + w, 0);
  let r = rng() * total;
  for (const [value, w] of table) {
    r -= w;
    if (r < 0) return value;
  }
  return table[table.length - 1][0];
}
function shuffle<T>(rng: Rng, list: readonly T[]): T[] {
  const a = [...list];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

export const DEMO_RULES: CompletionRule[] = [
  { type: 'min_attendance_percent', value: 80 },
  { type: 'min_contact_hours', value: 60 },
  { type: 'min_block_attendance_percent', value: 50 },
  { type: 'assessments_passed' },
];

const ASSESSMENTS: AssessmentDefinition[] = [
  { code: 'ESSAY', title: 'Reflective essay on a network meeting', required: true },
  { code: 'PRACTICE', title: 'Supervised practice portfolio', required: true },
  { code: 'PRESENT', title: 'Group presentation', required: false },
];
const REQUIRED_CODES = ASSESSMENTS.filter((a) => a.required).map((a) => a.code);

const SLOTS = [
  { label: 'Morning', from: '09:30', to: '12:30' },
  { label: 'Afternoon', from: '13:30', to: '16:30' },
] as const;
const SESSION_MINUTES = 180;

/** [block][day] = [morning topic, afternoon topic]. */
const TOPICS: ReadonlyArray<ReadonlyArray<readonly [string, string]>> = [
  [
    ['Welcome and the history of Open Dialogue', 'The seven principles'],
    ['Network meetings and immediate help', 'Skills practice: opening a network meeting'],
    ['Dialogism and polyphony', 'Listening and responding'],
    ['Tolerating uncertainty', 'Family of origin work (1)'],
    ['Peer support in the NHS', 'Reflecting on the week'],
  ],
  [
    ['Foundations of systemic family therapy', 'Genograms and social network maps'],
    ['Reflective conversations', 'Skills practice: reflecting in front of the network'],
    ['Lived experience and mutuality', 'Family of origin work (2)'],
    ['Working with crisis', 'Group presentations'],
    ['Supervision in dialogical practice', 'Reflecting on the week'],
  ],
  [
    ['Psychological continuity and responsibility', 'Risk, safety and shared decisions'],
    ['Working with psychosis', 'Skills practice: difficult network meetings'],
    ['Medication in dialogical practice', 'Family of origin work (3)'],
    ['Research and evidence', 'Service user and carer voices'],
    ["Self-work and the practitioner's person", 'Reflecting on the week'],
  ],
  [
    ['Peer-supported Open Dialogue in teams', 'Skills practice: whole network meetings'],
    ['Social network and community approaches', 'Family of origin work (4)'],
    ['Ethics and power', 'Portfolio review'],
    ['Sustaining dialogical practice', 'Learning from the research programme'],
    ['Endings and transitions', 'Closing circle'],
  ],
];
const LOCATIONS = ['Goodmayes Hospital, Ilford', 'LSBU Southwark campus'] as const;
/** The group presentation is assessed in residential week 2, Thursday afternoon. */
const PRESENTATION_SLOT = { block: 1, day: 3, slot: 1 };

// prettier-ignore
const GIVEN_NAMES = [
  'Adaeze', 'Aisha', 'Amara', 'Amir', 'Ana', 'Angela', 'Anjali', 'Aoife', 'Ayesha', 'Beatriz',
  'Ben', 'Bethany', 'Bilal', 'Bogdan', 'Callum', 'Chantelle', 'Chidi', 'Chloe', 'Claire', 'Daniel',
  'Darren', 'Declan', 'Deepa', 'Dominika', 'Ebony', 'Efua', 'Eleanor', 'Emeka', 'Emma', 'Fatima',
  'Femi', 'Fiona', 'Gareth', 'Grace', 'Hannah', 'Harpreet', 'Hassan', 'Ibrahim', 'Imogen', 'Ioana',
  'Isaac', 'Jade', 'James', 'Jasmine', 'Joanne', 'Jordan', 'Kate', 'Kieran', 'Kofi', 'Krzysztof',
  'Kwame', 'Lakshmi', 'Laura', 'Leon', 'Lucy', 'Marcus', 'Maria', 'Mehmet', 'Mei', 'Michael',
  'Mohammed', 'Nadia', 'Naomi', 'Neil', 'Niamh', 'Nkechi', 'Olivia', 'Oluwaseun', 'Omar',
  'Parveen', 'Patrick', 'Paul', 'Priya', 'Rachel', 'Rahul', 'Rebecca', 'Rhiannon', 'Rosa', 'Ruth',
  'Sam', 'Sandeep', 'Sarah', 'Shanice', 'Simon', 'Siobhan', 'Sofia', 'Stephen', 'Tariq', 'Thomas',
  'Uchenna', 'Vanessa', 'Wei', 'Yasmin', 'Zainab', 'Zoe',
] as const;
// prettier-ignore
const FAMILY_NAMES = [
  'Adeyemi', 'Ahmed', 'Ali', 'Anderson', 'Asante', 'Bailey', 'Begum', 'Bennett', 'Boateng',
  'Brown', 'Campbell', 'Chaudhry', 'Chen', 'Clarke', 'Collins', 'Costa', 'Davies', 'Dhillon',
  'Edwards', 'Evans', 'Fernandes', 'Fitzgerald', 'Foster', 'Ghosh', 'Green', 'Gupta', 'Hall',
  'Harris', 'Hughes', 'Hussain', 'Ibrahim', 'Iqbal', 'Jackson', 'James', 'Johnson', 'Jones',
  'Kaur', 'Kelly', 'Khan', 'Kowalski', 'Lewis', 'Mahmood', 'Martin', 'Mensah', 'Miah', 'Mitchell',
  'Morgan', 'Murphy', 'Nowak', 'Nwosu', "O'Brien", "O'Connor", 'Okafor', 'Okonkwo', 'Oliveira',
  'Owusu', 'Patel', 'Phillips', 'Popescu', 'Price', 'Rahman', 'Reid', 'Roberts', 'Robinson',
  'Rossi', 'Shah', 'Sharma', 'Singh', 'Smith', 'Taylor', 'Thomas', 'Thompson', 'Turner', 'Uddin',
  'Walker', 'Ward', 'Watson', 'White', 'Williams', 'Wilson', 'Wood', 'Wright', 'Yilmaz', 'Young',
  'Zhang',
] as const;

/** Professions of a 70-seat intake: a realistic mix with about 15% peer support workers. */
const PROFESSION_QUOTA: ReadonlyArray<readonly [Profession, number]> = [
  ['nurse', 17],
  ['peer_support_worker', 11],
  ['social_worker', 8],
  ['psychologist', 6],
  ['occupational_therapist', 6],
  ['support_worker', 6],
  ['psychiatrist', 5],
  ['family_therapist', 4],
  ['doctor', 3],
  ['other', 4],
];
const EMPLOYERS: ReadonlyArray<readonly [string, number]> = [
  ['NELFT NHS Foundation Trust', 30],
  ['East London NHS Foundation Trust', 14],
  ['South London and Maudsley NHS Foundation Trust', 12],
  ['Camden and Islington NHS Foundation Trust', 10],
  ['Barnet, Enfield and Haringey Mental Health NHS Trust', 8],
  ['Devon Partnership NHS Trust', 8],
  ['Oxleas NHS Foundation Trust', 6],
  ['Sussex Partnership NHS Foundation Trust', 5],
  ['Kent and Medway NHS and Social Care Partnership Trust', 4],
  ['Nottinghamshire Healthcare NHS Foundation Trust', 3],
];
/** Chance of the level 7 (postgraduate) route: most graduates of clinical degrees take it. */
const L7_CHANCE: Record<Profession, number> = {
  psychologist: 0.9,
  psychiatrist: 0.9,
  doctor: 0.85,
  family_therapist: 0.8,
  social_worker: 0.55,
  occupational_therapist: 0.5,
  nurse: 0.45,
  other: 0.4,
  support_worker: 0.15,
  peer_support_worker: 0.1,
};

/** Formatted like the professional registers' numbers, but random: they identify nobody. */
function registrationNumber(rng: Rng, profession: Profession): string | null {
  const digits = (n: number) =>
    Array.from({ length: n }, () => String(Math.floor(rng() * 10))).join('');
  const letter = () => String.fromCharCode(65 + Math.floor(rng() * 26));
  switch (profession) {
    case 'nurse':
      return `${digits(2)}${letter()}${digits(4)}${letter()}`;
    case 'psychologist':
      return `PYL${digits(5)}`;
    case 'occupational_therapist':
      return `OT${digits(5)}`;
    case 'social_worker':
      return `SW${digits(6)}`;
    case 'psychiatrist':
    case 'doctor':
      return digits(7);
    case 'family_therapist':
    case 'peer_support_worker':
    case 'support_worker':
    case 'other':
      return null;
  }
}

const slug = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();

/**
 * Attendance patterns. Most students are reliable; the rest exercise every completion rule:
 * - struggling: attendance below 80%;
 * - missed_block: nearly all of residential week 3 missed (fails the 50%-per-block rule);
 * - long_illness: certificated sick leave (excused) for weeks 2 and 3 and a day of week 4:
 *   attendance % stays high but contact hours fall below 60;
 * - dropped_off: absent for the last few sessions (the consecutive-absence warning);
 * - missed_first_block: absent for all of week 1 (cohort 5: max reachable below 80%).
 */
type Profile =
  | 'reliable'
  | 'perfect'
  | 'patchy'
  | 'struggling'
  | 'missed_block'
  | 'long_illness'
  | 'dropped_off'
  | 'missed_first_block';

/** Outcome patterns for assessed work (cohorts whose assessments are all in). */
type AssessmentProfile =
  'pass' | 'essay_refer_pass' | 'essay_fail' | 'practice_refer_pass' | 'essay_refer_outstanding';

interface CohortPlan {
  number: number;
  name: string;
  /** Mondays of residential weeks 1 to 4. */
  blockMondays: string[];
  status: CohortStatus;
  tutor: string;
  /** Students who stay seated to the end of what the data shows. */
  seated: number;
  profiles: Partial<Record<Profile, number>>;
  assessmentProfiles: Partial<Record<AssessmentProfile, number>>;
  /** Decided by the rules this many days after the last residential day (cohorts 1 to 3). */
  decidedAfterDays?: number;
  /** Only group presentations are marked so far (cohort 5). */
  presentationsOnly?: boolean;
}

interface Tutor {
  email: string;
  displayName: string;
  login: DemoLogin;
  cohorts: number[];
}

const TUTORS: Tutor[] = [
  { email: 'tutor1@pod.example', displayName: 'Dr Ruth Calloway', login: 'tutor', cohorts: [1] },
  { email: 'tutor2@pod.example', displayName: 'Tomasz Wierzbicki', login: 'tutor', cohorts: [2] },
  { email: 'tutor3@pod.example', displayName: 'Dr Nadia Rahman', login: 'tutor', cohorts: [3] },
  {
    email: DEMO_LOGINS.tutor.email,
    displayName: 'Dr Owen Pritchard',
    login: 'tutor',
    cohorts: [4, 5],
  },
];

/**
 * Cohorts 1 to 4 follow the course's real history (cohort 1 from 20 October 2014, the NELFT
 * pilot; cohort 3's 70 students completed in October 2017; cohort 4 from 8 January 2018).
 * Cohort 5 is invented and placed around `now` (see cohort5Mondays).
 */
function cohortPlans(now: Date): CohortPlan[] {
  return [
    {
      number: 1,
      name: 'Cohort 1 (2014-15, NELFT pilot)',
      blockMondays: ['2014-10-20', '2015-01-26', '2015-05-11', '2015-09-14'],
      status: 'completed',
      tutor: 'tutor1@pod.example',
      seated: 69,
      profiles: { struggling: 2, missed_block: 2, patchy: 6 },
      assessmentProfiles: { essay_refer_pass: 3, essay_fail: 1, practice_refer_pass: 1 },
      decidedAfterDays: 21,
    },
    {
      number: 2,
      name: 'Cohort 2 (2015-16)',
      blockMondays: ['2015-10-19', '2016-01-25', '2016-05-09', '2016-09-12'],
      status: 'completed',
      tutor: 'tutor2@pod.example',
      seated: 69,
      profiles: { struggling: 2, missed_block: 1, long_illness: 1, patchy: 6 },
      assessmentProfiles: { essay_refer_pass: 4, essay_fail: 1 },
      decidedAfterDays: 21,
    },
    {
      number: 3,
      name: 'Cohort 3 (2016-17)',
      blockMondays: ['2016-10-17', '2017-01-30', '2017-05-15', '2017-10-02'],
      status: 'completed',
      tutor: 'tutor3@pod.example',
      seated: 70,
      profiles: { struggling: 3, missed_block: 1, long_illness: 1, patchy: 7 },
      assessmentProfiles: { essay_refer_pass: 4, essay_fail: 2, practice_refer_pass: 1 },
      decidedAfterDays: 14,
    },
    {
      number: 4,
      name: 'Cohort 4 (2018)',
      blockMondays: ['2018-01-08', '2018-04-16', '2018-07-09', '2018-11-05'],
      status: 'running',
      tutor: DEMO_LOGINS.tutor.email,
      seated: 67,
      profiles: { struggling: 3, missed_block: 1, dropped_off: 2, patchy: 6 },
      assessmentProfiles: { essay_refer_pass: 3, essay_fail: 1, essay_refer_outstanding: 2 },
    },
    {
      number: 5,
      name: 'Cohort 5 (demo: current year)',
      blockMondays: cohort5Mondays(now),
      status: 'running',
      tutor: DEMO_LOGINS.tutor.email,
      seated: 70,
      profiles: { perfect: 1, dropped_off: 3, missed_first_block: 3, struggling: 2, patchy: 6 },
      assessmentProfiles: {},
      presentationsOnly: true,
    },
  ];
}

/**
 * Cohort 5 starts on the Monday eight weeks before `now` (London time), with residential weeks
 * at weeks 0, 6, 22 and 44: weeks 1 and 2 are over, weeks 3 and 4 are still to come.
 */
export function cohort5Mondays(now: Date): string[] {
  const start = DateTime.fromJSDate(now, { zone: DEMO_TIMEZONE })
    .startOf('week')
    .minus({ weeks: 8 });
  return [0, 6, 22, 44].map((w) => start.plus({ weeks: w }).toISODate() as string);
}

/** How a student's sessions usually go, before the profile's own pattern is applied. */
const MIX: Record<
  'steady' | 'reliable' | 'patchy' | 'struggling' | 'failing',
  ReadonlyArray<readonly [AttendanceStatus, number]>
> = {
  steady: [
    ['present', 95],
    ['late', 5],
  ],
  reliable: [
    ['present', 93],
    ['late', 2.5],
    ['left_early', 2],
    ['excused', 1.5],
    ['absent', 1],
  ],
  patchy: [
    ['present', 80],
    ['late', 5],
    ['left_early', 4],
    ['excused', 5],
    ['absent', 6],
  ],
  struggling: [
    ['present', 62],
    ['late', 6],
    ['left_early', 4],
    ['excused', 3],
    ['absent', 25],
  ],
  /** Cohort 5's strugglers: about half the sessions so far missed. */
  failing: [
    ['present', 45],
    ['late', 5],
    ['absent', 50],
  ],
};

function usualMix(profile: Profile, cohort: number): keyof typeof MIX {
  switch (profile) {
    case 'perfect':
    case 'reliable':
      return 'reliable';
    case 'patchy':
    case 'dropped_off':
      return 'patchy';
    case 'struggling':
      return cohort === 5 ? 'failing' : 'struggling';
    case 'missed_block':
    case 'long_illness':
    case 'missed_first_block':
      return 'steady';
  }
}

interface Seat {
  enrolment: DemoEnrolment;
  profile: Profile;
  assessmentProfile: AssessmentProfile;
  /** Sessions starting after this instant get no record (the student had left); null: all. */
  attendsUntil: Date | null;
}

type TimetabledSession = DemoSession & { block: number; day: number; slot: number };

export function buildDemoData(now: Date = new Date()): DemoData {
  const course: DemoCourse = {
    id: demoId('course', DEMO_COURSE_CODE),
    code: DEMO_COURSE_CODE,
    title: 'Peer-supported Open Dialogue, Social Network and Relational Skills',
    provider: 'NELFT NHS Foundation Trust with London South Bank University',
    accreditationBody: 'AFT (Association for Family Therapy and Systemic Practice)',
    accreditationLevel: 'Foundation',
    routes: ['graduate_certificate', 'postgraduate_certificate'],
    assessments: ASSESSMENTS,
    defaultCompletionRules: DEMO_RULES,
    targetsContactHours: 60,
    targetsIndependentHours: 120,
  };

  const admin: DemoUser = {
    id: demoId('user', DEMO_LOGINS.admin.email),
    email: DEMO_LOGINS.admin.email,
    role: 'admin',
    displayName: 'Course Administrator',
    studentId: null,
    login: 'admin',
  };
  const data: DemoData = {
    course,
    cohorts: [],
    blocks: [],
    sessions: [],
    students: [],
    users: [admin],
    cohortTutors: [],
    enrolments: [],
    attendance: [],
    assessments: [],
    decisions: [],
    demoStudentId: '',
  };
  const tutorIds = new Map<string, string>();
  for (const t of TUTORS) {
    const id = demoId('user', t.email);
    tutorIds.set(t.email, id);
    data.users.push({
      id,
      email: t.email,
      role: 'tutor',
      displayName: t.displayName,
      studentId: null,
      login: t.login,
    });
    for (const n of t.cohorts)
      data.cohortTutors.push({ userId: id, cohortId: demoId('cohort', n) });
  }

  const usedEmails = new Set<string>();
  const newStudent = (rng: Rng, cohort: number, key: string | number, profession?: Profession) => {
    const givenName = pick(rng, GIVEN_NAMES);
    const familyName = pick(rng, FAMILY_NAMES);
    const prof = profession ?? weighted(rng, PROFESSION_QUOTA);
    const employer = weighted(rng, EMPLOYERS);
    const registration = registrationNumber(rng, prof);
    const route: DemoEnrolment['route'] =
      rng() < L7_CHANCE[prof] ? 'postgraduate_certificate' : 'graduate_certificate';
    const base = `${slug(givenName)}.${slug(familyName)}`;
    let email = `${base}.c${cohort}@example.org`;
    for (let n = 2; usedEmails.has(email); n++) email = `${base}${n}.c${cohort}@example.org`;
    usedEmails.add(email);
    const student: DemoStudent = {
      id: demoId('student', cohort, key),
      givenName,
      familyName,
      email,
      profession: prof,
      employer,
      registrationNumber: registration,
    };
    data.students.push(student);
    return { student, route };
  };

  // Cohort 3's transfer to cohort 4 is made while building cohort 3 and completed in cohort 4.
  const carried: {
    transfer?: { from: DemoEnrolment; student: DemoStudent; route: DemoEnrolment['route'] };
  } = {};

  for (const plan of cohortPlans(now)) {
    const rng = mulberry32(0x9e3779b1 ^ (plan.number * 7919));
    const cohortId = demoId('cohort', plan.number);
    const tutorId = tutorIds.get(plan.tutor) as string;
    const startDate = plan.blockMondays[0];
    const endDate = addDays(plan.blockMondays[plan.blockMondays.length - 1], 4);
    data.cohorts.push({
      id: cohortId,
      number: plan.number,
      name: plan.name,
      startDate,
      endDate,
      capacity: 70,
      status: plan.status,
      timezone: DEMO_TIMEZONE,
      completionRules: DEMO_RULES,
      warnAfterConsecutiveAbsences: 3,
    });

    const blocks: DemoBlock[] = plan.blockMondays.map((monday, b) => ({
      id: demoId('block', plan.number, b + 1),
      cohortId,
      title: `Residential week ${b + 1}`,
      startDate: monday,
      endDate: addDays(monday, 4),
    }));
    data.blocks.push(...blocks);
    const sessions: TimetabledSession[] = [];
    blocks.forEach((block, b) => {
      for (let day = 0; day < 5; day++) {
        const date = addDays(block.startDate, day);
        SLOTS.forEach((slot, s) => {
          sessions.push({
            id: demoId('session', plan.number, b + 1, day + 1, s + 1),
            cohortId,
            blockId: block.id,
            title: `${slot.label}: ${TOPICS[b][day][s]}`,
            kind: 'residential',
            startsAt: localInstant(date, slot.from),
            endsAt: localInstant(date, slot.to),
            contactMinutes: SESSION_MINUTES,
            location: LOCATIONS[b % 2],
            mandatory: true,
            block: b,
            day,
            slot: s,
          });
        });
      }
    });
    data.sessions.push(...sessions.map(({ block: _b, day: _d, slot: _s, ...s }) => s));

    const applicationsOpen = localInstant(addDays(startDate, -42), '10:00');
    let order = 0;
    /** Applications arrive five minutes apart, in the order the list is built. */
    const nextApplication = () => addMinutes(applicationsOpen, order++ * 5);
    const blockEnd = (b: number) => localInstant(blocks[b].endDate, '17:00');
    const seats: Seat[] = [];
    const enrol = (
      student: DemoStudent,
      route: DemoEnrolment['route'],
      key: string | number,
      over: Partial<DemoEnrolment> & { enrolledAt: Date },
    ): DemoEnrolment => {
      const e: DemoEnrolment = {
        id: demoId('enrolment', plan.number, key),
        studentId: student.id,
        cohortId,
        route,
        status: 'enrolled',
        queuedAt: over.enrolledAt,
        seatedAt: over.enrolledAt,
        endedAt: null,
        reason: null,
        transferredFromId: null,
        transferredToId: null,
        ...over,
      };
      data.enrolments.push(e);
      return e;
    };

    // The seated intake: professions by quota, profiles by count, each list shuffled.
    const professions = shuffle(
      rng,
      PROFESSION_QUOTA.flatMap(([p, n]) => Array<Profession>(n).fill(p)),
    );
    const profiles = shuffle(rng, expand<Profile>(plan.profiles, plan.seated, 'reliable'));
    const assessmentProfiles = shuffle(
      rng,
      expand<AssessmentProfile>(plan.assessmentProfiles, plan.seated, 'pass'),
    );
    for (let i = 0; i < plan.seated; i++) {
      const { student, route } = newStudent(
        rng,
        plan.number,
        i + 1,
        professions[i % professions.length],
      );
      const enrolment = enrol(student, route, i + 1, { enrolledAt: nextApplication() });
      seats.push({
        enrolment,
        profile: profiles[i],
        assessmentProfile: assessmentProfiles[i],
        attendsUntil: null,
      });
      if (profiles[i] === 'perfect') data.demoStudentId = student.id;
    }

    // Who else passed through the cohort. Each story keeps the seated count within capacity.
    switch (plan.number) {
      case 1:
      case 2: {
        // Withdrew some weeks after residential week 1 (cohort 1) or 2 (cohort 2).
        const { student, route } = newStudent(rng, plan.number, 'withdrawn');
        const endedAt = addMinutes(blockEnd(plan.number - 1), 60 * 24 * 17);
        const enrolment = enrol(student, route, 'withdrawn', {
          enrolledAt: nextApplication(),
          status: 'withdrawn',
          endedAt,
          reason:
            plan.number === 1
              ? 'Left the employing trust; no longer able to attend'
              : 'Withdrew for personal reasons after residential week 2',
        });
        seats.push({
          enrolment,
          profile: 'reliable',
          assessmentProfile: 'pass',
          attendsUntil: endedAt,
        });
        break;
      }
      case 3: {
        // One of the original 70 moved to cohort 4 two weeks before the start and the first on
        // the waiting list took the seat, so cohort 3 ran, and completed, with 70.
        const { student, route } = newStudent(rng, 3, 'transferred');
        const transferredAt = localInstant(addDays(startDate, -14), '10:00');
        const from = enrol(student, route, 'transferred', {
          enrolledAt: nextApplication(),
          status: 'transferred',
          endedAt: transferredAt,
          reason: 'Transferred to cohort 4: secondment start delayed by the employing trust',
          transferredToId: demoId('enrolment', 4, 'transferred-in'),
        });
        carried.transfer = { from, student, route };
        const fromWaitingList = seats[seats.length - 1].enrolment;
        fromWaitingList.enrolledAt = localInstant(addDays(startDate, -28), '10:00');
        fromWaitingList.queuedAt = fromWaitingList.enrolledAt;
        fromWaitingList.seatedAt = transferredAt;
        break;
      }
      case 4: {
        const transfer = carried.transfer;
        if (!transfer) throw new Error('cohort 3 must be built before cohort 4');
        const enrolment = enrol(transfer.student, transfer.route, 'transferred-in', {
          enrolledAt: transfer.from.endedAt as Date,
          reason: 'Transferred from cohort 3',
          transferredFromId: transfer.from.id,
        });
        seats.push({
          enrolment,
          profile: 'reliable',
          assessmentProfile: 'pass',
          attendsUntil: null,
        });
        const deferred = newStudent(rng, 4, 'deferred');
        enrol(deferred.student, deferred.route, 'deferred', {
          enrolledAt: nextApplication(),
          status: 'deferred',
          seatedAt: null,
          reason: 'Deferred to a later cohort: service pressures in the employing team',
        });
        const withdrawn = newStudent(rng, 4, 'withdrawn');
        const endedAt = addMinutes(blockEnd(1), 60 * 24 * 10);
        const w = enrol(withdrawn.student, withdrawn.route, 'withdrawn', {
          enrolledAt: nextApplication(),
          status: 'withdrawn',
          endedAt,
          reason: 'Withdrew: moved out of the area',
        });
        seats.push({
          enrolment: w,
          profile: 'patchy',
          assessmentProfile: 'pass',
          attendsUntil: endedAt,
        });
        break;
      }
      case 5: {
        // One of the original 70 withdrew three weeks before the start and the first on the
        // waiting list was seated; three applicants are still waiting.
        const withdrawnAt = localInstant(addDays(startDate, -21), '11:00');
        const w = newStudent(rng, 5, 'withdrawn');
        enrol(w.student, w.route, 'withdrawn', {
          enrolledAt: nextApplication(),
          status: 'withdrawn',
          endedAt: withdrawnAt,
          reason: 'Changed role; no longer able to attend the residential weeks',
        });
        const fromWaitingList = seats[seats.length - 1].enrolment;
        fromWaitingList.enrolledAt = localInstant(addDays(startDate, -35), '09:15');
        fromWaitingList.queuedAt = fromWaitingList.enrolledAt;
        fromWaitingList.seatedAt = withdrawnAt;
        for (let k = 1; k <= 3; k++) {
          const s = newStudent(rng, 5, `waitlisted-${k}`);
          enrol(s.student, s.route, `waitlisted-${k}`, {
            enrolledAt: localInstant(addDays(startDate, -35 + 3 * k), '09:15'),
            status: 'waitlisted',
            seatedAt: null,
          });
        }
        break;
      }
    }

    // Registers: every session that has ended by `now`, for each student attending then.
    const presentation = sessions.find(
      (s) =>
        s.block === PRESENTATION_SLOT.block &&
        s.day === PRESENTATION_SLOT.day &&
        s.slot === PRESENTATION_SLOT.slot,
    ) as TimetabledSession;
    const presented = new Set<string>();
    const records = new Map<string, DemoAttendance[]>();
    const ended = sessions.filter((s) => s.endsAt.getTime() <= now.getTime());
    for (const seat of seats) {
      const run = seat.profile === 'dropped_off' ? between(rng, 3, 5) : 0;
      const mine: DemoAttendance[] = [];
      records.set(seat.enrolment.id, mine);
      for (const [idx, s] of ended.entries()) {
        if (seat.attendsUntil && s.startsAt.getTime() > seat.attendsUntil.getTime()) continue;
        let status = weighted(rng, MIX[usualMix(seat.profile, plan.number)]);
        switch (seat.profile) {
          case 'perfect':
            status = 'present';
            break;
          case 'missed_block':
            // Only the first morning of residential week 3: 10% of the block.
            if (s.block === 2) status = s.day === 0 && s.slot === 0 ? 'present' : 'absent';
            break;
          case 'long_illness':
            if (s.block === 1 || s.block === 2 || (s.block === 3 && s.day === 0))
              status = 'excused';
            break;
          case 'dropped_off':
            if (idx >= ended.length - run) status = 'absent';
            break;
          case 'missed_first_block':
            if (s.block === 0) status = 'absent';
            break;
          case 'reliable':
          case 'patchy':
          case 'struggling':
            break;
        }
        const minutesAttended =
          status === 'present'
            ? s.contactMinutes
            : status === 'late'
              ? pick(rng, [120, 135, 150, 165])
              : status === 'left_early'
                ? pick(rng, [120, 135, 150])
                : 0;
        if (s.id === presentation.id && minutesAttended > 0) presented.add(seat.enrolment.id);
        const record: DemoAttendance = {
          id: demoId('attendance', s.id, seat.enrolment.id),
          sessionId: s.id,
          enrolmentId: seat.enrolment.id,
          status,
          minutesAttended,
          note: attendanceNote(rng, status, seat.profile),
          markedById: tutorId,
          markedAt: addMinutes(s.endsAt, between(rng, 5, 55)),
        };
        mine.push(record);
        data.attendance.push(record);
      }
    }

    // Assessed work of the students seated to the end.
    const results = new Map<string, DemoAssessmentResult[]>();
    const record = (
      seat: Seat,
      code: string,
      outcome: DemoAssessmentResult['outcome'],
      mark: number | null,
      attempt: number,
      recordedAt: Date,
      note: string | null = null,
    ) => {
      const r: DemoAssessmentResult = {
        id: demoId('assessment', seat.enrolment.id, code),
        enrolmentId: seat.enrolment.id,
        assessmentCode: code,
        outcome,
        mark,
        attempt,
        note,
        recordedById: tutorId,
        recordedAt,
      };
      data.assessments.push(r);
      results.set(seat.enrolment.id, [...(results.get(seat.enrolment.id) ?? []), r]);
    };
    const essayDue = addMinutes(blockEnd(2), 60 * 24 * 28);
    const resubmissionDue = addMinutes(essayDue, 60 * 24 * 42);
    const portfolioSignedOff = blockEnd(3);
    const seatedToEnd = seats.filter((s) => s.enrolment.status === 'enrolled');
    for (const seat of seatedToEnd) {
      if (presented.has(seat.enrolment.id)) {
        const referred = rng() < 0.04;
        record(
          seat,
          'PRESENT',
          referred ? 'refer' : 'pass',
          referred ? between(rng, 35, 45) : between(rng, 52, 76),
          1,
          addMinutes(presentation.endsAt, 60 * 24 * 3),
        );
      }
      if (plan.presentationsOnly) continue;
      const essayMark = between(rng, 52, 78) + (rng() < 0.5 ? 0.5 : 0);
      switch (seat.assessmentProfile) {
        case 'pass':
        case 'practice_refer_pass':
          record(seat, 'ESSAY', 'pass', essayMark, 1, essayDue);
          break;
        case 'essay_refer_pass':
          record(
            seat,
            'ESSAY',
            'pass',
            between(rng, 50, 60),
            2,
            resubmissionDue,
            'Referred at first submission; passed on resubmission',
          );
          break;
        case 'essay_fail':
          record(
            seat,
            'ESSAY',
            'fail',
            between(rng, 30, 39),
            2,
            resubmissionDue,
            'Referred at first submission; the resubmission did not meet the learning outcomes',
          );
          break;
        case 'essay_refer_outstanding':
          record(
            seat,
            'ESSAY',
            'refer',
            between(rng, 36, 44),
            1,
            essayDue,
            'Referred: resubmission due',
          );
          break;
      }
      if (seat.assessmentProfile === 'practice_refer_pass') {
        record(
          seat,
          'PRACTICE',
          'pass',
          null,
          2,
          addMinutes(portfolioSignedOff, 60 * 24 * 7),
          'Referred for more supervised practice hours; passed on resubmission',
        );
      } else {
        record(seat, 'PRACTICE', 'pass', null, 1, portfolioSignedOff);
      }
    }

    // Completion decisions (cohorts 1 to 3), by the pure rules the API uses, on the facts above.
    if (plan.decidedAfterDays === undefined) continue;
    const decidedAt = localInstant(addDays(endDate, plan.decidedAfterDays), '10:00');
    for (const seat of seatedToEnd) {
      const facts = completionFacts(
        seat.enrolment,
        sessions,
        blocks,
        records.get(seat.enrolment.id) ?? [],
        results.get(seat.enrolment.id) ?? [],
        decidedAt,
      );
      const { passed, results: ruleResults } = evaluateCompletion(DEMO_RULES, facts);
      const decision: DemoDecision = {
        id: demoId('decision', seat.enrolment.id, 'system'),
        enrolmentId: seat.enrolment.id,
        outcome: passed ? 'completed' : 'not_completed',
        rules: DEMO_RULES,
        facts,
        results: ruleResults,
        override: false,
        reason: null,
        decidedById: null,
        decidedAt,
      };
      data.decisions.push(decision);
      seat.enrolment.status = decision.outcome;
      seat.enrolment.endedAt = decidedAt;
      // Cohort 2's long illness: the exam board accepted extenuating circumstances a week later.
      if (plan.number === 2 && seat.profile === 'long_illness' && !passed) {
        const overridden: DemoDecision = {
          ...decision,
          id: demoId('decision', seat.enrolment.id, 'override'),
          outcome: 'completed',
          override: true,
          reason:
            'Exam board accepted extenuating circumstances (certificated sick leave); the missed contact hours were made up through additional supervised practice.',
          decidedById: admin.id,
          decidedAt: addMinutes(decidedAt, 60 * 24 * 7),
        };
        data.decisions.push(overridden);
        seat.enrolment.status = 'completed';
        seat.enrolment.endedAt = overridden.decidedAt;
      }
    }
  }

  const demo = data.students.find((s) => s.id === data.demoStudentId);
  if (!demo) throw new Error('cohort 5 needs one student with the "perfect" profile');
  data.users.push({
    id: demoId('user', DEMO_LOGINS.student.email),
    email: DEMO_LOGINS.student.email,
    role: 'student',
    displayName: `${demo.givenName} ${demo.familyName}`,
    studentId: demo.id,
    login: 'student',
  });
  return data;
}

function expand<T extends string>(counts: Partial<Record<T, number>>, total: number, rest: T): T[] {
  const list = (Object.entries(counts) as Array<[T, number]>).flatMap(([k, n]) =>
    Array<T>(n).fill(k),
  );
  if (list.length > total) throw new Error('more special profiles than seats');
  return [...list, ...Array<T>(total - list.length).fill(rest)];
}

function attendanceNote(rng: Rng, status: AttendanceStatus, profile: Profile): string | null {
  switch (status) {
    case 'present':
    case 'absent':
      return null;
    case 'late':
      return pick(rng, ['Train delays', 'Clinical handover ran over', null, null]);
    case 'left_early':
      return pick(rng, ['Called back to the team for a crisis', 'Childcare', null]);
    case 'excused':
      return profile === 'long_illness'
        ? 'Certificated sick leave'
        : pick(rng, [
            'Sickness (reported)',
            'Clinical emergency at base',
            'Bereavement',
            'Annual leave agreed in advance',
          ]);
  }
}

/**
 * The CompletionFacts of one enrolment at `asOf`, counted the way the measures query counts:
 * mandatory sessions that start on or after local midnight of the enrolment day and have ended
 * by `asOf`; excused sessions' contact minutes leave the attendance denominator; the latest
 * outcome per assessment code. `records` and `results` are the enrolment's own.
 */
export function completionFacts(
  enrolment: Pick<DemoEnrolment, 'enrolledAt'>,
  sessions: readonly DemoSession[],
  blocks: readonly DemoBlock[],
  records: readonly DemoAttendance[],
  results: readonly DemoAssessmentResult[],
  asOf: Date,
): CompletionFacts {
  const countsFrom = DateTime.fromJSDate(enrolment.enrolledAt, { zone: DEMO_TIMEZONE })
    .startOf('day')
    .toMillis();
  const bySession = new Map(records.map((r) => [r.sessionId, r]));
  const zero = () => ({ attendedMinutes: 0, eligibleMinutes: 0, excusedMinutes: 0 });
  const total = zero();
  const perBlock = new Map(blocks.map((b) => [b.id, zero()]));
  for (const s of sessions) {
    if (!s.mandatory || s.startsAt.getTime() < countsFrom || s.endsAt.getTime() > asOf.getTime()) {
      continue;
    }
    const r = bySession.get(s.id);
    const attended = r && r.status !== 'excused' && r.status !== 'absent' ? r.minutesAttended : 0;
    const excused = r?.status === 'excused' ? s.contactMinutes : 0;
    for (const f of [total, perBlock.get(s.blockId)]) {
      if (!f) continue;
      f.eligibleMinutes += s.contactMinutes;
      f.attendedMinutes += attended;
      f.excusedMinutes += excused;
    }
  }
  const latest = [...results]
    .filter((r) => r.recordedAt.getTime() <= asOf.getTime())
    .sort((a, b) => a.recordedAt.getTime() - b.recordedAt.getTime());
  return {
    ...total,
    blocks: [...blocks]
      .sort((a, b) => a.startDate.localeCompare(b.startDate))
      .map((b) => ({ blockId: b.id, title: b.title, ...(perBlock.get(b.id) ?? zero()) })),
    assessments: Object.fromEntries(latest.map((r) => [r.assessmentCode, r.outcome])),
    requiredAssessmentCodes: REQUIRED_CODES,
  };
}
