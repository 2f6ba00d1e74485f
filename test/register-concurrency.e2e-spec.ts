import { makeSession } from './helpers/factories';
import { seatedCohort, tutorOf } from './helpers/progress-factories';
import { bearer, createTestApp, TestApp } from './helpers/test-app';

// The machine is shared: allow slow arrangements (the config's testTimeout is per project).
jest.setTimeout(60_000);

/**
 * Two tutors save the same register at the same moment. Whatever the interleaving, each
 * student ends with exactly one record, and the register equals one of the two bodies (the
 * saves of a session are serialised, so the later one wins for every record it names).
 */
describe('register concurrency', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const STUDENTS = 30;

  async function arrange() {
    const c = await seatedCohort(t.db, STUDENTS);
    const [tutorA, tutorB] = [await tutorOf(t, c.cohort.id), await tutorOf(t, c.cohort.id)];
    return { ...c, ids: c.enrolments.map((e) => e.id), tutorA, tutorB };
  }
  const newSession = (cohortId: string, daysAgo: number) =>
    makeSession(t.db, cohortId, { startsAt: new Date(Date.now() - daysAgo * 86400_000) });
  const recordsOf = async (sessionId: string) =>
    t.db.query<
      Array<{
        enrolment_id: string;
        status: string;
        minutes_attended: number;
        marked_by_id: string;
      }>
    >(
      `SELECT enrolment_id, status, minutes_attended, marked_by_id
         FROM attendance_records WHERE session_id = $1`,
      [sessionId],
    );

  it('two tutors saving whole registers at once leave one record per student, all from one body', async () => {
    const c = await arrange();
    for (let round = 0; round < 6; round++) {
      const session = await newSession(c.cohort.id, round + 1);
      const bodyA = c.ids.map((enrolmentId) => ({ enrolmentId, status: 'present' }));
      const bodyB = c.ids.map((enrolmentId) => ({
        enrolmentId,
        status: 'late',
        minutesAttended: 100,
      }));
      const [a, b] = await Promise.all([
        t
          .http()
          .put(`/api/v1/sessions/${session.id}/attendance`)
          .set(bearer(c.tutorA))
          .send({ records: bodyA }),
        t
          .http()
          .put(`/api/v1/sessions/${session.id}/attendance`)
          .set(bearer(c.tutorB))
          .send({ records: bodyB }),
      ]);
      expect([a.status, b.status]).toEqual([200, 200]);
      // The first save writes all 30, the second changes all 30.
      expect(a.body.saved + b.body.saved).toBe(2 * STUDENTS);

      const rows = await recordsOf(session.id);
      expect(rows).toHaveLength(STUDENTS);
      expect(new Set(rows.map((r) => r.enrolment_id)).size).toBe(STUDENTS);
      const winners = new Set(
        rows.map((r) => `${r.status}/${r.minutes_attended}/${r.marked_by_id}`),
      );
      expect(winners.size).toBe(1);
      expect([`present/360/${c.tutorA.id}`, `late/100/${c.tutorB.id}`]).toContain([...winners][0]);

      const [{ n }] = await t.db.query(
        `SELECT count(*)::int AS n FROM audit_events
          WHERE entity_type = 'attendance_record' AND after->>'sessionId' = $1`,
        [session.id],
      );
      expect(n).toBe(2 * STUDENTS);
    }
  });

  it('overlapping partial registers: each student named by both ends with one of the two values, consistently', async () => {
    const c = await arrange();
    const session = await newSession(c.cohort.id, 1);
    const first = c.ids.slice(0, 20).map((enrolmentId) => ({ enrolmentId, status: 'present' }));
    const second = c.ids.slice(10).map((enrolmentId) => ({ enrolmentId, status: 'absent' }));
    const responses = await Promise.all([
      t
        .http()
        .put(`/api/v1/sessions/${session.id}/attendance`)
        .set(bearer(c.tutorA))
        .send({ records: first }),
      t
        .http()
        .put(`/api/v1/sessions/${session.id}/attendance`)
        .set(bearer(c.tutorB))
        .send({ records: second }),
    ]);
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    const rows = await recordsOf(session.id);
    expect(rows).toHaveLength(STUDENTS);
    const status = new Map(rows.map((r) => [r.enrolment_id, r.status]));
    for (const id of c.ids.slice(0, 10)) expect(status.get(id)).toBe('present');
    for (const id of c.ids.slice(20)) expect(status.get(id)).toBe('absent');
    const overlap = new Set(c.ids.slice(10, 20).map((id) => status.get(id)));
    expect(overlap.size).toBe(1);
  });
});
