import { csrfTokenFor, csrfTokenMatches, newCsrfSecret } from './csrf';

const KEY = 'k'.repeat(32);

describe('csrf tokens', () => {
  const secret = newCsrfSecret();
  const token = csrfTokenFor(KEY, secret);

  it.each([
    ['the token of the secret', secret, token, true],
    ['no secret cookie', undefined, token, false],
    ['an empty secret', '', csrfTokenFor(KEY, ''), false],
    ['no token', secret, undefined, false],
    ['an empty token', secret, '', false],
    ['the secret itself as token', secret, secret, false],
    ['a token of another secret', secret, csrfTokenFor(KEY, newCsrfSecret()), false],
    ['a token signed with another key', secret, csrfTokenFor('x'.repeat(32), secret), false],
    ['a token with an extra character', secret, `${token}A`, false],
    ['an array of tokens', secret, [token], false],
  ])('%s -> %s', (_label, s, t, expected) => {
    expect(csrfTokenMatches(KEY, s, t)).toBe(expected);
  });

  it('makes a fresh secret each time', () => {
    expect(newCsrfSecret()).not.toBe(newCsrfSecret());
    expect(newCsrfSecret()).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
