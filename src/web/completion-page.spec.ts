import type { CompletionPreview, PreviewItem } from '../completion/completion.service';
import { evaluationView } from './completion-page';

const item = (over: Partial<PreviewItem>): PreviewItem => ({
  enrolmentId: 'e',
  studentId: 's',
  studentName: 'Priya Raman',
  status: 'enrolled',
  outcome: 'not_completed',
  decidedBy: 'rules',
  meetsCompletionRules: false,
  results: [],
  attendance: {} as PreviewItem['attendance'],
  blocks: [],
  assessments: [],
  ...over,
});

describe('evaluationView', () => {
  it('lists everyone the rules will mark not completed with every rule they fail', () => {
    const preview = {
      items: [
        item({
          studentName: 'Priya Raman',
          results: [
            { type: 'min_attendance_percent', required: 80, actual: 97, passed: true },
            { type: 'assessments_passed', required: ['ESSAY'], actual: [], passed: false },
          ],
          assessments: [
            { code: 'ESSAY', title: 'Essay', required: true, outcome: 'refer', attempt: 2 },
          ],
        }),
        item({
          studentName: 'Tom Baker',
          results: [{ type: 'min_attendance_percent', required: 80, actual: 72, passed: false }],
        }),
        // Completed by the rules, an override that stands, a decision already taken: not listed.
        item({ studentName: 'Ada', outcome: 'completed', meetsCompletionRules: true }),
        item({ studentName: 'Ben', decidedBy: 'override' }),
        item({ studentName: 'Cy', decidedBy: 'decided', status: 'not_completed' }),
      ],
    } as unknown as CompletionPreview;
    expect(evaluationView(preview).notMeeting.map((p) => [p.studentName, p.failing])).toEqual([
      ['Priya Raman', ['Essay: referred at attempt 2, pass required']],
      ['Tom Baker', ['Attendance 72% (needs 80%)']],
    ]);
  });
});
