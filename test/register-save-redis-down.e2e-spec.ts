import { INestApplicationContext } from '@nestjs/common';
import {
  makeCohort,
  makeCourse,
  makeEnrolment,
  makeSession,
  makeStudent,
  markAttendance,
} from './helpers/factories';
import { MailServer, startMailServer } from './helpers/mail-server';
import { OwnRedis } from './helpers/own-redis';
import {
  bearer,
  createTestApp,
  createUser,
  eventually,
  startTestWorker,
  TestApp,
} from './helpers/test-app';

jest.setTimeout(120_000);

/**
 * A register saved while Redis is down still leads to the attendance warning: the save records
 * its at-risk check request in PostgreSQL with the records, answers 200 although the job cannot
 * be queued, and once Redis is back the worker's notifications sweep queues the check. Redis is
 * a private redis-server (test/helpers/own-redis.ts), killed without persistence, so it comes
 * back empty: nothing of the request survives in Redis.
 */
describe('a register saved while Redis is down', () => {
  let mail: MailServer;
  let redis: OwnRedis;
  let t: TestApp;
  let worker: INestApplicationContext | undefined;

  beforeAll(async () => {
    mail = await startMailServer();
    redis = new OwnRedis({ persist: false });
    await redis.start();
    t = await createTestApp({ REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await worker?.close().catch(() => undefined);
    await t.close().catch(() => undefined);
    await redis.stop();
    await mail.close();
  });

  it('answers 200, and after Redis is back the student and tutor get the at-risk warning', async () => {
    const course = await makeCourse(t.db);
    const cohort = await makeCohort(t.db, course.id, { warnAfter: 2 });
    const day = 86_400_000;
    const past = [];
    for (const d of [9, 6, 3]) {
      past.push(await makeSession(t.db, cohort.id, { startsAt: new Date(Date.now() - d * day) }));
    }
    for (let d = 3; d <= 30; d += 3) {
      await makeSession(t.db, cohort.id, { startsAt: new Date(Date.now() + d * day) });
    }
    const student = await makeStudent(t.db, { givenName: 'Morgan' });
    const enrolment = await makeEnrolment(t.db, student.id, cohort);
    await markAttendance(t.db, past[0].id, enrolment.id, 'present');
    await markAttendance(t.db, past[1].id, enrolment.id, 'absent');
    // Signing in uses Redis (the login rate limit): done before it goes.
    const tutor = await createUser(t, 'tutor', { cohortIds: [cohort.id] });

    await redis.kill();
    // The second absence in a row reaches the cohort's warning level.
    const res = await t
      .http()
      .put(`/api/v1/sessions/${past[2].id}/attendance`)
      .set(bearer(tutor))
      .send({ records: [{ enrolmentId: enrolment.id, status: 'absent' }] });
    expect(res.status).toBe(200);
    expect(res.body.saved).toBe(1);

    await redis.start();
    const warnings = (to: string) =>
      mail.to(to).filter((m) => /attendance|Attendance warning/.test(m.subject));
    expect(warnings(student.email)).toHaveLength(0);
    worker = await startTestWorker({
      REDIS_URL: redis.url,
      SMTP_URL: mail.url,
      OUTBOX_SWEEP_SECONDS: '1',
      OUTBOX_SWEEP_AGE_SECONDS: '1',
    });

    await eventually(
      () => Promise.resolve(warnings(student.email).length > 0 && warnings(tutor.email).length > 0),
      60_000,
    );
    const [toStudent] = warnings(student.email);
    expect(toStudent.subject).toBe(
      'Your attendance on Peer-supported Open Dialogue needs attention',
    );
    expect(toStudent.text).toContain('Dear Morgan,');
    expect(toStudent.text).toContain('Consecutive absences: 2');
    expect(warnings(tutor.email)[0].subject).toBe(
      `Attendance warning: ${student.given_name} ${student.family_name} (Cohort ${cohort.number})`,
    );
    // Answered, so the sweep asks no more: one warning each.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(warnings(student.email)).toHaveLength(1);
    expect(warnings(tutor.email)).toHaveLength(1);
  });
});
