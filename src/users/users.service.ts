import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';
import { SYSTEM_ACTOR, type Actor } from '../auth/actor';
import { AuthSessions } from '../auth/auth-sessions.service';
import { checkNewPassword } from '../auth/password-policy';
import { AuditService } from '../audit/audit.service';
import { ConflictError, InvalidInputError, NotFoundError } from '../common/errors';
import { Page, page } from '../common/pagination';
import { Cohort } from '../cohorts/cohort.entity';
import { Student } from '../students/student.entity';
import { isUniqueViolation } from '../infrastructure/database/pg-errors';
import { preparedQuery } from '../infrastructure/database/prepared-query';
import { hashPassword, verifyPassword } from '../auth/passwords';
import { CreateUserDto } from './dto/create-user.dto';
import { ListUsersQuery } from './dto/list-users.query';
import { UpdateUserDto } from './dto/update-user.dto';
import { User } from './user.entity';

export interface UserView {
  id: string;
  email: string;
  role: User['role'];
  displayName: string | null;
  studentId: string | null;
  cohortIds: string[];
  /** False while an invited person has not yet set a password. */
  passwordSet: boolean;
  disabled: boolean;
  createdAt: Date;
}

@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly sessions: AuthSessions,
  ) {}

  /**
   * Creates a login and, for a tutor, their cohort assignments, in one transaction with its
   * audit entry: a tutor never exists half-assigned, and the log never shows a user who is not.
   */
  async create(actor: Actor, dto: CreateUserDto): Promise<UserView> {
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
    assertStrongPassword('password', dto.password, [dto.email, dto.displayName ?? '']);
    const passwordHash = await hashPassword(dto.password);
    try {
      const id = await this.dataSource.transaction(async (em) => {
        if (dto.studentId && !(await em.existsBy(Student, { id: dto.studentId }))) {
          throw new NotFoundError('Student', dto.studentId);
        }
        const cohortIds = [...new Set(dto.cohortIds ?? [])];
        if (
          cohortIds.length &&
          (await em.countBy(Cohort, { id: In(cohortIds) })) !== cohortIds.length
        ) {
          throw new InvalidInputError('validation_failed', 'Unknown cohort', [
            { field: 'cohortIds', message: 'every cohortId must name an existing cohort' },
          ]);
        }
        const user = await em.save(
          em.create(User, {
            email: dto.email.trim().toLowerCase(),
            passwordHash,
            role: dto.role,
            studentId: dto.studentId ?? null,
            displayName: dto.displayName ?? null,
          }),
        );
        if (cohortIds.length) {
          await em.query(
            `INSERT INTO cohort_tutors (user_id, cohort_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`,
            [user.id, cohortIds],
          );
        }
        await this.audit.record(em, actor, {
          action: 'user.create',
          entityType: 'user',
          entityId: user.id,
          // Never the password or its hash.
          after: {
            email: user.email,
            role: user.role,
            studentId: user.studentId,
            displayName: user.displayName,
            cohortIds,
          },
        });
        return user.id;
      });
      return this.get(id);
    } catch (error) {
      if (isUniqueViolation(error, 'uq_users_email')) {
        throw new ConflictError('email_taken', `A user with email ${dto.email} already exists`);
      }
      if (isUniqueViolation(error, 'uq_users_student_id')) {
        throw new ConflictError('student_has_user', 'That student already has a login');
      }
      throw error;
    }
  }

  /**
   * Changes a staff login's role or display name. A role change ends every session of the user
   * at once (ASVS 7.4.x), in the same transaction, so no request runs on the old role's token.
   * Student logins keep their role: a student's login is tied to the student record.
   */
  async update(actor: Actor, userId: string, dto: UpdateUserDto): Promise<UserView> {
    await this.dataSource.transaction(async (em) => {
      const [user]: Array<{
        role: User['role'];
        display_name: string | null;
        disabled: boolean;
      }> = await em.query(
        'SELECT role, display_name, disabled_at IS NOT NULL AS disabled FROM users WHERE id = $1 FOR UPDATE',
        [userId],
      );
      if (!user) throw new NotFoundError('User', userId);
      const role = dto.role ?? user.role;
      if (role !== user.role && (role === 'student' || user.role === 'student')) {
        throw new InvalidInputError('validation_failed', 'A student login keeps its role', [
          { field: 'role', message: 'only admin and tutor logins can change role, between them' },
        ]);
      }
      const displayName = dto.displayName ?? user.display_name;
      await em.query(
        'UPDATE users SET role = $2, display_name = $3, updated_at = now() WHERE id = $1',
        [userId, role, displayName],
      );
      const disabled = dto.disabled ?? user.disabled;
      if (disabled && userId === actor.userId) {
        throw new InvalidInputError('validation_failed', 'You cannot disable your own login', [
          { field: 'disabled', message: 'an administrator cannot disable their own login' },
        ]);
      }
      if (disabled !== user.disabled) {
        await em.query(
          `UPDATE users SET disabled_at = CASE WHEN $2 THEN now() END, updated_at = now()
            WHERE id = $1`,
          [userId, disabled],
        );
      }
      if (dto.cohortIds !== undefined) {
        if (role !== 'tutor' && dto.cohortIds.length) {
          throw new InvalidInputError('validation_failed', 'cohortIds is only for tutors', [
            { field: 'cohortIds', message: 'cohortIds may only be set for role tutor' },
          ]);
        }
        const cohortIds = [...new Set(dto.cohortIds)];
        if ((await em.countBy(Cohort, { id: In(cohortIds) })) !== cohortIds.length) {
          throw new InvalidInputError('validation_failed', 'Unknown cohort', [
            { field: 'cohortIds', message: 'every cohortId must name an existing cohort' },
          ]);
        }
        await em.query('DELETE FROM cohort_tutors WHERE user_id = $1', [userId]);
        await em.query(
          `INSERT INTO cohort_tutors (user_id, cohort_id) SELECT $1, unnest($2::uuid[])`,
          [userId, cohortIds],
        );
      }
      let sessionsEnded = 0;
      if (role !== user.role || (disabled && !user.disabled)) {
        if (role !== 'tutor')
          await em.query('DELETE FROM cohort_tutors WHERE user_id = $1', [userId]);
        sessionsEnded = await this.sessions.endAllFor(userId, em);
      }
      const action =
        disabled !== user.disabled
          ? disabled
            ? 'user.disable'
            : 'user.enable'
          : role !== user.role
            ? 'user.role_change'
            : 'user.update';
      await this.audit.record(em, actor, {
        action,
        entityType: 'user',
        entityId: userId,
        before: { role: user.role, displayName: user.display_name, disabled: user.disabled },
        after: { role, displayName, disabled, cohortIds: dto.cohortIds, sessionsEnded },
      });
    });
    return this.get(userId);
  }

  /** "Sign out everywhere": ends every session of the user. */
  async revokeSessions(actor: Actor, userId: string): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      const found: unknown[] = await em.query('SELECT 1 FROM users WHERE id = $1', [userId]);
      if (found.length === 0) throw new NotFoundError('User', userId);
      const sessionsEnded = await this.sessions.endAllFor(userId, em);
      await this.audit.record(em, actor, {
        action: 'user.sessions_revoke',
        entityType: 'user',
        entityId: userId,
        after: { sessionsEnded },
      });
    });
  }

  /**
   * Changes the caller's own password after checking the current one (ASVS 6.2.3), and ends
   * every session of theirs, this one included: whoever knew the old password is out.
   */
  async changePassword(actor: Actor, current: string, next: string): Promise<void> {
    const userId = actor.userId as string;
    const user = await this.users
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.id = :userId', { userId })
      .getOne();
    if (!user || !(await verifyPassword(user.passwordHash, current))) {
      throw new InvalidInputError('validation_failed', 'The current password is not right', [
        { field: 'currentPassword', message: 'is not your current password' },
      ]);
    }
    assertStrongPassword('newPassword', next, [user.email, user.displayName ?? '']);
    const passwordHash = await hashPassword(next);
    await this.dataSource.transaction(async (em) => {
      await em.query('UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1', [
        userId,
        passwordHash,
      ]);
      const sessionsEnded = await this.sessions.endAllFor(userId, em);
      await this.audit.record(em, actor, {
        action: 'user.password_change',
        entityType: 'user',
        entityId: userId,
        after: { sessionsEnded },
      });
    });
  }

  /** One user by primary key: a named prepared statement, since every `GET /me` asks it. */
  async get(id: string): Promise<UserView> {
    const [user] = await preparedQuery<UserView>(
      this.dataSource,
      `SELECT ${USER_VIEW_COLUMNS} FROM users u WHERE u.id = $1`,
      [id],
    );
    if (!user) throw new NotFoundError('User', id);
    return user;
  }

  async list(q: ListUsersQuery): Promise<Page<UserView>> {
    const rows: Array<UserView & { total: string }> = await this.dataSource.query(
      `SELECT ${USER_VIEW_COLUMNS}, count(*) OVER () AS total
         FROM users u
        WHERE ($1::text IS NULL OR u.role = $1)
          AND ($4::text IS NULL OR u.email ILIKE '%' || $4 || '%'
               OR u.display_name ILIKE '%' || $4 || '%')
        ORDER BY u.created_at, u.id
        LIMIT $2 OFFSET $3`,
      [q.role ?? null, q.limit, q.offset, likeText(q.search)],
    );
    const total = rows[0] ? Number(rows[0].total) : 0;
    return page(
      rows.map(({ total: _t, ...u }) => u),
      total,
      q,
    );
  }

  /**
   * Creates the configured admin if no user has that email. Safe when several replicas boot at
   * once: the unique email index makes exactly one insert win.
   */
  async ensureAdmin(email: string, password: string): Promise<void> {
    const normalised = email.trim().toLowerCase();
    if (await this.users.existsBy({ email: normalised })) return;
    assertStrongPassword('ADMIN_PASSWORD', password, [email]);
    const hash = await hashPassword(password);
    await this.dataSource.transaction(async (em) => {
      const result: Array<{ id: string }> = await em.query(
        `INSERT INTO users (email, password_hash, role, display_name) VALUES ($1, $2, 'admin', 'Administrator')
         ON CONFLICT (email) DO NOTHING RETURNING id`,
        [normalised, hash],
      );
      if (!result[0]) return;
      await this.audit.record(em, SYSTEM_ACTOR, {
        action: 'user.create',
        entityType: 'user',
        entityId: result[0].id,
        after: { role: 'admin', source: 'ADMIN_EMAIL' },
      });
      this.logger.log(`Created admin user ${normalised}`);
    });
  }
}

/** 400 naming the field when a new password is weak or common (see auth/password-policy.ts). */
function assertStrongPassword(field: string, password: string, context: string[]): void {
  const verdict = checkNewPassword(password, context);
  if (!verdict.ok) {
    throw new InvalidInputError('weak_password', `The password ${verdict.reason}`, [
      { field, message: verdict.reason },
    ]);
  }
}

/** A search term with LIKE's wildcards taken literally; null when blank. */
/** What a user looks like to the API (`UserView`), for `get` and `list` alike. */
const USER_VIEW_COLUMNS = `u.id, u.email, u.role, u.display_name AS "displayName",
  u.student_id AS "studentId", u.password_set AS "passwordSet",
  u.disabled_at IS NOT NULL AS disabled, u.created_at AS "createdAt",
  COALESCE((SELECT array_agg(ct.cohort_id ORDER BY ct.cohort_id) FROM cohort_tutors ct
            WHERE ct.user_id = u.id), '{}') AS "cohortIds"`;

function likeText(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed.replace(/[\\%_]/g, (c) => `\\${c}`) : null;
}
