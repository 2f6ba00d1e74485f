import { ConflictError } from '../common/errors';
import { ENROLMENT_STATUSES, EnrolmentStatus, SEATED_STATUSES } from './enrolment.entity';
import {
  assertTransition,
  canTransition,
  freesSeat,
  isSeated,
  needsSeat,
} from './enrolment-transitions';

const LEGAL: Array<[EnrolmentStatus, EnrolmentStatus]> = [
  ['waitlisted', 'enrolled'],
  ['waitlisted', 'withdrawn'],
  ['waitlisted', 'transferred'],
  ['enrolled', 'withdrawn'],
  ['enrolled', 'deferred'],
  ['enrolled', 'transferred'],
  ['enrolled', 'completed'],
  ['enrolled', 'not_completed'],
  ['deferred', 'enrolled'],
  ['deferred', 'waitlisted'],
  ['deferred', 'withdrawn'],
  ['deferred', 'transferred'],
];
const OVERRIDE_ONLY: Array<[EnrolmentStatus, EnrolmentStatus]> = [
  ['completed', 'not_completed'],
  ['not_completed', 'completed'],
];
const REINSTATE_ONLY: Array<[EnrolmentStatus, EnrolmentStatus]> = [
  ['withdrawn', 'enrolled'],
  ['withdrawn', 'waitlisted'],
];
const key = ([from, to]: [EnrolmentStatus, EnrolmentStatus]) => `${from}->${to}`;
const legal = new Set(LEGAL.map(key));
const overrideOnly = new Set(OVERRIDE_ONLY.map(key));
const ALL_PAIRS = ENROLMENT_STATUSES.flatMap((from) =>
  ENROLMENT_STATUSES.map((to): [EnrolmentStatus, EnrolmentStatus] => [from, to]),
);

describe('enrolment transitions', () => {
  const reinstateOnly = new Set(REINSTATE_ONLY.map(key));
  it.each(ALL_PAIRS)('%s -> %s when reinstating a withdrawal', (from, to) => {
    expect(canTransition(from, to, { reinstate: true })).toBe(
      legal.has(key([from, to])) || reinstateOnly.has(key([from, to])),
    );
  });

  it.each(ALL_PAIRS)('%s -> %s follows the table without an override', (from, to) => {
    expect(canTransition(from, to)).toBe(legal.has(key([from, to])));
  });

  it.each(ALL_PAIRS)('%s -> %s with an admin override', (from, to) => {
    const expected = legal.has(key([from, to])) || overrideOnly.has(key([from, to]));
    expect(canTransition(from, to, { override: true })).toBe(expected);
  });

  it.each<[EnrolmentStatus]>([['withdrawn'], ['transferred']])(
    '%s is terminal, even with an override',
    (from) => {
      for (const to of ENROLMENT_STATUSES) {
        expect(canTransition(from, to, { override: true })).toBe(false);
      }
    },
  );

  it.each<[EnrolmentStatus, EnrolmentStatus, string]>([
    ['withdrawn', 'enrolled', 'An enrolment cannot go from withdrawn to enrolled'],
    ['enrolled', 'enrolled', 'An enrolment cannot go from enrolled to enrolled'],
    [
      'completed',
      'not_completed',
      'An enrolment cannot go from completed to not_completed without an admin override',
    ],
  ])('assertTransition(%s, %s) throws a 409 illegal_transition', (from, to, message) => {
    let thrown: unknown;
    try {
      assertTransition(from, to);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConflictError);
    expect(thrown).toMatchObject({ status: 409, code: 'illegal_transition', message });
  });

  it('assertTransition passes a legal move', () => {
    expect(() => assertTransition('waitlisted', 'enrolled')).not.toThrow();
    expect(() => assertTransition('completed', 'not_completed', { override: true })).not.toThrow();
  });

  it.each(ENROLMENT_STATUSES.map((s) => [s]))('isSeated(%s) agrees with the entity', (status) => {
    expect(isSeated(status)).toBe(SEATED_STATUSES.includes(status));
  });

  it.each<[EnrolmentStatus, EnrolmentStatus, boolean, boolean]>([
    ['enrolled', 'withdrawn', true, false],
    ['enrolled', 'deferred', true, false],
    ['enrolled', 'transferred', true, false],
    ['enrolled', 'completed', false, false],
    ['waitlisted', 'withdrawn', false, false],
    ['waitlisted', 'enrolled', false, true],
    ['deferred', 'enrolled', false, true],
    ['completed', 'not_completed', false, false],
  ])('%s -> %s frees a seat: %s, needs a seat: %s', (from, to, frees, needs) => {
    expect(freesSeat(from, to)).toBe(frees);
    expect(needsSeat(from, to)).toBe(needs);
  });
});
