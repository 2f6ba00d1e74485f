import { randomUUID } from 'node:crypto';
import {
  makeCohort,
  makeCourse,
  makeSession,
  makeStudent,
  markAttendance,
  recordAssessment,
} from './helpers/factories';
import {
  makeCertificate,
  makeCompletionDecision,
  makeEnrolmentRow,
  makeNotification,
} from './helpers/enrolment-factories';
import {
  bearer,
  createTestApp,
  createUser,
  TEST_PASSWORD,
  TestApp,
  TestUser,
} from './helpers/test-app';

describe('students', () => {
  let t: TestApp;
  let admin: TestUser;
  let tutor: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await createUser(t, 'admin');
    tutor = await createUser(t, 'tutor');
  });
  afterAll(() => t.close());

  const tag = () => randomUUID().slice(0, 8);
  const create = (body: object, user: TestUser = admin) =>
    t.http().post('/api/v1/students').set(bearer(user)).send(body);
  const valid = (over: object = {}) => ({
    givenName: 'Amara',
    familyName: `Okafor-${tag()}`,
    email: `amara.${tag()}@nelft.nhs.uk`,
    profession: 'nurse',
    employer: 'NELFT NHS Foundation Trust',
    registrationNumber: '12A3456E',
    ...over,
  });

  describe('POST /students', () => {
    it('creates a student with the email stored lower-case', async () => {
      const body = valid({
        email: `Amara.${tag()}@NELFT.nhs.uk`,
        profession: 'peer_support_worker',
      });
      const res = await create(body);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        givenName: 'Amara',
        familyName: body.familyName,
        email: body.email.toLowerCase(),
        profession: 'peer_support_worker',
        employer: 'NELFT NHS Foundation Trust',
        registrationNumber: '12A3456E',
        erasedAt: null,
        userId: null,
      });
      expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.body.createdAt).toMatch(/Z$/);
    });

    it('answers 409 for an email already taken, whatever its case', async () => {
      const email = `dup.${tag()}@pod.test`;
      expect((await create(valid({ email }))).status).toBe(201);
      const again = await create(valid({ email: email.toUpperCase() }));
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('email_taken');
    });

    it.each<[string, object, string]>([
      ['a missing given name', { givenName: undefined }, 'givenName'],
      ['a blank family name', { familyName: '   ' }, 'familyName'],
      ['a malformed email', { email: 'not-an-email' }, 'email'],
      ['a profession not in the list', { profession: 'astronaut' }, 'profession'],
      ['an employer too long', { employer: 'x'.repeat(201) }, 'employer'],
      ['an unknown property', { nickname: 'Mara' }, 'nickname'],
      ['an erased record’s placeholder domain', { email: 'erased-1@erased.invalid' }, 'email'],
    ])('answers 400 naming the field for %s', async (_name, over, field) => {
      const res = await create(valid(over));
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('is for admins only (403 for a tutor and a student)', async () => {
      const s = await makeStudent(t.db);
      const studentUser = await createUser(t, 'student', { studentId: s.id });
      expect((await create(valid(), tutor)).status).toBe(403);
      expect((await create(valid(), studentUser)).status).toBe(403);
    });
  });

  describe('GET /students', () => {
    it('searches given name, family name, full name and email, case-insensitively', async () => {
      const family = `Featherstonehaugh${tag()}`;
      const s = await makeStudent(t.db, {
        givenName: 'Precious',
        familyName: family,
        email: `p.${family}@nhs.net`,
      });
      for (const search of [
        'precious',
        family.toUpperCase(),
        `Precious ${family.slice(0, 12)}`,
        `P.${family}@NHS`,
      ]) {
        const res = await t.http().get('/api/v1/students').query({ search }).set(bearer(admin));
        expect(res.status).toBe(200);
        expect(res.body.items.map((i: { id: string }) => i.id)).toContain(s.id);
      }
      const none = await t
        .http()
        .get('/api/v1/students')
        .query({ search: `${family}-nobody` })
        .set(bearer(admin));
      expect(none.body).toMatchObject({ items: [], total: 0 });
    });

    it('treats % and _ in a search as plain characters', async () => {
      const family = `Under_score${tag()}`;
      await makeStudent(t.db, { familyName: family });
      const res = await t
        .http()
        .get('/api/v1/students')
        .query({ search: 'r_s' })
        .set(bearer(admin));
      expect(res.body.items.some((i: { familyName: string }) => i.familyName === family)).toBe(
        true,
      );
      const wildcard = await t
        .http()
        .get('/api/v1/students')
        .query({ search: '%' })
        .set(bearer(admin));
      expect(wildcard.body.total).toBe(0);
    });

    it('paginates in family-name order with a total', async () => {
      const family = `Paged${tag()}`;
      for (const given of ['Cleo', 'Abe', 'Bo']) {
        await makeStudent(t.db, { givenName: given, familyName: family });
      }
      const res = await t
        .http()
        .get('/api/v1/students')
        .query({ search: family, limit: 2, offset: 1 })
        .set(bearer(admin));
      expect(res.body).toMatchObject({ total: 3, limit: 2, offset: 1 });
      expect(res.body.items.map((i: { givenName: string }) => i.givenName)).toEqual(['Bo', 'Cleo']);
    });

    it('shows a tutor only students enrolled in their cohorts', async () => {
      const course = await makeCourse(t.db);
      const mine = await makeCohort(t.db, course.id);
      const other = await makeCohort(t.db, course.id);
      const family = `Scoped${tag()}`;
      const inMine = await makeStudent(t.db, { familyName: family });
      const inOther = await makeStudent(t.db, { familyName: family });
      await makeEnrolmentRow(t.db, inMine.id, mine);
      await makeEnrolmentRow(t.db, inOther.id, other);
      const teaching = await createUser(t, 'tutor', { cohortIds: [mine.id] });

      const res = await t
        .http()
        .get('/api/v1/students')
        .query({ search: family })
        .set(bearer(teaching));
      expect(res.body.items.map((i: { id: string }) => i.id)).toEqual([inMine.id]);
      expect(res.body.total).toBe(1);
      expect(
        (await t.http().get(`/api/v1/students/${inMine.id}`).set(bearer(teaching))).status,
      ).toBe(200);
      expect(
        (await t.http().get(`/api/v1/students/${inOther.id}`).set(bearer(teaching))).status,
      ).toBe(404);
    });

    it('answers 400 naming limit for a limit over 500 and 403 to a student', async () => {
      const bad = await t.http().get('/api/v1/students?limit=501').set(bearer(admin));
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].field).toBe('limit');
      const s = await makeStudent(t.db);
      const studentUser = await createUser(t, 'student', { studentId: s.id });
      expect((await t.http().get('/api/v1/students').set(bearer(studentUser))).status).toBe(403);
      expect((await t.http().get(`/api/v1/students/${s.id}`).set(bearer(studentUser))).status).toBe(
        403,
      );
    });
  });

  describe('GET and PATCH /students/:studentId', () => {
    it('returns one student, 404 for an unknown id and 400 for a malformed one', async () => {
      const s = await makeStudent(t.db);
      const res = await t.http().get(`/api/v1/students/${s.id}`).set(bearer(admin));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: s.id, email: s.email });
      const missing = await t.http().get(`/api/v1/students/${randomUUID()}`).set(bearer(admin));
      expect(missing.status).toBe(404);
      expect(missing.body.code).toBe('student_not_found');
      const bad = await t.http().get('/api/v1/students/abc').set(bearer(admin));
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].field).toBe('studentId');
    });

    it('updates only the fields sent, clears employer with null and audits field names only', async () => {
      const s = await makeStudent(t.db, { givenName: 'Jo' });
      const res = await t
        .http()
        .patch(`/api/v1/students/${s.id}`)
        .set(bearer(admin))
        .send({
          familyName: 'Married-Name',
          employer: null,
          email: `  NEW.${s.email.toUpperCase()} `,
        });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        givenName: 'Jo',
        familyName: 'Married-Name',
        employer: null,
        email: `new.${s.email}`,
      });
      const [audit] = await t.db.query(
        `SELECT after FROM audit_events WHERE entity_type = 'student' AND entity_id = $1
           AND action = 'student.update'`,
        [s.id],
      );
      expect(audit.after).toEqual({ fields: ['familyName', 'email', 'employer'] });
    });

    it('keeps the reason with the fields that changed; an unchanged field is not named; erasure takes the reason', async () => {
      const s = await makeStudent(t.db, { givenName: 'Tom', familyName: 'Baker' });
      const url = `/api/v1/students/${s.id}`;
      const blank = await t
        .http()
        .patch(url)
        .set(bearer(admin))
        .send({ givenName: 'Thomas', reason: '  ' });
      expect(blank.status).toBe(400);
      expect(blank.body.errors[0].field).toBe('reason');
      const res = await t.http().patch(url).set(bearer(admin)).send({
        givenName: 'Thomas',
        familyName: 'Baker',
        email: s.email,
        reason: 'Misspelt at import',
      });
      expect(res.status).toBe(200);
      expect(res.body.givenName).toBe('Thomas');
      // The same values again change nothing and write no event.
      await t
        .http()
        .patch(url)
        .set(bearer(admin))
        .send({ givenName: 'Thomas', reason: 'Again' })
        .expect(200);
      const events = () =>
        t.db.query<Array<{ after: unknown }>>(
          `SELECT after FROM audit_events WHERE entity_id = $1 AND action = 'student.update'`,
          [s.id],
        );
      expect((await events()).map((e) => e.after)).toEqual([
        { fields: ['givenName'], reason: 'Misspelt at import' },
      ]);
      await t.http().delete(url).set(bearer(admin)).expect(204);
      expect((await events()).map((e) => e.after)).toEqual([
        { fields: ['givenName'], reason: '[erased]' },
      ]);
    });

    it('answers 400 for a null name, 409 for a taken email, 404 unknown, 403 for a tutor', async () => {
      const [a, b] = [await makeStudent(t.db), await makeStudent(t.db)];
      const url = `/api/v1/students/${a.id}`;
      const nullName = await t.http().patch(url).set(bearer(admin)).send({ givenName: null });
      expect(nullName.status).toBe(400);
      expect(nullName.body.errors[0].field).toBe('givenName');
      const taken = await t.http().patch(url).set(bearer(admin)).send({ email: b.email });
      expect(taken.status).toBe(409);
      expect(taken.body.code).toBe('email_taken');
      const unknown = await t
        .http()
        .patch(`/api/v1/students/${randomUUID()}`)
        .set(bearer(admin))
        .send({ givenName: 'X' });
      expect(unknown.status).toBe(404);
      expect((await t.http().patch(url).set(bearer(tutor)).send({ givenName: 'X' })).status).toBe(
        403,
      );
    });
  });

  describe('GET /students/:studentId/enrolments', () => {
    it("lists a student's enrolments in every status; a tutor sees only their cohorts'", async () => {
      const course = await makeCourse(t.db);
      const first = await makeCohort(t.db, course.id);
      const second = await makeCohort(t.db, course.id);
      const s = await makeStudent(t.db);
      const withdrawn = await makeEnrolmentRow(t.db, s.id, first, { status: 'withdrawn' });
      const seated = await makeEnrolmentRow(t.db, s.id, second, {
        enrolledAt: new Date('2018-06-01T00:00:00Z'),
      });
      const url = `/api/v1/students/${s.id}/enrolments`;
      const all = await t.http().get(url).set(bearer(admin)).expect(200);
      expect(all.body).toMatchObject({ studentId: s.id, total: 2 });
      expect(all.body.items.map((e: { id: string; status: string }) => [e.id, e.status])).toEqual([
        [withdrawn.id, 'withdrawn'],
        [seated.id, 'enrolled'],
      ]);
      const teaching = await createUser(t, 'tutor', { cohortIds: [second.id] });
      const theirs = await t.http().get(url).set(bearer(teaching)).expect(200);
      expect(theirs.body.items.map((e: { id: string }) => e.id)).toEqual([seated.id]);
      expect((await t.http().get(url).set(bearer(tutor))).status).toBe(404);
    });
  });

  it('the delivery log answers the emails sent to one address, whatever its case', async () => {
    const address = `only.${tag()}@nelft.nhs.uk`;
    const mine = await makeNotification(t.db, { recipient: address });
    await makeNotification(t.db, { recipient: `other.${address}` });
    const res = await t
      .http()
      .get('/api/v1/notifications')
      .query({ recipient: address.toUpperCase() })
      .set(bearer(admin))
      .expect(200);
    expect(res.body.items.map((n: { id: string }) => n.id)).toEqual([mine.id]);
    const bad = await t.http().get('/api/v1/notifications?recipient=nobody').set(bearer(admin));
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('recipient');
  });

  /** A student with a login and a full history, as after a completed course. */
  async function studentWithHistory() {
    const course = await makeCourse(t.db);
    const cohort = await makeCohort(t.db, course.id);
    const email = `subject.${tag()}@nelft.nhs.uk`;
    const s = await makeStudent(t.db, { givenName: 'Siobhan', familyName: 'Gallagher', email });
    await t.db.query(`UPDATE students SET registration_number = 'NMC-998877' WHERE id = $1`, [
      s.id,
    ]);
    const user = await createUser(t, 'student', { studentId: s.id, email: `login.${email}` });
    const enrolment = await makeEnrolmentRow(t.db, s.id, cohort, { status: 'completed' });
    const session = await makeSession(t.db, cohort.id);
    await markAttendance(t.db, session.id, enrolment.id, 'present');
    await recordAssessment(t.db, enrolment.id, 'ESSAY', 'pass');
    const decision = await makeCompletionDecision(t.db, enrolment.id);
    const certificate = await makeCertificate(
      t.db,
      { id: enrolment.id, cohortId: cohort.id },
      { holderName: 'Siobhan Gallagher' },
    );
    const toThem = await makeNotification(t.db, {
      recipient: email,
      dedupeKey: `certificate_issued:${email}:${certificate.id}`,
      bodyText: 'Dear Siobhan Gallagher, your certificate is attached.',
    });
    const pending = await makeNotification(t.db, {
      recipient: email,
      dedupeKey: `session_reminder:${session.id}:${enrolment.id}:P1D`,
      bodyText: 'Dear Siobhan, see you tomorrow.',
      status: 'pending',
    });
    const unrelated = await makeNotification(t.db, { recipient: 'someone-else@pod.test' });
    await t.db.query(
      `INSERT INTO audit_events (actor_role, action, entity_type, entity_id, after)
       VALUES ('system', 'certificate.issue', 'certificate', $1, $2)`,
      [
        certificate.id,
        JSON.stringify({ holderName: 'Siobhan Gallagher', serial: certificate.serial }),
      ],
    );
    return {
      s,
      user,
      cohort,
      enrolment,
      session,
      decision,
      certificate,
      toThem,
      pending,
      unrelated,
    };
  }

  describe('GET /students/:studentId/export', () => {
    it('returns every personal record held about the student, without password hash or PDF bytes, and audits it', async () => {
      const h = await studentWithHistory();
      const res = await t.http().get(`/api/v1/students/${h.s.id}/export`).set(bearer(admin));
      expect(res.status).toBe(200);
      const body = res.body;
      expect(body.student).toMatchObject({
        id: h.s.id,
        givenName: 'Siobhan',
        familyName: 'Gallagher',
        registrationNumber: 'NMC-998877',
      });
      expect(body.user).toMatchObject({ id: h.user.id, email: h.user.email, role: 'student' });
      expect(body.enrolments).toEqual([
        expect.objectContaining({ id: h.enrolment.id, status: 'completed', cohortId: h.cohort.id }),
      ]);
      expect(body.attendanceRecords).toEqual([
        expect.objectContaining({
          sessionId: h.session.id,
          status: 'present',
          minutesAttended: 360,
        }),
      ]);
      expect(body.assessmentResults).toEqual([
        expect.objectContaining({ assessmentCode: 'ESSAY', outcome: 'pass' }),
      ]);
      expect(body.completionDecisions).toEqual([
        expect.objectContaining({ id: h.decision.id, outcome: 'completed' }),
      ]);
      expect(body.certificates).toEqual([
        expect.objectContaining({
          id: h.certificate.id,
          serial: h.certificate.serial,
          holderName: 'Siobhan Gallagher',
          completedOn: '2017-10-27',
          contactHours: 62.5,
        }),
      ]);
      expect(body.notifications.map((n: { id: string }) => n.id).sort()).toEqual(
        [h.toThem.id, h.pending.id].sort(),
      );
      expect(body.notifications[0].attachmentNames).toEqual(['timetable.ics']);
      expect(body.auditEvents.map((a: { action: string }) => a.action)).toContain(
        'certificate.issue',
      );
      const text = JSON.stringify(body);
      expect(text).not.toMatch(/argon2|passwordHash|password_hash/);
      expect(text).not.toMatch(/"pdf"|QkVHSU4=/);

      const [audit] = await t.db.query(
        `SELECT actor_id FROM audit_events WHERE entity_type = 'student' AND entity_id = $1
           AND action = 'student.export'`,
        [h.s.id],
      );
      expect(audit.actor_id).toBe(admin.id);
    });

    it('answers 404 for an unknown student and 403 for a tutor', async () => {
      expect(
        (await t.http().get(`/api/v1/students/${randomUUID()}/export`).set(bearer(admin))).status,
      ).toBe(404);
      const s = await makeStudent(t.db);
      expect(
        (await t.http().get(`/api/v1/students/${s.id}/export`).set(bearer(tutor))).status,
      ).toBe(403);
    });
  });

  describe('DELETE /students/:studentId', () => {
    it('erases personal data but keeps the enrolment, results and certificate register, pseudonymous', async () => {
      const h = await studentWithHistory();
      const res = await t.http().delete(`/api/v1/students/${h.s.id}`).set(bearer(admin));
      expect(res.status).toBe(204);

      const [student] = await t.db.query('SELECT * FROM students WHERE id = $1', [h.s.id]);
      expect(student).toMatchObject({
        given_name: 'Erased',
        family_name: 'Student',
        email: `erased-${h.s.id}@erased.invalid`,
        employer: null,
        registration_number: null,
      });
      expect(student.erased_at).toBeInstanceOf(Date);

      // The login is gone: the student can no longer sign in.
      expect(await t.db.query('SELECT 1 FROM users WHERE id = $1', [h.user.id])).toHaveLength(0);
      const login = await t
        .http()
        .post('/api/v1/auth/login')
        .send({ email: h.user.email, password: TEST_PASSWORD });
      expect(login.status).toBe(401);

      // Accreditation keeps the enrolment, attendance, results, decision and certificate serial.
      const [enrolment] = await t.db.query('SELECT status FROM enrolments WHERE id = $1', [
        h.enrolment.id,
      ]);
      expect(enrolment.status).toBe('completed');
      const [{ n }] = await t.db.query(
        `SELECT (SELECT count(*) FROM attendance_records WHERE enrolment_id = $1)
              + (SELECT count(*) FROM assessment_results WHERE enrolment_id = $1)
              + (SELECT count(*) FROM completion_decisions WHERE enrolment_id = $1) AS n`,
        [h.enrolment.id],
      );
      expect(Number(n)).toBe(3);
      const [cert] = await t.db.query(
        'SELECT serial, holder_name, status, length(pdf) AS pdf_bytes, sha256 FROM certificates WHERE id = $1',
        [h.certificate.id],
      );
      expect(cert).toMatchObject({
        serial: h.certificate.serial,
        holder_name: `Erased student ${h.s.id.slice(0, 8)}`,
        status: 'issued',
        pdf_bytes: 0,
      });
      expect(cert.sha256).toMatch(/^[0-9a-f]{64}$/);

      // Emails sent to them are redacted; a pending one will never be sent.
      const notes = await t.db.query(
        'SELECT id, recipient, dedupe_key, body_text, status, attachments FROM notifications WHERE id = ANY($1)',
        [[h.toThem.id, h.pending.id, h.unrelated.id]],
      );
      const byId = Object.fromEntries(notes.map((r: { id: string }) => [r.id, r]));
      for (const id of [h.toThem.id, h.pending.id]) {
        expect(byId[id]).toMatchObject({
          recipient: `erased-${h.s.id}@erased.invalid`,
          body_text: '[erased]',
          attachments: [],
        });
        expect(byId[id].dedupe_key).not.toContain(h.s.email);
      }
      expect(byId[h.pending.id].status).toBe('failed');
      expect(byId[h.unrelated.id]).toMatchObject({
        recipient: 'someone-else@pod.test',
        body_text: 'Hello',
      });

      // Nothing personal is left anywhere the export looks.
      const exported = await t.http().get(`/api/v1/students/${h.s.id}/export`).set(bearer(admin));
      const text = JSON.stringify(exported.body);
      for (const personal of ['Siobhan', 'Gallagher', h.s.email, 'NMC-998877']) {
        expect(text).not.toContain(personal);
      }
      expect(exported.body.user).toBeNull();

      const [audit] = await t.db.query(
        `SELECT actor_id, after FROM audit_events WHERE entity_type = 'student' AND entity_id = $1
           AND action = 'student.erase'`,
        [h.s.id],
      );
      expect(audit.actor_id).toBe(admin.id);
      expect(audit.after).toMatchObject({ loginsDeleted: 1, certificatesPseudonymised: 1 });
    });

    it('is idempotent: erasing twice answers 204 both times; an erased record cannot be edited or enrolled', async () => {
      const s = await makeStudent(t.db);
      expect((await t.http().delete(`/api/v1/students/${s.id}`).set(bearer(admin))).status).toBe(
        204,
      );
      const [first] = await t.db.query('SELECT erased_at FROM students WHERE id = $1', [s.id]);
      expect((await t.http().delete(`/api/v1/students/${s.id}`).set(bearer(admin))).status).toBe(
        204,
      );
      const [second] = await t.db.query('SELECT erased_at FROM students WHERE id = $1', [s.id]);
      expect(second.erased_at).toEqual(first.erased_at);

      const patch = await t
        .http()
        .patch(`/api/v1/students/${s.id}`)
        .set(bearer(admin))
        .send({ givenName: 'Back' });
      expect(patch.status).toBe(409);
      expect(patch.body.code).toBe('student_erased');

      const course = await makeCourse(t.db);
      const cohort = await makeCohort(t.db, course.id);
      const enrol = await t
        .http()
        .post(`/api/v1/cohorts/${cohort.id}/enrolments`)
        .set(bearer(admin))
        .send({ studentId: s.id, route: 'graduate_certificate' });
      expect(enrol.status).toBe(422);
      expect(enrol.body.code).toBe('student_erased');
    });

    it('answers 404 for an unknown student and 403 for a tutor', async () => {
      expect(
        (await t.http().delete(`/api/v1/students/${randomUUID()}`).set(bearer(admin))).status,
      ).toBe(404);
      const s = await makeStudent(t.db);
      expect((await t.http().delete(`/api/v1/students/${s.id}`).set(bearer(tutor))).status).toBe(
        403,
      );
    });
  });
});
