import { INestApplicationContext } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { CertificatesQueue } from '../src/certificates/certificates.queue';
import { certificatesOf, makeCompletedCohort } from './helpers/certificate-factories';
import { makeSession } from './helpers/factories';
import { startMailServer, MailServer } from './helpers/mail-server';
import { pdfText } from './helpers/pdf-text';
import { runQueue } from './helpers/progress-factories';
import { TcpProxy } from './helpers/tcp-proxy';
import {
  bearer,
  createTestApp,
  createUser,
  eventually,
  startTestWorker,
  TestApp,
  TestUser,
} from './helpers/test-app';

/** Collects a response body as bytes (supertest's parse hook hands over the raw stream). */
const binary = (res: unknown, cb: (err: Error | null, body: Buffer) => void) => {
  const stream = res as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
};

jest.setTimeout(120_000);

describe('certificates: completion -> certificate -> PDF -> verify -> revoke / reissue', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let mail: MailServer;
  let admin: TestUser;

  beforeAll(async () => {
    mail = await startMailServer();
    t = await createTestApp({ VERIFY_MAX_PER_MINUTE: '1000' });
    worker = await startTestWorker({ SMTP_URL: mail.url });
    admin = await createUser(t, 'admin');
  });
  afterAll(async () => {
    await worker.close();
    await t.close();
    await mail.close();
  });

  async function issuedFor(enrolmentId: string) {
    return eventually(async () => {
      const res = await t
        .http()
        .get(`/api/v1/certificates?enrolmentId=${enrolmentId}&status=issued`)
        .set(bearer(admin));
      return res.body.items?.[0];
    }, 30_000);
  }

  it('a completed enrolment gets one certificate whose PDF, hash, email and public check agree', async () => {
    const c = await makeCompletedCohort(t.db, 1, { minutes: 330, givenName: 'Morgan' });
    const [enrolment] = c.enrolments;
    const student = await createUser(t, 'student', { studentId: enrolment.studentId });

    await t.app.get(CertificatesQueue).issue([enrolment.id]);
    const listed = await issuedFor(enrolment.id);

    const res = await t.http().get(`/api/v1/certificates/${listed.id}`).set(bearer(student));
    expect(res.status).toBe(200);
    const cert = res.body;
    expect(cert).toMatchObject({
      id: listed.id,
      enrolmentId: enrolment.id,
      serial: `${c.course.code}-C${c.cohort.number}-0001`,
      status: 'issued',
      holderName: enrolment.holderName,
      courseTitle: 'Peer-supported Open Dialogue',
      cohortName: `Cohort ${c.cohort.number}`,
      route: 'graduate_certificate',
      contactHours: 5.5,
      completedOn: '2018-12-14',
      revokedReason: null,
      supersededById: null,
    });
    expect(cert.verificationCode).toMatch(
      /^[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{2}$/,
    );
    expect(cert.verificationUrl).toBe(`http://pod.test/verify/${cert.verificationCode}`);
    expect(new Date(cert.issuedAt).toISOString()).toBe(cert.issuedAt);
    expect(cert.sha256).toMatch(/^[0-9a-f]{64}$/);

    const pdf = await t
      .http()
      .get(`/api/v1/certificates/${cert.id}/pdf`)
      .set(bearer(student))
      .buffer(true)
      .parse(binary);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toBe(`attachment; filename="${cert.serial}.pdf"`);
    const bytes = pdf.body as Buffer;
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(cert.sha256);
    const text = await pdfText(bytes);
    expect(text).toContain(enrolment.holderName);
    expect(text).toContain(cert.serial);
    expect(text).toContain(cert.verificationCode);
    expect(text).toContain('Accredited by AFT as a Foundation level training');
    expect(text).toContain('Graduate Certificate (level 6)');
    expect(text).toContain('Contact hours attended: 5.5');

    // The same bytes on every download (rendered once, stored).
    const again = await t
      .http()
      .get(`/api/v1/certificates/${cert.id}/pdf`)
      .set(bearer(admin))
      .buffer(true)
      .parse(binary);
    expect(Buffer.compare(again.body as Buffer, bytes)).toBe(0);

    // Generous: the worker's database carries earlier spec files' outbox rows and at-risk check
    // requests, which this spec's worker sends and answers first at the mail rate limit.
    const [email] = await eventually(() => {
      const got = mail.to(enrolment.email);
      return Promise.resolve(got.length ? got : null);
    }, 60_000);
    expect(email.subject).toBe('Your certificate for Peer-supported Open Dialogue');
    expect(email.text).toContain(cert.verificationUrl);
    expect(email.text).toContain(cert.serial);

    const audit = await t.db.query(
      `SELECT action, actor_role FROM audit_events WHERE entity_id = $1 ORDER BY created_at`,
      [cert.id],
    );
    expect(audit).toEqual([{ action: 'certificate.issue', actor_role: 'system' }]);

    const loose = cert.verificationCode.toLowerCase().replace(/-/g, ' ');
    const verify = await t.http().get(`/api/v1/verify/${encodeURIComponent(loose)}`);
    expect(verify.status).toBe(200);
    expect(verify.body).toEqual({
      status: 'valid',
      serial: cert.serial,
      holderName: enrolment.holderName,
      courseTitle: 'Peer-supported Open Dialogue',
      cohortName: `Cohort ${c.cohort.number}`,
      issuedAt: cert.issuedAt,
    });
    const page = await t.http().get(`/verify/${cert.verificationCode.replace(/-/g, '')}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain(enrolment.holderName);
    expect(page.text).toContain(cert.serial);
    expect(page.text).toContain('Valid');

    const revoke = await t
      .http()
      .post(`/api/v1/certificates/${cert.id}/revoke`)
      .set(bearer(admin))
      .send({ reason: 'Issued against the wrong enrolment record' });
    expect(revoke.status).toBe(200);
    expect(revoke.body).toMatchObject({
      status: 'revoked',
      revokedReason: 'Issued against the wrong enrolment record',
    });
    const twice = await t
      .http()
      .post(`/api/v1/certificates/${cert.id}/revoke`)
      .set(bearer(admin))
      .send({ reason: 'again' });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('certificate_not_issued');

    const revoked = await t.http().get(`/api/v1/verify/${cert.verificationCode}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.status).toBe('revoked');
    expect(typeof revoked.body.revokedAt).toBe('string');
    expect(JSON.stringify(revoked.body)).not.toContain('wrong enrolment');
    const revokedPage = await t.http().get(`/verify/${cert.verificationCode}`);
    expect(revokedPage.text).toContain('Revoked');
    expect(revokedPage.text).not.toContain('wrong enrolment');

    const reissueRevoked = await t
      .http()
      .post(`/api/v1/certificates/${cert.id}/reissue`)
      .set(bearer(admin))
      .send({ reason: 'try' });
    expect(reissueRevoked.status).toBe(409);

    expect(await certificatesOf(t.db, [enrolment.id])).toHaveLength(1);
  });

  it('prints the contact hours progress and the decision count: optional sessions and sessions before enrolment are left out', async () => {
    const c = await makeCompletedCohort(t.db, 1, { minutes: 330 });
    const [enrolment] = c.enrolments;
    // Attended, but neither counts: an optional session, and one before the enrolment date.
    const optional = await makeSession(t.db, c.cohort.id, {
      startsAt: new Date('2018-03-19T09:30:00Z'),
      minutes: 360,
      mandatory: false,
    });
    const early = await makeSession(t.db, c.cohort.id, {
      startsAt: new Date('2017-11-06T09:30:00Z'),
      minutes: 360,
    });
    for (const sessionId of [optional.id, early.id]) {
      await t.db.query(
        `INSERT INTO attendance_records (session_id, enrolment_id, status, minutes_attended)
         VALUES ($1, $2, 'present', 360)`,
        [sessionId, enrolment.id],
      );
    }
    await t.app.get(CertificatesQueue).issue([enrolment.id]);
    const cert = await issuedFor(enrolment.id);
    const progress = await t
      .http()
      .get(`/api/v1/enrolments/${enrolment.id}/progress`)
      .set(bearer(admin));
    expect(progress.body.attendance.attendedHours).toBe(5.5);
    expect(cert.contactHours).toBe(5.5);
    const pdf = await t
      .http()
      .get(`/api/v1/certificates/${cert.id}/pdf`)
      .set(bearer(admin))
      .buffer(true)
      .parse(binary);
    expect(await pdfText(pdf.body as Buffer)).toContain('Contact hours attended: 5.5');
  });

  it('a reissue asked for while Redis is down answers 202, is kept in PostgreSQL and done by the sweep', async () => {
    const c = await makeCompletedCohort(t.db, 1);
    const [enrolment] = c.enrolments;
    await t.app.get(CertificatesQueue).issue([enrolment.id]);
    const old = await issuedFor(enrolment.id);

    const redis = new URL(t.config.REDIS_URL);
    const proxy = new TcpProxy(redis.hostname, Number(redis.port || 6379));
    const port = await proxy.open();
    const cut = await createTestApp({ REDIS_URL: `redis://127.0.0.1:${port}` });
    try {
      await proxy.cut();
      const res = await cut
        .http()
        .post(`/api/v1/certificates/${old.id}/reissue`)
        .set(bearer(admin))
        .send({ reason: 'Family name corrected' });
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ id: old.id, status: 'issued' });
    } finally {
      await proxy.cut();
      await cut.close().catch(() => undefined);
    }
    const [pending] = await t.db.query(
      `SELECT enrolment_id, reason, done_at FROM certificate_reissues WHERE certificate_id = $1`,
      [old.id],
    );
    expect(pending).toEqual({
      enrolment_id: enrolment.id,
      reason: 'Family name corrected',
      done_at: null,
    });

    // A minute later the worker's sweep finds the request and the reissue happens.
    await t.db.query(
      `UPDATE certificate_reissues SET requested_at = now() - interval '2 minutes'
        WHERE certificate_id = $1`,
      [old.id],
    );
    const queue = runQueue(t, 'certificates');
    try {
      await queue.add('sweep', { sweep: true }, { jobId: `sweep-reissue-${old.id}` });
      const superseded = await eventually(async () => {
        const r = await t.http().get(`/api/v1/certificates/${old.id}`).set(bearer(admin));
        return r.body.status === 'superseded' ? r.body : null;
      }, 30_000);
      expect(superseded.supersededById).toEqual(expect.any(String));
    } finally {
      await queue.close();
    }
    const [done] = await t.db.query(
      `SELECT done_at FROM certificate_reissues WHERE certificate_id = $1`,
      [old.id],
    );
    expect(done.done_at).not.toBeNull();
  });

  it('reissue after a name correction supersedes the old certificate with a new serial and code', async () => {
    const c = await makeCompletedCohort(t.db, 1);
    const [enrolment] = c.enrolments;
    await t.app.get(CertificatesQueue).issue([enrolment.id]);
    const old = await issuedFor(enrolment.id);

    await t.db.query(`UPDATE students SET family_name = 'Okonkwo-Smith' WHERE id = $1`, [
      enrolment.studentId,
    ]);
    const missingReason = await t
      .http()
      .post(`/api/v1/certificates/${old.id}/reissue`)
      .set(bearer(admin))
      .send({});
    expect(missingReason.status).toBe(400);
    const res = await t
      .http()
      .post(`/api/v1/certificates/${old.id}/reissue`)
      .set(bearer(admin))
      .send({ reason: 'Family name corrected' });
    expect(res.status).toBe(202);

    const superseded = await eventually(async () => {
      const r = await t.http().get(`/api/v1/certificates/${old.id}`).set(bearer(admin));
      return r.body.status === 'superseded' ? r.body : null;
    }, 30_000);
    const fresh = await t
      .http()
      .get(`/api/v1/certificates/${superseded.supersededById}`)
      .set(bearer(admin));
    expect(fresh.body).toMatchObject({
      status: 'issued',
      enrolmentId: enrolment.id,
      holderName: 'Alex Okonkwo-Smith',
      serial: `${c.course.code}-C${c.cohort.number}-0002`,
    });
    expect(fresh.body.verificationCode).not.toBe(old.verificationCode);
    expect(fresh.body.sha256).not.toBe(old.sha256);

    const oldCheck = await t.http().get(`/api/v1/verify/${old.verificationCode}`);
    expect(oldCheck.body).toMatchObject({ status: 'superseded', holderName: old.holderName });
    const newCheck = await t.http().get(`/api/v1/verify/${fresh.body.verificationCode}`);
    expect(newCheck.body).toMatchObject({ status: 'valid', holderName: 'Alex Okonkwo-Smith' });
    expect((await t.http().get(`/verify/${old.verificationCode}`)).text).toContain('Superseded');

    const pdf = await t
      .http()
      .get(`/api/v1/certificates/${fresh.body.id}/pdf`)
      .set(bearer(admin))
      .buffer(true)
      .parse(binary);
    expect(await pdfText(pdf.body as Buffer)).toContain('Alex Okonkwo-Smith');

    const again = await t
      .http()
      .post(`/api/v1/certificates/${old.id}/reissue`)
      .set(bearer(admin))
      .send({ reason: 'twice' });
    expect(again.status).toBe(409);

    const rows = await certificatesOf(t.db, [enrolment.id]);
    expect(rows.map((r) => r.status)).toEqual(['superseded', 'issued']);
    const actions = await t.db.query(
      `SELECT action, actor_role FROM audit_events WHERE entity_id = $1 ORDER BY created_at`,
      [old.id],
    );
    expect(actions).toEqual([
      { action: 'certificate.issue', actor_role: 'system' },
      { action: 'certificate.reissue_request', actor_role: 'admin' },
      { action: 'certificate.supersede', actor_role: 'system' },
    ]);
    await eventually(() =>
      Promise.resolve(
        mail.to(enrolment.email).find((m) => m.text.includes(`replaces certificate ${old.serial}`)),
      ),
    );
  });

  it('students see and download only their own certificates; tutors none', async () => {
    const c = await makeCompletedCohort(t.db, 2);
    const [mine, theirs] = c.enrolments;
    await t.app.get(CertificatesQueue).issue([mine.id, theirs.id]);
    const myCert = await issuedFor(mine.id);
    const theirCert = await issuedFor(theirs.id);
    const student = await createUser(t, 'student', { studentId: mine.studentId });
    const tutor = await createUser(t, 'tutor', { cohortIds: [c.cohort.id] });

    const own = await t.http().get('/api/v1/me/certificates').set(bearer(student));
    expect(own.status).toBe(200);
    expect(own.body.items.map((x: { id: string }) => x.id)).toEqual([myCert.id]);
    expect(own.body.total).toBe(1);

    for (const path of [
      `/api/v1/certificates/${theirCert.id}`,
      `/api/v1/certificates/${theirCert.id}/pdf`,
    ]) {
      const res = await t.http().get(path).set(bearer(student));
      expect([path, res.status]).toEqual([path, 404]);
    }
    expect((await t.http().get('/api/v1/certificates').set(bearer(student))).status).toBe(403);
    expect(
      (await t.http().get(`/api/v1/certificates/${myCert.id}`).set(bearer(tutor))).status,
    ).toBe(403);
    expect((await t.http().get('/api/v1/me/certificates').set(bearer(admin))).status).toBe(403);
    const revokeByStudent = await t
      .http()
      .post(`/api/v1/certificates/${myCert.id}/revoke`)
      .set(bearer(student))
      .send({ reason: 'mine' });
    expect(revokeByStudent.status).toBe(403);

    const byCohort = await t
      .http()
      .get(`/api/v1/certificates?cohortId=${c.cohort.id}&status=issued&limit=1`)
      .set(bearer(admin));
    expect(byCohort.status).toBe(200);
    expect(byCohort.body).toMatchObject({ total: 2, limit: 1, offset: 0 });
    expect(byCohort.body.items).toHaveLength(1);
    const none = await t
      .http()
      .get(`/api/v1/certificates?cohortId=${c.cohort.id}&status=revoked`)
      .set(bearer(admin));
    expect(none.body.total).toBe(0);
  });

  it('bad input is a 400 and unknown ids a 404, never a 5xx', async () => {
    const cases: Array<[string, number]> = [
      ['/api/v1/certificates?status=lost', 400],
      ['/api/v1/certificates?cohortId=nope', 400],
      ['/api/v1/certificates?limit=100000', 400],
      ['/api/v1/certificates/not-a-uuid', 400],
      ['/api/v1/certificates/5b0c3c1e-1111-4111-8111-111111111111', 404],
      ['/api/v1/certificates/5b0c3c1e-1111-4111-8111-111111111111/pdf', 404],
    ];
    for (const [path, status] of cases) {
      const res = await t.http().get(path).set(bearer(admin));
      expect([path, res.status]).toEqual([path, status]);
    }
    const revoke = await t
      .http()
      .post('/api/v1/certificates/5b0c3c1e-1111-4111-8111-111111111111/revoke')
      .set(bearer(admin))
      .send({ reason: 'x' });
    expect(revoke.status).toBe(404);
    const blank = await t
      .http()
      .post('/api/v1/certificates/5b0c3c1e-1111-4111-8111-111111111111/revoke')
      .set(bearer(admin))
      .send({ reason: '   ' });
    expect(blank.status).toBe(400);
  });
});
