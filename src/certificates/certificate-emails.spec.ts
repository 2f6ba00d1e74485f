import { certificateIssuedEmail } from './certificate-emails';

const facts = {
  givenName: 'Amara',
  courseTitle: 'Peer Support in Practice',
  cohortName: 'Cohort 3',
  serial: 'PSP-C3-0007',
  verificationCode: 'ABCD-EFGH-JKMN-PQ',
  verificationUrl: 'https://pod.example.org/verify/ABCD-EFGH-JKMN-PQ',
};

describe('certificateIssuedEmail', () => {
  it('congratulates on a first issue and gives the serial, code and where to check it', () => {
    const email = certificateIssuedEmail(facts);
    expect(email.subject).toBe('Your certificate for Peer Support in Practice');
    expect(email.text).toBe(
      [
        'Dear Amara,',
        '',
        'Congratulations on completing Peer Support in Practice (Cohort 3). Your certificate has been issued.',
        '',
        'Certificate: PSP-C3-0007',
        'Verification code: ABCD-EFGH-JKMN-PQ',
        '',
        'Anyone you show it to can check that it is genuine here:',
        'https://pod.example.org/verify/ABCD-EFGH-JKMN-PQ',
        '',
        'Sign in to POD Cohorts to download the certificate as a PDF.',
      ].join('\n'),
    );
  });

  it('on a reissue, names the certificate it replaces instead of congratulating again', () => {
    const { text } = certificateIssuedEmail({ ...facts, replacesSerial: 'PSP-C3-0002' });
    expect(text).toContain(
      'A new certificate has been issued for your completion of Peer Support in Practice (Cohort 3). It replaces certificate PSP-C3-0002, which is no longer current.',
    );
    expect(text).not.toContain('Congratulations');
  });
});
