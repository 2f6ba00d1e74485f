import { csrfTokenFor, csrfTokenMatches, newCsrfSecret } from './csrf';

const KEY = 'k'.repeat(32);

describe('csrf tokens', () => {
  const secret = newCsrfSecret();
  const session = '6f1e2d3c-0000-4000-8000-000000000001';
  const token = csrfTokenFor(KEY, secret, session);

  it.each([
    ['the token of the secret and session', secret, session, token, true],
    ['no secret cookie', undefined, session, token, false],
    ['an empty secret', '', session, csrfTokenFor(KEY, '', session), false],
    ['no token', secret, session, undefined, false],
    ['an empty token', secret, session, '', false],
    ['the secret itself as token', secret, session, secret, false],
    [
      'a token of another secret',
      secret,
      session,
      csrfTokenFor(KEY, newCsrfSecret(), session),
      false,
    ],
    [
      'a token signed with another key',
      secret,
      session,
      csrfTokenFor('x'.repeat(32), secret, session),
      false,
    ],
    ['a token with an extra character', secret, session, `${token}A`, false],
    ['an array of tokens', secret, session, [token], false],
    [
      'a token minted before sign-in, used in a session',
      secret,
      session,
      csrfTokenFor(KEY, secret, null),
      false,
    ],
    [
      'a token of another session',
      secret,
      session,
      csrfTokenFor(KEY, secret, '6f1e2d3c-0000-4000-8000-000000000002'),
      false,
    ],
    ['an anonymous token before sign-in', secret, null, csrfTokenFor(KEY, secret, null), true],
  ])('%s -> %s', (_label, s, sid, t, expected) => {
    expect(csrfTokenMatches(KEY, s, sid, t)).toBe(expected);
  });

  it('makes a fresh secret each time', () => {
    expect(newCsrfSecret()).not.toBe(newCsrfSecret());
    expect(newCsrfSecret()).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
