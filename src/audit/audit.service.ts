import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { Page, page } from '../common/pagination';
import { AuditEvent } from './audit-event.entity';
import { ListAuditQuery } from './dto/list-audit.query';

/** An audit event with who made it, for reading a record's history. */
export interface AuditTrailEvent {
  id: string;
  action: string;
  entityType: string;
  entityId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  actorId: string | null;
  actorRole: string;
  /** The actor's display name or email; null for the system or a deleted login. */
  actorName: string | null;
  createdAt: Date;
}

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string;
  before?: object | null;
  after?: object | null;
}

/**
 * Writes audit events. Call `record` with the EntityManager of the transaction that makes the
 * change, so the event commits (or rolls back) with it.
 */
@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async record(em: EntityManager, actor: Actor, entries: AuditEntry | AuditEntry[]): Promise<void> {
    const list = [entries].flat();
    if (list.length === 0) return;
    // One statement however many events (a 70-student register writes up to 70).
    await em.query(
      `INSERT INTO audit_events (actor_id, actor_role, action, entity_type, entity_id, before, after, request_id)
       SELECT $1, $2, e.action, e.entity_type, e.entity_id, e.before, e.after, $3
         FROM unnest($4::text[], $5::text[], $6::uuid[], $7::jsonb[], $8::jsonb[])
              AS e(action, entity_type, entity_id, before, after)`,
      [
        actor.userId,
        actor.role,
        actor.requestId,
        list.map((e) => e.action),
        list.map((e) => e.entityType),
        list.map((e) => e.entityId),
        list.map((e) => (e.before == null ? null : JSON.stringify(e.before))),
        list.map((e) => (e.after == null ? null : JSON.stringify(e.after))),
      ],
    );
  }

  async list(q: ListAuditQuery): Promise<Page<AuditEvent>> {
    const [items, total] = await this.dataSource.getRepository(AuditEvent).findAndCount({
      where: {
        ...(q.entityType ? { entityType: q.entityType } : {}),
        ...(q.entityId ? { entityId: q.entityId } : {}),
        ...(q.action ? { action: q.action } : {}),
      },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: q.limit,
      skip: q.offset,
    });
    return page(items, total, q);
  }

  /**
   * The events about any of these records, newest first, at most `limit` of them, with `total`
   * (all of them): one student's history across their student row, login, enrolments, results
   * and certificates. Records are named by type and id so the (entity_type, entity_id) index
   * finds them.
   */
  async trail(
    records: ReadonlyArray<{ entityType: string; entityId: string }>,
    limit = 100,
  ): Promise<{ items: AuditTrailEvent[]; total: number }> {
    if (records.length === 0) return { items: [], total: 0 };
    const rows: Array<AuditTrailEvent & { total: string }> = await this.dataSource.query(
      `SELECT a.id, a.action, a.entity_type AS "entityType", a.entity_id AS "entityId",
              a.before, a.after, a.actor_id AS "actorId", a.actor_role AS "actorRole",
              COALESCE(u.display_name, u.email) AS "actorName", a.created_at AS "createdAt",
              count(*) OVER () AS total
         FROM unnest($1::text[], $2::uuid[]) AS r(entity_type, entity_id)
         JOIN audit_events a ON a.entity_type = r.entity_type AND a.entity_id = r.entity_id
         LEFT JOIN users u ON u.id = a.actor_id
        ORDER BY a.created_at DESC, a.id
        LIMIT $3`,
      [records.map((r) => r.entityType), records.map((r) => r.entityId), limit],
    );
    return {
      items: rows.map(({ total: _t, ...e }) => e),
      total: rows[0] ? Number(rows[0].total) : 0,
    };
  }
}
