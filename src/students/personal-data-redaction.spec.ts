import { redactPersonalData } from './personal-data-redaction';

const strings = ['amara.okafor@nelft.nhs.uk', 'Amara Okafor'];

describe('redactPersonalData', () => {
  it.each<[string, unknown, unknown]>([
    ['a personal key', { holderName: 'Amara Okafor' }, { holderName: '[erased]' }],
    ['a nested personal key', { after: { email: 'x@y.org' } }, { after: { email: '[erased]' } }],
    [
      'a personal string inside other text, case-insensitively',
      { detail: 'Emailed AMARA.OKAFOR@nelft.nhs.uk about Amara Okafor' },
      { detail: 'Emailed [erased] about [erased]' },
    ],
    ['arrays', [{ studentName: 'A' }, 'amara okafor'], [{ studentName: '[erased]' }, '[erased]']],
    [
      'free text about the person',
      { note: 'Left early', reason: 'Moved trust', revokedReason: 'Name misspelt' },
      { note: '[erased]', reason: '[erased]', revokedReason: '[erased]' },
    ],
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
        { holderName: 'Al B', detail: 'Al wrote' },
        {
          strings: ['Al'],
          replacement: 'Erased student 1234abcd',
        },
      ),
    ).toEqual({ holderName: 'Erased student 1234abcd', detail: 'Al wrote' });
  });

  it('matches whole words only, so a short given name leaves longer words alone', () => {
    expect(
      redactPersonalData(
        { title: 'Annual return', note: 'Ann said (Ann) ann.' },
        { strings: ['Ann'], keys: false },
      ),
    ).toEqual({ title: 'Annual return', note: '[erased] said ([erased]) [erased].' });
  });

  it('leaves personal keys of records not about the person when keys is false', () => {
    expect(
      redactPersonalData(
        { reason: 'Cohort moved rooms', note: 'Amara Okafor was late' },
        { strings, keys: false },
      ),
    ).toEqual({ reason: 'Cohort moved rooms', note: '[erased] was late' });
  });

  it('does not modify its input', () => {
    const input = { email: 'x@y.org' };
    redactPersonalData(input, { strings });
    expect(input).toEqual({ email: 'x@y.org' });
  });
});
