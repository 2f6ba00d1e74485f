/**
 * The words of the certificate emails, as pure functions of what they say: services pass the
 * facts and store the result in the outbox.
 */
export interface CertificateIssuedFacts {
  givenName: string;
  courseTitle: string;
  cohortName: string;
  serial: string;
  /** Grouped for reading, as printed on the certificate. */
  verificationCode: string;
  verificationUrl: string;
  /** Set on a reissue: the serial of the certificate the new one replaces. */
  replacesSerial?: string;
}

export function certificateIssuedEmail(f: CertificateIssuedFacts): {
  subject: string;
  text: string;
} {
  return {
    subject: `Your certificate for ${f.courseTitle}`,
    text: [
      `Dear ${f.givenName},`,
      '',
      f.replacesSerial
        ? `A new certificate has been issued for your completion of ${f.courseTitle} (${f.cohortName}). It replaces certificate ${f.replacesSerial}, which is no longer current.`
        : `Congratulations on completing ${f.courseTitle} (${f.cohortName}). Your certificate has been issued.`,
      '',
      `Certificate: ${f.serial}`,
      `Verification code: ${f.verificationCode}`,
      '',
      'Anyone you show it to can check that it is genuine here:',
      f.verificationUrl,
      '',
      'Sign in to POD Cohorts to download the certificate as a PDF.',
    ].join('\n'),
  };
}
