import { redactPersonalData } from './personal-data-redaction';

const strings = ['amara.okafor@nelft.nhs.uk', 'Amara Okafor'];

describe('redactPersonalData', () => {
  it.each<[string, unknown, unknown]>([
    ['a personal key', { holderName: 'Amara Okafor' }, { holderName: '[erased]' }],
    ['a nested personal key', { after: { email: 'x@y.org' } }, { after: { email: '[erased]' } }],
    [
      'a personal string inside other text, case-insensitively',
      { note: 'Emailed AMARA.OKAFOR@nelft.nhs.uk about Amara Okafor' },
      { note: 'Emailed [erased] about [erased]' },
    ],
    ['arrays', [{ studentName: 'A' }, 'amara okafor'], [{ studentName: '[erased]' }, '[erased]']],
    [
      'non-personal values untouched',
      { status: 'enrolled', count: 3, ok: true, none: null },
      { status: 'enrolled', count: 3, ok: true, none: null },
    ],
    ['null', null, null],
  ])('redacts %s', (_name, input, expected) => {
    expect(redactPersonalData(input, { strings })).toEqual(expected);
  });

  it('uses the given replacement and ignores needles too short to be safe', () => {
    expect(
      redactPersonalData(
        { holderName: 'Al B', note: 'Al wrote' },
        {
          strings: ['Al'],
          replacement: 'Erased student 1234abcd',
        },
      ),
    ).toEqual({ holderName: 'Erased student 1234abcd', note: 'Al wrote' });
  });

  it('does not modify its input', () => {
    const input = { email: 'x@y.org' };
    redactPersonalData(input, { strings });
    expect(input).toEqual({ email: 'x@y.org' });
  });
});
