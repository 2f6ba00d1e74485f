import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Mailer } from '../infrastructure/mail/mailer';
import type { NotificationAttachment } from './notification.entity';
import { NotificationsQueue } from './notifications.queue';

export type DeliveryOutcome = 'sent' | 'skipped';

/** Namespace of the per-row advisory lock that makes a send exclusive: pg_advisory_lock(ns, key). */
const SEND_LOCK_NAMESPACE = 50_001;
/** The worker's side of the outbox: sends rows and re-queues the ones whose job was lost. */
@Injectable()
export class OutboxSender {
  private readonly logger = new Logger(OutboxSender.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queue: NotificationsQueue,
    private readonly mailer: Mailer,
  ) {}

  /**
   * Sends one outbox row, at most once per dedupe key:
   * - a session-level advisory lock on the row makes concurrent runs of the same job (a job
   *   retried while the first run still works, two workers) take turns; the lock dies with the
   *   connection if the worker does;
   * - under the lock only a `pending` row is sent, and it is marked `sent` right after the SMTP
   *   server accepts it. The one window left is a crash between that accept and the update: the
   *   row stays pending and is sent again (at-least-once there; see docs/operations.md).
   * On an error the row records it and the error is rethrown so BullMQ retries with backoff;
   * on the last attempt the row is marked `failed`. Other rows never wait on a failing one.
   */
  async deliver(notificationId: string, lastAttempt: boolean): Promise<DeliveryOutcome> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1, hashtext($2))', [
        SEND_LOCK_NAMESPACE,
        notificationId,
      ]);
      try {
        // A structured result: TypeORM answers a raw UPDATE with [rows, count] otherwise.
        const claimed = (await runner.query(
          `UPDATE notifications SET attempts = attempts + 1, updated_at = now()
            WHERE id = $1 AND status = 'pending'
            RETURNING dedupe_key, recipient, subject, body_text, body_html, attachments`,
          [notificationId],
          true,
        )) as {
          records: Array<{
            dedupe_key: string;
            recipient: string;
            subject: string;
            body_text: string;
            body_html: string | null;
            attachments: NotificationAttachment[];
          }>;
        };
        const row = claimed.records[0];
        if (!row) return 'skipped';
        let messageId: string;
        try {
          ({ messageId } = await this.mailer.send({
            dedupeKey: row.dedupe_key,
            to: row.recipient,
            subject: row.subject,
            text: row.body_text,
            html: row.body_html,
            attachments: row.attachments,
          }));
        } catch (error) {
          await runner.query(
            `UPDATE notifications
                SET last_error = $2, updated_at = now(),
                    status = CASE WHEN $3 THEN 'failed' ELSE status END
              WHERE id = $1`,
            [notificationId, String((error as Error).message ?? error).slice(0, 2000), lastAttempt],
          );
          throw error;
        }
        await runner.query(
          `UPDATE notifications
              SET status = 'sent', sent_at = now(), message_id = $2, last_error = NULL, updated_at = now()
            WHERE id = $1`,
          [notificationId, messageId.slice(0, 300)],
        );
        return 'sent';
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1, hashtext($2))', [
          SEND_LOCK_NAMESPACE,
          notificationId,
        ]);
      }
    } finally {
      await runner.release();
    }
  }

  /**
   * Scheduled: queue again every pending row that has sat untouched for `minAgeSeconds`
   * (OUTBOX_SWEEP_AGE_SECONDS): its job was lost, or never queued.
   */
  async sweep(minAgeSeconds: number): Promise<number> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM notifications
        WHERE status = 'pending' AND updated_at < now() - make_interval(secs => $1)
        ORDER BY created_at LIMIT 500`,
      [minAgeSeconds],
    );
    if (rows.length) {
      await this.queue.resend(rows.map((r) => r.id));
      this.logger.log(`Outbox sweep queued ${rows.length} pending email(s)`);
    }
    return rows.length;
  }
}
