import { parseOffsetList, reminderOffsets } from './reminder-offsets';

describe('reminder offsets', () => {
  it.each<[unknown, string[], string[]]>([
    ['P7D,P1D', ['P7D', 'P1D'], []],
    [' p7d , P1D ,', ['P7D', 'P1D'], []],
    ['PT12H', ['PT12H'], []],
    ['P1W', ['P1W'], []],
    ['P1D,P1D', ['P1D'], []],
    ['', [], []],
    ['P0D', [], ['P0D']],
    ['7 days', [], ['7 days']],
    ['P7D,banana', ['P7D'], ['banana']],
    [['P2D', 'PT1H'], ['P2D', 'PT1H'], []],
    [[3], [], ['3']],
    [undefined, [], []],
  ])('parses %j', (input, offsets, rejected) => {
    expect(parseOffsetList(input)).toEqual({ offsets, rejected });
  });

  const defaults = { block: 'P7D,P1D', session: 'P1D' };
  it.each<[string, Parameters<typeof reminderOffsets>[1], ReturnType<typeof reminderOffsets>]>([
    [
      'no settings: the defaults',
      undefined,
      { block: ['P7D', 'P1D'], session: ['P1D'], rejected: [] },
    ],
    ['empty settings: the defaults', {}, { block: ['P7D', 'P1D'], session: ['P1D'], rejected: [] }],
    [
      'a cohort replaces one list',
      { blockOffsets: ['P14D'] },
      { block: ['P14D'], session: ['P1D'], rejected: [] },
    ],
    [
      'an empty list turns that kind off',
      { sessionOffsets: [] },
      { block: ['P7D', 'P1D'], session: [], rejected: [] },
    ],
    [
      'disabled',
      { enabled: false, blockOffsets: ['P1D'] },
      { block: [], session: [], rejected: [] },
    ],
    [
      'bad entries are reported',
      { sessionOffsets: ['P1D', 'soon'] },
      { block: ['P7D', 'P1D'], session: ['P1D'], rejected: ['soon'] },
    ],
  ])('%s', (_name, settings, expected) => {
    expect(reminderOffsets(defaults, settings)).toEqual(expected);
  });
});
