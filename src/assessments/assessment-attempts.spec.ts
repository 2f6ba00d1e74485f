import { AssessmentState, nextAssessmentState } from './assessment-attempts';

const state = (
  outcome: AssessmentState['outcome'],
  attempt = 1,
  mark: number | null = null,
  note: string | null = null,
): AssessmentState => ({ outcome, mark, note, attempt });

describe('nextAssessmentState', () => {
  it.each([
    ['first result is attempt 1', null, state('refer'), state('refer', 1)],
    ['the same result twice changes nothing', state('pass', 1, 62), state('pass', 1, 62), null],
    [
      'pass after refer is attempt 2',
      state('refer', 1, 40),
      state('pass', 1, 58),
      state('pass', 2, 58),
    ],
    ['pass after fail is attempt 2', state('fail', 1), state('pass'), state('pass', 2)],
    [
      'refer after refer with a new mark is a resubmission',
      state('refer', 2, 35),
      state('refer', 1, 45),
      state('refer', 3, 45),
    ],
    [
      'a corrected pass mark stays on the same attempt',
      state('pass', 2, 60),
      state('pass', 1, 65),
      state('pass', 2, 65),
    ],
    [
      'a pass turned into a refer is a correction',
      state('pass', 1),
      state('refer'),
      state('refer', 1),
    ],
    [
      'a note alone is a correction',
      state('refer', 1, 40),
      state('refer', 1, 40, 'late'),
      state('refer', 1, 40, 'late'),
    ],
  ] as const)('%s', (_name, current, next, expected) => {
    const { attempt: _ignored, ...body } = next;
    expect(nextAssessmentState(current, body)).toEqual(expected);
  });
});
