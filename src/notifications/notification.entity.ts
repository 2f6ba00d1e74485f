import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export const NOTIFICATION_STATUSES = ['pending', 'sent', 'failed'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

export interface NotificationAttachment {
  filename: string;
  contentType: string;
  content: string;
}

/**
 * The email outbox. `dedupeKey` (kind + recipient + subject, e.g.
 * `session_reminder:<session>:<enrolment>:P1D`) is unique, so an email is recorded, and sent,
 * at most once however many times the job that wants it runs.
 */
@Entity()
@Index('uq_notifications_dedupe_key', ['dedupeKey'], { unique: true })
@Index('ix_notifications_status', ['status', 'createdAt'])
@Index('ix_notifications_kind', ['kind', 'createdAt'])
// lower(recipient), created_at: an expression index, made by its migration (NotificationRecipientIndex).
@Index('ix_notifications_recipient', { synchronize: false })
@Check('ck_notifications_status', `status IN ('pending', 'sent', 'failed')`)
export class Notification {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 300 })
  dedupeKey: string;

  @Column({ type: 'varchar', length: 40 })
  kind: string;

  @Column({ type: 'varchar', length: 320 })
  recipient: string;

  @Column({ type: 'varchar', length: 300 })
  subject: string;

  @Column({ type: 'text' })
  bodyText: string;

  @Column({ type: 'text', nullable: true })
  bodyHtml: string | null;

  @Column({ type: 'jsonb', default: () => `'[]'` })
  attachments: NotificationAttachment[];

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: NotificationStatus;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ type: 'text', nullable: true })
  lastError: string | null;

  @Column({ type: 'varchar', length: 300, nullable: true })
  messageId: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
