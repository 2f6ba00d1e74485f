import { invitationEmail, passwordResetEmail } from './account-emails';

describe('account emails', () => {
  const at = new Date('2026-12-07T09:30:00Z');
  const link = 'https://pod.example/account/set-password?token=abc';

  it.each([
    ['invitation', invitationEmail, 'Set a password for POD Cohorts'],
    ['reset', passwordResetEmail, 'Reset your POD Cohorts password'],
  ])('the %s email carries the link, the name and the expiry in UK time', (_k, build, subject) => {
    const email = build({ name: 'Ada Lovelace', link, expiresAt: at });
    expect(email.subject).toBe(subject);
    expect(email.text).toContain('Dear Ada Lovelace,');
    expect(email.text).toContain(`\n${link}\n`);
    expect(email.text).toContain('7 December 2026 at 09:30');
  });

  it('greets someone whose name is not known', () => {
    expect(invitationEmail({ name: null, link, expiresAt: at }).text).toMatch(/^Dear colleague,/);
  });
});
