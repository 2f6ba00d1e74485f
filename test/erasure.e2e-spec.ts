import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { makeCertificate, makeNotification } from './helpers/enrolment-factories';
import { makeCohort, makeCourse, makeSession } from './helpers/factories';
import { bearer, createTestApp, createUser, TEST_PASSWORD, TestApp } from './helpers/test-app';

/**
 * Erasure erases: after DELETE /students/:id no text or JSON column of any table, and no Redis
 * key or value under the deployment's prefix, holds the student's name, email, registration,
 * employer or the free text written about them. The columns are found from the catalogue, so a
 * table added later is searched too.
 */
describe('erasure leaves nothing personal behind', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  /** Every (table, column) of a text-like or JSON type in the app's schema. */
  async function textColumns(): Promise<Array<{ table: string; column: string }>> {
    return t.db.query(
      `SELECT c.table_name AS "table", c.column_name AS "column"
         FROM information_schema.columns c
         JOIN information_schema.tables tb
           ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name
        WHERE c.table_schema = 'public' AND tb.table_type = 'BASE TABLE'
          AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY')
        ORDER BY 1, 2`,
    );
  }

  /** "table.column: needle" for every needle found anywhere in the database. */
  async function foundInDatabase(needles: string[]): Promise<string[]> {
    const found: string[] = [];
    for (const { table, column } of await textColumns()) {
      const rows: Array<{ needle: string }> = await t.db.query(
        `SELECT DISTINCT p.needle FROM "${table}" x, unnest($1::text[]) AS p(needle)
          WHERE strpos(lower(x."${column}"::text), lower(p.needle)) > 0`,
        [needles],
      );
      for (const r of rows) found.push(`${table}.${column}: ${r.needle}`);
    }
    return found;
  }

  /** "key: needle" for every needle in a Redis key name or value under this run's prefix. */
  async function foundInRedis(needles: string[]): Promise<string[]> {
    const redis = new Redis(t.config.REDIS_URL);
    const found: string[] = [];
    try {
      const keys = await redis.keys(`${t.config.QUEUE_PREFIX}*`);
      for (const key of keys) {
        const type = await redis.type(key);
        const value =
          type === 'string'
            ? await redis.get(key)
            : type === 'hash'
              ? JSON.stringify(await redis.hgetall(key))
              : type === 'list'
                ? JSON.stringify(await redis.lrange(key, 0, -1))
                : type === 'set'
                  ? JSON.stringify(await redis.smembers(key))
                  : type === 'zset'
                    ? JSON.stringify(await redis.zrange(key, 0, -1))
                    : type === 'stream'
                      ? JSON.stringify(await redis.xrange(key, '-', '+'))
                      : '';
        const text = `${key}\n${value ?? ''}`.toLowerCase();
        for (const needle of needles) {
          if (text.includes(needle.toLowerCase())) found.push(`${key}: ${needle}`);
        }
      }
    } finally {
      redis.disconnect();
    }
    return found;
  }

  it('after DELETE /students/:id, no table and no Redis key holds their name, email, registration or notes', async () => {
    const admin = await createUser(t, 'admin');
    const course = await makeCourse(t.db);
    const cohortA = await makeCohort(t.db, course.id);
    const cohortB = await makeCohort(t.db, (await makeCourse(t.db)).id);
    const tutor = await createUser(t, 'tutor', { cohortIds: [cohortA.id, cohortB.id] });
    const tag = randomUUID().slice(0, 8);
    const person = {
      givenName: 'Ioana',
      familyName: `Vrabiescu${tag}`,
      email: `ioana.v.${tag}@wyvern.nhs.uk`,
      registrationNumber: `NMC-${tag}Z`,
      employer: `Wyvernshire Community Trust ${tag}`,
    };
    const loginEmail = `ioana.login.${tag}@wyvern.nhs.uk`;
    const notes = {
      attendance: `walked out of the role play ${tag}`,
      assessment: `essay about her brother ${tag}`,
      override: `made up hours in supervision ${tag}`,
      reissue: `surname was misspelt ${tag}`,
      revoke: `asked for her married name ${tag}`,
      deferral: `on maternity leave ${tag}`,
    };

    const created = await t
      .http()
      .post('/api/v1/students')
      .set(bearer(admin))
      .send({ ...person, profession: 'nurse' });
    expect(created.status).toBe(201);
    const studentId = created.body.id as string;
    const login = await t
      .http()
      .post('/api/v1/users')
      .set(bearer(admin))
      .send({ email: loginEmail, password: TEST_PASSWORD, role: 'student', studentId });
    expect(login.status).toBe(201);
    const enrol = async (cohortId: string) => {
      const res = await t
        .http()
        .post(`/api/v1/cohorts/${cohortId}/enrolments`)
        .set(bearer(admin))
        .send({ studentId, route: 'graduate_certificate' });
      expect([res.status, res.body.detail]).toEqual([201, undefined]);
      return res.body.id as string;
    };
    const [enrolmentA, enrolmentB] = [await enrol(cohortA.id), await enrol(cohortB.id)];

    // Free text about them, written through the API as tutors and administrators write it.
    const session = await makeSession(t.db, cohortA.id);
    const register = await t
      .http()
      .put(`/api/v1/sessions/${session.id}/attendance`)
      .set(bearer(tutor))
      .send({
        records: [
          {
            enrolmentId: enrolmentA,
            status: 'left_early',
            minutesAttended: 200,
            note: `${person.givenName} ${notes.attendance}`,
          },
        ],
      });
    expect(register.status).toBe(200);
    const assessed = await t
      .http()
      .put(`/api/v1/enrolments/${enrolmentA}/assessments/ESSAY`)
      .set(bearer(tutor))
      .send({ outcome: 'pass', note: notes.assessment });
    expect(assessed.status).toBe(200);
    const decided = await t
      .http()
      .post(`/api/v1/enrolments/${enrolmentA}/completion`)
      .set(bearer(admin))
      .send({ outcome: 'completed', reason: `${person.familyName} ${notes.override}` });
    expect(decided.status).toBe(200);
    const certificate = await makeCertificate(
      t.db,
      { id: enrolmentA, cohortId: cohortA.id },
      { holderName: `${person.givenName} ${person.familyName}` },
    );
    const reissued = await t
      .http()
      .post(`/api/v1/certificates/${certificate.id}/reissue`)
      .set(bearer(admin))
      .send({ reason: notes.reissue });
    expect(reissued.status).toBe(202);
    const revoked = await t
      .http()
      .post(`/api/v1/certificates/${certificate.id}/revoke`)
      .set(bearer(admin))
      .send({ reason: notes.revoke });
    expect(revoked.status).toBe(200);
    const deferred = await t
      .http()
      .post(`/api/v1/enrolments/${enrolmentB}/defer`)
      .set(bearer(admin))
      .send({ reason: `${person.givenName} is ${notes.deferral}` });
    expect(deferred.status).toBe(200);
    // The warning tutors get names the student in its subject and body.
    await makeNotification(t.db, {
      recipient: tutor.email,
      dedupeKey: `attendance_warning:${enrolmentA}:1:${tutor.id}`,
      bodyText: `${person.givenName} ${person.familyName} is now at risk of not completing.`,
    });
    await t.db.query(
      `UPDATE notifications SET kind = 'attendance_warning', subject = $2 WHERE dedupe_key = $1`,
      [
        `attendance_warning:${enrolmentA}:1:${tutor.id}`,
        `Attendance warning: ${person.givenName} ${person.familyName} (Cohort)`,
      ],
    );
    // They signed in, and someone mistyped their password once.
    expect(
      (
        await t
          .http()
          .post('/api/v1/auth/login')
          .send({ email: loginEmail, password: TEST_PASSWORD })
      ).status,
    ).toBe(200);
    await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: loginEmail, password: 'wrong-password' });

    const needles = [
      person.givenName,
      person.familyName,
      person.email,
      loginEmail,
      person.registrationNumber,
      person.employer,
      ...Object.values(notes),
    ];
    // The search finds what is there before erasure (so it can fail).
    expect((await foundInDatabase(needles)).length).toBeGreaterThan(5);
    expect(await foundInRedis([notes.reissue])).not.toEqual([]);

    const erased = await t.http().delete(`/api/v1/students/${studentId}`).set(bearer(admin));
    expect(erased.status).toBe(204);

    expect(await foundInDatabase(needles)).toEqual([]);
    expect(await foundInRedis(needles)).toEqual([]);

    // What accreditation needs stays, pseudonymous.
    const [kept] = await t.db.query(
      `SELECT c.serial, c.holder_name, c.status, a.status AS attendance, a.minutes_attended,
              e.status AS enrolment
         FROM certificates c
         JOIN enrolments e ON e.id = c.enrolment_id
         JOIN attendance_records a ON a.enrolment_id = e.id
        WHERE c.id = $1`,
      [certificate.id],
    );
    expect(kept).toMatchObject({
      serial: certificate.serial,
      holder_name: `Erased student ${studentId.slice(0, 8)}`,
      status: 'revoked',
      attendance: 'left_early',
      minutes_attended: 200,
    });
  });

  it('an erased given name is removed as a word, and leaves longer words that contain it', async () => {
    const admin = await createUser(t, 'admin');
    const tag = randomUUID().slice(0, 8);
    const created = await t
      .http()
      .post('/api/v1/students')
      .set(bearer(admin))
      .send({
        givenName: 'Ann',
        familyName: `Quill${tag}`,
        email: `ann.${tag}@pod.test`,
        profession: 'nurse',
      });
    const studentId = created.body.id as string;
    await t.db.query(
      `INSERT INTO audit_events (actor_role, action, entity_type, entity_id, after)
       VALUES ('admin', 'cohort.update', 'cohort', $1, $2)`,
      [randomUUID(), JSON.stringify({ detail: `Annual review: Ann (${tag}) moved rooms` })],
    );
    expect((await t.http().delete(`/api/v1/students/${studentId}`).set(bearer(admin))).status).toBe(
      204,
    );
    const [row] = await t.db.query(
      `SELECT after->>'detail' AS detail FROM audit_events WHERE after->>'detail' LIKE $1`,
      [`%(${tag})%`],
    );
    expect(row.detail).toBe(`Annual review: [erased] (${tag}) moved rooms`);
  });
});
