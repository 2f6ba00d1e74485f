import type { EnrolmentStatus } from '../enrolments/enrolment.entity';
import {
  likelyRegister,
  enrolmentActions,
  groupByBlock,
  isEnrolmentAction,
  progressSort,
  sortLinks,
  sortProgress,
} from './cohort-page';

const row = (name: string, percent: number | null) => ({ name, attendance: { percent } });
const rows = [row('Ada', 90), row('Ben', null), row('Cal', 72.5), row('Dee', 90), row('Eve', 100)];
const names = (r: Array<{ name: string }>) => r.map((x) => x.name).join(' ');

describe('sortProgress', () => {
  it.each([
    ['name', 'Ada Ben Cal Dee Eve'],
    ['attendance', 'Cal Ada Dee Eve Ben'],
    ['-attendance', 'Eve Ada Dee Cal Ben'],
  ] as const)('%s -> %s', (sort, expected) => {
    expect(names(sortProgress(rows, sort))).toBe(expected);
    expect(names(rows)).toBe('Ada Ben Cal Dee Eve');
  });
});

describe('progressSort and sortLinks', () => {
  it.each([
    ['attendance', 'attendance'],
    ['-attendance', '-attendance'],
    ['name', 'name'],
    ['', 'name'],
    [['attendance'], 'name'],
    [undefined, 'name'],
  ])('%p -> %p', (given, sort) => {
    expect(progressSort(given)).toBe(sort);
  });

  it.each([
    ['name', 'attendance', { name: 'ascending' }],
    ['attendance', '-attendance', { attendance: 'ascending' }],
    ['-attendance', 'attendance', { attendance: 'descending' }],
  ] as const)('on %s the attendance header links to %s', (current, next, ariaSort) => {
    expect(sortLinks(current)).toEqual({ name: 'name', attendance: next, ariaSort });
  });
});

describe('enrolmentActions', () => {
  it.each<[EnrolmentStatus, string[]]>([
    ['enrolled', ['withdraw', 'defer', 'transfer']],
    ['waitlisted', ['withdraw', 'transfer']],
    ['deferred', ['resume', 'withdraw', 'transfer']],
    ['completed', []],
    ['not_completed', []],
    // A withdrawal made in error is undone by reinstating; nothing else comes back.
    ['withdrawn', ['reinstate']],
    ['transferred', []],
  ])('%s offers %j', (status, actions) => {
    expect(enrolmentActions(status)).toEqual(actions);
  });
});

describe('isEnrolmentAction', () => {
  it.each([
    ['withdraw', true],
    ['reinstate', true],
    ['award', false],
    ['constructor', false],
    [undefined, false],
  ])('%s is an action: %s', (value, expected) => {
    expect(isEnrolmentAction(value)).toBe(expected);
  });
});

describe('groupByBlock', () => {
  const now = Date.parse('2018-04-17T12:00:00Z');
  const session = (id: string, blockId: string | null, endsAt: string) => ({
    id,
    blockId,
    blockTitle: blockId ? `Week ${blockId}` : null,
    startsAt: new Date(Date.parse(endsAt) - 3_600_000).toISOString(),
    endsAt,
    timezone: 'Europe/London',
  });

  it('groups by block in order of first session, with register counts and whether it ended', () => {
    const groups = groupByBlock(
      [
        session('a', '1', '2018-01-08T12:30:00Z'),
        session('x', null, '2018-02-01T12:00:00Z'),
        session('b', '1', '2018-01-09T12:30:00Z'),
        session('c', '2', '2018-04-18T11:30:00Z'),
      ],
      [{ sessionId: 'a', marked: 3, seated: 4 }],
      now,
    );
    expect(
      groups.map((g) => [
        g.title,
        g.sessions.map((s) => `${s.id}:${s.ended}:${s.marked}/${s.seated}`),
      ]),
    ).toEqual([
      ['Week 1', ['a:true:3/4', 'b:true:0/0']],
      ['Other sessions', ['x:true:0/0']],
      ['Week 2', ['c:false:0/0']],
    ]);
  });
});

describe('likelyRegister', () => {
  // 17 April 2018, 12:00 UTC = 13:00 in London (BST).
  const now = Date.parse('2018-04-17T12:00:00Z');
  const at = (id: string, startsAt: string, marked = 0, seated = 4) => ({
    id,
    blockId: null,
    blockTitle: null,
    startsAt,
    endsAt: new Date(Date.parse(startsAt) + 2 * 3_600_000).toISOString(),
    timezone: 'Europe/London',
    marked,
    seated,
  });
  const pick = (sessions: Array<ReturnType<typeof at>>) => {
    const counts = sessions.map((s) => ({ sessionId: s.id, marked: s.marked, seated: s.seated }));
    const found = likelyRegister(groupByBlock(sessions, counts, now));
    return found ? `${found.id}:${found.reason}` : null;
  };

  it.each([
    [
      "today's session in progress beats an older unmarked one",
      [at('old', '2018-04-10T08:30:00Z'), at('now', '2018-04-17T11:00:00Z')],
      'now:today',
    ],
    [
      'of two today, the one not ended yet',
      [at('am', '2018-04-17T08:00:00Z', 4), at('pm', '2018-04-17T13:00:00Z')],
      'pm:today',
    ],
    [
      'of two today both ended, the later',
      [at('am', '2018-04-17T06:00:00Z'), at('noon', '2018-04-17T09:00:00Z', 4)],
      'noon:today',
    ],
    [
      // 23:30 UTC on the 16th is 00:30 on the 17th in London: today there, whatever UTC says.
      'today in the cohort zone, not in UTC',
      [at('late', '2018-04-16T23:30:00Z', 4)],
      'late:today',
    ],
    [
      'nothing today: the most recent register not complete',
      [
        at('a', '2018-04-09T08:30:00Z', 1),
        at('b', '2018-04-10T08:30:00Z', 2),
        at('c', '2018-04-11T08:30:00Z', 4),
        at('next', '2018-04-20T08:30:00Z'),
      ],
      'b:unmarked',
    ],
    ['every register taken and nothing today', [at('c', '2018-04-11T08:30:00Z', 4)], null],
  ])('%s', (_label, sessions, expected) => {
    expect(pick(sessions)).toBe(expected);
  });
});
