import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Page, page } from '../common/pagination';
import { ListNotificationsQuery } from './dto/list-notifications.query';
import type { NotificationAttachment, NotificationStatus } from './notification.entity';
import { NotificationsQueue } from './notifications.queue';

export interface NewNotification {
  /** Unique per email ever meant to be sent, e.g. `certificate_issued:<certificateId>`. */
  dedupeKey: string;
  kind: string;
  recipient: string;
  subject: string;
  text: string;
  html?: string | null;
  attachments?: NotificationAttachment[];
}

export interface NotificationView {
  id: string;
  dedupeKey: string;
  kind: string;
  recipient: string;
  subject: string;
  status: NotificationStatus;
  attempts: number;
  lastError: string | null;
  messageId: string | null;
  attachments: string[];
  createdAt: Date;
  updatedAt: Date;
  sentAt: Date | null;
}

/**
 * The email outbox. Producers write rows inside their own transaction (so an email exists if and
 * only if the change that wants it committed) and, after commit, ask for them to be sent. The
 * worker's OutboxSender sends each row at most once per dedupe key.
 */
@Injectable()
export class NotificationsService {
  private readonly logger = new Logger(NotificationsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queue: NotificationsQueue,
  ) {}

  /**
   * Records emails in the caller's transaction; a dedupe key already present is left as it is.
   * Returns the ids of the rows this call created (send them with dispatch() after commit).
   */
  async enqueue(em: EntityManager, list: NewNotification | NewNotification[]): Promise<string[]> {
    const items = [list].flat();
    if (items.length === 0) return [];
    const rows: Array<{ id: string }> = await em.query(
      `INSERT INTO notifications (dedupe_key, kind, recipient, subject, body_text, body_html, attachments)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[])
       ON CONFLICT (dedupe_key) DO NOTHING
       RETURNING id`,
      [
        items.map((n) => n.dedupeKey),
        items.map((n) => n.kind),
        items.map((n) => n.recipient),
        items.map((n) => n.subject.slice(0, 300)),
        items.map((n) => n.text),
        items.map((n) => n.html ?? null),
        items.map((n) => JSON.stringify(n.attachments ?? [])),
      ],
    );
    return rows.map((r) => r.id);
  }

  /**
   * After commit: queue the sends. A Redis failure here loses nothing (the rows are pending in
   * Postgres and the worker's sweep queues them), so it is logged, not thrown.
   */
  async dispatch(ids: string[]): Promise<void> {
    try {
      await this.queue.send(ids);
    } catch (error) {
      this.logger.warn(
        `Could not queue ${ids.length} email(s); the outbox sweep will: ${(error as Error).message}`,
      );
    }
  }

  async list(q: ListNotificationsQuery): Promise<Page<NotificationView>> {
    const rows: Array<NotificationView & { total: string }> = await this.dataSource.query(
      `SELECT n.id, n.dedupe_key AS "dedupeKey", n.kind, n.recipient, n.subject, n.status,
              n.attempts, n.last_error AS "lastError", n.message_id AS "messageId",
              COALESCE((SELECT array_agg(a->>'filename') FROM jsonb_array_elements(n.attachments) a), '{}')
                AS attachments,
              n.created_at AS "createdAt", n.updated_at AS "updatedAt", n.sent_at AS "sentAt",
              count(*) OVER () AS total
         FROM notifications n
        WHERE ($1::text IS NULL OR n.kind = $1) AND ($2::text IS NULL OR n.status = $2)
          AND ($5::text IS NULL OR lower(n.recipient) = $5)
        ORDER BY n.created_at DESC, n.id
        LIMIT $3 OFFSET $4`,
      [q.kind ?? null, q.status ?? null, q.limit, q.offset, q.recipient ?? null],
    );
    const total = rows[0] ? Number(rows[0].total) : 0;
    return page(
      rows.map(({ total: _t, ...n }) => n),
      total,
      q,
    );
  }
}
