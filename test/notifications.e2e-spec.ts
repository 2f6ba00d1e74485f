import { getQueueToken } from '@nestjs/bullmq';
import { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Mailer } from '../src/infrastructure/mail/mailer';
import { QUEUES } from '../src/infrastructure/queues/queue-names';
import { AttendanceWarningsService } from '../src/notifications/attendance-warnings.service';
import { NotificationsService } from '../src/notifications/notifications.service';
import {
  makeCohort,
  makeCourse,
  makeEnrolment,
  makeSession,
  makeStudent,
  markAttendance,
} from './helpers/factories';
import { MailServer, startMailServer } from './helpers/mail-server';
import {
  bearer,
  createTestApp,
  createUser,
  eventually,
  startTestWorker,
  testConfig,
  TestApp,
  TestUser,
} from './helpers/test-app';

jest.setTimeout(120_000);

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('notifications: outbox, delivery log, warnings, queue dashboard', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let mail: MailServer;
  let admin: TestUser;
  let queue: Queue;

  beforeAll(async () => {
    mail = await startMailServer();
    t = await createTestApp();
    worker = await startTestWorker({ SMTP_URL: mail.url });
    admin = await createUser(t, 'admin');
    queue = t.app.get<Queue>(getQueueToken(QUEUES.notifications));
  });
  afterAll(async () => {
    await worker.close();
    await t.close();
    await mail.close();
  });

  async function record(recipient: string, key = `test:${randomUUID()}`): Promise<string[]> {
    return t.db.transaction((em) =>
      t.app.get(NotificationsService).enqueue(em, {
        dedupeKey: key,
        kind: 'test',
        recipient,
        subject: `Hello ${recipient}`,
        text: 'Plain words.',
      }),
    );
  }

  async function row(id: string) {
    const [r] = await t.db.query(
      `SELECT status, attempts, last_error, message_id, sent_at FROM notifications WHERE id = $1`,
      [id],
    );
    return r as {
      status: string;
      attempts: number;
      last_error: string | null;
      message_id: string | null;
      sent_at: Date | null;
    };
  }

  it('one dedupe key is one row and one email, however often it is recorded or its job runs', async () => {
    const to = `once-${randomUUID()}@pod.test`;
    const key = `test:once:${randomUUID()}`;
    const first = await record(to, key);
    const second = await record(to, key);
    expect(first).toHaveLength(1);
    expect(second).toEqual([]);
    const [id] = first;
    await t.app.get(NotificationsService).dispatch([id]);
    await t.app.get(NotificationsService).dispatch([id]);
    // The same send delivered again under other job ids, at the same moment.
    await queue.addBulk(
      ['a', 'b', 'c'].map((x) => ({
        name: 'send',
        data: { kind: 'send' as const, notificationId: id },
        opts: { jobId: `again-${x}-${id}` },
      })),
    );
    await eventually(async () => (await row(id)).status === 'sent');
    await pause(1_500);
    expect(mail.to(to)).toHaveLength(1);
    const sent = await row(id);
    expect(sent.attempts).toBe(1);
    expect(sent.message_id).toBe(mail.to(to)[0].messageId);
    expect(sent.sent_at).not.toBeNull();
  });

  it('a refused send is retried with backoff and ends failed and visible, without holding up others', async () => {
    const refused = `refuse-${randomUUID()}@pod.test`;
    const fine = `fine-${randomUUID()}@pod.test`;
    mail.refuseRecipients(/^refuse-/);
    try {
      const [bad] = await record(refused);
      const [good] = await record(fine);
      await queue.add(
        'send',
        { kind: 'send', notificationId: bad },
        { jobId: `send-${bad}`, attempts: 3, backoff: { type: 'exponential', delay: 200 } },
      );
      await t.app.get(NotificationsService).dispatch([good]);
      await eventually(async () => (await row(good)).status === 'sent');
      expect(mail.to(fine)).toHaveLength(1);

      const failed = await eventually(async () => {
        const r = await row(bad);
        return r.status === 'failed' ? r : null;
      }, 30_000);
      expect(failed.attempts).toBe(3);
      expect(failed.last_error).toMatch(/550/);
      const job = await queue.getJob(`send-${bad}`);
      expect(await job?.getState()).toBe('failed');
      expect(mail.to(refused)).toHaveLength(0);

      const log = await t
        .http()
        .get('/api/v1/notifications?kind=test&status=failed&limit=500')
        .set(bearer(admin));
      expect(log.status).toBe(200);
      const entry = log.body.items.find((n: { id: string }) => n.id === bad);
      expect(entry).toMatchObject({ status: 'failed', attempts: 3, recipient: refused });
      expect(entry.lastError).toMatch(/550/);
    } finally {
      mail.refuseRecipients(null);
    }
  });

  it('the sweep sends a pending email whose job was lost', async () => {
    const to = `lost-${randomUUID()}@pod.test`;
    const [id] = await record(to);
    // Recorded two minutes ago, and Redis never heard of it.
    await t.db.query(
      `UPDATE notifications SET created_at = now() - interval '2 minutes', updated_at = now() - interval '2 minutes' WHERE id = $1`,
      [id],
    );
    await queue.add('sweep', { kind: 'sweep' }, { jobId: `sweep-test-${id}` });
    await eventually(async () => (await row(id)).status === 'sent', 30_000);
    expect(mail.to(to)).toHaveLength(1);
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.map((s) => s.key)).toContain('notifications-sweep');
  });

  it('sending is rate limited (MAIL_RATE_PER_SECOND)', async () => {
    const overrides = {
      QUEUE_PREFIX: `${t.config.QUEUE_PREFIX}-rate-${Date.now()}`,
      MAIL_RATE_PER_SECOND: '2',
    };
    const api = await createTestApp(overrides);
    const slow = await startTestWorker({ ...overrides, SMTP_URL: mail.url });
    try {
      const to = `rate-${randomUUID()}@pod.test`;
      const ids = await api.db.transaction((em) =>
        api.app.get(NotificationsService).enqueue(
          em,
          [1, 2, 3, 4, 5, 6].map((i) => ({
            dedupeKey: `test:rate:${to}:${i}`,
            kind: 'test',
            recipient: to,
            subject: `Rate ${i}`,
            text: 'Slowly.',
          })),
        ),
      );
      const started = Date.now();
      await api.app.get(NotificationsService).dispatch(ids);
      await eventually(() => Promise.resolve(mail.to(to).length === 6), 30_000);
      // Two a second: six need at least two full windows after the first.
      expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
    } finally {
      await slow.close();
      // This prefix is outside the run's own, which the global teardown clears: clear it here.
      for (const name of Object.values(QUEUES)) {
        await api.app.get<Queue>(getQueueToken(name)).obliterate({ force: true });
      }
      await api.close();
    }
  });

  it('without SMTP_URL, MAIL_DIR receives each email as an .eml file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pod-mail-'));
    try {
      const mailer = new Mailer(testConfig({ MAIL_DIR: dir }));
      expect(mailer.mode).toBe('files');
      const sent = await mailer.send({
        dedupeKey: 'session_reminder:abc:def:P1D',
        to: 'someone@pod.test',
        subject: 'Reminder: Open Dialogue practice',
        text: 'See you tomorrow.',
        attachments: [
          { filename: 'session.ics', contentType: 'text/calendar', content: 'BEGIN:VCALENDAR' },
        ],
      });
      expect(readdirSync(dir)).toEqual(['session_reminder_abc_def_P1D.eml']);
      expect(sent.path).toBe(join(dir, 'session_reminder_abc_def_P1D.eml'));
      const eml = readFileSync(sent.path as string, 'utf8');
      expect(eml).toContain('Subject: Reminder: Open Dialogue practice');
      expect(eml).toContain('To: someone@pod.test');
      expect(eml).toContain('session.ics');
      mailer.onApplicationShutdown();

      const none = new Mailer(testConfig());
      await expect(
        none.send({ dedupeKey: 'x', to: 'a@pod.test', subject: 's', text: 't' }),
      ).rejects.toThrow(/No mail transport/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the delivery log is for administrators only and filters by kind and status', async () => {
    const tutor = await createUser(t, 'tutor');
    const student = await makeStudent(t.db);
    const studentUser = await createUser(t, 'student', { studentId: student.id });
    expect((await t.http().get('/api/v1/notifications')).status).toBe(401);
    expect((await t.http().get('/api/v1/notifications').set(bearer(tutor))).status).toBe(403);
    expect((await t.http().get('/api/v1/notifications').set(bearer(studentUser))).status).toBe(403);
    const ok = await t.http().get('/api/v1/notifications?kind=test&limit=2').set(bearer(admin));
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ limit: 2, offset: 0 });
    expect(ok.body.total).toBeGreaterThanOrEqual(3);
    expect(ok.body.items.every((n: { kind: string }) => n.kind === 'test')).toBe(true);
    expect(Object.keys(ok.body.items[0]).sort()).toEqual(
      [
        'attachments',
        'attempts',
        'createdAt',
        'dedupeKey',
        'id',
        'kind',
        'lastError',
        'messageId',
        'recipient',
        'sentAt',
        'status',
        'subject',
        'updatedAt',
      ].sort(),
    );
    for (const bad of ['status=lost', 'kind=DROP%20TABLE', 'limit=0']) {
      const res = await t.http().get(`/api/v1/notifications?${bad}`).set(bearer(admin));
      expect([bad, res.status]).toEqual([bad, 400]);
    }
  });

  it('the queue dashboard at /admin/queues is for administrators only', async () => {
    const tutor = await createUser(t, 'tutor');
    expect((await t.http().get('/admin/queues')).status).toBe(401);
    expect((await t.http().get('/admin/queues/api/queues')).status).toBe(401);
    const forged = await t.http().get('/admin/queues').set('Authorization', 'Bearer not.a.token');
    expect(forged.status).toBe(401);
    expect((await t.http().get('/admin/queues').set(bearer(tutor))).status).toBe(403);
    const page = await t.http().get('/admin/queues').set(bearer(admin));
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const api = await t.http().get('/admin/queues/api/queues').set(bearer(admin));
    expect(api.status).toBe(200);
    expect(api.body.queues.map((q: { name: string }) => q.name).sort()).toEqual(
      Object.values(QUEUES).sort(),
    );
  });

  it('a register save that puts a student at risk warns the student and tutors once per crossing', async () => {
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
    const atRisk = await makeStudent(t.db, { givenName: 'Robin' });
    const steady = await makeStudent(t.db);
    const a = await makeEnrolment(t.db, atRisk.id, cohort);
    const b = await makeEnrolment(t.db, steady.id, cohort);
    const tutor = await createUser(t, 'tutor', { cohortIds: [cohort.id] });
    for (const s of past) await markAttendance(t.db, s.id, b.id, 'present');
    await markAttendance(t.db, past[0].id, a.id, 'present');
    await markAttendance(t.db, past[1].id, a.id, 'absent');
    await markAttendance(t.db, past[2].id, a.id, 'absent');

    // What a register save does: record the request in a transaction, queue it after commit.
    const warnings = t.app.get(AttendanceWarningsService);
    const requestCheck = async () =>
      warnings.dispatch(await t.db.transaction((em) => warnings.request(em, cohort.id)));
    const warningsTo = (email: string) =>
      mail.to(email).filter((m) => /attendance|Attendance warning/.test(m.subject));

    // Saved twice while at risk: one crossing, one warning each.
    await requestCheck();
    await eventually(() =>
      Promise.resolve(
        warningsTo(tutor.email).length === 1 && warningsTo(atRisk.email).length === 1,
      ),
    );
    await requestCheck();
    await pause(2_000);
    expect(warningsTo(atRisk.email)).toHaveLength(1);
    expect(warningsTo(tutor.email)).toHaveLength(1);
    expect(warningsTo(steady.email)).toHaveLength(0);
    const [studentMail] = warningsTo(atRisk.email);
    expect(studentMail.subject).toBe(
      'Your attendance on Peer-supported Open Dialogue needs attention',
    );
    expect(studentMail.text).toContain('Dear Robin,');
    expect(studentMail.text).toContain('Consecutive absences: 2');
    expect(warningsTo(tutor.email)[0].subject).toContain(
      `${atRisk.given_name} ${atRisk.family_name}`,
    );

    // Back to not at risk (an absence corrected to excused): recorded, nothing sent.
    await markAttendance(t.db, past[2].id, a.id, 'excused');
    await requestCheck();
    await eventually(async () => {
      const [state] = await t.db.query(`SELECT at_risk FROM risk_states WHERE enrolment_id = $1`, [
        a.id,
      ]);
      return state && state.at_risk === false;
    });

    // At risk again: a second crossing, a second warning each.
    await markAttendance(t.db, past[2].id, a.id, 'absent');
    await requestCheck();
    await eventually(() =>
      Promise.resolve(
        warningsTo(tutor.email).length === 2 && warningsTo(atRisk.email).length === 2,
      ),
    );
    const states = await t.db.query(
      `SELECT enrolment_id, at_risk, crossings FROM risk_states WHERE enrolment_id = ANY($1::uuid[]) ORDER BY crossings`,
      [[a.id, b.id]],
    );
    expect(states).toEqual([
      { enrolment_id: b.id, at_risk: false, crossings: 0 },
      { enrolment_id: a.id, at_risk: true, crossings: 2 },
    ]);
    const keys = await t.db.query(
      `SELECT dedupe_key FROM notifications WHERE kind = 'attendance_warning' AND dedupe_key LIKE $1 ORDER BY dedupe_key`,
      [`attendance_warning:${a.id}:%`],
    );
    expect(keys.map((k: { dedupe_key: string }) => k.dedupe_key).sort()).toEqual(
      [
        `attendance_warning:${a.id}:1:${atRisk.id}`,
        `attendance_warning:${a.id}:1:${tutor.id}`,
        `attendance_warning:${a.id}:2:${atRisk.id}`,
        `attendance_warning:${a.id}:2:${tutor.id}`,
      ].sort(),
    );
  });
});
