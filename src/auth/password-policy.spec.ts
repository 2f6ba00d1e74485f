import { checkNewPassword, PASSWORD_MAX_LENGTH } from './password-policy';

describe('checkNewPassword', () => {
  it.each([
    ['a long passphrase', 'correct-horse-battery-staple', [], true],
    ['random characters', 'kT9#mQ2v!xLp7w', [], true],
    ['the issue’s weak admin password', '123456789012', [], false],
    ['a common password repeated', 'passwordpassword', [], false],
    ['a keyboard walk', 'qwertyuiop[]', [], false],
    ['a sequence of letters', 'abcdefghijklmn', [], false],
    ['one character repeated', 'aaaaaaaaaaaaaaaa', [], false],
    ['too short, however random', 'kT9#mQ2v!x', [], false],
    ['too long', 'x'.repeat(PASSWORD_MAX_LENGTH + 1), [], false],
    ['the service’s own name', 'podcohorts2026', [], false],
    ['the person’s email', 'ada.lovelace@nhs.net', ['ada.lovelace@nhs.net'], false],
    ['the person’s name and digits', 'lovelace123456', ['ada.lovelace@nhs.net'], false],
    [
      'unrelated words with someone’s email as context',
      'zygmunt-quarrel-harbour',
      ['ada@nhs.net'],
      true,
    ],
  ])('%s', (_label, password, context, ok) => {
    expect(checkNewPassword(password, context).ok).toBe(ok);
  });

  it('says why, in words a person can act on', () => {
    const verdict = checkNewPassword('123456789012');
    expect(verdict).toEqual({ ok: false, reason: expect.stringMatching(/too easy to guess/) });
    expect(checkNewPassword('short')).toEqual({
      ok: false,
      reason: 'must be at least 12 characters',
    });
  });
});
