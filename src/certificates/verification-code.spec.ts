import {
  CODE_ALPHABET,
  CODE_BITS,
  CODE_LENGTH,
  formatVerificationCode,
  generateVerificationCode,
  normaliseVerificationCode,
} from './verification-code';

describe('verification codes', () => {
  it('carry at least 60 bits from an alphabet without look-alikes', () => {
    expect(CODE_BITS).toBeGreaterThanOrEqual(60);
    for (const ch of 'ILOU01') expect(CODE_ALPHABET).not.toContain(ch);
    expect(new Set(CODE_ALPHABET).size).toBe(CODE_ALPHABET.length);
  });

  it.each([
    ['all zero bytes', () => Buffer.alloc(64, 0), '2'.repeat(CODE_LENGTH)],
    ['bytes 0..29 in turn', (n: number) => Buffer.from([...Array(n).keys()]), null],
    [
      'rejected bytes (>= 240) are skipped',
      (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i % 2 ? 29 : 255))),
      'Z'.repeat(CODE_LENGTH),
    ],
  ])('generate from %s', (_name, random, expected) => {
    const code = generateVerificationCode(random);
    expect(code).toHaveLength(CODE_LENGTH);
    for (const ch of code) expect(CODE_ALPHABET).toContain(ch);
    if (expected) expect(code).toBe(expected);
  });

  it('generates different codes from the real random source', () => {
    const codes = new Set(Array.from({ length: 1000 }, () => generateVerificationCode()));
    expect(codes.size).toBe(1000);
    for (const code of codes) expect(normaliseVerificationCode(code)).toBe(code);
  });

  it.each([
    ['ABCDEFGHJKMNPQ', 'ABCD-EFGH-JKMN-PQ'],
    ['23456789ABCDEF', '2345-6789-ABCD-EF'],
  ])('formats %s as %s', (code, shown) => {
    expect(formatVerificationCode(code)).toBe(shown);
  });

  it.each<[string, string | null]>([
    ['ABCD-EFGH-JKMN-PQ', 'ABCDEFGHJKMNPQ'],
    ['abcd-efgh-jkmn-pq', 'ABCDEFGHJKMNPQ'],
    ['ABCDEFGHJKMNPQ', 'ABCDEFGHJKMNPQ'],
    ['abcd efgh jkmn pq', 'ABCDEFGHJKMNPQ'],
    ['  AbCd.EfGh_JkMn - Pq ', 'ABCDEFGHJKMNPQ'],
    ['ABCD-EFGH-JKMN-P', null],
    ['ABCD-EFGH-JKMN-PQR', null],
    ['ABCD-EFGH-JKMN-PO', null],
    ['ABCD-EFGH-JKMN-P0', null],
    ['ABCD-EFGH-JKMN-P1', null],
    ['ABCD-EFGH-IKMN-PQ', null],
    ['ABCD-EFGH-LKMN-PQ', null],
    ['ABCD-EFGH-UKMN-PQ', null],
    ['ABCD/EFGH/JKMN/PQ', null],
    ['ABCD-EFGH-JKMN-P%', null],
    ['', null],
    ['x'.repeat(500), null],
  ])('normalises %j to %j', (input, expected) => {
    expect(normaliseVerificationCode(input)).toBe(expected);
  });
});
