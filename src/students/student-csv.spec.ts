import { InvalidInputError } from '../common/errors';
import { parseProfession, parseStudentCsv } from './student-csv';

const PROFESSIONS = ['nurse', 'psychiatrist', 'peer_support_worker', 'other'];
const HEADER = 'givenName,familyName,email,profession,employer,registrationNumber';
const parse = (text: string) => parseStudentCsv(text, { professions: PROFESSIONS });

describe('parseStudentCsv', () => {
  it('reads a valid file into rows with physical line numbers', () => {
    const result = parse(
      `${HEADER}\nAmara,Okafor,Amara.Okafor@NELFT.nhs.uk,nurse,NELFT,NMC123\n\nBen,Ng,ben@x.org,Peer support worker,,\n`,
    );
    expect(result.errors).toEqual([]);
    expect(result.records).toBe(2);
    expect(result.rows).toEqual([
      {
        line: 2,
        givenName: 'Amara',
        familyName: 'Okafor',
        email: 'amara.okafor@nelft.nhs.uk',
        profession: 'nurse',
        employer: 'NELFT',
        registrationNumber: 'NMC123',
      },
      {
        line: 4,
        givenName: 'Ben',
        familyName: 'Ng',
        email: 'ben@x.org',
        profession: 'peer_support_worker',
        employer: null,
        registrationNumber: null,
      },
    ]);
  });

  it('tolerates a UTF-8 BOM, CRLF line ends and any column order', () => {
    const result = parse(
      `\uFEFFemail,profession,familyName,givenName\r\nc@x.org,psychiatrist,Cole,Cara\r\n`,
    );
    expect(result.errors).toEqual([]);
    expect(result.columns).toEqual(['email', 'profession', 'familyName', 'givenName']);
    expect(result.rows[0]).toMatchObject({ line: 2, givenName: 'Cara', email: 'c@x.org' });
  });

  it('reports a record with a quoted line break at the line where it starts', () => {
    const result = parse(`${HEADER}\n"An\nna",Lee,bad-email,nurse,,\nZoe,Ray,z@x.org,nurse,,\n`);
    expect(result.errors).toEqual([
      { line: 2, field: 'email', message: 'email: "bad-email" is not a valid email address' },
    ]);
    expect(result.rows.map((r) => r.line)).toEqual([4]);
  });

  it.each<[string, string, Array<{ line: number; message: string }>]>([
    [
      'a missing required value',
      'Amara,,a@x.org,nurse,,',
      [{ line: 2, message: 'familyName: is required' }],
    ],
    [
      'an invalid email',
      'Amara,Okafor,not-an-email,nurse,,',
      [{ line: 2, message: 'email: "not-an-email" is not a valid email address' }],
    ],
    [
      'an unknown profession',
      'Amara,Okafor,a@x.org,astronaut,,',
      [
        {
          line: 2,
          message:
            'profession: "astronaut" is not one of Nurse, Psychiatrist, Peer support worker, Other',
        },
      ],
    ],
    [
      'a value too long',
      `${'A'.repeat(101)},Okafor,a@x.org,nurse,,`,
      [{ line: 2, message: 'givenName: must be at most 100 characters' }],
    ],
    [
      'an erased record’s placeholder address',
      'Amara,Okafor,erased-1234@erased.invalid,nurse,,',
      [{ line: 2, message: 'email: addresses at erased.invalid are reserved for erased records' }],
    ],
    [
      'a wrong number of fields',
      'Amara,Okafor,a@x.org',
      [{ line: 2, message: 'Expected 6 fields (as in the header), found 3' }],
    ],
    [
      'a stray quote',
      'Am"ara,Okafor,a@x.org,nurse,,',
      [{ line: 2, message: 'Malformed CSV: a quote appears inside an unquoted field' }],
    ],
    [
      'several problems on one line',
      ',Okafor,nope,astronaut,,',
      [
        { line: 2, message: 'givenName: is required' },
        { line: 2, message: 'email: "nope" is not a valid email address' },
        {
          line: 2,
          message:
            'profession: "astronaut" is not one of Nurse, Psychiatrist, Peer support worker, Other',
        },
      ],
    ],
  ])('reports %s with its line and reason', (_name, line, expected) => {
    const result = parse(`${HEADER}\n${line}\nZoe,Ray,z@x.org,nurse,,\n`);
    expect(result.errors.map(({ line: l, message }) => ({ line: l, message }))).toEqual(expected);
    expect(result.rows.map((r) => r.email)).toEqual(['z@x.org']);
  });

  it('reports a duplicate email on the later line, naming the first', () => {
    const result = parse(
      `${HEADER}\nA,B,dup@x.org,nurse,,\nC,D,z@x.org,nurse,,\nE,F,DUP@x.org,nurse,,\n`,
    );
    expect(result.errors).toEqual([
      { line: 4, field: 'email', message: 'email: dup@x.org also appears on line 2' },
    ]);
  });

  it('reports an unclosed quote at the line where the broken record starts', () => {
    const result = parse(
      `${HEADER}\nA,B,a@x.org,nurse,,\n\nC,"D,c@x.org,nurse,,\nE,F,e@x.org,nurse,,\n`,
    );
    expect(result.errors).toEqual([
      { line: 4, message: 'Malformed CSV: a quoted field is never closed' },
    ]);
  });

  it.each<[string, string, string]>([
    ['an empty body', '', 'empty_csv'],
    ['only a BOM and blank lines', '\uFEFF\n\n', 'empty_csv'],
    [
      'a missing required column',
      'givenName,familyName,email\nA,B,a@x.org\n',
      'invalid_csv_header',
    ],
    ['an unknown column', `${HEADER},nickname\n`, 'invalid_csv_header'],
    ['a repeated column', `${HEADER},email\n`, 'invalid_csv_header'],
  ])('refuses %s with a 400', (_name, text, code) => {
    let thrown: unknown;
    try {
      parse(text);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidInputError);
    expect(thrown).toMatchObject({ status: 400, code });
  });

  it('names the missing column in the header error', () => {
    expect(() => parse('givenName,familyName,email\n')).toThrow(
      /required column profession is missing/,
    );
  });
});

describe('parseProfession', () => {
  it.each([
    ['Peer support worker', undefined, 'peer_support_worker'],
    ['peer-support-worker', undefined, 'peer_support_worker'],
    [' NURSE ', undefined, 'nurse'],
    ['social_worker', undefined, 'social_worker'],
    ['Occupational Therapist', undefined, 'occupational_therapist'],
    ['Social worker', ['nurse'], null],
    ['astronaut', undefined, null],
  ])('%j (of %j) -> %j', (input, allowed, expected) => {
    expect(parseProfession(input, allowed)).toBe(expected);
  });
});
