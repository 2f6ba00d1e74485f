import { parseEmailList } from './bulk-enrolment-form';

describe('parseEmailList', () => {
  it.each([
    ['one a line', 'a@x.org\nb@x.org\r\nc@x.org', ['a@x.org', 'b@x.org', 'c@x.org']],
    [
      'commas, semicolons and spaces',
      'a@x.org, b@x.org; c@x.org  d@x.org',
      ['a@x.org', 'b@x.org', 'c@x.org', 'd@x.org'],
    ],
    ['repeats dropped, first place kept', 'B@x.org\na@x.org\nb@x.org', ['b@x.org', 'a@x.org']],
    ['blank lines and angle brackets', '\n\n<a@x.org>\n\n', ['a@x.org']],
    ['nothing', '  \n ', []],
  ])('%s', (_name, text, expected) => {
    expect(parseEmailList(text)).toEqual(expected);
  });
});
