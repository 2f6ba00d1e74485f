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

export const ACCOUNT_TOKEN_PURPOSES = ['invitation', 'password_reset'] as const;
export type AccountTokenPurpose = (typeof ACCOUNT_TOKEN_PURPOSES)[number];

/**
 * A one-time link to set a password: an invitation or a password reset. Only the SHA-256 of the
 * token is stored, so a copy of the database lets nobody in. One row per user and purpose: a new
 * invitation or reset replaces the old link, and using a link deletes its row (single use).
 */
@Entity()
@Index('uq_account_tokens_user_purpose', ['userId', 'purpose'], { unique: true })
@Check('ck_account_tokens_purpose', `purpose IN ('invitation', 'password_reset')`)
export class AccountToken {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_account_tokens_user' })
  user?: User;

  @Column({ type: 'varchar', length: 16 })
  purpose: AccountTokenPurpose;

  /** SHA-256 of the token in the link (hex). A 256-bit random token needs no slow hash. */
  @Index('uq_account_tokens_hash', { unique: true })
  @Column({ type: 'char', length: 64 })
  tokenHash: string;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
