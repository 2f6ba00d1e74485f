import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { User } from '../users/user.entity';

export const SESSION_KINDS = ['api', 'web'] as const;
export type SessionKind = (typeof SESSION_KINDS)[number];

/**
 * A signed-in session on the server. Every access token (API bearer token or web cookie) names
 * one by its `sid` claim, and the access guard accepts the token only while its row exists and
 * is within its limits, so deleting rows signs people out at once: sign-out deletes one, a
 * password or role change and "sign out everywhere" delete all of a user's.
 */
@Entity()
@Check('ck_auth_sessions_kind', `kind IN ('api', 'web')`)
export class AuthSession {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('ix_auth_sessions_user')
  @Column({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_auth_sessions_user' })
  user?: User;

  /** `web` sessions travel only in the page cookie, `api` ones only as bearer tokens. */
  @Column({ type: 'varchar', length: 8 })
  kind: SessionKind;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  /** Refreshed at most once a minute while the session is used; drives the idle timeout. */
  @Column({ type: 'timestamptz', default: () => 'now()' })
  lastSeenAt: Date;

  /** The absolute limit, whatever the activity. */
  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  /** Idle timeout in seconds; null for API sessions, which end at `expiresAt` only. */
  @Column({ type: 'integer', nullable: true })
  idleSeconds: number | null;
}
