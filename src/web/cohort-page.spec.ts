import type { EnrolmentStatus } from '../enrolments/enrolment.entity';
import {
  enrolmentActions,
  groupByBlock,
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
    ['deferred', ['withdraw', 'transfer']],
    ['completed', []],
    ['not_completed', []],
    ['withdrawn', []],
    ['transferred', []],
  ])('%s offers %j', (status, actions) => {
    expect(enrolmentActions(status)).toEqual(actions);
  });
});

describe('groupByBlock', () => {
  const now = Date.parse('2018-04-17T12:00:00Z');
  const session = (id: string, blockId: string | null, endsAt: string) => ({
    id,
    blockId,
    blockTitle: blockId ? `Week ${blockId}` : null,
    endsAt,
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
