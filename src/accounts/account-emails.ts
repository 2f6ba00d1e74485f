/**
 * The wording of the account emails (invitation and password reset). Pure: the link, names and
 * expiry come in, subject and text go out.
 */

export interface AccountEmail {
  subject: string;
  text: string;
}

const dateTime = (at: Date) =>
  at.toLocaleString('en-GB', {
    timeZone: 'Europe/London',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });

export function invitationEmail(input: {
  name: string | null;
  link: string;
  expiresAt: Date;
}): AccountEmail {
  return {
    subject: 'Set a password for POD Cohorts',
    text: [
      `Dear ${input.name ?? 'colleague'},`,
      '',
      'You have been given a login to POD Cohorts, where you can see your timetable, attendance, progress and certificates.',
      '',
      'To start, set your password with this link:',
      input.link,
      '',
      `The link works once, until ${dateTime(input.expiresAt)}. If it has expired, ask your course administrator to invite you again, or use "Forgotten your password?" on the sign-in page.`,
      '',
      'If you were not expecting this email, you can ignore it.',
    ].join('\n'),
  };
}

export function passwordResetEmail(input: {
  name: string | null;
  link: string;
  expiresAt: Date;
}): AccountEmail {
  return {
    subject: 'Reset your POD Cohorts password',
    text: [
      `Dear ${input.name ?? 'colleague'},`,
      '',
      'Someone (we hope you) asked to reset the password of your POD Cohorts login.',
      '',
      'Choose a new password with this link:',
      input.link,
      '',
      `The link works once, until ${dateTime(input.expiresAt)}. Setting a new password signs you out everywhere else.`,
      '',
      'If you did not ask for this, ignore this email: your password has not changed.',
    ].join('\n'),
  };
}
