import { WeekForm } from './dto/timetable-forms.dto';
import { weekSessions } from './timetable-form';

describe('weekSessions', () => {
  const form = (over: Partial<WeekForm>): WeekForm =>
    Object.assign(new WeekForm(), { title: 'Residential week 4', firstDay: '2018-10-25', ...over });

  it('makes one session a day at the same local times, across the end of summer time', () => {
    // 25 to 29 October 2018: the clocks went back on Sunday 28th.
    expect(weekSessions(form({ blockId: 'b', location: 'Goodmayes' }))).toEqual(
      ['25', '26', '27', '28', '29'].map((d, i) => ({
        title: `Residential week 4, day ${i + 1}`,
        kind: 'residential',
        startsAt: `2018-10-${d}T09:30`,
        endsAt: `2018-10-${d}T16:30`,
        blockId: 'b',
        location: 'Goodmayes',
      })),
    );
  });

  it('crosses a month end, and a single day keeps the title as given', () => {
    const week = weekSessions(form({ firstDay: '2018-02-27', days: '3' }));
    expect(week.map((s) => s.startsAt.slice(0, 10))).toEqual([
      '2018-02-27',
      '2018-02-28',
      '2018-03-01',
    ]);
    expect(weekSessions(form({ days: '1' }))[0].title).toBe('Residential week 4');
  });
});
