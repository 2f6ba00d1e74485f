import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { hashPassword } from '../auth/passwords';
import { AuditService } from '../audit/audit.service';
import { ConflictError, InvalidInputError, NotFoundError } from '../common/errors';
import { isUniqueViolation } from '../infrastructure/database/pg-errors';
import { NotificationsService } from '../notifications/notifications.service';
import type { Role } from '../users/user.entity';
import { invitationEmail } from './account-emails';
import { AccountTokens } from './account-tokens.service';
import { CreateInvitationDto } from './dto/create-invitation.dto';

export interface InvitationView {
  id: string;
  userId: string;
  email: string;
  role: Role;
  expiresAt: Date;
}

export interface CohortInvitationResult {
  invited: number;
  alreadyHadLogin: number;
}

interface Invitee {
  userId: string;
  email: string;
  name: string | null;
  role: Role;
}

/**
 * Invitations: a login without a usable password plus a one-time link, emailed through the
 * outbox in the same transaction, to a page where the person sets their password. Inviting again
 * replaces the link; a login whose password is already set is not invited (it can use
 * "Forgotten your password?").
 */
@Injectable()
export class InvitationsService {
  /**
   * The hash a login holds until its person sets a password: of 256 random bits nobody keeps,
   * made once per process (argon2 is deliberately slow; a cohort of 70 should not pay it 70 times).
   */
  private unusableHash?: Promise<string>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tokens: AccountTokens,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
  ) {}

  async invite(actor: Actor, dto: CreateInvitationDto): Promise<InvitationView> {
    const email = dto.email.trim().toLowerCase();
    if (dto.role === 'student' && !dto.studentId) {
      throw new InvalidInputError('validation_failed', 'studentId is required for a student', [
        { field: 'studentId', message: 'studentId is required for role student' },
      ]);
    }
    if (dto.role !== 'student' && dto.studentId) {
      throw new InvalidInputError('validation_failed', 'studentId is only for students', [
        { field: 'studentId', message: 'studentId may only be set for role student' },
      ]);
    }
    if (dto.role !== 'tutor' && dto.cohortIds?.length) {
      throw new InvalidInputError('validation_failed', 'cohortIds is only for tutors', [
        { field: 'cohortIds', message: 'cohortIds may only be set for role tutor' },
      ]);
    }
    const unusable = await this.unusablePasswordHash();
    const { view, ids } = await this.mapConflicts(() =>
      this.dataSource.transaction(async (em) => {
        const [existing]: Array<{
          id: string;
          role: Role;
          student_id: string | null;
          password_set: boolean;
          display_name: string | null;
        }> = await em.query(
          `SELECT id, role, student_id, password_set, display_name FROM users
            WHERE email = $1 FOR UPDATE`,
          [email],
        );
        if (existing?.password_set) {
          throw new ConflictError(
            'already_has_login',
            `${email} already has a login; they can use "Forgotten your password?"`,
          );
        }
        if (
          existing &&
          (existing.role !== dto.role || existing.student_id !== (dto.studentId ?? null))
        ) {
          throw new ConflictError(
            'invitation_differs',
            `${email} was invited with another role or student; change the login on the users page`,
          );
        }
        let name = dto.displayName ?? existing?.display_name ?? null;
        if (dto.studentId) {
          const [student]: Array<{ name: string }> = await em.query(
            `SELECT given_name || ' ' || family_name AS name FROM students
              WHERE id = $1 AND erased_at IS NULL`,
            [dto.studentId],
          );
          if (!student) throw new NotFoundError('Student', dto.studentId);
          name ??= student.name;
        }
        const userId =
          existing?.id ??
          (await this.createLogin(em, {
            email,
            role: dto.role,
            studentId: dto.studentId ?? null,
            displayName: dto.displayName ?? null,
            passwordHash: unusable,
          }));
        const cohortIds = [...new Set(dto.cohortIds ?? [])];
        if (cohortIds.length) {
          const [{ n }]: Array<{ n: number }> = await em.query(
            'SELECT count(*)::int AS n FROM cohorts WHERE id = ANY($1::uuid[])',
            [cohortIds],
          );
          if (n !== cohortIds.length) {
            throw new InvalidInputError('validation_failed', 'Unknown cohort', [
              { field: 'cohortIds', message: 'every cohortId must name an existing cohort' },
            ]);
          }
          await em.query(
            `INSERT INTO cohort_tutors (user_id, cohort_id) SELECT $1, unnest($2::uuid[])
             ON CONFLICT DO NOTHING`,
            [userId, cohortIds],
          );
        }
        const sent = await this.send(em, actor, [{ userId, email, name, role: dto.role }]);
        return {
          view: { id: sent.tokenIds[0], userId, email, role: dto.role, expiresAt: sent.expiresAt },
          ids: sent.notificationIds,
        };
      }),
    );
    await this.notifications.dispatch(ids);
    return view;
  }

  /** Invites (again) the person of an existing login whose password is not yet set. */
  async resend(actor: Actor, userId: string): Promise<InvitationView> {
    const { view, ids } = await this.dataSource.transaction(async (em) => {
      const [user]: Array<{
        email: string;
        role: Role;
        password_set: boolean;
        name: string | null;
      }> = await em.query(
        `SELECT u.email, u.role, u.password_set,
                COALESCE(u.display_name, s.given_name || ' ' || s.family_name) AS name
           FROM users u LEFT JOIN students s ON s.id = u.student_id
          WHERE u.id = $1 AND u.disabled_at IS NULL FOR UPDATE OF u`,
        [userId],
      );
      if (!user) throw new NotFoundError('User', userId);
      if (user.password_set) {
        throw new ConflictError(
          'already_has_login',
          `${user.email} has set a password; they can use "Forgotten your password?"`,
        );
      }
      const sent = await this.send(em, actor, [{ userId, ...user }]);
      return {
        view: {
          id: sent.tokenIds[0],
          userId,
          email: user.email,
          role: user.role,
          expiresAt: sent.expiresAt,
        },
        ids: sent.notificationIds,
      };
    });
    await this.notifications.dispatch(ids);
    return view;
  }

  /** Every seated or waitlisted student of the cohort without a login (or with one not yet set up). */
  async inviteCohort(actor: Actor, cohortId: string): Promise<CohortInvitationResult> {
    const found: unknown[] = await this.dataSource.query('SELECT 1 FROM cohorts WHERE id = $1', [
      cohortId,
    ]);
    if (found.length === 0) throw new NotFoundError('Cohort', cohortId);
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT e.student_id AS id FROM enrolments e
        WHERE e.cohort_id = $1 AND e.status IN ('enrolled', 'waitlisted')`,
      [cohortId],
    );
    return this.inviteStudents(
      actor,
      rows.map((r) => r.id),
    );
  }

  /**
   * Invites these students: a login (role student, the student's email) is made for those
   * without one; those whose login is set up already are counted, not invited.
   */
  async inviteStudents(actor: Actor, studentIds: string[]): Promise<CohortInvitationResult> {
    const unusable = await this.unusablePasswordHash();
    const { result, ids } = await this.mapConflicts(() =>
      this.dataSource.transaction(async (em) => {
        const students: Array<{
          id: string;
          email: string;
          name: string;
          user_id: string | null;
          password_set: boolean | null;
          disabled: boolean;
        }> = await em.query(
          `SELECT s.id, COALESCE(u.email, s.email) AS email, s.given_name || ' ' || s.family_name AS name,
                  u.id AS user_id, u.password_set, u.disabled_at IS NOT NULL AS disabled
             FROM students s LEFT JOIN users u ON u.student_id = s.id
            WHERE s.id = ANY($1::uuid[]) AND s.erased_at IS NULL
            ORDER BY s.email
            FOR UPDATE OF s`,
          [[...new Set(studentIds)]],
        );
        const invitees: Invitee[] = [];
        let alreadyHadLogin = 0;
        for (const s of students) {
          if (s.password_set || s.disabled) {
            alreadyHadLogin += 1;
            continue;
          }
          const userId =
            s.user_id ??
            (await this.createLogin(em, {
              email: s.email,
              role: 'student',
              studentId: s.id,
              displayName: null,
              passwordHash: unusable,
            }));
          invitees.push({ userId, email: s.email, name: s.name, role: 'student' });
        }
        const sent = await this.send(em, actor, invitees);
        return {
          result: { invited: invitees.length, alreadyHadLogin },
          ids: sent.notificationIds,
        };
      }),
    );
    await this.notifications.dispatch(ids);
    return result;
  }

  private async createLogin(
    em: EntityManager,
    values: {
      email: string;
      role: Role;
      studentId: string | null;
      displayName: string | null;
      passwordHash: string;
    },
  ): Promise<string> {
    const [row]: Array<{ id: string }> = await em.query(
      `INSERT INTO users (email, password_hash, role, student_id, display_name, password_set)
       VALUES ($1, $2, $3, $4, $5, false) RETURNING id`,
      [values.email, values.passwordHash, values.role, values.studentId, values.displayName],
    );
    return row.id;
  }

  /** Issues each invitee a fresh link, records the emails and audits, in the caller's transaction. */
  private async send(
    em: EntityManager,
    actor: Actor,
    invitees: Invitee[],
  ): Promise<{ tokenIds: string[]; notificationIds: string[]; expiresAt: Date }> {
    const tokenIds: string[] = [];
    const emails = [];
    let expiresAt = new Date();
    for (const invitee of invitees) {
      const issued = await this.tokens.issue(em, invitee.userId, 'invitation');
      tokenIds.push(issued.id);
      expiresAt = issued.expiresAt;
      const email = invitationEmail({ name: invitee.name, link: issued.link, expiresAt });
      // The token's id in the key: a re-invitation is a new email, a retried job is not.
      emails.push({
        dedupeKey: `invitation:${invitee.userId}:${issued.id}`,
        kind: 'invitation',
        recipient: invitee.email,
        ...email,
      });
    }
    const notificationIds = await this.notifications.enqueue(em, emails);
    if (invitees.length) {
      await this.audit.record(
        em,
        actor,
        invitees.map((i) => ({
          action: 'user.invite',
          entityType: 'user',
          entityId: i.userId,
          after: { email: i.email, role: i.role, expiresAt },
        })),
      );
    }
    return { tokenIds, notificationIds, expiresAt };
  }

  private unusablePasswordHash(): Promise<string> {
    this.unusableHash ??= hashPassword(randomBytes(32).toString('base64url'));
    return this.unusableHash;
  }

  private async mapConflicts<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isUniqueViolation(error, 'uq_users_email')) {
        throw new ConflictError('email_taken', 'Another login already uses that email address');
      }
      if (isUniqueViolation(error, 'uq_users_student_id')) {
        throw new ConflictError('student_has_user', 'That student already has a login');
      }
      throw error;
    }
  }
}
