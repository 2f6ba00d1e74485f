import { makeCohort, makeCourse } from './helpers/factories';
import { bearer, createTestApp, createUser, TestApp } from './helpers/test-app';

describe('users: logins created by an administrator', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('creates a tutor with cohorts in one step: the tutor signs in and sees exactly those cohorts', async () => {
    const admin = await createUser(t, 'admin');
    const course = await makeCourse(t.db);
    const taught = await makeCohort(t.db, course.id);
    const other = await makeCohort(t.db, course.id);
    const email = `tutor-${Date.now()}@pod.test`;

    const created = await t
      .http()
      .post('/api/v1/users')
      .set(bearer(admin))
      .send({
        email,
        password: 'a-long-tutor-password-7',
        role: 'tutor',
        displayName: 'Tutor Tess',
        cohortIds: [taught.id, taught.id],
      });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email, role: 'tutor', cohortIds: [taught.id] });

    const login = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email, password: 'a-long-tutor-password-7' });
    expect(login.status).toBe(200);
    const tutor = { token: login.body.accessToken as string };
    const cohorts = await t.http().get('/api/v1/cohorts?limit=500').set(bearer(tutor));
    expect(cohorts.status).toBe(200);
    expect(cohorts.body.items.map((c: { id: string }) => c.id)).toEqual([taught.id]);
    expect((await t.http().get(`/api/v1/cohorts/${other.id}`).set(bearer(tutor))).status).toBe(404);
  });

  it('writes the creation to the audit log with role and cohorts, never the password', async () => {
    const admin = await createUser(t, 'admin');
    const course = await makeCourse(t.db);
    const cohort = await makeCohort(t.db, course.id);
    const email = `audited-${Date.now()}@pod.test`;
    const created = await t
      .http()
      .post('/api/v1/users')
      .set(bearer(admin))
      .send({ email, password: 'a-long-tutor-password-8', role: 'tutor', cohortIds: [cohort.id] });
    expect(created.status).toBe(201);

    const audit = await t
      .http()
      .get(`/api/v1/audit?entityType=user&entityId=${created.body.id}`)
      .set(bearer(admin));
    expect(audit.status).toBe(200);
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({
      action: 'user.create',
      actorId: admin.id,
      after: { email, role: 'tutor', cohortIds: [cohort.id] },
    });
    expect(JSON.stringify(audit.body)).not.toMatch(/password|argon2/i);
  });

  it('refuses an unknown cohort with 400 naming cohortIds and creates nothing', async () => {
    const admin = await createUser(t, 'admin');
    const email = `nocohort-${Date.now()}@pod.test`;
    const res = await t
      .http()
      .post('/api/v1/users')
      .set(bearer(admin))
      .send({
        email,
        password: 'a-long-tutor-password-9',
        role: 'tutor',
        cohortIds: ['6b0f6f0e-1f7e-4c1e-9d7a-0a0b0c0d0e0f'],
      });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('cohortIds');
    expect(await t.db.query(`SELECT 1 FROM users WHERE email = $1`, [email])).toHaveLength(0);
  });
});
