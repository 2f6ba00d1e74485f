import { makeCohort, makeCourse, makeStudent } from './helpers/factories';
import { bearer, createTestApp, createUser, TestApp, TestUser } from './helpers/test-app';

/**
 * Capacity is a hard limit under concurrency: requests race for the same cohort and the database
 * must never hold more seated enrolments than seats.
 */
describe('enrolment capacity under concurrency', () => {
  let t: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await createUser(t, 'admin');
  });
  afterAll(() => t.close());

  const counts = async (cohortId: string) => {
    const rows: Array<{ status: string; n: number }> = await t.db.query(
      'SELECT status, count(*)::int AS n FROM enrolments WHERE cohort_id = $1 GROUP BY status',
      [cohortId],
    );
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  };

  it('100 simultaneous enrolments into a 70-seat cohort give exactly 70 enrolled and 30 waitlisted', async () => {
    const course = await makeCourse(t.db);
    const cohort = await makeCohort(t.db, course.id, { capacity: 70 });
    const students = await Promise.all(Array.from({ length: 100 }, () => makeStudent(t.db)));

    const started = process.hrtime.bigint();
    const responses = await Promise.all(
      students.map((s) =>
        t
          .http()
          .post(`/api/v1/cohorts/${cohort.id}/enrolments`)
          .set(bearer(admin))
          .send({ studentId: s.id, route: 'graduate_certificate' }),
      ),
    );
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    process.stdout.write(`100 parallel enrolments took ${ms.toFixed(0)} ms\n`);

    expect(responses.map((r) => r.status)).toEqual(Array(100).fill(201));
    const answered = responses.map((r) => r.body.status as string);
    expect(answered.filter((s) => s === 'enrolled')).toHaveLength(70);
    expect(answered.filter((s) => s === 'waitlisted')).toHaveLength(30);
    expect(await counts(cohort.id)).toEqual({ enrolled: 70, waitlisted: 30 });

    // The waiting list is in arrival order: positions 1..30, no gaps or repeats.
    const positions: Array<{ p: number }> = await t.db.query(
      `SELECT row_number() OVER (ORDER BY queued_at, id)::int AS p FROM enrolments
        WHERE cohort_id = $1 AND status = 'waitlisted'`,
      [cohort.id],
    );
    expect(positions.map((r) => r.p)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  }, 60_000);

  it('simultaneous withdrawals each seat exactly one waitlisted student, never overfilling', async () => {
    const course = await makeCourse(t.db);
    const cohort = await makeCohort(t.db, course.id, { capacity: 10 });
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const s = await makeStudent(t.db);
      const res = await t
        .http()
        .post(`/api/v1/cohorts/${cohort.id}/enrolments`)
        .set(bearer(admin))
        .send({ studentId: s.id, route: 'graduate_certificate' });
      ids.push(res.body.id);
    }
    const [seated, queue] = [ids.slice(0, 10), ids.slice(10)];

    const responses = await Promise.all(
      seated
        .slice(0, 6)
        .map((id) =>
          t
            .http()
            .post(`/api/v1/enrolments/${id}/withdraw`)
            .set(bearer(admin))
            .send({ reason: 'Left' }),
        ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(6).fill(200));
    expect(await counts(cohort.id)).toEqual({ enrolled: 10, waitlisted: 4, withdrawn: 6 });
    const promoted: Array<{ id: string }> = await t.db.query(
      `SELECT id FROM enrolments WHERE id = ANY($1) AND status = 'enrolled'`,
      [queue],
    );
    // The first six in the queue, not any six.
    expect(promoted.map((r) => r.id).sort()).toEqual(queue.slice(0, 6).sort());
  }, 60_000);
});
