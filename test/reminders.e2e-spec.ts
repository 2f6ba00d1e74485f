import { getQueueToken } from '@nestjs/bullmq';
import { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import { DateTime } from 'luxon';
import { QUEUES } from '../src/infrastructure/queues/queue-names';
import { RemindersQueue } from '../src/notifications/reminders.queue';
import { RemindersService } from '../src/notifications/reminders.service';
import {
  makeBlock,
  makeCohort,
  makeCourse,
  makeEnrolment,
  makeSession,
  makeStudent,
} from './helpers/factories';
import { MailServer, startMailServer } from './helpers/mail-server';
import { createTestApp, eventually, startTestWorker, TestApp } from './helpers/test-app';

jest.setTimeout(180_000);

const ZONE = 'Europe/London';
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('session reminders for a residential week', () => {
  let t: TestApp;
  let workers: INestApplicationContext[];
  let mail: MailServer;

  beforeAll(async () => {
    mail = await startMailServer();
    t = await createTestApp();
    // Two workers, as in production: still one scheduler and one email per reminder.
    workers = await Promise.all([
      startTestWorker({ SMTP_URL: mail.url }),
      startTestWorker({ SMTP_URL: mail.url }),
    ]);
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.close()));
    await t.close();
    await mail.close();
  });

  it('the scan is one job scheduler on the cron pattern, however many workers run', async () => {
    const queue = t.app.get<Queue>(getQueueToken(QUEUES.reminders));
    const schedulers = (await queue.getJobSchedulers()).filter((s) => s.key === 'reminder-scan');
    expect(schedulers).toHaveLength(1);
    expect(schedulers[0].pattern).toBe(t.config.REMINDER_SCAN_CRON);
  });

  it('every seated student gets each reminder once: 7 and 1 days before the block, 1 day before each other session', async () => {
    const course = await makeCourse(t.db, { title: 'Peer-supported Open Dialogue' });
    const cohort = await makeCohort(t.db, course.id, { timezone: ZONE });
    const monday = DateTime.now().setZone(ZONE).startOf('week').plus({ weeks: 2 });
    const block = await makeBlock(t.db, cohort.id, {
      title: 'Residential week 2',
      startDate: monday.toISODate() as string,
      endDate: monday.plus({ days: 4 }).toISODate() as string,
    });
    const sessions = [];
    for (let d = 0; d < 5; d++) {
      const start = monday.plus({ days: d }).set({ hour: 9, minute: 30 });
      sessions.push({
        start,
        ...(await makeSession(t.db, cohort.id, {
          startsAt: start.toJSDate(),
          minutes: 420,
          blockId: block.id,
          title: `Open Dialogue practice, day ${d + 1}`,
          location: 'Goodmayes Hospital, Ilford',
        })),
      });
    }
    const seated = [];
    for (let i = 0; i < 3; i++) {
      const s = await makeStudent(t.db, { givenName: `Sam${i}` });
      await makeEnrolment(t.db, s.id, cohort);
      seated.push(s);
    }
    const withdrawn = await makeStudent(t.db);
    await makeEnrolment(t.db, withdrawn.id, cohort, { status: 'withdrawn' });
    // A cohort that turned reminders off gets none for the same week.
    const quiet = await makeCohort(t.db, course.id, { timezone: ZONE });
    await t.db.query(`UPDATE cohorts SET reminder_settings = '{"enabled": false}' WHERE id = $1`, [
      quiet.id,
    ]);
    await makeSession(t.db, quiet.id, { startsAt: monday.set({ hour: 9, minute: 30 }).toJSDate() });
    const quietStudent = await makeStudent(t.db);
    await makeEnrolment(t.db, quietStudent.id, quiet);

    const addresses = [...seated, withdrawn, quietStudent].map((s) => s.email);
    const ours = () => mail.messages.filter((m) => m.to.some((to) => addresses.includes(to)));
    const reminders = t.app.get(RemindersService);

    // Walk the clock from now to the end of the week in 6-hour steps, scanning twice each time;
    // one step goes through the queue and a worker, as the scheduler's job does.
    const end = monday.plus({ days: 5 });
    let at = DateTime.now().setZone(ZONE);
    let viaQueue = false;
    while (at < end) {
      if (!viaQueue && at >= sessions[0].start.minus({ days: 7 })) {
        await t.app.get(RemindersQueue).scanNow(at.toJSDate());
        await t.app.get(RemindersQueue).scanNow(at.toJSDate());
        // Generous: the database is shared with earlier specs, whose sessions the scan also
        // reminds about, and mail goes out at MAIL_RATE_PER_SECOND.
        await eventually(() => Promise.resolve(ours().length >= 3), 60_000);
        viaQueue = true;
      }
      await reminders.scan(at.toJSDate());
      await reminders.scan(at.toJSDate());
      at = at.plus({ hours: 6 });
    }

    // Block start: P7D and P1D; days 2-5: P1D. Three seated students.
    await eventually(() => Promise.resolve(ours().length >= 18), 60_000);
    await pause(2_000);
    const got = ours();
    expect(got).toHaveLength(18);
    expect(new Set(got.map((m) => m.messageId)).size).toBe(18);
    for (const s of seated) expect(mail.to(s.email)).toHaveLength(6);
    expect(mail.to(withdrawn.email)).toHaveLength(0);
    expect(mail.to(quietStudent.email)).toHaveLength(0);

    const keys: Array<{ dedupe_key: string; status: string }> = await t.db.query(
      `SELECT dedupe_key, status FROM notifications WHERE kind = 'session_reminder' AND dedupe_key LIKE ANY($1::text[])`,
      [sessions.map((s) => `session_reminder:${s.id}:%`)],
    );
    expect(keys).toHaveLength(18);
    expect(keys.every((k) => k.status === 'sent')).toBe(true);
    const offsets = (sessionId: string) =>
      [
        ...new Set(
          keys
            .filter((k) => k.dedupe_key.includes(sessionId))
            .map((k) => k.dedupe_key.split(':')[3]),
        ),
      ].sort();
    expect(offsets(sessions[0].id)).toEqual(['P1D', 'P7D']);
    for (const s of sessions.slice(1)) expect(offsets(s.id)).toEqual(['P1D']);

    // Wall-clock time in the cohort's zone, the place, and a one-event calendar file.
    const first = mail.to(seated[0].email).find((m) => m.subject.includes('day 1'));
    expect(first?.subject).toBe(
      `Reminder: Open Dialogue practice, day 1, ${monday.setLocale('en-GB').toFormat('cccc d LLLL yyyy')} at 09:30`,
    );
    expect(first?.text).toContain('Dear Sam0,');
    expect(first?.text).toContain('Where: Goodmayes Hospital, Ilford');
    expect(first?.text).toContain('09:30 to 16:30');
    expect(first?.text).toContain('Residential week 2');
    const ics = mail.attachment(first as (typeof got)[number], 'session.ics');
    expect(ics).toContain('BEGIN:VCALENDAR');
    expect(ics?.match(/BEGIN:VEVENT/g)).toHaveLength(1);
    expect(ics).toContain(`DTSTART:${sessions[0].start.toUTC().toFormat("yyyyMMdd'T'HHmmss'Z'")}`);
    expect(ics).toContain('LOCATION:Goodmayes Hospital\\, Ilford');
  });
});
